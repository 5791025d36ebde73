// Sessions in MariaDB (sql/0011): two SessionStores on one database stand
// for a restarted engine or a second one behind a load balancer. A session
// one made the other accepts; a nonce used on one is refused by the other;
// expiry and deletion in the database win within recheck_seconds; the
// cookie value is never stored; a one-time message is shown once, by
// whichever store asks first.
#include <catch2/catch.hpp>
#include <ctime>

#include "secrets/crypto.h"
#include "http/session.h"
#include "store/migrator.h"
#include "support/test_db.h"

namespace scrm::http {
namespace {

void Migrate(scrm::testing::TestDatabase& db) {
  store::MigrateOptions options;
  options.allow_empty_crm = true;
  REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), options).ok());
}

SessionOptions Options() {
  SessionOptions o;
  o.idle_seconds = 600;
  o.recheck_seconds = 30;
  o.sweep_seconds = 60;
  return o;
}

Principal Anne() {
  Principal p;
  p.user_id = "42";
  p.user_name = "Anne Martin";
  p.roles = {"admin", "community:lyon"};
  p.lang = "fr";
  return p;
}

}  // namespace

TEST_CASE("a session one engine opened is accepted by another on the same database",
          "[mysql][http][session]") {
  scrm::testing::TestDatabase db;
  Migrate(db);
  const int64_t t = static_cast<int64_t>(std::time(nullptr));
  SessionStore first(Options(), &db.pool());
  SessionStore second(Options(), &db.pool());  // a restart, or another engine

  std::optional<Session> s = first.Create(Anne(), "nonce-1", t + 300, t);
  REQUIRE(s);
  std::optional<Session> there = second.Find(s->id, t + 1);
  REQUIRE(there);
  CHECK(there->id == s->id);
  CHECK(there->csrf == s->csrf);
  CHECK(there->principal.user_id == "42");
  CHECK(there->principal.user_name == "Anne Martin");
  CHECK(there->principal.roles == std::vector<std::string>{"admin", "community:lyon"});
  CHECK(there->principal.lang == "fr");
  CHECK(there->created_at == t);
  CHECK(there->principal.token_nonce.empty());

  // Stored by its SHA-256: the cookie value is in no column.
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_ui_sessions WHERE id_hash = '" + secrets::Sha256Hex(s->id) +
                 "'") == 1);
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_ui_sessions WHERE CONCAT_WS('|', id_hash, user_id, "
                 "user_name, roles, lang, csrf_token) LIKE '%" + s->id + "%'") == 0);
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_ui_sso_nonces WHERE nonce_hash = '" +
                 secrets::Sha256Hex("nonce-1") + "'") == 1);
  CHECK(db.Scalar("SELECT TIMESTAMPDIFF(SECOND, last_seen_at, expires_at) FROM scrm_ui_sessions") ==
        "600");

  // The sign-on link is worth one session, whichever engine sees it again.
  CHECK_FALSE(second.Create(Anne(), "nonce-1", t + 300, t + 2));
  CHECK_FALSE(first.Create(Anne(), "nonce-1", t + 300, t + 2));
  CHECK(second.Create(Anne(), "nonce-2", t + 300, t + 2));

  CHECK_FALSE(second.Find("", t));
  CHECK_FALSE(second.Find(s->id + "x", t));
}

TEST_CASE("a session deleted or expired in the database stops within the recheck bound",
          "[mysql][http][session]") {
  scrm::testing::TestDatabase db;
  Migrate(db);
  const int64_t t = static_cast<int64_t>(std::time(nullptr));
  SessionStore first(Options(), &db.pool());
  SessionStore second(Options(), &db.pool());

  SECTION("signed out on one engine: refused there at once, on the other within 30 s") {
    std::optional<Session> s = first.Create(Anne(), "", 0, t);
    REQUIRE(second.Find(s->id, t));
    first.Remove(s->id);
    CHECK_FALSE(first.Find(s->id, t + 1));
    CHECK(db.Count("SELECT COUNT(*) FROM scrm_ui_sessions") == 0);
    CHECK(second.Find(s->id, t + 29));         // from its cache: the documented bound
    CHECK_FALSE(second.Find(s->id, t + 30));   // read again: gone
  }
  SECTION("expired in the database (an operator's revocation): refused within 30 s") {
    std::optional<Session> s = first.Create(Anne(), "", 0, t);
    REQUIRE(first.Find(s->id, t + 1));
    db.Exec("UPDATE scrm_ui_sessions SET expires_at = '2000-01-01 00:00:00';");
    CHECK_FALSE(second.Find(s->id, t + 2));  // never cached there: refused at once
    CHECK_FALSE(first.Find(s->id, t + 31));
    // The expired row went on the way; reading it never revives it.
    CHECK(db.Count("SELECT COUNT(*) FROM scrm_ui_sessions") == 0);
  }
  SECTION("idle past ui.session_minutes: refused by every engine, a restarted one too") {
    std::optional<Session> s = first.Create(Anne(), "", 0, t);
    SessionStore restarted(Options(), &db.pool());
    CHECK_FALSE(restarted.Find(s->id, t + 601));
    CHECK_FALSE(first.Find(s->id, t + 601));
  }
  SECTION("a use on one engine keeps the session alive on the other") {
    std::optional<Session> s = first.Create(Anne(), "", 0, t);
    REQUIRE(first.Find(s->id, t + 500));  // past the recheck: read and touched
    CHECK(db.Scalar("SELECT TIMESTAMPDIFF(SECOND, created_at, last_seen_at) FROM "
                    "scrm_ui_sessions") == "500");
    CHECK(second.Find(s->id, t + 900));   // 400 s after that use, within 600
  }
  SECTION("expired rows are deleted as the engines go, with their nonces and messages") {
    std::optional<Session> old = first.Create(Anne(), "old-nonce", t + 60, t);
    first.SetFlash(old->id, R"({"text":"x"})", t);
    CHECK(db.Count("SELECT COUNT(*) FROM scrm_ui_flashes") == 1);
    std::optional<Session> fresh = second.Create(Anne(), "", 0, t + 700);  // sweeps
    REQUIRE(fresh);
    CHECK(db.Count("SELECT COUNT(*) FROM scrm_ui_sessions") == 1);
    CHECK(db.Count("SELECT COUNT(*) FROM scrm_ui_flashes") == 0);
    CHECK(db.Count("SELECT COUNT(*) FROM scrm_ui_sso_nonces") == 0);
  }
}

TEST_CASE("a session's one-time message survives a restart and is shown once",
          "[mysql][http][session]") {
  scrm::testing::TestDatabase db;
  Migrate(db);
  const int64_t t = static_cast<int64_t>(std::time(nullptr));
  std::string id;
  {
    SessionStore before(Options(), &db.pool());
    id = before.Create(Anne(), "", 0, t)->id;
    before.SetFlash(id, "first", t);
    before.SetFlash(id, R"({"text":"Source ajoutée : blog","failed":false})", t);  // replaces
  }
  SessionStore after(Options(), &db.pool());
  SessionStore other(Options(), &db.pool());
  CHECK(after.TakeFlash(id) == std::optional<std::string>(
                                   R"({"text":"Source ajoutée : blog","failed":false})"));
  CHECK_FALSE(after.TakeFlash(id));
  CHECK_FALSE(other.TakeFlash(id));
  // No message for a session that is gone, nor for no session.
  after.Remove(id);
  after.SetFlash(id, "late", t);
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_ui_flashes") == 0);
  after.SetFlash("", "none", t);
  CHECK_FALSE(after.TakeFlash(""));
}

TEST_CASE("without a database, sessions and their messages live in memory",
          "[http][session]") {
  SessionStore store(Options());
  const int64_t t = 1000;
  std::optional<Session> s = store.Create(Anne(), "n", t + 60, t);
  REQUIRE(s);
  store.SetFlash(s->id, "once", t);
  CHECK(store.TakeFlash(s->id) == std::optional<std::string>("once"));
  CHECK_FALSE(store.TakeFlash(s->id));
  CHECK(store.Find(s->id, t + 1)->id == s->id);
  store.Remove(s->id);
  CHECK_FALSE(store.Find(s->id, t + 2));
  store.SetFlash(s->id, "gone", t);
  CHECK_FALSE(store.TakeFlash(s->id));
}


// Issue 14: an absolute lifetime and roles refreshed at each sign-on, on
// every engine of the database.
TEST_CASE("a session's lifetime and a sign-on's roles hold on every engine of the database",
          "[mysql][http][session]") {
  scrm::testing::TestDatabase db;
  Migrate(db);
  const int64_t t = static_cast<int64_t>(std::time(nullptr));
  SessionOptions o = Options();
  o.max_seconds = 1000;
  SessionStore first(o, &db.pool());
  SessionStore second(o, &db.pool());

  SECTION("used all along, a session still ends max_seconds after its sign-on") {
    std::optional<Session> s = first.Create(Anne(), "", 0, t);
    for (int64_t at = t + 100; at < t + 1000; at += 100) {
      INFO(at - t);
      REQUIRE(first.Find(s->id, at));
      REQUIRE(second.Find(s->id, at + 50));
    }
    // Its expiry in the database never passes the lifetime.
    CHECK(db.Scalar("SELECT TIMESTAMPDIFF(SECOND, created_at, expires_at) FROM "
                    "scrm_ui_sessions") == "1000");
    SessionStore restarted(o, &db.pool());
    CHECK_FALSE(restarted.Find(s->id, t + 1000));
    CHECK_FALSE(first.Find(s->id, t + 1000));  // from its cache too
    CHECK_FALSE(second.Find(s->id, t + 1001));
    CHECK(db.Count("SELECT COUNT(*) FROM scrm_ui_sessions") == 0);
  }
  SECTION("a new sign-on on one engine gives its roles to the user's sessions on the other") {
    std::optional<Session> s = first.Create(Anne(), "", 0, t);
    REQUIRE(second.Find(s->id, t + 1));
    Principal demoted = Anne();
    demoted.roles = {"sales"};
    REQUIRE(second.Create(demoted, "n-2", t + 300, t + 2));
    CHECK(db.Count("SELECT COUNT(*) FROM scrm_ui_sessions WHERE roles = 'sales'") == 2);
    // At once on the engine that saw the sign-on...
    CHECK(second.Find(s->id, t + 3)->principal.roles == std::vector<std::string>{"sales"});
    // ...within the recheck on the other.
    CHECK(first.Find(s->id, t + 31)->principal.roles == std::vector<std::string>{"sales"});
    CHECK(SessionStore(o, &db.pool()).Find(s->id, t + 4)->principal.roles ==
          std::vector<std::string>{"sales"});
  }
}

}  // namespace scrm::http
