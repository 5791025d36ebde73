// API keys against the real database: made and shown once, stored as a hash,
// accepted with their roles, refused when unknown or revoked.
#include "http/api_keys.h"
#include "service/api_keys.h"

#include <catch2/catch.hpp>
#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <nlohmann/json.hpp>

#include "http/auth.h"
#include "secrets/crypto.h"
#include "http/server.h"
#include "http_client.h"
#include "store/migrator.h"
#include "support/test_db.h"

namespace scrm::http {
namespace {

using nlohmann::json;
using scrm::testing::Call;
using scrm::testing::CallOptions;

constexpr const char* kSecret = "keys-secret";

void Migrate(scrm::testing::TestDatabase& db) {
  store::MigrateOptions options;
  options.allow_empty_crm = true;
  REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), options).ok());
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

std::string AdminToken() {
  TokenClaims c;
  c.user_id = "1";
  c.roles = {"admin"};
  c.expires_at = 4000000000;
  return MintToken(c, kSecret);
}

}  // namespace

TEST_CASE("an API key is stored as its hash only and carries its roles", "[mysql][http][security]") {
  scrm::testing::TestDatabase db;
  Migrate(db);
  Result<service::NewApiKey> made = service::CreateApiKey(db.pool(), "exporter", {"marketing"}, {"cli:test", ""});
  REQUIRE(made.ok());
  CHECK(made->key.rfind("scrmk_", 0) == 0);
  CHECK(made->key.size() == 6 + 43);
  CHECK(made->record.prefix == made->key.substr(0, 12));
  // Nothing in the table holds the key itself.
  {
    store::Pool::Lease conn = db.pool().Acquire();
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
        "SELECT CONCAT_WS('|', id, name, key_hash, prefix, roles, created_by) FROM scrm_api_keys"));
    REQUIRE(rs->next());
    const std::string row = rs->getString(1);
    CHECK(row.find(made->key) == std::string::npos);
    CHECK(row.find(made->key.substr(12)) == std::string::npos);
    CHECK(row.find(secrets::Sha256Hex(made->key)) != std::string::npos);
  }
  // Names are unique, roles must be known.
  CHECK(service::CreateApiKey(db.pool(), "exporter", {"sales"}, {"x", ""}).status().code() == Status::Code::kConflict);
  CHECK(service::CreateApiKey(db.pool(), "other", {"root"}, {"x", ""}).status().field() == "roles");
  CHECK(service::CreateApiKey(db.pool(), "other", {}, {"x", ""}).status().field() == "roles");
  CHECK(service::CreateApiKey(db.pool(), "bad name!", {"sales"}, {"x", ""}).status().field() == "name");
  // Two keys never repeat.
  Result<service::NewApiKey> second = service::CreateApiKey(db.pool(), "second", {"sales"}, {"x", ""});
  REQUIRE(second.ok());
  CHECK(second->key != made->key);
}

TEST_CASE("the server takes API keys by role, refuses unknown and revoked ones", "[mysql][http][security]") {
  scrm::testing::TestDatabase db;
  Migrate(db);
  Services services;
  services.pool = &db.pool();
  services.authorizer = WithApiKeys(TokenAuthorizer(kSecret), &db.pool());
  ServerOptions o;
  o.port = 0;
  o.threads = 4;
  Server server(o, services);
  server.AddRoute({"GET", "/machine", Access::kApiKey,
                   [](const Request& r) { return Response::Json({{"who", r.principal.user_id}}); }});
  REQUIRE(server.Start().ok());
  const int port = server.port();

  // An admin makes a key over the API; it is shown once.
  auto created = Call(port, "POST", "/api/v1/admin/api-keys",
                      As(AdminToken(), R"({"name":"bi-export","roles":["marketing"]})"));
  INFO(created.body);
  REQUIRE(created.status == 201);
  const std::string key = json::parse(created.body)["key"];
  auto listed = Call(port, "GET", "/api/v1/admin/api-keys", As(AdminToken()));
  REQUIRE(listed.status == 200);
  CHECK(listed.body.find(key) == std::string::npos);
  CHECK(json::parse(listed.body)["api_keys"][0]["name"] == "bi-export");
  CHECK(Call(port, "POST", "/api/v1/admin/api-keys", As(AdminToken(), R"({"name":"x","roles":["god"]})"))
            .status == 400);

  // The key works where its role may go, and on key-only routes.
  auto machine = Call(port, "GET", "/machine", As(key));
  CHECK(machine.status == 200);
  CHECK(json::parse(machine.body)["who"] == "api-key:bi-export");
  CHECK(Call(port, "GET", "/api/v1/admin/api-keys", As(key)).status == 403);  // marketing, not admin
  CHECK(Call(port, "GET", "/machine", As(AdminToken())).status == 403);       // a token is not a key
  CHECK(Call(port, "GET", "/machine", As("scrmk_" + std::string(43, 'A'))).status == 401);

  // Revoked before its first use: refused at once (a key in use stops
  // within the cache's 30 seconds).
  Result<service::NewApiKey> doomed = service::CreateApiKey(db.pool(), "doomed", {"sales"}, {"x", ""});
  REQUIRE(doomed.ok());
  CHECK(Call(port, "DELETE", "/api/v1/admin/api-keys/doomed", As(AdminToken())).status == 200);
  CHECK(Call(port, "GET", "/machine", As(doomed->key)).status == 401);
  CHECK(Call(port, "DELETE", "/api/v1/admin/api-keys/doomed", As(AdminToken())).status == 404);
}

}  // namespace scrm::http
