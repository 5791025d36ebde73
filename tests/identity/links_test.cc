// Links storage and decisions against a real MariaDB: matching runs,
// confirm/reject/unlink/manual links, the audit trail, the promises that a
// rejected pair is never proposed again and a confirmed link is never undone
// by re-matching, incremental matching, the search index's view of links,
// and `scrm match --dry-run --json` through the real binary.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "service/match_settings.h"
#include "service/matching.h"
#include "store/content_repository.h"
#include "store/customer_repository.h"
#include "store/link_repository.h"
#include "store/migrator.h"
#include "support/process.h"
#include "support/test_db.h"

using namespace scrm;
using namespace scrm::store;

namespace {

void Migrated(testing::TestDatabase& db) {
  MigrateOptions allow;
  allow.allow_empty_crm = true;
  REQUIRE(Migrate(db.pool(), EmbeddedMigrations(), allow).ok());
}

Customer Contact(const std::string& id, const std::string& first, const std::string& last,
                 const std::string& email, const std::string& company = "Acme") {
  Customer c;
  c.module = CrmModule::kContacts;
  c.crm_id = id;
  c.first_name = first;
  c.last_name = last;
  c.name = first + " " + last;
  c.company = company;
  c.owner_id = "owner-" + id;
  if (!email.empty()) c.emails = {{email, true, false}};
  return c;
}

Profile Prof(const std::string& platform, const std::string& id, const std::string& name,
             std::vector<std::string> emails = {}, const std::string& company = "") {
  Profile p;
  p.platform = platform;
  p.external_id = id;
  p.handle = id.substr(id.rfind('/') + 1);
  p.url = id;
  p.display_name = name;
  p.emails = std::move(emails);
  p.company = company;
  return p;
}

// A CRM of three people and their profiles: Jean Dupont's e-mail is on his
// LinkedIn export (auto link), Claire Martin only by name (a suggestion),
// Paul Durand's opted-out address on his profile (a suggestion, never auto).
struct World {
  testing::TestDatabase db;
  World() {
    Migrated(db);
    Customer opted = Contact("c-paul", "Paul", "Durand", "paul.durand@globex.fr", "Globex");
    opted.emails[0].opt_out = true;
    CustomerRepository(db.pool()).Upsert(
        CrmModule::kContacts,
        {Contact("c-jean", "Jean", "Dupont", "jean.dupont@acme.fr"),
         Contact("c-claire", "Claire", "Zylberstein", "claire@initech.fr", "Initech"), opted});
    db.Exec("INSERT INTO scrm_customer_accounts (contact_id, account_id) VALUES ('c-jean', 'acc-acme');");
    ContentRepository(db.pool()).UpsertProfiles(
        1, {Prof("linkedin", "https://linkedin.com/in/jdupont", "Jean Dupont", {"jean.dupont@acme.fr"}),
            Prof("mastodon", "https://piaille.fr/@claire", "Claire Zylberstein"),
            Prof("linkedin", "https://linkedin.com/in/pdurand", "Paul Durand", {"paul.durand@globex.fr"}),
            Prof("twitter", "https://twitter.com/nobody", "Someone Else")});
  }
  int64_t ProfileId(const std::string& external_id) {
    return std::stoll(db.Scalar("SELECT id FROM scrm_profiles WHERE external_id = '" + external_id + "'"));
  }
};

std::string StatusOf(testing::TestDatabase& db, const std::string& crm_id) {
  return db.Scalar("SELECT status FROM scrm_links WHERE crm_id = '" + crm_id + "'");
}

int64_t LinkIdOf(testing::TestDatabase& db, const std::string& crm_id) {
  return std::stoll(db.Scalar("SELECT id FROM scrm_links WHERE crm_id = '" + crm_id + "'"));
}

}  // namespace

TEST_CASE("a full match stores auto links and suggestions with evidence and audit rows",
          "[mysql][identity]") {
  World w;
  service::RunOptions options;
  Result<service::RunSummary> s = service::MatchAll(w.db.pool(), options);
  REQUIRE(s.ok());
  CHECK(s->profiles == 4);
  CHECK(s->customers == 3);
  CHECK(s->stored_auto == 1);
  CHECK(s->stored_suggestions == 2);
  CHECK(StatusOf(w.db, "c-jean") == "auto");
  CHECK(StatusOf(w.db, "c-claire") == "suggested");
  CHECK(StatusOf(w.db, "c-paul") == "suggested");  // opted out: never auto
  nlohmann::json ev = nlohmann::json::parse(
      w.db.Scalar("SELECT evidence FROM scrm_links WHERE crm_id = 'c-jean'"));
  REQUIRE(ev.is_array());
  CHECK(ev[0]["kind"] == "email");
  CHECK(ev[0]["detail"].get<std::string>().find("jean.dupont@acme.fr") != std::string::npos);
  CHECK(w.db.Count("SELECT COUNT(*) FROM scrm_link_decisions WHERE action = 'auto' AND decided_by = 'scrm'") == 1);
  CHECK(w.db.Count("SELECT COUNT(*) FROM scrm_link_decisions WHERE action = 'suggest'") == 2);
  // Matching again changes nothing and audits nothing more.
  Result<service::RunSummary> again = service::MatchAll(w.db.pool(), options);
  REQUIRE(again.ok());
  CHECK(again->stored_auto == 0);
  CHECK(again->stored_suggestions == 0);
  CHECK(w.db.Count("SELECT COUNT(*) FROM scrm_link_decisions") == 3);
  CHECK(w.db.Count("SELECT COUNT(*) FROM scrm_links") == 3);
}

TEST_CASE("a dry run stores nothing", "[mysql][identity]") {
  World w;
  service::RunOptions options;
  options.dry_run = true;
  std::vector<nlohmann::json> lines;
  Result<service::RunSummary> s = service::MatchAll(
      w.db.pool(), options, [&](const service::ProposalRecord& r) { lines.push_back(r.ToJson()); });
  REQUIRE(s.ok());
  CHECK(lines.size() == 3);
  CHECK(w.db.Count("SELECT COUNT(*) FROM scrm_links") == 0);
  CHECK(w.db.Count("SELECT COUNT(*) FROM scrm_sync_state WHERE name = 'match'") == 0);
}

TEST_CASE("decisions: rejected never re-suggested, confirmed kept, every decision audited",
          "[mysql][identity]") {
  World w;
  service::RunOptions options;
  REQUIRE(service::MatchAll(w.db.pool(), options).ok());
  LinkRepository repo(w.db.pool());
  const Actor anne{"7", "anne"};

  // Reject Claire's suggestion: matching never proposes the pair again.
  Result<Link> rejected = repo.Reject(LinkIdOf(w.db, "c-claire"), anne);
  REQUIRE(rejected.ok());
  CHECK(rejected->status == "rejected");
  CHECK(rejected->decided_by == "7");
  REQUIRE(service::MatchAll(w.db.pool(), options).ok());
  CHECK(StatusOf(w.db, "c-claire") == "rejected");
  service::RunOptions dry = options;
  dry.dry_run = true;
  bool proposed = false;
  REQUIRE(service::MatchAll(w.db.pool(), dry, [&](const service::ProposalRecord& r) {
            proposed = proposed || r.proposal.crm_id == "c-claire";
          }).ok());
  CHECK_FALSE(proposed);

  // Confirm Paul's suggestion; then make matching prefer nobody: the link stays.
  Result<Link> confirmed = repo.Confirm(LinkIdOf(w.db, "c-paul"), anne);
  REQUIRE(confirmed.ok());
  CHECK(confirmed->status == "confirmed");
  w.db.Exec("UPDATE scrm_customer_emails SET email = 'other@globex.fr' WHERE crm_id = 'c-paul';");
  w.db.Exec("UPDATE scrm_customers SET last_name = 'Other', name = 'Paul Other' WHERE crm_id = 'c-paul';");
  REQUIRE(service::MatchAll(w.db.pool(), options).ok());
  CHECK(StatusOf(w.db, "c-paul") == "confirmed");

  // Unlink the auto link: it becomes rejected and stays so.
  Result<Link> unlinked = repo.Unlink(LinkIdOf(w.db, "c-jean"), anne);
  REQUIRE(unlinked.ok());
  CHECK(unlinked->status == "rejected");
  REQUIRE(service::MatchAll(w.db.pool(), options).ok());
  CHECK(StatusOf(w.db, "c-jean") == "rejected");
  CHECK(repo.Unlink(LinkIdOf(w.db, "c-jean"), anne).status().code() == Status::Code::kConflict);

  // The audit: who, what, and the evidence at the time.
  std::vector<LinkDecision> history = repo.History(LinkIdOf(w.db, "c-jean"));
  REQUIRE(history.size() == 2);
  CHECK(history[0].action == "auto");
  CHECK(history[0].decided_by == "scrm");
  CHECK(history[1].action == "unlink");
  CHECK(history[1].decided_by == "7");
  CHECK(history[1].decided_by_name == "anne");
  CHECK(history[1].evidence.find("jean.dupont@acme.fr") != std::string::npos);
  CHECK(repo.Confirm(999999, anne).status().code() == Status::Code::kNotFound);
}

TEST_CASE("manual links: one live link per profile, unknown records refused", "[mysql][identity]") {
  World w;
  LinkRepository repo(w.db.pool());
  const Actor bob{"9", "bob"};
  const int64_t someone = w.ProfileId("https://twitter.com/nobody");
  Result<Link> l = repo.LinkManually(someone, CrmModule::kContacts, "c-claire", bob);
  REQUIRE(l.ok());
  CHECK(l->status == "manual");
  CHECK(l->decided_by == "9");
  CHECK(repo.LinkManually(someone, CrmModule::kContacts, "c-jean", bob).status().code() ==
        Status::Code::kConflict);
  CHECK(repo.LinkManually(someone, CrmModule::kLeads, "nope", bob).status().code() ==
        Status::Code::kNotFound);
  CHECK(repo.LinkManually(123456789, CrmModule::kContacts, "c-jean", bob).status().code() ==
        Status::Code::kNotFound);
  // Matching leaves a profile linked by hand alone.
  REQUIRE(service::MatchAll(w.db.pool(), service::RunOptions{}).ok());
  CHECK(w.db.Count("SELECT COUNT(*) FROM scrm_links WHERE external_id = 'https://twitter.com/nobody'") == 1);
  // Links survive a re-import of the profile (a new row, a new id).
  w.db.Exec("DELETE FROM scrm_profiles WHERE external_id = 'https://twitter.com/nobody';");
  ContentRepository(w.db.pool()).UpsertProfiles(1, {Prof("twitter", "https://twitter.com/nobody", "Someone Else")});
  std::vector<AuthorLinks> authors = repo.LinkedOfAuthors({{"twitter", "https://twitter.com/nobody"}});
  REQUIRE(authors.size() == 1);
  CHECK(authors[0].customers[0].customer == "Contacts/c-claire");
}

TEST_CASE("LinkedOfAuthors gives the search index customers with their accounts and owners",
          "[mysql][identity]") {
  World w;
  REQUIRE(service::MatchAll(w.db.pool(), service::RunOptions{}).ok());
  LinkRepository repo(w.db.pool());
  std::vector<AuthorLinks> a = repo.LinkedOfAuthors({{"linkedin", "https://linkedin.com/in/jdupont"},
                                                     {"mastodon", "https://piaille.fr/@claire"},
                                                     {"twitter", "https://twitter.com/unknown"}});
  REQUIRE(a.size() == 1);  // Claire is only suggested
  CHECK(a[0].author_id == "https://linkedin.com/in/jdupont");
  REQUIRE(a[0].customers.size() == 1);
  CHECK(a[0].customers[0].customer == "Contacts/c-jean");
  CHECK(a[0].customers[0].account_ids == std::vector<std::string>{"acc-acme"});
  CHECK(a[0].customers[0].owner_ids == std::vector<std::string>{"owner-c-jean"});

  // A post by Claire is queued for the index when her link is confirmed.
  Post post;
  post.external_id = "n1";
  post.platform = "mastodon";
  post.author_id = "https://piaille.fr/@claire";
  post.text = "bonjour";
  ContentRepository(w.db.pool()).UpsertPosts(1, {post});
  const long long before = w.db.Count("SELECT COUNT(*) FROM scrm_index_queue");
  REQUIRE(repo.Confirm(LinkIdOf(w.db, "c-claire"), Actor{"7", "anne"}).ok());
  CHECK(w.db.Count("SELECT COUNT(*) FROM scrm_index_queue") == before + 1);
}

TEST_CASE("incremental matching follows new profiles and changed customers", "[mysql][identity]") {
  World w;
  service::RunOptions options;
  service::IncrementalMatcher inc(w.db.pool(), options);
  Result<service::RunSummary> first = inc.RunOnce();
  REQUIRE(first.ok());
  CHECK(first->mode == "full");
  CHECK_FALSE(first->watermark.empty());
  // A new profile arrives: the next run matches it (and, within the overlap, the others again).
  ContentRepository(w.db.pool()).UpsertProfiles(
      1, {Prof("twitter", "https://twitter.com/mz", "Marie Zorglub", {"marie@zorglub.fr"})});
  // A new customer arrives with that e-mail.
  CustomerRepository(w.db.pool()).Upsert(CrmModule::kLeads,
                                         {[] {
                                           Customer c = Contact("l-marie", "Marie", "Zorglub", "marie@zorglub.fr");
                                           c.module = CrmModule::kLeads;
                                           return c;
                                         }()});
  Result<service::RunSummary> next = inc.RunOnce();
  REQUIRE(next.ok());
  CHECK(next->mode == "incremental");
  CHECK(StatusOf(w.db, "l-marie") == "auto");
  CHECK(w.db.Count("SELECT COUNT(*) FROM scrm_sync_state WHERE name = 'match' AND watermark IS NOT NULL") == 1);
  // The stateless form works too.
  Result<service::RunSummary> since = service::MatchSince(w.db.pool(), options);
  REQUIRE(since.ok());
  CHECK(since->mode == "incremental");
}

TEST_CASE("scrm match --dry-run --json prints one proposal per line", "[mysql][identity][app]") {
  World w;
  std::map<std::string, std::string> env = {{"SCRM_DB_URL", w.db.url_string()}};
  testing::RunResult r = testing::Run({testing::ScrmBinary(), "match", "--dry-run", "--json"}, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::istringstream lines(r.out);
  std::string line;
  std::vector<nlohmann::json> objects;
  while (std::getline(lines, line)) objects.push_back(nlohmann::json::parse(line));
  REQUIRE(objects.size() == 3);
  for (const auto& o : objects) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : o.items()) keys.push_back(k);
    std::sort(keys.begin(), keys.end());
    CHECK(keys == std::vector<std::string>{"crm_id", "crm_module", "decision", "evidence", "handle",
                                           "platform", "profile_id", "profile_url", "score"});
    CHECK((o["decision"] == "auto" || o["decision"] == "suggest"));
    CHECK(o["crm_module"] == "Contacts");
    for (const auto& e : o["evidence"]) {
      CHECK(e.contains("kind"));
      CHECK(e.contains("detail"));
      CHECK(e["weight"].is_number());
    }
    if (o["crm_id"] == "c-jean") {
      CHECK(o["decision"] == "auto");
      CHECK(o["platform"] == "linkedin");
      CHECK(o["profile_url"] == "https://linkedin.com/in/jdupont");
    }
  }
  CHECK(w.db.Count("SELECT COUNT(*) FROM scrm_links") == 0);

  // Applied, with a summary; then thresholds that are out of range are refused.
  testing::RunResult applied = testing::Run({testing::ScrmBinary(), "match", "--json"}, env);
  REQUIRE(applied.exit_code == 0);
  nlohmann::json summary = nlohmann::json::parse(applied.out);
  CHECK(summary["auto_links"] == 1);
  CHECK(summary["suggestions"] == 2);
  testing::RunResult bad = testing::Run({testing::ScrmBinary(), "match", "--auto", "1.5"}, env);
  CHECK(bad.exit_code == 2);
  testing::RunResult list =
      testing::Run({testing::ScrmBinary(), "links", "list", "--status", "suggested", "--json"}, env);
  REQUIRE(list.exit_code == 0);
  CHECK(nlohmann::json::parse(list.out)["links"].size() == 2);
  const std::string id = std::to_string(LinkIdOf(w.db, "c-claire"));
  testing::RunResult confirm =
      testing::Run({testing::ScrmBinary(), "links", "confirm", id, "--as", "ops", "--json"}, env);
  REQUIRE(confirm.exit_code == 0);
  nlohmann::json c = nlohmann::json::parse(confirm.out);
  CHECK(c["status"] == "confirmed");
  CHECK(c["decided_by"] == "cli:ops");
  CHECK(c["history"].size() == 2);
}

// Thresholds stored for every process (service/match_settings.h): a
// running IncrementalMatcher takes them at its next run (SetMatch, as `scrm
// serve`'s loop does), and a stored set that no longer validates is ignored
// for the configuration's.
TEST_CASE("stored thresholds reach a running matcher, an invalid stored set falls back", "[mysql][identity]") {
  World w;
  identity::MatchOptions defaults;  // the configuration's: 0.9, 0.4, 0.1
  service::MatchSettings s = service::LoadMatchSettings(w.db.pool(), defaults);
  CHECK_FALSE(s.stored);
  CHECK(s.options.auto_threshold == 0.9);

  identity::MatchOptions strict = defaults;
  strict.auto_threshold = 1.0;  // nothing is linked without review
  strict.suggest_threshold = 0.95;
  REQUIRE(service::SaveMatchSettings(w.db.pool(), strict, {"admin-1", ""}).ok());
  s = service::LoadMatchSettings(w.db.pool(), defaults);
  CHECK(s.stored);
  CHECK(s.updated_by == "admin-1");
  CHECK(s.options.auto_threshold == 1.0);
  CHECK(w.db.Count("SELECT COUNT(*) FROM scrm_audit WHERE kind = 'settings' AND actor = 'admin-1'") == 1);

  service::RunOptions options;
  options.match = defaults;
  service::IncrementalMatcher inc(w.db.pool(), options);
  inc.SetMatch(service::LoadMatchSettings(w.db.pool(), defaults).options);
  Result<service::RunSummary> run = inc.RunOnce();
  REQUIRE(run.ok());
  CHECK(run->stored_auto == 0);  // Jean Dupont's e-mail match waits for review under 1.0
  CHECK(StatusOf(w.db, "c-jean") != "auto");

  // Refused before storing: the field named, the stored set unchanged.
  identity::MatchOptions upside = defaults;
  upside.suggest_threshold = 0.95;
  Status refused = service::SaveMatchSettings(w.db.pool(), upside, {"admin-1", ""});
  CHECK(refused.code() == Status::Code::kInvalidArgument);
  CHECK(refused.field() == "suggest");
  CHECK(service::ParseThreshold("1.01", "--auto").status().field() == "--auto");
  CHECK(service::ParseThreshold("0,5", "auto").status().message().find("'0,5'") != std::string::npos);
  CHECK(*service::ParseThreshold("0.85", "auto") == 0.85);

  // A row written by hand (or by an older version) that no longer validates.
  w.db.Exec("UPDATE scrm_settings SET value = '{\"auto\": 0.3, \"suggest\": 0.8}' WHERE name = 'matching'");
  s = service::LoadMatchSettings(w.db.pool(), defaults);
  CHECK_FALSE(s.stored);
  CHECK(s.options.auto_threshold == 0.9);

  CHECK(service::ResetMatchSettings(w.db.pool(), {"admin-1", ""}));
  CHECK_FALSE(service::ResetMatchSettings(w.db.pool(), {"admin-1", ""}));
  CHECK(w.db.Count("SELECT COUNT(*) FROM scrm_settings") == 0);
}

TEST_CASE("a link by hand racing matching on the same new pair ends manual, never lost",
          "[mysql][identity]") {
  // "Create lead" saves the record (a CRM event that wakes matching) and at
  // once links the profile by hand: both write the same new pair.
  World w;
  LinkRepository matching(w.db.pool());
  LinkRepository by_hand(w.db.pool());
  const Actor sally{"u-sally", "Sally"};
  for (int round = 0; round < 30; ++round) {
    const std::string crm_id = "c-race-" + std::to_string(round);
    const std::string external_id = "https://twitter.com/race" + std::to_string(round);
    CustomerRepository(w.db.pool()).Upsert(CrmModule::kContacts, {Contact(crm_id, "Hugo", "Bernard", "")});
    ContentRepository(w.db.pool()).UpsertProfiles(1, {Prof("twitter", external_id, "Hugo Bernard")});
    const int64_t profile = w.ProfileId(external_id);
    ProposedLink proposal{profile, "twitter", external_id, CrmModule::kContacts, crm_id, 0.99, true, "[]"};
    std::thread matcher([&] {
      try {
        matching.ApplyMatches({{"twitter", external_id}}, {proposal});
      } catch (const DbError&) {
        // Matching lost the race: its next round sees the link by hand.
      }
    });
    Result<Link> linked = by_hand.LinkManually(profile, CrmModule::kContacts, crm_id, sally);
    matcher.join();
    INFO("round " << round);
    REQUIRE(linked.ok());
    CHECK(StatusOf(w.db, crm_id) == "manual");
    CHECK(w.db.Scalar("SELECT d.decided_by FROM scrm_link_decisions d WHERE d.crm_id = '" + crm_id +
                      "' ORDER BY d.id DESC LIMIT 1") == "u-sally");
  }
}
