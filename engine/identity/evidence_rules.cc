#include "identity/evidence_rules.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "identity/normalize.h"
#include "identity/weights.h"

namespace scrm::identity {

namespace {

enum class GivenMatch { kNone, kExact, kNickname, kTypo, kInitial, kAbsent, kConflict };

GivenMatch CompareGiven(const Prepared& c, const std::vector<std::string>& rest) {
  if (rest.empty()) return GivenMatch::kAbsent;
  if (c.given_first.empty()) return GivenMatch::kAbsent;
  std::string compact;
  for (const auto& r : rest) compact += r;
  GivenMatch best = GivenMatch::kConflict;
  if (compact == c.given_compact) return GivenMatch::kExact;
  for (const auto& r : rest) {
    if (r == c.given_first || r == c.given_compact) return GivenMatch::kExact;
    if (r.size() > 1 && CanonicalGivenName(r) == c.given_canonical) best = GivenMatch::kNickname;
    if (best == GivenMatch::kConflict &&
        ((r.size() == 1 && r[0] == c.given_first[0]) || r == c.given_initials)) {
      best = GivenMatch::kInitial;
    }
  }
  if (best == GivenMatch::kConflict && compact.size() >= 5 &&
      WithinOneEdit(compact, c.given_compact)) {
    best = GivenMatch::kTypo;  // a typo in the first name, or Françoise/François
  }
  return best;
}

struct NameResult {
  double weight = 0;
  Phrase phrase;
  bool matched = false;  // the family name was found
};

NameResult CompareName(const Prepared& c, const ProfileView& v, const std::string& display) {
  NameResult best;
  const std::vector<std::string>& t = v.name_tokens;
  if (c.family_core.empty() || t.empty()) return best;
  for (const ProfileView::Span& span : v.spans) {
    {
      const size_t b = span.b, e = span.e;
      const std::string& full = span.full;
      const std::string& core = span.core;
      bool exact = full == c.family_full || core == c.family_core || full == c.family_core;
      bool part = false, typo = false;
      if (!exact && e - b == 1) {
        part =
            std::find(c.family_parts.begin(), c.family_parts.end(), core) != c.family_parts.end();
        typo = !part && core.size() >= 4 &&
               (WithinOneEdit(core, c.family_core) || WithinOneEdit(core, c.family_full) ||
                (core.size() >= 5 && span.phonetic == c.phonetic));
      }
      if (!exact && !part && !typo) continue;
      std::vector<std::string> rest;
      for (size_t k = 0; k < t.size(); ++k) {
        if ((k < b || k >= e) && !(IsParticle(t[k]) && t[k].size() > 1)) rest.push_back(t[k]);
      }
      GivenMatch g = CompareGiven(c, rest);
      NameResult r;
      r.matched = true;
      const std::map<std::string, std::string> names = {{"profile_name", display},
                                                        {"crm_name", c.name}};
      if (exact || part) {
        switch (g) {
          case GivenMatch::kExact:
            r.weight = part ? kNameFull - 1.5 : kNameFull;
            r.phrase = {part ? "name_part" : "name_same", names};
            break;
          case GivenMatch::kNickname:
            r.weight = kNameNickname;
            r.phrase = {"name_nickname", names};
            break;
          case GivenMatch::kTypo:
            r.weight = kNameInitial;
            r.phrase = {"name_given_typo", names};
            break;
          case GivenMatch::kInitial:
            r.weight = kNameInitial;
            r.phrase = {"name_initial", names};
            break;
          case GivenMatch::kAbsent:
            r.weight = kNameFamilyOnly;
            r.phrase = {"name_family_only", names};
            break;
          default:
            r.weight = kNameConflict;
            r.phrase = {"name_other_given", names};
        }
      } else {
        switch (g) {
          case GivenMatch::kExact:
            r.weight = kNameTypoFull;
            break;
          case GivenMatch::kNickname:
            r.weight = kNameTypoNickname;
            break;
          case GivenMatch::kTypo:
          case GivenMatch::kInitial:
            r.weight = kNameTypoInitial;
            break;
          default:
            continue;
        }
        r.phrase = {"name_similar", names};
      }
      if (!best.matched || r.weight > best.weight) best = r;
    }
  }
  return best;
}

bool HasToken(const std::vector<std::string>& tokens, const std::string& compact) {
  if (compact.empty()) return false;
  // A run of tokens equal to the compact form: "saint etienne" = "saintetienne".
  for (size_t b = 0; b < tokens.size(); ++b) {
    std::string run;
    for (size_t e = b; e < tokens.size() && run.size() < compact.size(); ++e) {
      run += tokens[e];
      if (run == compact) return true;
    }
  }
  return false;
}

bool CountryMatches(const std::vector<std::string>& tokens, const std::string& country) {
  if (country.empty()) return false;
  if (HasToken(tokens, country)) return true;
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kAliases = {
      {"france", {"fr", "francia"}},
      {"unitedkingdom", {"uk", "gb", "england", "scotland", "wales", "london"}},
      {"uk", {"unitedkingdom", "england", "scotland", "wales", "london"}},
      {"unitedstates", {"usa", "us", "unitedstatesofamerica"}},
      {"usa", {"us", "unitedstates"}},
      {"belgium", {"belgique", "be"}},
      {"belgique", {"belgium", "be"}},
      {"switzerland", {"suisse", "ch", "schweiz"}},
      {"suisse", {"switzerland", "ch"}},
      {"germany", {"allemagne", "deutschland", "de"}},
      {"allemagne", {"germany", "deutschland"}},
  };
  for (const auto& [name, aliases] : kAliases) {
    if (name != country) continue;
    for (const auto& a : aliases) {
      if (HasToken(tokens, a)) return true;
    }
  }
  return false;
}

}  // namespace

// A piece of evidence whose English detail is what its phrases say.
Evidence Said(const char* kind, std::vector<Phrase> phrases, double weight) {
  Evidence e;
  e.kind = kind;
  e.detail = English(phrases);
  e.weight = weight;
  e.phrases = std::move(phrases);
  return e;
}

std::vector<Evidence> EmailEvidence(const Prepared& c, const ProfileView& v,
                                    const std::function<size_t(const std::string&)>& holders,
                                    bool* opted_out) {
  for (const auto& ce : c.emails) {
    if (std::find(v.emails.begin(), v.emails.end(), ce.address) == v.emails.end()) continue;
    const std::string local = EmailLocal(ce.address);
    const size_t holding = holders(ce.address);
    std::vector<Phrase> said;
    double w = kEmailPersonal;
    if (IsGenericLocalPart(local)) {
      said = {
          {IsPerson(c) ? "email_role_person" : "email_role_account", {{"address", ce.address}}}};
      w = IsPerson(c) ? kEmailGenericPerson : kEmailGenericAccount;
    } else if (holding > 1) {
      said = {{"email_shared", {{"address", ce.address}, {"count", std::to_string(holding)}}}};
      w = kEmailShared;
    } else {
      said = {{"email_personal", {{"address", ce.address}}}};
    }
    if (ce.opt_out) said.push_back({"note_opted_out", {}});
    if (ce.opt_out) *opted_out = true;
    return {Said("email", std::move(said), w)};  // one address says it; more add little
  }
  return {};
}

std::vector<Evidence> CrmHandleEvidence(const Prepared& c, const ProfileView& v) {
  std::vector<Evidence> out;
  const std::string& crm_handle = v.twitter ? c.twitter : v.facebook ? c.facebook : c.twitter;
  if ((v.twitter || v.facebook) && !crm_handle.empty()) {
    const bool same = crm_handle == v.handle_local;
    out.push_back(
        Said("crm_handle",
             {{same ? "crm_handle_same" : "crm_handle_other",
               {{"platform", v.twitter ? "Twitter/X" : "Facebook"}, {"handle", crm_handle}}}},
             same ? kCrmHandle : kCrmHandleOther));
  } else if (!v.handle_local.empty() &&
             (v.handle_local == c.twitter || v.handle_local == c.facebook)) {
    out.push_back(Said("crm_handle_elsewhere",
                       {{"crm_handle_elsewhere", {{"handle", v.handle_local}}}},
                       kCrmHandleElsewhere));
  }
  for (const auto& u : c.urls) {
    if (std::find(v.urls.begin(), v.urls.end(), u) != v.urls.end()) {
      out.push_back(Said("crm_url", {{"crm_url", {{"url", u}}}}, kCrmUrl));
      break;
    }
  }
  return out;
}

std::vector<Evidence> CompanyEvidence(const Prepared& c, const ProfileView& v) {
  std::vector<Evidence> company_ev;
  if (!c.domain.empty() &&
      std::find(v.domains.begin(), v.domains.end(), c.domain) != v.domains.end()) {
    company_ev.push_back(Said("domain",
                              {{IsPerson(c) ? "domain_record_website" : "domain_account_website",
                                {{"domain", c.domain}}}},
                              IsPerson(c) ? kDomainPerson : kDomainAccount));
  } else {
    for (const auto& d : v.domains) {
      if (std::find(c.email_domains.begin(), c.email_domains.end(), d) != c.email_domains.end()) {
        company_ev.push_back(Said("domain", {{"domain_record_email", {{"domain", d}}}},
                                  IsPerson(c) ? kDomainPerson : kDomainAccount));
        break;
      }
    }
  }
  for (const auto& d : v.email_domains) {
    bool same = d == c.domain || std::find(c.email_domains.begin(), c.email_domains.end(), d) !=
                                     c.email_domains.end();
    if (same) {
      company_ev.push_back(
          Said("email_domain", {{"email_domain", {{"domain", d}}}}, kEmailDomainCompany));
      break;
    }
  }
  if (IsPerson(c) && !v.company.empty() && !c.company.empty()) {
    const std::map<std::string, std::string> companies = {{"company", v.company},
                                                          {"crm_company", c.company}};
    if (v.company_norm == c.company_norm) {
      company_ev.push_back(Said("company", {{"company_same", companies}}, kCompanyPerson));
    } else if (CompanyTokensMatch(v.company_tokens, c.company_tokens)) {
      company_ev.push_back(
          Said("company_fuzzy", {{"company_fuzzy", companies}}, kCompanyPersonFuzzy));
    } else {
      company_ev.push_back(Said("company", {{"company_other", companies}}, kCompanyConflict));
    }
  }
  double company_bits = 0;
  for (const auto& e : company_ev) company_bits += e.weight;
  const double cap = IsPerson(c) ? kCompanyGroupCap : kCompanyGroupCapAccount;
  if (company_bits > cap) {
    // Agreeing company evidence is one fact said several ways: scale it down.
    const double f = cap / company_bits;
    for (auto& e : company_ev) {
      if (e.weight > 0) e.weight *= f;
    }
  }
  return company_ev;
}

std::vector<Evidence> PersonNameEvidence(const Prepared& c, const ProfileView& v,
                                         size_t same_name) {
  std::vector<Evidence> out;
  auto add = [&out](const char* kind, std::vector<Phrase> phrases, double w) {
    out.push_back(Said(kind, std::move(phrases), w));
  };
  NameResult name = CompareName(c, v, v.p->display_name);
  double handle_w = 0;
  if (!v.handle_alnum.empty()) {
    for (const auto& [form, w] : c.handle_forms) {
      if (w > handle_w && (form == v.handle_alnum || form == v.handle_alnum_nodigits)) handle_w = w;
    }
  }
  // The rarer the name in the CRM, the more it says.
  double rarity = std::min(kRarityCapBits, std::log2(static_cast<double>(same_name)));
  std::vector<Phrase> rarity_notes;
  if (same_name > 1)
    rarity_notes.push_back({"note_same_name", {{"count", std::to_string(same_name)}}});
  if (c.common_family) {
    rarity -= kCommonFamily;
    rarity_notes.push_back({"note_common_family", {}});
  }
  // The phrase, then the notes on the name's rarity.
  auto noted = [&rarity_notes](Phrase p) {
    std::vector<Phrase> notes = {std::move(p)};
    notes.insert(notes.end(), rarity_notes.begin(), rarity_notes.end());
    return notes;
  };
  const Phrase built = {"handle_from_name", {{"handle", v.handle_local}, {"crm_name", c.name}}};
  if (name.matched && name.weight > 0 && handle_w > name.weight) {
    // The handle says more than the name shown ("J. Dupont", @jean_dupont).
    add("handle", noted(built), handle_w - rarity);
    add("name", {name.phrase}, kHandleCorroborates);
  } else if (name.matched && name.weight > 0) {
    add("name", noted(name.phrase), name.weight - rarity);
    if (handle_w > 0) {
      add("handle", {{"handle_agrees", {{"handle", v.handle_local}}}}, kHandleCorroborates);
    }
  } else if (name.matched) {
    add("name", {name.phrase}, name.weight);
  } else if (handle_w > 0) {
    add("handle", noted(built), handle_w - rarity);
  } else if (!c.given_canonical.empty() && !v.company.empty() && !c.company.empty() &&
             CompanyTokensMatch(v.company_tokens, c.company_tokens)) {
    for (const auto& t : v.name_tokens) {
      if (CanonicalGivenName(t) == c.given_canonical) {
        add("name", {{"name_married", {{"given", t}}}}, kGivenWithCompany);
        break;
      }
    }
  }
  return out;
}

std::vector<Evidence> AccountNameEvidence(const Prepared& c, const ProfileView& v) {
  const std::string& display = v.p->display_name;
  if (display.empty() || !CompanyTokensMatch(v.display_company_tokens, c.company_tokens)) return {};
  return {Said("name", {{"name_account", {{"profile_name", display}, {"crm_name", c.company}}}},
               kAccountName)};
}

std::vector<Evidence> PlaceEvidence(const Prepared& c, const ProfileView& v) {
  if (v.location_tokens.empty()) return {};
  const std::string& location = v.p->location;
  if (!c.city.empty() && HasToken(v.location_tokens, c.city)) {
    return {Said("location", {{"location_city", {{"location", location}}}}, kCity)};
  }
  if (CountryMatches(v.location_tokens, c.country)) {
    return {Said("location", {{"location_country", {{"location", location}}}}, kCountry)};
  }
  return {};
}

bool Anchored(const std::vector<Evidence>& evidence) {
  for (const auto& e : evidence) {
    const bool anchor_kind = e.kind == "email" || e.kind == "crm_handle" || e.kind == "crm_url" ||
                             e.kind == "domain" || e.kind == "email_domain" || e.kind == "company";
    if (anchor_kind && e.weight >= 2) return true;
  }
  return false;
}

}  // namespace scrm::identity
