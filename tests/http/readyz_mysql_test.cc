// /readyz against the real database: unmigrated, then migrated.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http/health.h"
#include "http/server.h"
#include "http_client.h"
#include "store/migrator.h"
#include "support/test_db.h"

namespace scrm::http {
namespace {

TEST_CASE("readyz asks for scrm migrate until the schema is there", "[mysql][http][health]") {
  scrm::testing::TestDatabase db;  // fresh and empty; dropped at the end
  const int latest = store::LatestVersion(store::EmbeddedMigrations());
  REQUIRE(latest >= 1);

  Response r = Readyz(&db.pool());
  CHECK(r.status == 503);
  CHECK(nlohmann::json::parse(r.body) ==
        nlohmann::json{{"status", "unavailable"},
                       {"reason", "schema version 0, expected " + std::to_string(latest) +
                                      ": run scrm migrate"}});

  store::MigrateOptions options;
  options.allow_empty_crm = true;
  Result<store::MigrateReport> migrated =
      store::Migrate(db.pool(), store::EmbeddedMigrations(), options);
  REQUIRE(migrated.ok());

  Services services;
  services.pool = &db.pool();
  ServerOptions server_options;
  server_options.port = 0;
  Server server(server_options, services);
  REQUIRE(server.Start().ok());
  scrm::testing::ClientResponse ready = scrm::testing::Get(server.port(), "/readyz");
  CHECK(ready.status == 200);
  CHECK(nlohmann::json::parse(ready.body) ==
        nlohmann::json{{"status", "ready"}, {"database", "ok"}, {"schema_version", latest}});
  std::string metrics = scrm::testing::Get(server.port(), "/metrics").body;
  CHECK(metrics.find("scrm_db_pool_connections{state=\"open\"} 1\n") != std::string::npos);
  CHECK(metrics.find("scrm_db_pool_connections{state=\"in_use\"} 0\n") != std::string::npos);
  server.Stop();
}

}  // namespace
}  // namespace scrm::http
