#include "identity/matcher.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <unordered_set>

#include "core/hash.h"
#include "core/text.h"
#include "identity/normalize.h"

namespace scrm::identity {

namespace {

// Evidence weights, in bits (log2 of how much likelier the evidence is for
// the same person than for two different ones). docs/identity.md explains
// each; tests/identity/evaluation_test.cc measures the result.
constexpr double kEmailPersonal = 14;   // same personal address
constexpr double kEmailShared = 4;      // same address, held by several CRM records
constexpr double kEmailGenericPerson = 1;  // info@...: a team's, not a person's
constexpr double kEmailGenericAccount = 8;  // ...but it is the company's own
constexpr double kCrmHandle = 14;       // the CRM records this very handle/profile
constexpr double kCrmHandleElsewhere = 3;  // same handle, another platform
constexpr double kCrmHandleOther = -3;  // the CRM records another handle there
constexpr double kCrmUrl = 14;
constexpr double kDomainAccount = 5;
constexpr double kDomainPerson = 3;
constexpr double kEmailDomainCompany = 2.5;
constexpr double kCompanyPerson = 3;
constexpr double kCompanyPersonFuzzy = 2;  // "Acme" / "Acme Industries": often, not always, one company
constexpr double kCompanyConflict = -1;  // people change jobs; the CRM lags
constexpr double kCompanyGroupCap = 4;  // company, e-mail domain, website say one thing
constexpr double kCompanyGroupCapAccount = 6;
constexpr double kAccountName = 7.5;
constexpr double kNameFull = 7;
constexpr double kNameNickname = 6;
constexpr double kNameInitial = 4;
constexpr double kNameFamilyOnly = 2;
constexpr double kNameTypoFull = 6;
constexpr double kNameTypoNickname = 4;
constexpr double kNameTypoInitial = 2;
constexpr double kNameConflict = -5;
constexpr double kHandleFull = 6;      // jeandupont, jean_dupont, dupont.jean
constexpr double kHandleInitial = 4;   // jdupont, dupontj
constexpr double kHandleGivenInitial = 3;  // jeand
constexpr double kHandleCorroborates = 2;  // handle agrees with the name already counted
constexpr double kGivenWithCompany = 4;  // same first name at the same (small) company: married names
constexpr double kCity = 1.5;
constexpr double kCountry = 0.5;
constexpr double kRarityCapBits = 4;  // a full name shared by 16+ records is worth 4 bits less
constexpr double kCommonFamily = -1.5;  // Martin, Smith...: many people outside the CRM have it

// Block key kinds and the largest block still used for candidates.
enum KeyKind : char {
  kEmail = 'E', kHandle = 'H', kUrl = 'U', kDomain = 'D', kFamilyInitial = 'N',
  kFamily = 'S', kPhonetic = 'P', kCompany = 'C', kGivenCompany = 'G',
  kFullName = 'F',  // counted (name rarity), never used for blocking
  kTypoBlock = 'R'};  // given name + first or last four letters of the family name: typos

size_t BlockCap(char kind) {
  switch (kind) {
    case kEmail: return 50;
    case kHandle: return 50;
    case kUrl: return 20;
    case kDomain: return 50;
    case kFamilyInitial: return 100;
    case kFamily: return 30;
    case kPhonetic: return 30;
    case kCompany: return 20;
    case kGivenCompany: return 30;
    case kFullName: return 0;
    case kTypoBlock: return 30;
  }
  return 0;
}

uint64_t KeyHash(char kind, std::string_view key) {
  Fnv64 h;
  h.Add(std::string_view(&kind, 1)).Add(key);
  return h.value();
}

// A piece of evidence whose English detail is what its phrases say.
Evidence Said(const char* kind, std::vector<Phrase> phrases, double weight) {
  Evidence e;
  e.kind = kind;
  e.detail = English(phrases);
  e.weight = weight;
  e.phrases = std::move(phrases);
  return e;
}

struct Prepared {
  CrmModule module = CrmModule::kContacts;
  std::string crm_id;
  bool alive = true;
  std::string name;  // as in the CRM, for details
  // Person names (Contacts, Leads).
  std::string given_first;     // first folded given token: "jean"
  std::string given_compact;   // "jeanpierre"
  std::string given_canonical;  // canonical of given_first
  std::string given_initials;  // "jp"
  std::string family_core;     // without particles: "fontaine"
  std::string family_full;     // with particles: "delafontaine"
  std::vector<std::string> family_parts;  // of a compound name: "martin", "dubois"
  std::string phonetic;
  // Organisation.
  std::string company_norm;
  std::vector<std::string> company_tokens;
  std::string company;
  std::string domain;  // website domain, unless a platform host
  std::vector<std::string> urls;  // profile-like URLs found in the website field
  std::vector<std::string> email_domains;  // company domains of its addresses
  std::string city;  // folded
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

bool IsPerson(const Prepared& c) { return c.module != CrmModule::kAccounts; }

// The commonest family names of France (INSEE) and England and Wales (ONS):
// sharing one says little about being the same person.
bool IsCommonFamilyName(const std::string& folded) {
  static const std::unordered_set<std::string> k = {
      "martin", "bernard", "thomas", "petit", "robert", "richard", "durand", "dubois", "moreau",
      "laurent", "simon", "michel", "lefebvre", "leroy", "roux", "david", "bertrand", "morel",
      "fournier", "girard", "bonnet", "dupont", "lambert", "fontaine", "rousseau", "vincent",
      "muller", "lefevre", "faure", "andre", "mercier", "blanc", "guerin", "boyer", "garnier",
      "chevalier", "francois", "legrand", "gauthier", "garcia", "perrin", "robin", "clement",
      "morin", "nicolas", "henry", "roussel", "mathieu", "gautier", "masson", "martinez", "nguyen",
      "smith", "jones", "williams", "taylor", "brown", "davies", "evans", "wilson", "johnson",
      "roberts", "robinson", "thompson", "wright", "walker", "white", "edwards", "hughes", "green",
      "hall", "lewis", "harris", "clarke", "patel", "jackson", "wood", "turner", "martin", "cooper",
      "hill", "ward", "morris", "moore", "clark", "lee", "king", "baker", "harrison", "morgan",
      "allen", "james", "scott", "phillips", "watson", "davis", "parker", "price", "bennett",
      "young", "griffiths", "mitchell", "kelly", "cook", "carter", "richardson", "bailey",
      "collins", "bell", "shaw", "murphy", "miller", "cox", "richards", "khan", "marshall",
      "anderson", "simpson", "ellis", "adams", "singh", "begum", "wilkinson", "foster", "chapman",
      "powell", "webb", "rogers", "gray", "mason", "ali", "hunt", "hussain", "campbell",
      "matthews", "owen", "palmer", "holmes", "mills", "barnes", "knight", "lloyd", "butler",
      "russell", "barker", "fisher", "stevens", "jenkins", "murray", "dixon", "harvey"};
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
  return p;
}

// Handle forms a person's name gives: "jeandupont", "jdupont", "dupontj"...
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

struct Keyed {
  char kind;
  std::string key;
};

// The keys sorted, each once.
std::vector<Keyed> Distinct(std::vector<Keyed> keys) {
  std::sort(keys.begin(), keys.end(), [](const Keyed& a, const Keyed& b) {
    return a.kind != b.kind ? a.kind < b.kind : a.key < b.key;
  });
  keys.erase(std::unique(keys.begin(), keys.end(),
                         [](const Keyed& a, const Keyed& b) {
                           return a.kind == b.kind && a.key == b.key;
                         }),
             keys.end());
  return keys;
}

std::vector<Keyed> CustomerKeys(const Prepared& c) {
  std::vector<Keyed> keys;
  for (const auto& e : c.emails) keys.push_back({kEmail, e.address});
  if (!c.twitter.empty()) keys.push_back({kHandle, HandleAlnum(c.twitter)});
  if (!c.facebook.empty()) keys.push_back({kHandle, HandleAlnum(c.facebook)});
  for (const auto& u : c.urls) keys.push_back({kUrl, u});
  if (!c.domain.empty() && !IsPerson(c)) keys.push_back({kDomain, c.domain});
  if (IsPerson(c)) {
    for (const auto& [form, w] : HandleForms(c)) keys.push_back({kHandle, form});
    if (!c.family_core.empty()) {
      const std::string initial = c.given_canonical.empty() ? "" : c.given_canonical.substr(0, 1);
      const std::string raw_initial = c.given_first.empty() ? "" : c.given_first.substr(0, 1);
      for (const std::string* fam : {&c.family_core, &c.family_full}) {
        keys.push_back({kFamilyInitial, *fam + '|' + initial});
        if (raw_initial != initial) keys.push_back({kFamilyInitial, *fam + '|' + raw_initial});
      }
      for (const auto& part : c.family_parts) keys.push_back({kFamilyInitial, part + '|' + initial});
      keys.push_back({kFamily, c.family_core});
      keys.push_back({kPhonetic, c.phonetic + '|' + initial});
      keys.push_back({kFullName, c.family_core + '|' + c.given_canonical});
      if (c.family_core.size() >= 5 && !c.given_canonical.empty()) {
        keys.push_back({kTypoBlock, c.family_core.substr(0, 4) + "<|" + c.given_canonical});
        keys.push_back({kTypoBlock, c.family_core.substr(c.family_core.size() - 4) + ">|" + c.given_canonical});
      }
    }
    if (!c.given_canonical.empty() && !c.company_norm.empty()) {
      keys.push_back({kGivenCompany, c.given_canonical + '|' + c.company_norm});
    }
  } else if (!c.company_norm.empty()) {
    keys.push_back({kCompany, c.company_norm});
  }
  return Distinct(std::move(keys));
}

// A profile reduced to what matching reads.
struct ProfileView {
  const Profile* p = nullptr;
  std::vector<std::string> name_tokens;  // display name, honorifics removed
  std::string handle_local;
  std::string handle_alnum;
  std::string handle_alnum_nodigits;
  std::vector<std::string> emails;
  std::vector<std::string> domains;  // of websites, not platforms
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
    if (!u.empty() && std::find(v.urls.begin(), v.urls.end(), u) == v.urls.end()) v.urls.push_back(u);
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

std::vector<Keyed> ProfileKeys(const ProfileView& v) {
  std::vector<Keyed> keys;
  for (const auto& e : v.emails) keys.push_back({kEmail, e});
  if (!v.handle_alnum.empty()) keys.push_back({kHandle, v.handle_alnum});
  if (v.handle_alnum_nodigits != v.handle_alnum && !v.handle_alnum_nodigits.empty()) {
    keys.push_back({kHandle, v.handle_alnum_nodigits});
  }
  for (const auto& u : v.urls) keys.push_back({kUrl, u});
  for (const auto& d : v.domains) keys.push_back({kDomain, d});
  for (const auto& d : v.email_domains) keys.push_back({kDomain, d});
  const auto& t = v.name_tokens;
  // Family name: any run of up to four tokens (particles included or not);
  // given name: the first token outside the run.
  for (size_t b = 0; b < t.size(); ++b) {
    for (size_t e = b + 1; e <= t.size() && e - b <= 4; ++e) {
      std::string full = Join(t, b, e, false), core = Join(t, b, e, true);
      if (core.size() < 2) continue;
      std::vector<std::string> initials;
      for (size_t k = 0; k < t.size(); ++k) {
        if (k >= b && k < e) continue;
        if (IsParticle(t[k]) && t[k].size() > 1) continue;
        initials.push_back(CanonicalGivenName(t[k]).substr(0, 1));
        initials.push_back(t[k].substr(0, 1));
      }
      for (const std::string* fam : {&full, &core}) {
        for (const auto& i : initials) keys.push_back({kFamilyInitial, *fam + '|' + i});
        if (e - b == 1 || fam == &core) keys.push_back({kFamily, *fam});
      }
      if (e - b <= 2) {
        std::string ph = PhoneticKey(core);
        for (const auto& i : initials) keys.push_back({kPhonetic, ph + '|' + i});
      }
      if (core.size() >= 4) {
        for (size_t k = 0; k < t.size(); ++k) {
          if ((k >= b && k < e) || t[k].size() < 2) continue;
          const std::string g = CanonicalGivenName(t[k]);
          keys.push_back({kTypoBlock, core.substr(0, 4) + "<|" + g});
          keys.push_back({kTypoBlock, core.substr(core.size() - 4) + ">|" + g});
        }
      }
    }
  }
  if (!v.p->display_name.empty()) {
    std::string c = NormalizeCompany(v.p->display_name);
    if (!c.empty()) keys.push_back({kCompany, c});
  }
  if (!v.company.empty() && !t.empty()) {
    std::string c = NormalizeCompany(v.company);
    if (!c.empty()) {
      for (const auto& tok : t) keys.push_back({kGivenCompany, CanonicalGivenName(tok) + '|' + c});
    }
  }
  return Distinct(std::move(keys));
}

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
  if (best == GivenMatch::kConflict && compact.size() >= 5 && WithinOneEdit(compact, c.given_compact)) {
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
        part = std::find(c.family_parts.begin(), c.family_parts.end(), core) !=
               c.family_parts.end();
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

}  // namespace

const char* DecisionName(Decision d) { return d == Decision::kAuto ? "auto" : "suggest"; }

double ScoreOfBits(double bits) { return 1.0 / (1.0 + std::exp2(-bits)); }

std::vector<Proposal> Decide(std::vector<Proposal> c, const MatchOptions& o) {
  std::stable_sort(c.begin(), c.end(),
                   [](const Proposal& a, const Proposal& b) { return a.score > b.score; });
  c.erase(std::remove_if(c.begin(), c.end(),
                         [&](const Proposal& p) { return p.score < o.suggest_threshold; }),
          c.end());
  if (c.empty()) return c;
  const bool rival = c.size() > 1 && c[1].score >= c[0].score - o.margin;
  if (c[0].score >= o.auto_threshold && !rival && !c[0].opted_out && c[0].anchored) {
    c.resize(1);  // a profile links to one record at most: no suggestions beside it
    c[0].decision = Decision::kAuto;
    return c;
  }
  if (c.size() > static_cast<size_t>(o.max_suggestions)) c.resize(o.max_suggestions);
  for (Proposal& p : c) p.decision = Decision::kSuggest;
  return c;
}

struct Matcher::Impl {
  std::vector<Prepared> customers;
  std::unordered_map<std::string, uint32_t> by_id;  // module|crm_id -> index
  struct Entry {
    uint64_t key;
    uint32_t customer;
    bool operator<(const Entry& o) const {
      return key != o.key ? key < o.key : customer < o.customer;
    }
  };
  std::vector<Entry> sorted;                       // after Compact()
  // An open-addressing table over `sorted`: key -> its run of entries. One
  // probe (usually one cache miss) per look-up instead of a binary search
  // over millions of entries.
  struct Slot {
    uint64_t key = 0;
    uint32_t begin = 0;
    uint32_t count = 0;  // 0: empty
  };
  std::vector<Slot> table;
  uint64_t mask = 0;
  std::unordered_multimap<uint64_t, uint32_t> recent;  // added since
  size_t live = 0;
  mutable std::atomic<uint64_t> lookups{0}, candidates{0}, skipped{0};

  static std::string IdKey(CrmModule m, const std::string& id) {
    return std::string(CrmModuleName(m)) + '|' + id;
  }

  static uint64_t Mix(uint64_t k) { return (k ^ (k >> 29)) * 0xbf58476d1ce4e5b9ULL; }
  // The run of `sorted` holding key: [first, first + n).
  std::pair<const Entry*, size_t> Run(uint64_t key) const {
    if (table.empty()) return {nullptr, 0};
    for (uint64_t i = Mix(key) & mask;; i = (i + 1) & mask) {
      const Slot& s = table[i];
      if (s.count == 0) return {nullptr, 0};
      if (s.key == key) return {sorted.data() + s.begin, s.count};
    }
  }
  void BuildTable() {
    size_t distinct = 0;
    for (size_t i = 0; i < sorted.size(); ++i) distinct += (i == 0 || sorted[i].key != sorted[i - 1].key);
    size_t size = 16;
    while (size < distinct * 2) size <<= 1;
    table.assign(size, Slot{});
    mask = size - 1;
    for (size_t i = 0; i < sorted.size();) {
      size_t j = i;
      while (j < sorted.size() && sorted[j].key == sorted[i].key) ++j;
      uint64_t at = Mix(sorted[i].key) & mask;
      while (table[at].count != 0) at = (at + 1) & mask;
      table[at] = Slot{sorted[i].key, static_cast<uint32_t>(i), static_cast<uint32_t>(j - i)};
      i = j;
    }
  }
  // Live customers holding the key (dead ones are filtered by the caller).
  template <typename F>
  size_t ForKey(uint64_t key, F&& f) const {
    auto [first, n] = Run(key);
    for (size_t k = 0; k < n; ++k) f(first[k].customer);
    if (!recent.empty()) {
      auto range = recent.equal_range(key);
      for (auto it = range.first; it != range.second; ++it, ++n) f(it->second);
    }
    return n;
  }
  size_t Count(uint64_t key) const {
    return Run(key).second + (recent.empty() ? 0 : recent.count(key));
  }
};

Matcher::Matcher(MatchOptions options) : options_(options), impl_(std::make_unique<Impl>()) {}
Matcher::~Matcher() = default;
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;

void Matcher::Upsert(const Customer& customer) {
  Remove(customer.module, customer.crm_id);
  const uint32_t index = static_cast<uint32_t>(impl_->customers.size());
  impl_->customers.push_back(Prepare(customer));
  Prepared& prepared = impl_->customers.back();
  prepared.handle_forms = HandleForms(prepared);
  prepared.full_name_key = KeyHash(kFullName, prepared.family_core + '|' + prepared.given_canonical);
  prepared.common_family = IsCommonFamilyName(prepared.family_core);
  impl_->by_id[Impl::IdKey(customer.module, customer.crm_id)] = index;
  for (const Keyed& k : CustomerKeys(impl_->customers.back())) {
    impl_->recent.emplace(KeyHash(k.kind, k.key), index);
  }
  ++impl_->live;
}

void Matcher::Remove(CrmModule module, const std::string& crm_id) {
  auto it = impl_->by_id.find(Impl::IdKey(module, crm_id));
  if (it == impl_->by_id.end()) return;
  impl_->customers[it->second].alive = false;
  impl_->by_id.erase(it);
  --impl_->live;
}

size_t Matcher::size() const { return impl_->live; }

void Matcher::Compact() {
  std::vector<Impl::Entry> all;
  all.reserve(impl_->sorted.size() + impl_->recent.size());
  for (const auto& e : impl_->sorted) {
    if (impl_->customers[e.customer].alive) all.push_back(e);
  }
  for (const auto& [k, c] : impl_->recent) {
    if (impl_->customers[c].alive) all.push_back({k, c});
  }
  std::sort(all.begin(), all.end());
  impl_->sorted = std::move(all);
  impl_->sorted.shrink_to_fit();
  impl_->BuildTable();
  std::unordered_multimap<uint64_t, uint32_t>().swap(impl_->recent);
}

CrmModule Matcher::ModuleOf(uint32_t c) const { return impl_->customers[c].module; }
const std::string& Matcher::CrmIdOf(uint32_t c) const { return impl_->customers[c].crm_id; }

Matcher::Stats Matcher::stats() const {
  return {impl_->lookups.load(), impl_->candidates.load(), impl_->skipped.load()};
}

namespace {

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

std::vector<Scored> Matcher::ScoreAll(const Profile& profile, const Excluded& excluded) const {
  const Impl& im = *impl_;
  ProfileView v = View(profile);
  std::vector<uint32_t> cands;
  for (const Keyed& k : ProfileKeys(v)) {
    const uint64_t h = KeyHash(k.kind, k.key);
    im.lookups.fetch_add(1, std::memory_order_relaxed);
    if (im.Count(h) > BlockCap(k.kind)) {
      im.skipped.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    im.ForKey(h, [&](uint32_t c) {
      if (im.customers[c].alive) cands.push_back(c);
    });
  }
  std::sort(cands.begin(), cands.end());
  cands.erase(std::unique(cands.begin(), cands.end()), cands.end());
  im.candidates.fetch_add(cands.size(), std::memory_order_relaxed);

  std::vector<Scored> out;
  for (uint32_t ci : cands) {
    const Prepared& c = im.customers[ci];
    if (excluded && excluded(c.module, c.crm_id)) continue;
    Scored s;
    s.customer = ci;
    auto add = [&](const char* kind, std::vector<Phrase> phrases, double w) {
      s.evidence.push_back(Said(kind, std::move(phrases), w));
    };
    // E-mail addresses.
    for (const auto& ce : c.emails) {
      if (std::find(v.emails.begin(), v.emails.end(), ce.address) == v.emails.end()) continue;
      const std::string local = EmailLocal(ce.address);
      const size_t holders = im.Count(KeyHash(kEmail, ce.address));
      std::vector<Phrase> said;
      double w = kEmailPersonal;
      if (IsGenericLocalPart(local)) {
        said = {{IsPerson(c) ? "email_role_person" : "email_role_account", {{"address", ce.address}}}};
        w = IsPerson(c) ? kEmailGenericPerson : kEmailGenericAccount;
      } else if (holders > 1) {
        said = {{"email_shared", {{"address", ce.address}, {"count", std::to_string(holders)}}}};
        w = kEmailShared;
      } else {
        said = {{"email_personal", {{"address", ce.address}}}};
      }
      if (ce.opt_out) said.push_back({"note_opted_out", {}});
      add("email", std::move(said), w);
      if (ce.opt_out) s.opted_out = true;
      break;  // one address says it; more of the same person's add little
    }
    // Handles and profile URLs recorded in the CRM.
    const std::string& crm_handle = v.twitter ? c.twitter : v.facebook ? c.facebook : c.twitter;
    if ((v.twitter || v.facebook) && !crm_handle.empty()) {
      const bool same = crm_handle == v.handle_local;
      add("crm_handle",
          {{same ? "crm_handle_same" : "crm_handle_other",
            {{"platform", v.twitter ? "Twitter/X" : "Facebook"}, {"handle", crm_handle}}}},
          same ? kCrmHandle : kCrmHandleOther);
    } else if (!v.handle_local.empty() &&
               (v.handle_local == c.twitter || v.handle_local == c.facebook)) {
      add("crm_handle_elsewhere", {{"crm_handle_elsewhere", {{"handle", v.handle_local}}}},
          kCrmHandleElsewhere);
    }
    for (const auto& u : c.urls) {
      if (std::find(v.urls.begin(), v.urls.end(), u) != v.urls.end()) {
        add("crm_url", {{"crm_url", {{"url", u}}}}, kCrmUrl);
        break;
      }
    }
    // Company: name, website domain, e-mail domain (one group, capped).
    double company_bits = 0;
    std::vector<Evidence> company_ev;
    if (!c.domain.empty() && std::find(v.domains.begin(), v.domains.end(), c.domain) != v.domains.end()) {
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
      bool same = d == c.domain ||
                  std::find(c.email_domains.begin(), c.email_domains.end(), d) != c.email_domains.end();
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
        company_ev.push_back(Said("company_fuzzy", {{"company_fuzzy", companies}}, kCompanyPersonFuzzy));
      } else {
        company_ev.push_back(Said("company", {{"company_other", companies}}, kCompanyConflict));
      }
    }
    for (const auto& e : company_ev) company_bits += e.weight;
    const double cap = IsPerson(c) ? kCompanyGroupCap : kCompanyGroupCapAccount;
    if (company_bits > cap) {
      // Agreeing company evidence is one fact said several ways: scale it down.
      const double f = cap / company_bits;
      for (auto& e : company_ev) {
        if (e.weight > 0) e.weight *= f;
      }
    }
    for (auto& e : company_ev) s.evidence.push_back(std::move(e));

    // Names.
    if (IsPerson(c)) {
      NameResult name = CompareName(c, v, profile.display_name);
      double handle_w = 0;
      std::string handle_form;
      if (!v.handle_alnum.empty()) {
        for (const auto& [form, w] : c.handle_forms) {
          if (w > handle_w && (form == v.handle_alnum || form == v.handle_alnum_nodigits)) {
            handle_w = w;
            handle_form = form;
          }
        }
      }
      // The rarer the name in the CRM, the more it says.
      // Records of one person (a converted lead beside its contact: same
      // company) count once.
      size_t same_name = 1;
      im.ForKey(c.full_name_key, [&](uint32_t o) {
        const Prepared& other = im.customers[o];
        if (o != ci && other.alive && other.company_norm != c.company_norm) ++same_name;
      });
      double rarity = std::min(kRarityCapBits, std::log2(static_cast<double>(same_name)));
      std::vector<Phrase> rarity_notes;
      if (same_name > 1) rarity_notes.push_back({"note_same_name", {{"count", std::to_string(same_name)}}});
      if (c.common_family) {
        rarity -= kCommonFamily;
        rarity_notes.push_back({"note_common_family", {}});
      }
      // The phrase, then the notes on the name's rarity.
      auto noted = [&rarity_notes](Phrase p) {
        std::vector<Phrase> out = {std::move(p)};
        out.insert(out.end(), rarity_notes.begin(), rarity_notes.end());
        return out;
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
    } else {
      // Accounts: the profile is the organisation's own when its name is the account's.
      if (!profile.display_name.empty() &&
          CompanyTokensMatch(v.display_company_tokens, c.company_tokens)) {
        add("name",
            {{"name_account", {{"profile_name", profile.display_name}, {"crm_name", c.company}}}},
            kAccountName);
      }
    }
    // Place.
    if (!v.location_tokens.empty()) {
      if (!c.city.empty() && HasToken(v.location_tokens, c.city)) {
        add("location", {{"location_city", {{"location", profile.location}}}}, kCity);
      } else if (CountryMatches(v.location_tokens, c.country)) {
        add("location", {{"location_country", {{"location", profile.location}}}}, kCountry);
      }
    }
    if (c.opted_out) s.opted_out = true;
    // Anchors: evidence that does not come from a name (see Proposal::anchored).
    for (const auto& e : s.evidence) {
      const bool anchor_kind = e.kind == "email" || e.kind == "crm_handle" || e.kind == "crm_url" ||
                               e.kind == "domain" || e.kind == "email_domain" ||
                               e.kind == "company";
      if (anchor_kind && e.weight >= 2) s.anchored = true;
    }
    double bits = kPriorBits;
    for (const auto& e : s.evidence) bits += e.weight;
    s.log_odds = bits;
    s.score = ScoreOfBits(bits);
    for (auto& e : s.evidence) e.weight = std::round(e.weight * 100) / 100;
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const Scored& a, const Scored& b) {
    return a.score != b.score ? a.score > b.score : a.customer < b.customer;
  });
  return out;
}

std::vector<Proposal> Matcher::Match(const Profile& profile, const Excluded& excluded) const {
  std::vector<Proposal> props;
  for (Scored& s : ScoreAll(profile, excluded)) {
    if (s.score < options_.suggest_threshold) break;
    Proposal p;
    p.module = impl_->customers[s.customer].module;
    p.crm_id = impl_->customers[s.customer].crm_id;
    p.score = s.score;
    p.evidence = std::move(s.evidence);
    p.opted_out = s.opted_out;
    p.anchored = s.anchored;
    props.push_back(std::move(p));
  }
  return Decide(std::move(props), options_);
}

}  // namespace scrm::identity
