#include "identity/normalize.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>

#include "core/fold.h"
#include "core/text.h"

namespace scrm::identity {

namespace {

bool IsAsciiAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

const std::unordered_set<std::string_view>& Particles() {
  static const std::unordered_set<std::string_view> k = {
      "de", "du", "des", "d", "la", "le", "les", "l", "van", "von", "der", "den", "ter", "ten",
      "di", "da", "del", "della", "dos", "das", "do", "y", "zu", "af", "st", "saint", "sainte"};
  return k;
}

const std::unordered_set<std::string_view>& Honorifics() {
  static const std::unordered_set<std::string_view> k = {
      "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "mme", "mlle", "pr", "phd",
      "mba", "jr", "sr", "ii", "iii", "esq", "msc", "bsc", "ing", "ir", "dipl", "monsieur",
      "madame", "mademoiselle"};
  return k;
}

const std::unordered_map<std::string_view, std::string_view>& Nicknames() {
  // nickname or variant -> canonical. Variants of one name across French and
  // English map together only where they are written alike.
  static const std::unordered_map<std::string_view, std::string_view> k = {
      // English
      {"bob", "robert"}, {"bobby", "robert"}, {"rob", "robert"}, {"robbie", "robert"},
      {"bert", "robert"}, {"bill", "william"}, {"billy", "william"}, {"will", "william"},
      {"willy", "william"}, {"liam", "william"}, {"jim", "james"}, {"jimmy", "james"},
      {"jamie", "james"}, {"mike", "michael"}, {"mikey", "michael"}, {"mick", "michael"},
      {"dave", "david"}, {"davy", "david"}, {"dan", "daniel"}, {"danny", "daniel"},
      {"tom", "thomas"}, {"tommy", "thomas"}, {"tony", "anthony"}, {"antony", "anthony"},
      {"andy", "andrew"}, {"drew", "andrew"}, {"chris", "christopher"},
      {"matt", "matthew"}, {"nick", "nicholas"}, {"nicky", "nicholas"}, {"steve", "stephen"},
      {"steven", "stephen"}, {"ben", "benjamin"}, {"benji", "benjamin"}, {"sam", "samuel"},
      {"joe", "joseph"}, {"joey", "joseph"}, {"jack", "john"}, {"johnny", "john"},
      {"jon", "john"}, {"kate", "katherine"}, {"katie", "katherine"}, {"kathy", "katherine"},
      {"kathryn", "katherine"}, {"catherine", "katherine"}, {"cathy", "katherine"},
      {"liz", "elizabeth"}, {"lizzie", "elizabeth"}, {"beth", "elizabeth"},
      {"betty", "elizabeth"}, {"eliza", "elizabeth"}, {"elisabeth", "elizabeth"},
      {"maggie", "margaret"}, {"meg", "margaret"}, {"peggy", "margaret"},
      {"jen", "jennifer"}, {"jenny", "jennifer"}, {"sue", "susan"}, {"suzy", "susan"},
      {"pat", "patricia"}, {"patty", "patricia"}, {"trish", "patricia"}, {"alex", "alexander"},
      {"sandy", "alexandra"}, {"ed", "edward"}, {"eddie", "edward"}, {"ted", "edward"},
      {"rich", "richard"}, {"rick", "richard"}, {"dick", "richard"}, {"greg", "gregory"},
      {"jeff", "jeffrey"}, {"geoff", "geoffrey"}, {"ken", "kenneth"}, {"kenny", "kenneth"},
      {"larry", "lawrence"}, {"tim", "timothy"}, {"timmy", "timothy"}, {"pete", "peter"},
      {"phil", "philip"}, {"phillip", "philip"}, {"fred", "frederick"}, {"freddie", "frederick"},
      {"harry", "henry"}, {"hank", "henry"}, {"charlie", "charles"}, {"chuck", "charles"},
      {"nate", "nathan"}, {"vicky", "victoria"}, {"becky", "rebecca"}, {"abby", "abigail"},
      {"mandy", "amanda"}, {"debbie", "deborah"}, {"deb", "deborah"}, {"jess", "jessica"},
      {"jessie", "jessica"}, {"steph", "stephanie"}, {"tina", "christina"}, {"chrissy", "christina"},
      {"ron", "ronald"}, {"ronnie", "ronald"}, {"don", "donald"}, {"doug", "douglas"},
      {"gerry", "gerald"}, {"jerry", "gerald"}, {"ray", "raymond"}, {"stan", "stanley"},
      {"vince", "vincent"}, {"zach", "zachary"}, {"josh", "joshua"}, {"ollie", "oliver"},
      {"olly", "oliver"}, {"nicola", "nicole"}, {"ally", "alison"}, {"allie", "alison"},
      {"ellie", "eleanor"}, {"nell", "eleanor"}, {"lou", "louise"}, {"louisa", "louise"},
      {"becca", "rebecca"}, {"em", "emily"}, {"emmy", "emily"}, {"sophie", "sophia"},
      // French
      {"jeannot", "jean"}, {"jeanjean", "jean"}, {"pierrot", "pierre"},
      {"seb", "sebastien"}, {"sebas", "sebastien"}, {"nico", "nicolas"},
      {"fredo", "frederic"}, {"fredi", "frederic"}, {"manu", "emmanuel"},
      {"manue", "emmanuelle"}, {"max", "maxime"}, {"caro", "caroline"},
      {"cath", "katherine"}, {"isa", "isabelle"}, {"babette", "elizabeth"}, {"dom", "dominique"},
      {"domi", "dominique"}, {"gege", "gerard"}, {"chrichri", "christine"}, {"val", "valerie"},
      {"vero", "veronique"}, {"mimi", "michele"}, {"jojo", "joseph"}, {"gab", "gabriel"},
      {"gaby", "gabrielle"}, {"fanfan", "francoise"}, {"francky", "franck"}, {"flo", "florence"},
      {"nath", "nathalie"}, {"nat", "nathalie"}, {"sandrine", "sandrine"}, {"cedric", "cedric"},
      {"ju", "julien"}, {"juju", "julie"}, {"toto", "thomas"}, {"titou", "thibault"},
      {"thibaut", "thibault"}, {"mathieu", "matthieu"}, {"christophe", "christopher"},
      {"alexandre", "alexander"}, {"nicolas", "nicholas"}, {"philippe", "philip"},
      {"frederic", "frederick"}, {"stephane", "stephen"}, {"etienne", "stephen"},
      {"guillaume", "william"}, {"jacques", "james"}, {"matthieu", "matthew"},
      {"antoine", "anthony"}, {"henri", "henry"}, {"michel", "michael"}, {"thomas", "thomas"},
  };
  return k;
}

const std::unordered_set<std::string_view>& FreeMailDomains() {
  static const std::unordered_set<std::string_view> k = {
      "gmail.com", "googlemail.com", "yahoo.com", "yahoo.fr", "yahoo.co.uk", "ymail.com",
      "rocketmail.com", "hotmail.com", "hotmail.fr", "hotmail.co.uk", "outlook.com",
      "outlook.fr", "live.com", "live.fr", "live.co.uk", "msn.com", "aol.com", "aol.fr",
      "icloud.com", "me.com", "mac.com", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net",
      "sfr.fr", "neuf.fr", "club-internet.fr", "bbox.fr", "numericable.fr", "noos.fr",
      "voila.fr", "gmx.com", "gmx.fr", "gmx.de", "gmx.net", "web.de", "t-online.de",
      "protonmail.com", "proton.me", "pm.me", "mail.com", "yandex.com", "yandex.ru", "zoho.com",
      "btinternet.com", "sky.com", "virginmedia.com", "ntlworld.com", "talktalk.net",
      "fastmail.com", "fastmail.fm", "hey.com", "tutanota.com", "tuta.io", "mailo.com",
      "netcourrier.com", "aliceadsl.fr", "tiscali.fr", "skynet.be", "bluewin.ch", "posteo.de"};
  return k;
}

const std::unordered_set<std::string_view>& PlatformHosts() {
  static const std::unordered_set<std::string_view> k = {
      "linkedin.com", "fr.linkedin.com", "twitter.com", "x.com", "facebook.com", "fb.com",
      "instagram.com", "youtube.com", "github.com", "gitlab.com", "medium.com", "github.io",
      "wordpress.com", "blogspot.com", "tumblr.com", "wix.com", "wixsite.com", "about.me",
      "linktr.ee", "substack.com", "mastodon.social", "mastodon.online", "framapiaf.org",
      "tiktok.com", "pinterest.com", "threads.net", "bsky.app", "t.co", "bit.ly", "google.com",
      "sites.google.com", "calendly.com", "viadeo.com", "malt.fr", "notion.site"};
  return k;
}

const std::unordered_set<std::string_view>& GenericLocals() {
  static const std::unordered_set<std::string_view> k = {
      "info", "infos", "information", "contact", "contacts", "hello", "hi", "bonjour", "noreply",
      "no-reply", "no_reply", "donotreply", "do-not-reply", "support", "sales", "ventes",
      "vente", "commercial", "admin", "administration", "office", "team", "equipe", "marketing",
      "press", "presse", "media", "jobs", "job", "careers", "recrutement", "rh", "hr",
      "accueil", "reception", "service", "serviceclient", "service-client", "clients", "client",
      "customer", "customers", "billing", "facturation", "compta", "comptabilite", "accounting",
      "webmaster", "postmaster", "hostmaster", "abuse", "help", "aide", "mail", "email",
      "enquiries", "inquiries", "general", "secretariat", "direction", "news", "newsletter",
      "notifications", "bureau", "shop", "boutique", "orders", "commandes", "partners",
      "partenaires", "it", "dev", "tech", "security", "privacy", "legal", "dpo"};
  return k;
}

const std::unordered_set<std::string_view>& LegalForms() {
  static const std::unordered_set<std::string_view> k = {
      "sa", "sas", "sasu", "sarl", "eurl", "sci", "snc", "scop", "scp", "selarl", "gie", "ei",
      "gmbh", "ag", "kg", "ohg", "ug", "inc", "incorporated", "ltd", "limited", "llc", "llp",
      "lp", "plc", "corp", "corporation", "co", "company", "cie", "nv", "bv", "srl", "spa",
      "sl", "sprl", "bvba", "oy", "ab", "as", "aps", "pty", "the", "et", "and"};
  return k;
}

}  // namespace

std::string Fold(std::string_view text) { return FoldWords(text); }

std::vector<std::string> FoldTokens(std::string_view text) {
  std::string f = Fold(text);
  std::vector<std::string> out;
  size_t start = 0;
  while (start < f.size()) {
    size_t sp = f.find(' ', start);
    if (sp == std::string::npos) sp = f.size();
    out.emplace_back(f.substr(start, sp - start));
    start = sp + 1;
  }
  return out;
}

std::string FoldCompact(std::string_view text) {
  std::string f = Fold(text);
  f.erase(std::remove(f.begin(), f.end(), ' '), f.end());
  return f;
}

bool IsParticle(std::string_view t) { return Particles().count(t) > 0; }
bool IsHonorific(std::string_view t) { return Honorifics().count(t) > 0; }

std::string CanonicalGivenName(std::string_view folded) {
  auto it = Nicknames().find(folded);
  std::string_view c = it == Nicknames().end() ? folded : it->second;
  // One more step: a variant may map to a name that itself has a canonical form.
  auto again = Nicknames().find(c);
  if (again != Nicknames().end() && again->second != c) c = again->second;
  return std::string(c);
}

std::string PhoneticKey(std::string_view in) {
  std::string s;
  for (char c : in) {
    if (c >= 'a' && c <= 'z') s += c;
  }
  if (s.empty()) return s;
  std::string t;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    char n = i + 1 < s.size() ? s[i + 1] : '\0';
    char n2 = i + 2 < s.size() ? s[i + 2] : '\0';
    if (c == 'p' && n == 'h') { t += 'f'; ++i; continue; }
    if (c == 't' && n == 'h') { t += 't'; ++i; continue; }
    if ((c == 'c' || c == 's') && n == 'h') { t += 'x'; ++i; continue; }
    if (c == 'c' && n == 'k') { t += 'k'; ++i; continue; }
    if (c == 'q' && n == 'u') { t += 'k'; ++i; continue; }
    if (c == 'g' && n == 'u' && (n2 == 'e' || n2 == 'i')) { t += 'g'; ++i; continue; }
    if (c == 'e' && n == 'a' && n2 == 'u') { t += 'o'; i += 2; continue; }
    if (c == 'a' && n == 'u') { t += 'o'; ++i; continue; }
    if ((c == 'a' || c == 'e') && n == 'i') { t += 'e'; ++i; continue; }
    if (c == 'b' && n == 'v') { continue; }  // lefebvre / lefevre
    if (c == 'c') { t += (n == 'e' || n == 'i' || n == 'y') ? 's' : 'k'; continue; }
    if (c == 'g' && (n == 'e' || n == 'i' || n == 'y')) { t += 'j'; continue; }
    if (c == 'q') { t += 'k'; continue; }
    if (c == 'w') { t += 'v'; continue; }
    if (c == 'y') { t += 'i'; continue; }
    if (c == 'z') { t += 's'; continue; }
    if (c == 'x') { t += "ks"; continue; }
    if (c == 'h') continue;
    t += c;
  }
  // French silent endings.
  while (t.size() > 3 && (t.back() == 'e' || t.back() == 's' || t.back() == 't' ||
                          t.back() == 'd' || t.back() == 'x')) {
    t.pop_back();
  }
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    bool vowel = c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
    if (i > 0 && vowel) continue;
    if (!out.empty() && out.back() == c) continue;
    out += c;
  }
  return out;
}

bool WithinOneEdit(std::string_view a, std::string_view b) {
  if (a == b) return true;
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (a.size() == b.size()) {
    // substitution, or adjacent transposition
    if (a.substr(i + 1) == b.substr(i + 1)) return true;
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);
  }
  return a.substr(i) == b.substr(i + 1);
}

std::vector<std::string> CompanyTokens(std::string_view name) {
  std::vector<std::string> tokens;
  // Dotted abbreviations ("S.A.S.", "G.m.b.H.") fold to single letters: join them.
  bool joining = false;
  for (std::string& t : FoldTokens(name)) {
    if (t.size() == 1 && joining) {
      tokens.back() += t;
    } else {
      joining = t.size() == 1;
      tokens.push_back(std::move(t));
    }
  }
  std::vector<std::string> out;
  for (std::string& t : tokens) {
    if (LegalForms().count(t)) continue;
    out.push_back(std::move(t));
  }
  if (out.empty()) return tokens;  // "The Company": keep something
  return out;
}

std::string NormalizeCompany(std::string_view name) {
  std::string out;
  for (const std::string& t : CompanyTokens(name)) out += t;
  return out;
}

bool CompanyMatches(std::string_view a, std::string_view b) {
  return CompanyTokensMatch(CompanyTokens(a), CompanyTokens(b));
}

bool CompanyTokensMatch(const std::vector<std::string>& ta, const std::vector<std::string>& tb) {
  if (ta.empty() || tb.empty()) return false;
  std::string ca, cb;
  for (const auto& t : ta) ca += t;
  for (const auto& t : tb) cb += t;
  if (ca == cb) return true;
  if (ca.size() >= 6 && cb.size() >= 6 && WithinOneEdit(ca, cb)) return true;
  // One name is the leading words of the other: "Acme" / "Acme Industries".
  const auto& shorter = ta.size() <= tb.size() ? ta : tb;
  const auto& longer = ta.size() <= tb.size() ? tb : ta;
  size_t chars = 0;
  for (size_t i = 0; i < shorter.size(); ++i) {
    if (shorter[i] != longer[i]) return false;
    chars += shorter[i].size();
  }
  return chars >= 4;
}

bool IsFreeMailDomain(std::string_view d) { return FreeMailDomains().count(d) > 0; }

bool IsPlatformHost(std::string_view d) {
  if (PlatformHosts().count(d)) return true;
  // Subdomains of platforms: jdupont.github.io, blog.wordpress.com...
  size_t dot = d.find('.');
  while (dot != std::string_view::npos) {
    if (PlatformHosts().count(d.substr(dot + 1))) return true;
    dot = d.find('.', dot + 1);
  }
  return false;
}

bool IsGenericLocalPart(std::string_view local) {
  if (GenericLocals().count(local)) return true;
  // "contact.paris", "info-fr", "support2": a role address with a qualifier.
  size_t end = local.find_first_of(".-_+0123456789");
  return end != std::string_view::npos && end > 0 && GenericLocals().count(local.substr(0, end));
}

std::string EmailLocal(std::string_view email) {
  size_t at = email.find('@');
  return at == std::string_view::npos ? "" : std::string(email.substr(0, at));
}

std::string EmailDomain(std::string_view email) {
  size_t at = email.find('@');
  return at == std::string_view::npos ? "" : std::string(email.substr(at + 1));
}

std::vector<std::string> ExtractEmails(std::string_view text) {
  std::vector<std::string> out;
  size_t at = text.find('@');
  while (at != std::string_view::npos) {
    auto is_local = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '.' || c == '_' || c == '-' || c == '+' || c == '%';
    };
    size_t b = at;
    while (b > 0 && is_local(text[b - 1])) --b;
    size_t e = at + 1;
    while (e < text.size() && (is_local(text[e]) && text[e] != '+' && text[e] != '%')) ++e;
    // A fediverse handle "@anne@host" has '@' before its local part.
    bool handle = b > 0 && text[b - 1] == '@';
    if (!handle && b < at && e > at + 1) {
      std::string_view cand = text.substr(b, e - b);
      while (!cand.empty() && (cand.back() == '.' || cand.back() == '-')) cand.remove_suffix(1);
      std::string n = NormalizeEmail(cand);
      if (!n.empty() && n.front() != '.' && std::find(out.begin(), out.end(), n) == out.end()) {
        out.push_back(n);
      }
    }
    at = text.find('@', std::max(e, at + 1));
  }
  return out;
}

std::string HandleLocal(std::string_view handle) {
  std::string h = ToLowerAscii(Trim(handle));
  if (h.find("://") != std::string::npos || h.find('/') != std::string::npos) {
    // A profile URL: the last path segment ("/@anne", "/in/jdupont", "/jdupont").
    size_t q = h.find_first_of("?#");
    if (q != std::string::npos) h.resize(q);
    while (!h.empty() && h.back() == '/') h.pop_back();
    size_t slash = h.rfind('/');
    size_t scheme = h.find("://");
    if (slash == std::string::npos || (scheme != std::string::npos && slash <= scheme + 2)) return "";
    h = h.substr(slash + 1);
  }
  if (!h.empty() && h.front() == '@') h.erase(0, 1);
  size_t at = h.find('@');
  if (at != std::string::npos) h.resize(at);
  return h;
}

std::string HandleInstance(std::string_view handle) {
  std::string h = ToLowerAscii(Trim(handle));
  if (!h.empty() && h.front() == '@') h.erase(0, 1);
  size_t at = h.find('@');
  return at == std::string::npos ? "" : h.substr(at + 1);
}

std::string HandleAlnum(std::string_view handle, bool strip_digits) {
  std::string out;
  for (char c : HandleLocal(handle)) {
    if (IsAsciiAlnum(c)) out += c;
  }
  if (strip_digits) {
    while (!out.empty() && out.back() >= '0' && out.back() <= '9') out.pop_back();
  }
  return out;
}

std::string NormalizeUrl(std::string_view url) {
  std::string u = ToLowerAscii(Trim(url));
  size_t scheme = u.find("://");
  if (scheme != std::string::npos) u.erase(0, scheme + 3);
  size_t q = u.find_first_of("?#");
  if (q != std::string::npos) u.resize(q);
  while (!u.empty() && u.back() == '/') u.pop_back();
  if (StartsWith(u, "www.")) u.erase(0, 4);
  size_t slash = u.find('/');
  std::string host = u.substr(0, slash);
  if (host.find('.') == std::string::npos) return "";
  return u;
}

}  // namespace scrm::identity
