// What matching reads of a CRM record (Prepared) and of a social profile
// (ProfileView): names folded and split, handle forms, addresses, domains,
// company, place. Built once per record and per profile; the evidence rules
// (evidence_rules.h) and the blocking keys (matcher.cc) read them. Internal
// to identity/ and its tests.
#ifndef SCRM_IDENTITY_PREPARED_H_
#define SCRM_IDENTITY_PREPARED_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/customer.h"
#include "core/post.h"

namespace scrm::identity {

struct Prepared {
  CrmModule module = CrmModule::kContacts;
  std::string crm_id;
  bool alive = true;
  std::string name;  // as in the CRM, for details
  // Person names (Contacts, Leads).
  std::string given_first;                // first folded given token: "jean"
  std::string given_compact;              // "jeanpierre"
  std::string given_canonical;            // canonical of given_first
  std::string given_initials;             // "jp"
  std::string family_core;                // without particles: "fontaine"
  std::string family_full;                // with particles: "delafontaine"
  std::vector<std::string> family_parts;  // of a compound name: "martin", "dubois"
  std::string phonetic;
  // Organisation.
  std::string company_norm;
  std::vector<std::string> company_tokens;
  std::string company;
  std::string domain;                      // website domain, unless a platform host
  std::vector<std::string> urls;           // profile-like URLs found in the website field
  std::vector<std::string> email_domains;  // company domains of its addresses
  std::string city;                        // folded
  std::string country;
  struct Email {
    std::string address;
    bool opt_out;
  };
  std::vector<Email> emails;
  std::string twitter;  // handle local parts, lower case
  std::string facebook;
  bool opted_out = false;
  // Precomputed for scoring: handle forms of the name, the full-name key
  // (name rarity), whether the family name is a common one.
  std::vector<std::pair<std::string, double>> handle_forms;
  uint64_t full_name_key = 0;
  bool common_family = false;
};

inline bool IsPerson(const Prepared& c) { return c.module != CrmModule::kAccounts; }

// A CRM record as matching reads it (handle_forms and common_family
// included; full_name_key is the matcher's to set).
Prepared Prepare(const Customer& c);

// The commonest family names of France (INSEE) and England and Wales (ONS):
// sharing one says little about being the same person.
bool IsCommonFamilyName(const std::string& folded);

// Handle forms a person's name gives: "jeandupont", "jdupont", "dupontj"...,
// each with its weight.
std::vector<std::pair<std::string, double>> HandleForms(const Prepared& c);

// Tokens [b, e) of v joined, particles left out when skip_particles.
std::string Join(const std::vector<std::string>& v, size_t b, size_t e, bool skip_particles);

// A profile reduced to what matching reads.
struct ProfileView {
  const Profile* p = nullptr;
  std::vector<std::string> name_tokens;  // display name, honorifics removed
  std::string handle_local;
  std::string handle_alnum;
  std::string handle_alnum_nodigits;
  std::vector<std::string> emails;
  std::vector<std::string> domains;        // of websites, not platforms
  std::vector<std::string> email_domains;  // of non-generic addresses, not free mail
  std::vector<std::string> urls;
  std::string company;
  std::string company_norm;
  std::vector<std::string> company_tokens;
  std::vector<std::string> display_company_tokens;  // the display name read as a company
  std::vector<std::string> location_tokens;
  bool twitter = false, facebook = false;
  // Runs of up to four name tokens, a family name candidate each.
  struct Span {
    size_t b, e;
    std::string full, core, phonetic;
  };
  std::vector<Span> spans;
};

// A profile as matching reads it. The view points at p: keep p alive.
ProfileView View(const Profile& p);

}  // namespace scrm::identity

#endif  // SCRM_IDENTITY_PREPARED_H_
