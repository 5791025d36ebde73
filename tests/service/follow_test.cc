// A round of following (service/follow.h) over a real database, with a
// scripted network: what a round does when one host stops answering. The
// clients against real servers are tests/atproto/ and tests/activitypub/.
#include "service/follow.h"

#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "store/follow_repository.h"
#include "store/migrator.h"
#include "support/test_db.h"

using namespace scrm;
using Catch::Matchers::Contains;

namespace {

// A network whose accounts are "https://HOST/users/NAME"; the hosts in
// `down` answer nothing (Unavailable, as a timeout or a 503 is), those in
// `refusing` refuse (a 404: FailedPrecondition), the others give one post.
class ScriptedNetwork : public sources::OpenNetwork {
 public:
  std::string_view network() const override { return "activitypub"; }
  bool Recognises(std::string_view) const override { return true; }
  Result<sources::RemoteAccount> Resolve(std::string_view) override {
    return Status::NotFound("not used");
  }
  std::string HostOf(const sources::RemoteAccount& account, const std::string&) const override {
    const size_t begin = account.id.find("://") + 3;
    return account.id.substr(begin, account.id.find('/', begin) - begin);
  }
  Result<sources::FollowReport> Follow(const sources::RemoteAccount& account, const std::string&,
                                       const sources::FollowLimits&, RecordSink& sink) override {
    asked.push_back(account.id);
    if (down.count(HostOf(account, ""))) {
      return Status::Unavailable("fetching " + account.id + ": timed out after 10 s");
    }
    if (refusing.count(HostOf(account, ""))) {
      return Status::FailedPrecondition("fetching " + account.id + ": server answered 404");
    }
    Post p;
    p.platform = "mastodon";
    p.external_id = account.id + "/statuses/1";
    p.author_id = account.id;
    p.text = "Bonjour";
    p.published = 1796032800;
    sink.OnPost(std::move(p), Position{});
    sources::FollowReport report;
    report.requests = 2;
    report.posts = 1;
    report.state = "{}";
    return report;
  }
  std::set<std::string> down, refusing;
  std::vector<std::string> asked;
};

}  // namespace

TEST_CASE("a round stops asking a host that failed to answer 3 accounts in a row",
          "[mysql][service][follow]") {
  testing::TestDatabase db;
  store::MigrateOptions allow;
  allow.allow_empty_crm = true;
  REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), allow).ok());
  store::FollowRepository follows(db.pool());
  // Six accounts on a host that is down, two on one that answers,
  // interleaved; each linked to a contact (only linked accounts are read).
  int n_linked = 0;
  for (const std::string id : {"down.example/users/a", "up.example/users/x", "down.example/users/b",
                               "down.example/users/c", "down.example/users/d",
                               "up.example/users/y", "down.example/users/e",
                               "down.example/users/f"}) {
    store::FollowRow row;
    row.network = "activitypub";
    row.account_id = "https://" + id;
    row.handle = id;
    row.platform = "mastodon";
    follows.Upsert(row);
    db.Exec("INSERT INTO scrm_links (platform, external_id, module, crm_id, status, created_at, "
            "updated_at) VALUES ('mastodon', '" + row.account_id + "', 'Contacts', 'c-" +
            std::to_string(++n_linked) + "', 'manual', UTC_TIMESTAMP(), UTC_TIMESTAMP())");
  }
  ScriptedNetwork network;
  network.down.insert("down.example");
  service::FollowOptions options;
  options.max_accounts_per_round = 100;
  options.max_requests_per_round = 1000;

  Result<service::FollowRound> round = service::RunFollowRound(db.pool(), {&network}, options);
  REQUIRE(round.ok());
  REQUIRE(round->networks.size() == 1);
  const service::NetworkRound& n = round->networks[0];
  // Three accounts of down.example asked, the three others not; up.example's both read.
  int asked_down = 0, asked_up = 0;
  for (const std::string& id : network.asked) (id.find("down.example") != std::string::npos ? asked_down : asked_up)++;
  CHECK(asked_down == service::kHostFailuresInARow);
  CHECK(asked_up == 2);
  CHECK(n.accounts_checked == 5);
  CHECK(n.errors == 3);
  CHECK(n.accounts_deferred == 3);
  CHECK(n.posts_new == 2);
  CHECK(round->ToJson()["networks"][0]["profiles_deferred"] == 3);
  // Every account of the host that is down waits for its backoff, those not
  // asked with a message that names the host.
  store::FollowHealth health = follows.Health("activitypub");
  CHECK(health.accounts == 8);
  CHECK(health.failing == 6);
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_follows WHERE last_error LIKE '%not read this round: "
                 "down.example failed to answer 3 accounts in a row (fetching https://down.example/users/%: "
                 "timed out after 10 s)'") == 3);
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_follows WHERE next_due_at > UTC_TIMESTAMP()") == 8);

  // A refusal is an answer: a host that refuses every account is still
  // asked for each (its accounts may differ), and the next round, the host
  // back, reads every account.
  network.asked.clear();
  network.down.clear();
  network.refusing.insert("down.example");
  db.Exec("UPDATE scrm_follows SET next_due_at = UTC_TIMESTAMP()");
  round = service::RunFollowRound(db.pool(), {&network}, options);
  REQUIRE(round.ok());
  CHECK(network.asked.size() == 8);
  CHECK(round->networks[0].accounts_deferred == 0);
  CHECK(round->networks[0].errors == 6);
  network.asked.clear();
  network.refusing.clear();
  db.Exec("UPDATE scrm_follows SET next_due_at = UTC_TIMESTAMP()");
  round = service::RunFollowRound(db.pool(), {&network}, options);
  REQUIRE(round.ok());
  CHECK(network.asked.size() == 8);
  CHECK(follows.Health("activitypub").failing == 0);
}
