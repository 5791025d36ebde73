#include "core/customer.h"

#include "core/hash.h"

namespace scrm {

const char* CrmModuleName(CrmModule m) {
  switch (m) {
    case CrmModule::kContacts: return "Contacts";
    case CrmModule::kLeads: return "Leads";
    case CrmModule::kAccounts: return "Accounts";
  }
  return "Contacts";
}

std::optional<CrmModule> ParseCrmModule(const std::string& name) {
  if (name == "Contacts") return CrmModule::kContacts;
  if (name == "Leads") return CrmModule::kLeads;
  if (name == "Accounts") return CrmModule::kAccounts;
  return std::nullopt;
}

std::optional<std::pair<CrmModule, std::string>> ParseCustomerRef(const std::string& ref) {
  const size_t slash = ref.find('/');
  if (slash == std::string::npos || slash + 1 >= ref.size()) return std::nullopt;
  std::optional<CrmModule> module = ParseCrmModule(ref.substr(0, slash));
  if (!module) return std::nullopt;
  return std::make_pair(*module, ref.substr(slash + 1));
}


std::string Customer::Fingerprint() const {
  Fnv64 f;
  for (const std::string* s : {&crm_id, &first_name, &last_name, &name, &title, &company, &city,
                               &country, &website, &website_domain, &owner_id, &owner_name,
                               &twitter, &facebook, &date_modified}) {
    f.Add(*s);
  }
  for (const CustomerEmail& e : emails) {
    f.Add(e.address);
    f.Add(e.primary);
    f.Add(e.opt_out);
  }
  for (const std::string& a : account_ids) f.Add(a);
  return f.Hex();
}

}  // namespace scrm
