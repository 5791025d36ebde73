#include "identity/prepared.h"

#include <algorithm>
#include <unordered_set>

#include "core/text.h"
#include "identity/normalize.h"
#include "identity/weights.h"

namespace scrm::identity {

namespace {

// The employer in "CTO at Acme", "Directrice commerciale chez Acme",
// "Engineer @Acme" (in a bio only the first sentence and a capitalised name).
std::string CompanyOfPosition(const std::string& text, bool bio) {
  std::string t = text;
  if (bio) {
    size_t end = t.find_first_of(".!?\n|;,(");
    if (end != std::string::npos) t.resize(end);
  }
  for (const char* sep : {" at ", " chez ", " @ ", " @", " - ", " | "}) {
    if (bio && (std::string(sep) == " - " || std::string(sep) == " | ")) continue;
    size_t at = t.find(sep);
    if (at == std::string::npos) continue;
    std::string company = Trim(t.substr(at + std::string(sep).size()));
    if (company.empty()) continue;
    if (bio && !(company[0] >= 'A' && company[0] <= 'Z') &&
        static_cast<unsigned char>(company[0]) < 0x80) {
      continue;  // "at home", "@anne@instance": not an employer
    }
    if (company.find('@') != std::string::npos) continue;
    return company;
  }
  return "";
}

}  // namespace

bool IsCommonFamilyName(const std::string& folded) {
  static const std::unordered_set<std::string> k = {
      "martin",     "bernard",  "thomas",    "petit",     "robert",   "richard",  "durand",
      "dubois",     "moreau",   "laurent",   "simon",     "michel",   "lefebvre", "leroy",
      "roux",       "david",    "bertrand",  "morel",     "fournier", "girard",   "bonnet",
      "dupont",     "lambert",  "fontaine",  "rousseau",  "vincent",  "muller",   "lefevre",
      "faure",      "andre",    "mercier",   "blanc",     "guerin",   "boyer",    "garnier",
      "chevalier",  "francois", "legrand",   "gauthier",  "garcia",   "perrin",   "robin",
      "clement",    "morin",    "nicolas",   "henry",     "roussel",  "mathieu",  "gautier",
      "masson",     "martinez", "nguyen",    "smith",     "jones",    "williams", "taylor",
      "brown",      "davies",   "evans",     "wilson",    "johnson",  "roberts",  "robinson",
      "thompson",   "wright",   "walker",    "white",     "edwards",  "hughes",   "green",
      "hall",       "lewis",    "harris",    "clarke",    "patel",    "jackson",  "wood",
      "turner",     "martin",   "cooper",    "hill",      "ward",     "morris",   "moore",
      "clark",      "lee",      "king",      "baker",     "harrison", "morgan",   "allen",
      "james",      "scott",    "phillips",  "watson",    "davis",    "parker",   "price",
      "bennett",    "young",    "griffiths", "mitchell",  "kelly",    "cook",     "carter",
      "richardson", "bailey",   "collins",   "bell",      "shaw",     "murphy",   "miller",
      "cox",        "richards", "khan",      "marshall",  "anderson", "simpson",  "ellis",
      "adams",      "singh",    "begum",     "wilkinson", "foster",   "chapman",  "powell",
      "webb",       "rogers",   "gray",      "mason",     "ali",      "hunt",     "hussain",
      "campbell",   "matthews", "owen",      "palmer",    "holmes",   "mills",    "barnes",
      "knight",     "lloyd",    "butler",    "russell",   "barker",   "fisher",   "stevens",
      "jenkins",    "murray",   "dixon",     "harvey"};
  return k.count(folded) > 0;
}

std::string Join(const std::vector<std::string>& v, size_t b, size_t e, bool skip_particles) {
  std::string out;
  for (size_t i = b; i < e; ++i) {
    if (skip_particles && IsParticle(v[i])) continue;
    out += v[i];
  }
  return out;
}

std::vector<std::pair<std::string, double>> HandleForms(const Prepared& c) {
  std::vector<std::pair<std::string, double>> out;
  if (c.family_core.empty() || c.given_first.empty()) return out;
  auto add = [&](std::string s, double w) {
    if (s.size() < 4) return;
    for (auto& [f, fw] : out) {
      if (f == s) {
        fw = std::max(fw, w);
        return;
      }
    }
    out.emplace_back(std::move(s), w);
  };
  const char gi = c.given_first[0];
  for (const std::string* fam : {&c.family_core, &c.family_full}) {
    add(c.given_first + *fam, kHandleFull);
    add(c.given_compact + *fam, kHandleFull);
    add(*fam + c.given_first, kHandleFull);
    add(std::string(1, gi) + *fam, kHandleInitial);
    add(c.given_initials + *fam, kHandleInitial);
    add(*fam + gi, kHandleInitial);
    add(c.given_first + (*fam)[0], kHandleGivenInitial);
  }
  return out;
}

Prepared Prepare(const Customer& c) {
  Prepared p;
  p.module = c.module;
  p.crm_id = c.crm_id;
  p.name = c.name.empty() ? Trim(c.first_name + " " + c.last_name) : c.name;
  if (c.module != CrmModule::kAccounts) {
    std::vector<std::string> given;
    for (std::string& t : FoldTokens(c.first_name)) {
      if (!IsHonorific(t)) given.push_back(std::move(t));
    }
    std::vector<std::string> family = FoldTokens(c.last_name);
    if (given.empty() && family.empty()) {
      // Only a display name: last token is the family name.
      std::vector<std::string> all = FoldTokens(c.name);
      if (!all.empty()) {
        family.push_back(all.back());
        all.pop_back();
        given = all;
      }
    }
    if (!given.empty()) {
      p.given_first = given[0];
      p.given_canonical = CanonicalGivenName(given[0]);
      for (const auto& g : given) {
        p.given_compact += g;
        p.given_initials += g[0];
      }
    }
    p.family_full = Join(family, 0, family.size(), false);
    p.family_core = Join(family, 0, family.size(), true);
    if (p.family_core.empty()) p.family_core = p.family_full;
    size_t cores = 0;
    for (const auto& t : family) cores += IsParticle(t) ? 0 : 1;
    if (cores > 1) {
      for (const auto& t : family) {
        if (!IsParticle(t) && t.size() >= 2) p.family_parts.push_back(t);
      }
    }
    p.phonetic = PhoneticKey(p.family_core);
    p.company = c.company;
  } else {
    p.company = c.name;
  }
  p.company_tokens = CompanyTokens(p.company);
  for (const auto& t : p.company_tokens) p.company_norm += t;
  if (!c.website_domain.empty() && !IsPlatformHost(c.website_domain)) p.domain = c.website_domain;
  // The website field sometimes holds a profile URL (linkedin.com/in/..., a Mastodon page).
  for (const std::string& w : Split(c.website, ' ')) {
    std::string u = NormalizeUrl(w);
    if (!u.empty() && u.find('/') != std::string::npos) p.urls.push_back(u);
  }
  p.city = FoldCompact(c.city);
  p.country = FoldCompact(c.country);
  for (const CustomerEmail& e : c.emails) {
    if (e.address.empty()) continue;
    p.emails.push_back({e.address, e.opt_out});
    p.opted_out = p.opted_out || e.opt_out;
    std::string d = EmailDomain(e.address);
    if (!d.empty() && !IsFreeMailDomain(d) &&
        std::find(p.email_domains.begin(), p.email_domains.end(), d) == p.email_domains.end()) {
      p.email_domains.push_back(d);
    }
  }
  p.twitter = HandleLocal(c.twitter);
  p.facebook = HandleLocal(c.facebook);
  p.handle_forms = HandleForms(p);
  p.common_family = IsCommonFamilyName(p.family_core);
  return p;
}

ProfileView View(const Profile& p) {
  ProfileView v;
  v.p = &p;
  std::string display = p.display_name;
  // "Jean Dupont (Acme)", "Jean Dupont | CTO": the name comes first.
  size_t cut = display.find_first_of("(|,[");
  if (cut != std::string::npos && cut > 0) display.resize(cut);
  for (std::string& t : FoldTokens(display)) {
    if (!IsHonorific(t)) v.name_tokens.push_back(std::move(t));
  }
  v.handle_local = HandleLocal(p.handle);
  v.handle_alnum = HandleAlnum(p.handle);
  v.handle_alnum_nodigits = HandleAlnum(p.handle, true);
  if (v.handle_alnum.empty() && !p.url.empty()) {
    v.handle_local = HandleLocal(p.url);
    v.handle_alnum = HandleAlnum(p.url);
    v.handle_alnum_nodigits = HandleAlnum(p.url, true);
  }
  const std::string platform = ToLowerAscii(p.platform);
  v.twitter = platform == "twitter" || platform == "x";
  v.facebook = platform == "facebook";
  for (const std::string& e : p.emails) {
    std::string n = NormalizeEmail(e);
    if (!n.empty() && std::find(v.emails.begin(), v.emails.end(), n) == v.emails.end()) {
      v.emails.push_back(n);
    }
  }
  for (std::string& e : ExtractEmails(p.bio)) {
    if (std::find(v.emails.begin(), v.emails.end(), e) == v.emails.end()) v.emails.push_back(e);
  }
  for (const std::string& e : v.emails) {
    std::string d = EmailDomain(e);
    if (!IsFreeMailDomain(d) && !IsGenericLocalPart(EmailLocal(e)) &&
        std::find(v.email_domains.begin(), v.email_domains.end(), d) == v.email_domains.end()) {
      v.email_domains.push_back(d);
    }
  }
  for (const std::string& w : p.websites) {
    std::string d = WebsiteDomain(w);
    if (!d.empty() && !IsPlatformHost(d) &&
        std::find(v.domains.begin(), v.domains.end(), d) == v.domains.end()) {
      v.domains.push_back(d);
    }
    std::string u = NormalizeUrl(w);
    if (!u.empty()) v.urls.push_back(u);
  }
  for (const std::string* s : {&p.url, &p.external_id}) {
    std::string u = NormalizeUrl(*s);
    if (!u.empty() && std::find(v.urls.begin(), v.urls.end(), u) == v.urls.end())
      v.urls.push_back(u);
  }
  v.company = p.company;
  if (v.company.empty()) v.company = CompanyOfPosition(p.position, false);
  if (v.company.empty()) v.company = CompanyOfPosition(p.bio, true);
  v.location_tokens = FoldTokens(p.location);
  v.company_tokens = CompanyTokens(v.company);
  for (const auto& t : v.company_tokens) v.company_norm += t;
  v.display_company_tokens = CompanyTokens(p.display_name);
  const auto& t = v.name_tokens;
  for (size_t b = 0; b < t.size(); ++b) {
    for (size_t e = b + 1; e <= t.size() && e - b <= 4; ++e) {
      ProfileView::Span sp{b, e, Join(t, b, e, false), Join(t, b, e, true), ""};
      if (sp.core.size() >= 5) sp.phonetic = PhoneticKey(sp.core);
      v.spans.push_back(std::move(sp));
    }
  }
  return v;
}

}  // namespace scrm::identity
