// The evidence rules of matching, one function each, so that each can be read
// and tested on its own (tests/identity/evidence_rules_test.cc). Each takes a
// CRM record and a profile as matching reads them (prepared.h) and returns
// the evidence it finds, in bits (weights.h), with the phrases that say it;
// Matcher::ScoreAll adds them to the prior. Pure.
#ifndef SCRM_IDENTITY_EVIDENCE_RULES_H_
#define SCRM_IDENTITY_EVIDENCE_RULES_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "identity/matcher.h"
#include "identity/prepared.h"

namespace scrm::identity {

// A piece of evidence whose English detail is what its phrases say.
Evidence Said(const char* kind, std::vector<Phrase> phrases, double weight);

// The first of the record's addresses that the profile shows: personal,
// shared by several records (holders(address) > 1) or a role address
// (info@: a team's, unless the record is an account). *opted_out is set when
// that address is opted out.
std::vector<Evidence> EmailEvidence(const Prepared& c, const ProfileView& v,
                                    const std::function<size_t(const std::string&)>& holders,
                                    bool* opted_out);

// The handle or profile URL the CRM records: the same one on the profile's
// platform, another one there (against), the same handle elsewhere.
std::vector<Evidence> CrmHandleEvidence(const Prepared& c, const ProfileView& v);

// Company: website domain, e-mail domain, company name (or a conflicting
// one). Agreeing pieces say one fact: together capped (kCompanyGroupCap).
std::vector<Evidence> CompanyEvidence(const Prepared& c, const ProfileView& v);

// A person's name against the display name and the handle, less the name's
// rarity: same_name records (other companies) share the full name, and a
// common family name says less. The married-name rule (same given name at
// the same company) when neither matches.
std::vector<Evidence> PersonNameEvidence(const Prepared& c, const ProfileView& v, size_t same_name);

// An account: the profile is the organisation's own when its name is the
// account's.
std::vector<Evidence> AccountNameEvidence(const Prepared& c, const ProfileView& v);

// The profile's location names the record's city, else its country.
std::vector<Evidence> PlaceEvidence(const Prepared& c, const ProfileView& v);

// Whether some evidence beyond names, handles and places weighs 2 bits or
// more (Proposal::anchored): without it, never an automatic link.
bool Anchored(const std::vector<Evidence>& evidence);

}  // namespace scrm::identity

#endif  // SCRM_IDENTITY_EVIDENCE_RULES_H_
