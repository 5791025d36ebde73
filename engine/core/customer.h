// Customer: the engine's read-only view of one CRM record (a SuiteCRM
// Contact, Lead or Account), as crm sync builds it and the engine stores it
// in scrm_customers. It is a copy: the CRM's own tables stay the truth.
#ifndef SCRM_CORE_CUSTOMER_H_
#define SCRM_CORE_CUSTOMER_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace scrm {

enum class CrmModule { kContacts, kLeads, kAccounts };

// "Contacts", "Leads", "Accounts": the names SuiteCRM uses in bean_module.
const char* CrmModuleName(CrmModule m);
std::optional<CrmModule> ParseCrmModule(const std::string& name);
// "Contacts/ID", "Leads/ID" or "Accounts/ID" (ID not empty); nullopt otherwise.
std::optional<std::pair<CrmModule, std::string>> ParseCustomerRef(const std::string& ref);

struct CustomerEmail {
  std::string address;  // trimmed, lower-cased
  bool primary = false;
  bool opt_out = false;  // never used for automatic linking (privacy by design)
};

struct Customer {
  CrmModule module = CrmModule::kContacts;
  std::string crm_id;  // char(36) id of the CRM record
  // Person fields (Contacts, Leads); for Accounts, name holds the company name.
  std::string first_name;
  std::string last_name;
  std::string name;  // display name: "First Last" or the account's name
  std::string title;
  std::string company;  // account name (Contacts: first account; Leads: account_name)
  std::string city;
  std::string country;
  std::string website;         // as typed in the CRM
  std::string website_domain;  // "example.co.uk", from website
  std::string owner_id;        // assigned_user_id
  std::string owner_name;      // the assigned user's user_name
  std::string twitter;         // twitter_user_c, when the custom column exists
  std::string facebook;        // facebook_user_c, likewise
  std::string date_modified;   // UTC "YYYY-MM-DD HH:MM:SS", from the CRM
  std::vector<CustomerEmail> emails;     // primary first; invalid ones left out
  std::vector<std::string> account_ids;  // Contacts: accounts they belong to

  // A stable hash of every synced field: a changed fingerprint means the
  // stored copy must be rewritten. Hex, 16 characters.
  std::string Fingerprint() const;
};

}  // namespace scrm

#endif  // SCRM_CORE_CUSTOMER_H_
