// The security log (issue 14): a real server on port 0 and a real MariaDB.
// Sign-ons, API keys made and revoked, and refusals are recorded with the
// right actor and address and no secret anywhere in the table; a burst of
// forged requests writes a bounded number of rows; /metrics counts each
// kind.
#include "http/audit.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "core/reasons.h"
#include "http/api_keys.h"
#include "http/auth.h"
#include "secrets/crypto.h"
#include "http/errors.h"
#include "http/pages.h"
#include "http/server.h"
#include "http/session.h"
#include "http_client.h"
#include "store/migrator.h"
#include "support/test_db.h"

namespace scrm::http {
namespace {

using nlohmann::json;
using scrm::testing::Call;
using scrm::testing::CallOptions;

constexpr const char* kSecret = "audit-test-secret-never-logged";

void Migrate(scrm::testing::TestDatabase& db) {
  store::MigrateOptions options;
  options.allow_empty_crm = true;
  REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), options).ok());
}

// Every page answers "page": the sign-on itself is what is tested here.
class StubPages : public Pages {
 public:
  Response Record(const Request&) override { return Page(); }
  Response Conversations(const Request&) override { return Page(); }
  Response Admin(const Request&) override { return Page(); }
  Response AdminSourceForm(const Request&) override { return Page(); }
  Response AdminSourceSave(const Request&) override { return Page(); }
  Response AdminSourceRemove(const Request&) override { return Page(); }
  Response AdminSourcePoll(const Request&) override { return Page(); }
  Response AdminNetworkSwitch(const Request&) override { return Page(); }
  Response AdminApiKeyCreate(const Request&) override { return Page(); }
  Response AdminApiKeyRevoke(const Request&) override { return Page(); }
  Response AdminExport(const Request&) override { return Page(); }
  Response AdminThresholds(const Request&) override { return Page(); }
  Response Static(const Request&) override { return Page(); }
  Response Denied(const Request&, const Status& s) override {
    return Response::Text("denied", HttpStatusFor(s.code()), "text/html; charset=utf-8");
  }

 private:
  static Response Page() { return Response::Text("page", 200, "text/html; charset=utf-8"); }
};

std::string Token(const std::string& user, std::vector<std::string> roles, int64_t ttl = 600,
                  const std::string& secret = kSecret) {
  TokenClaims c;
  c.user_id = user;
  c.roles = std::move(roles);
  c.expires_at = static_cast<int64_t>(std::time(nullptr)) + ttl;
  return MintToken(c, secret);
}

CallOptions As(const std::string& credential, std::string body = "") {
  CallOptions o;
  o.headers["Authorization"] = "Bearer " + credential;
  if (!body.empty()) {
    o.body = std::move(body);
    o.send_body = true;
    o.headers["Content-Type"] = "application/json";
  }
  return o;
}

// The value of scrm_audit_events_total{kind="KIND"} in a /metrics text.
double Counted(const std::string& metrics, const std::string& kind) {
  const std::regex line("scrm_audit_events_total\\{kind=\"" + kind + "\"\\} ([0-9.e+]+)");
  std::smatch m;
  return std::regex_search(metrics, m, line) ? std::stod(m[1]) : -1;
}

struct Engine {
  scrm::testing::TestDatabase db;
  StubPages pages;
  std::unique_ptr<SessionStore> sessions;
  std::unique_ptr<RefusalLog> refusals;
  std::unique_ptr<Server> server;
  int port = 0;

  explicit Engine(AuditOptions audit = {}) {
    Migrate(db);
    sessions = std::make_unique<SessionStore>(SessionOptions{}, &db.pool());
    audit.flush_seconds = 0;  // written when the test says: Flush()
    refusals = std::make_unique<RefusalLog>(&db.pool(), audit);
    Services services;
    services.pool = &db.pool();
    services.pages = &pages;
    services.sessions = sessions.get();
    services.authorizer = WithApiKeys(TokenAuthorizer(kSecret, sessions.get()), &db.pool());
    services.refusals = refusals.get();
    ServerOptions o;
    o.port = 0;
    o.threads = 4;
    o.per_address = {0, 0};  // the burst is refused for its credentials, not its rate
    o.per_credential = {0, 0};
    server = std::make_unique<Server>(o, services);
    REQUIRE(server->Start().ok());
    port = server->port();
  }
  ~Engine() { server->Stop(); }

  std::string Metrics() { return Call(port, "GET", "/metrics").body; }
};

}  // namespace

TEST_CASE("sign-ons, API keys and refusals are logged with who and where, never a secret",
          "[mysql][http][audit][security]") {
  Engine e;
  const std::string before = e.Metrics();

  // A sign-on from the CRM: the session, its user and roles.
  const std::string sso = Token("42", {"marketing", "community:lyon"});
  scrm::testing::ClientResponse signed_on =
      Call(e.port, "GET", "/ui/conversations?sso=" + sso + "&embed=crm");
  REQUIRE(signed_on.status == 303);
  const std::string set_cookie = signed_on.Header("Set-Cookie");
  const std::string cookie = set_cookie.substr(13, set_cookie.find(';') - 13);
  // A reload of the same link is no new sign-on.
  CallOptions with_cookie;
  with_cookie.headers["Cookie"] = "scrm_session=" + cookie;
  REQUIRE(Call(e.port, "GET", "/ui/conversations?sso=" + sso, with_cookie).status == 303);
  CHECK(e.db.Count("SELECT COUNT(*) FROM scrm_audit WHERE kind = 'sign_on'") == 1);
  CHECK(e.db.Scalar("SELECT CONCAT_WS('|', actor, address, object) FROM scrm_audit WHERE kind = "
                    "'sign_on'") == "42|127.0.0.1|session:" + secrets::Sha256Hex(cookie).substr(0, 12));
  const json sign_on_detail =
      json::parse(e.db.Scalar("SELECT detail FROM scrm_audit WHERE kind = 'sign_on'"));
  CHECK(sign_on_detail["roles"] == json({"marketing", "community:lyon"}));
  CHECK(sign_on_detail["embed"] == true);

  // An API key made and revoked by an admin over the API.
  const std::string admin = Token("1", {"admin"});
  scrm::testing::ClientResponse made =
      Call(e.port, "POST", "/api/v1/admin/api-keys",
           As(admin, R"({"name":"bi-export","roles":["marketing"]})"));
  REQUIRE(made.status == 201);
  const std::string key = json::parse(made.body)["key"];
  REQUIRE(Call(e.port, "DELETE", "/api/v1/admin/api-keys/bi-export", As(admin)).status == 200);
  CHECK(e.db.Scalar("SELECT CONCAT_WS('|', actor, address, object) FROM scrm_audit WHERE kind = "
                    "'api_key_created'") == "1|127.0.0.1|api-key:bi-export");
  CHECK(json::parse(
            e.db.Scalar("SELECT detail FROM scrm_audit WHERE kind = 'api_key_created'"))["roles"] ==
        json({"marketing"}));
  CHECK(e.db.Scalar("SELECT CONCAT_WS('|', actor, address, object) FROM scrm_audit WHERE kind = "
                    "'api_key_revoked'") == "1|127.0.0.1|api-key:bi-export");

  // Refusals, each for its reason: forged (three times the same), expired,
  // no credentials, a revoked key, a role that is not enough.
  const std::string forged = Token("1", {"admin"}, 600, "not-the-secret");
  for (int i = 0; i < 3; ++i) CHECK(Call(e.port, "GET", "/api/v1/links", As(forged)).status == 401);
  const std::string expired = Token("1", {"admin"}, -60);
  CHECK(Call(e.port, "GET", "/api/v1/links", As(expired)).status == 401);
  CHECK(Call(e.port, "GET", "/api/v1/links").status == 401);
  CHECK(Call(e.port, "GET", "/api/v1/links", As(key)).status == 401);  // revoked
  const std::string sales = Token("7", {"sales"});
  CHECK(Call(e.port, "GET", "/api/v1/admin/api-keys", As(sales)).status == 403);
  CHECK(Call(e.port, "GET", "/ui/admin", with_cookie).status == 403);  // marketing's session
  e.refusals->Flush();
  auto row = [&](const std::string& reason) {
    return e.db.Scalar(
        "SELECT CONCAT_WS('|', kind, actor, address, object, count) FROM scrm_audit WHERE "
        "JSON_VALUE(detail, '$.reason') = '" +
        reason + "'");
  };
  CHECK(row("token_signature") == "unauthenticated|token:" + secrets::Sha256Hex(forged).substr(0, 12) +
                                      "|127.0.0.1|GET /api/v1/links|3");
  CHECK(row("token_expired") == "unauthenticated|token:" + secrets::Sha256Hex(expired).substr(0, 12) +
                                    "|127.0.0.1|GET /api/v1/links|1");
  CHECK(row("no_credentials") == "unauthenticated||127.0.0.1|GET /api/v1/links|1");
  CHECK(row("api_key_unknown") ==
        "unauthenticated|api-key:" + key.substr(0, 12) + "|127.0.0.1|GET /api/v1/links|1");
  CHECK(
      e.db.Count("SELECT COUNT(*) FROM scrm_audit WHERE kind = 'forbidden' AND actor = 'session:" +
                 secrets::Sha256Hex(cookie).substr(0, 12) + "' AND object = 'GET /ui/admin'") == 1);
  CHECK(e.db.Count("SELECT COUNT(*) FROM scrm_audit WHERE kind = 'forbidden' AND actor = 'token:" +
                   secrets::Sha256Hex(sales).substr(0, 12) +
                   "' AND object = 'GET /api/v1/admin/api-keys'") == 1);

  // No secret anywhere in the table: not the shared secret, a token, the
  // key (nor its part after the listed prefix), the cookie.
  const std::string all = e.db.Scalar(
      "SELECT GROUP_CONCAT(CONCAT_WS('|', id, kind, actor, address, object, subject_hash, "
      "COALESCE(detail, ''), count, COALESCE(aggregate_key, '')) SEPARATOR '\\n') FROM scrm_audit");
  INFO(all);
  for (const std::string& secret : {std::string(kSecret), sso, admin, forged, expired, sales, key,
                                    key.substr(12), cookie, secrets::Sha256Hex(cookie)}) {
    CHECK(all.find(secret) == std::string::npos);
  }

  // /metrics counts each kind (refusals one by one).
  const std::string after = e.Metrics();
  CHECK(Counted(after, "sign_on") - Counted(before, "sign_on") == 1);
  CHECK(Counted(after, "api_key_created") - Counted(before, "api_key_created") == 1);
  CHECK(Counted(after, "api_key_revoked") - Counted(before, "api_key_revoked") == 1);
  CHECK(Counted(after, "unauthenticated") - Counted(before, "unauthenticated") == 6);
  CHECK(Counted(after, "forbidden") - Counted(before, "forbidden") == 2);
  CHECK(Counted(after, "export") >= 0);  // every kind is exported from the start
}

TEST_CASE("a burst of 10,000 forged requests writes a bounded number of rows",
          "[mysql][http][audit][security]") {
  Engine e(AuditOptions{0, /*credentials_per_address=*/10, /*rows_per_minute=*/1000});
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(e.port));
  constexpr int kRequests = 10000;
  int refused = 0;
  for (int i = 0; i < kRequests; ++i) {
    // Each request its own forged token: the credential changes every time.
    const std::string forged = Token(std::to_string(i), {"admin"}, 600, "guessed");
    refused += Call(session, "GET", "/api/v1/search?q=x", As(forged)).status == 401;
  }
  REQUIRE(refused == kRequests);
  e.refusals->Flush();
  CHECK(e.refusals->pending() == 0);
  const int64_t rows = e.db.Count("SELECT COUNT(*) FROM scrm_audit WHERE kind = 'unauthenticated'");
  INFO(rows << " rows");
  // Per minute: 10 credentials by name, the rest as "*" (a burst may span
  // two minutes).
  CHECK(rows >= 2);
  CHECK(rows <= 2 * 11);
  CHECK(e.db.Count("SELECT SUM(count) FROM scrm_audit WHERE kind = 'unauthenticated'") ==
        kRequests);
  CHECK(e.db.Count("SELECT COUNT(*) FROM scrm_audit WHERE actor = '*' AND address = '127.0.0.1' "
                   "AND JSON_VALUE(detail, '$.reason') = 'token_signature'") >= 1);
}

TEST_CASE("refusals from many addresses stay within the rows a minute", "[mysql][http][audit]") {
  scrm::testing::TestDatabase db;
  Migrate(db);
  RefusalLog log(&db.pool(), AuditOptions{0, 10, 50});
  const int64_t now = 1800000000;  // the start of a minute
  for (int i = 0; i < 5000; ++i) {
    Request r;
    r.method = "GET";
    r.remote_address = "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250) + ":4000";
    r.headers["authorization"] = "Bearer v1.forged" + std::to_string(i);
    log.Refused(r, 401, reason::kTokenMalformed, "/api/v1/search", now + i % 60);
  }
  log.Flush();
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_audit") == 51);  // 50 by name, the rest as one
  CHECK(db.Count("SELECT SUM(count) FROM scrm_audit") == 5000);
  CHECK(db.Count("SELECT count FROM scrm_audit WHERE address = '*' AND actor = '*'") == 4950);
  // The next minute starts afresh; the same bucket again adds to its row.
  Request r;
  r.method = "GET";
  r.remote_address = "10.0.0.0:4000";
  r.headers["authorization"] = "Bearer v1.forged0";
  log.Refused(r, 401, reason::kTokenMalformed, "/api/v1/search", now);
  log.Flush();
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_audit") == 51);
  CHECK(db.Count("SELECT count FROM scrm_audit WHERE address = '10.0.0.0'") == 2);
  log.Refused(r, 401, reason::kTokenMalformed, "/api/v1/search", now + 60);
  log.Flush();
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_audit WHERE address = '10.0.0.0'") == 2);
}

}  // namespace scrm::http
