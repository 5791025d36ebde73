#include "identity/matcher.h"

#include <catch2/catch.hpp>

using namespace scrm;
using namespace scrm::identity;

namespace {

Customer Person(const std::string& id, const std::string& first, const std::string& last,
                const std::string& company = "", std::vector<std::string> emails = {},
                CrmModule module = CrmModule::kContacts) {
  Customer c;
  c.module = module;
  c.crm_id = id;
  c.first_name = first;
  c.last_name = last;
  c.name = first + " " + last;
  c.company = company;
  for (size_t i = 0; i < emails.size(); ++i) c.emails.push_back({emails[i], i == 0, false});
  return c;
}

Profile Prof(const std::string& platform, const std::string& handle, const std::string& name) {
  Profile p;
  p.platform = platform;
  p.external_id = "https://" + platform + ".example/" + handle;
  p.handle = handle;
  p.display_name = name;
  return p;
}

bool HasKind(const std::vector<Evidence>& ev, const std::string& kind) {
  for (const auto& e : ev) {
    if (e.kind == kind) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("the same personal e-mail links automatically, with its reason", "[identity]") {
  Matcher m;
  m.Upsert(Person("c1", "Jean", "Dupont", "Acme", {"jean.dupont@acme.fr"}));
  m.Upsert(Person("c2", "Marie", "Curie", "Radium", {"marie@radium.fr"}));
  Profile p = Prof("linkedin", "", "J. Dupont");
  p.emails = {"Jean.Dupont@ACME.fr"};
  auto props = m.Match(p);
  REQUIRE(props.size() == 1);
  CHECK(props[0].crm_id == "c1");
  CHECK(props[0].decision == Decision::kAuto);
  CHECK(props[0].score >= 0.99);
  REQUIRE(HasKind(props[0].evidence, "email"));
  CHECK(props[0].evidence[0].detail.find("jean.dupont@acme.fr") != std::string::npos);
}

// Pages say evidence in their reader's language from its phrases; the
// command line and the API keep the English detail, unchanged.
TEST_CASE("evidence carries phrases whose English is its detail", "[identity]") {
  Matcher m;
  Customer jean = Person("c1", "Jean", "Dupont", "Acme", {"jean.dupont@acme.fr"});
  jean.emails[0].opt_out = true;
  m.Upsert(jean);
  m.Upsert(Person("c2", "Jean", "Dupont", "Radium"));
  Profile p = Prof("forum", "jdupont", "Jean Dupont");
  p.emails = {"jean.dupont@acme.fr"};
  p.company = "Acme";
  size_t seen = 0;
  for (const Proposal& pr : m.Match(p)) {
    for (const Evidence& e : pr.evidence) {
      INFO(e.kind << ": " << e.detail);
      REQUIRE_FALSE(e.phrases.empty());
      CHECK(English(e.phrases) == e.detail);
      ++seen;
    }
  }
  CHECK(seen >= 4);
  const std::vector<Phrase> email = {{"email_personal", {{"address", "jean.dupont@acme.fr"}}},
                                     {"note_opted_out", {}}};
  CHECK(English(email) ==
        "same e-mail address jean.dupont@acme.fr (opted out in the CRM: never linked automatically)");
  const std::vector<Phrase> name = {
      {"name_same", {{"profile_name", "Jean Dupont"}, {"crm_name", "Jean Dupont"}}},
      {"note_same_name", {{"count", "2"}}}};
  CHECK(English(name) == "same name: 'Jean Dupont' = 'Jean Dupont' (2 CRM records have this name)");
  CHECK(English({{"no_such_phrase", {}}}) == "no_such_phrase");
}

TEST_CASE("an opted-out address is evidence but never an auto link", "[identity]") {
  Matcher m;
  Customer c = Person("c1", "Jean", "Dupont", "Acme", {"jean.dupont@acme.fr"});
  c.emails[0].opt_out = true;
  m.Upsert(c);
  Profile p = Prof("linkedin", "", "Jean Dupont");
  p.emails = {"jean.dupont@acme.fr"};
  auto props = m.Match(p);
  REQUIRE(props.size() == 1);
  CHECK(props[0].decision == Decision::kSuggest);
  CHECK(props[0].opted_out);
}

TEST_CASE("generic and free-mail addresses are no company evidence", "[identity]") {
  Matcher m;
  m.Upsert(Person("c1", "Paul", "Martin", "Acme", {"paul.martin@acme.fr"}));
  Profile p = Prof("mastodon", "@pm@mastodon.social", "Paul Durand");
  p.emails = {"contact@acme.fr", "paul@gmail.com"};
  for (const Scored& s : m.ScoreAll(p)) CHECK_FALSE(HasKind(s.evidence, "email_domain"));
  Profile q = Prof("mastodon", "@pm@mastodon.social", "Paul Martin");
  q.emails = {"p.martin@acme.fr"};
  auto scored = m.ScoreAll(q);
  REQUIRE(scored.size() == 1);
  CHECK(HasKind(scored[0].evidence, "email_domain"));
}

TEST_CASE("names match across accents, particles, nicknames, initials and order", "[identity]") {
  Matcher m;
  m.Upsert(Person("c1", "Hélène", "de La Fontaine", "Acme"));
  m.Upsert(Person("c2", "Robert", "Smith", "Globex"));
  m.Upsert(Person("c3", "Jean-Pierre", "Lefèvre", "Initech"));
  struct Case {
    const char* display;
    const char* expect;
    const char* detail_has;
  };
  for (const Case& c : std::vector<Case>{
           {"Helene de la Fontaine", "c1", "same name"},
           {"Hélène Fontaine", "c1", "same name"},
           {"FONTAINE Hélène", "c1", "same name"},
           {"Bob Smith", "c2", "nickname"},
           {"R. Smith", "c2", "initial"},
           {"Jean Pierre Lefevre", "c3", "same name"},
           {"Jean-Pierre Lefebvre", "c3", "similar name"},
       }) {
    INFO(c.display);
    auto s = m.ScoreAll(Prof("twitter", "x", c.display));
    REQUIRE_FALSE(s.empty());
    CHECK(m.CrmIdOf(s[0].customer) == c.expect);
    REQUIRE(HasKind(s[0].evidence, "name"));
    bool found = false;
    for (const auto& e : s[0].evidence) found = found || e.detail.find(c.detail_has) != std::string::npos;
    CHECK(found);
  }
}

TEST_CASE("handle styles are read as names", "[identity]") {
  Matcher m;
  m.Upsert(Person("c1", "Jean", "Dupont"));
  for (const char* h : {"jdupont", "jean_dupont", "dupontj", "jean.dupont", "@jeandupont@piaille.fr",
                        "jdupont75"}) {
    INFO(h);
    auto s = m.ScoreAll(Prof("mastodon", h, ""));
    REQUIRE(s.size() == 1);
    CHECK(HasKind(s[0].evidence, "handle"));
  }
  CHECK(m.ScoreAll(Prof("mastodon", "jmartin", "")).empty());
}

TEST_CASE("a handle recorded in the CRM decides, another one counts against", "[identity]") {
  Matcher m;
  Customer c = Person("c1", "Anne", "Leroy");
  c.twitter = "@anne_l";
  m.Upsert(c);
  auto yes = m.Match(Prof("twitter", "anne_l", "AL"));
  REQUIRE(yes.size() == 1);
  CHECK(yes[0].decision == Decision::kAuto);
  auto other = m.ScoreAll(Prof("twitter", "anneleroy", "Anne Leroy"));
  REQUIRE(other.size() == 1);
  CHECK(HasKind(other[0].evidence, "crm_handle"));
  bool negative = false;
  for (const auto& e : other[0].evidence) negative = negative || (e.kind == "crm_handle" && e.weight < 0);
  CHECK(negative);
}

TEST_CASE("same name at another company scores lower than at the right one", "[identity]") {
  Matcher m;
  m.Upsert(Person("right", "Claire", "Bernard", "Acme"));
  m.Upsert(Person("wrong", "Claire", "Bernard", "Globex"));
  Profile p = Prof("linkedin", "", "Claire Bernard");
  p.company = "ACME SAS";
  auto s = m.ScoreAll(p);
  REQUIRE(s.size() == 2);
  CHECK(m.CrmIdOf(s[0].customer) == "right");
  CHECK(s[0].score > s[1].score + 0.3);
}

TEST_CASE("an account is matched by its name and website domain", "[identity]") {
  Matcher m;
  Customer a;
  a.module = CrmModule::kAccounts;
  a.crm_id = "a1";
  a.name = "Acme Industries SA";
  a.website = "https://www.acme.fr";
  a.website_domain = "acme.fr";
  m.Upsert(a);
  Profile p = Prof("linkedin", "", "ACME Industries");
  p.websites = {"https://acme.fr/en"};
  auto props = m.Match(p);
  REQUIRE(props.size() == 1);
  CHECK(props[0].module == CrmModule::kAccounts);
  CHECK(props[0].decision == Decision::kAuto);
}

TEST_CASE("Decide: thresholds, one auto at most, close rivals make suggestions", "[identity]") {
  MatchOptions o;  // auto 0.9, suggest 0.4, margin 0.1
  auto P = [](const char* id, double s, bool opt = false, bool anchored = true) {
    Proposal p;
    p.crm_id = id;
    p.score = s;
    p.opted_out = opt;
    p.anchored = anchored;
    return p;
  };
  auto one = Decide({P("a", 0.95), P("b", 0.5)}, o);
  REQUIRE(one.size() == 1);
  CHECK(one[0].decision == Decision::kAuto);
  auto close = Decide({P("a", 0.97), P("b", 0.92)}, o);
  REQUIRE(close.size() == 2);
  CHECK(close[0].decision == Decision::kSuggest);
  CHECK(close[1].decision == Decision::kSuggest);
  auto far = Decide({P("b", 0.65), P("a", 0.99)}, o);
  REQUIRE(far.size() == 1);
  CHECK(far[0].crm_id == "a");
  CHECK(far[0].decision == Decision::kAuto);
  CHECK(Decide({P("a", 0.39)}, o).empty());
  auto mid = Decide({P("a", 0.7)}, o);
  REQUIRE(mid.size() == 1);
  CHECK(mid[0].decision == Decision::kSuggest);
  auto opted = Decide({P("a", 0.999, true)}, o);
  REQUIRE(opted.size() == 1);
  CHECK(opted[0].decision == Decision::kSuggest);
  // Names, handles and places alone never link automatically.
  auto names_only = Decide({P("a", 0.999, false, false)}, o);
  REQUIRE(names_only.size() == 1);
  CHECK(names_only[0].decision == Decision::kSuggest);
}

TEST_CASE("blocking: common keys are skipped, rejected pairs excluded, updates seen", "[identity]") {
  Matcher m;
  for (int i = 0; i < 400; ++i) {
    m.Upsert(Person("m" + std::to_string(i), "Jean", "Martin", "Co" + std::to_string(i)));
  }
  m.Upsert(Person("rare", "Jean", "Zylberstein"));
  m.Compact();
  CHECK(m.size() == 401);
  // "martin|j" holds 400 records: too common to compare them all.
  CHECK(m.ScoreAll(Prof("twitter", "x", "Jean Martin")).empty());
  CHECK(m.stats().skipped_blocks > 0);
  auto s = m.ScoreAll(Prof("twitter", "x", "Jean Zylberstein"));
  REQUIRE(s.size() == 1);
  CHECK(m.ScoreAll(Prof("twitter", "x", "Jean Zylberstein"),
                   [](CrmModule, const std::string& id) { return id == "rare"; })
            .empty());
  m.Upsert(Person("rare", "Jean", "Renamed"));
  CHECK(m.ScoreAll(Prof("twitter", "x", "Jean Zylberstein")).empty());
  CHECK(m.ScoreAll(Prof("twitter", "x", "Jean Renamed")).size() == 1);
  m.Remove(CrmModule::kContacts, "rare");
  CHECK(m.ScoreAll(Prof("twitter", "x", "Jean Renamed")).empty());
  CHECK(m.size() == 400);
}

TEST_CASE("scores are the logistic of the evidence in bits", "[identity]") {
  CHECK(ScoreOfBits(0) == Approx(0.5));
  CHECK(ScoreOfBits(1) == Approx(2.0 / 3.0));
  CHECK(ScoreOfBits(-1) == Approx(1.0 / 3.0));
  Matcher m;
  m.Upsert(Person("c1", "Jean", "Dupont", "Acme", {"jean.dupont@acme.fr"}));
  Profile p = Prof("linkedin", "", "Jean Dupont");
  p.emails = {"jean.dupont@acme.fr"};
  auto s = m.ScoreAll(p);
  REQUIRE(s.size() == 1);
  double bits = kPriorBits;
  for (const auto& e : s[0].evidence) bits += e.weight;
  CHECK(s[0].score == Approx(ScoreOfBits(bits)).epsilon(0.01));
}
