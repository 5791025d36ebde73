#include "store/migrator.h"

#include <catch2/catch.hpp>

#include "support/test_db.h"

using namespace scrm;
using namespace scrm::store;

TEST_CASE("SplitStatements splits at semicolons ending a line and drops comment-only chunks",
          "[store]") {
  auto stmts = SplitStatements(
      "-- header\n\nCREATE TABLE a (x int);\n-- between\nINSERT INTO a VALUES (1); \n"
      "SELECT 'a;b'\n FROM a;\n-- trailing comment\n");
  REQUIRE(stmts.size() == 3);
  CHECK(stmts[0].find("CREATE TABLE a") != std::string::npos);
  CHECK(stmts[2].find("SELECT 'a;b'") != std::string::npos);
}

TEST_CASE("The embedded migrations are numbered from 1 without gaps", "[store]") {
  const auto& migrations = EmbeddedMigrations();
  REQUIRE_FALSE(migrations.empty());
  for (size_t i = 0; i < migrations.size(); ++i) {
    CHECK(migrations[i].version == static_cast<int>(i + 1));
    CHECK_FALSE(SplitStatements(migrations[i].sql).empty());
  }
}

TEST_CASE("migrate refuses a database without SuiteCRM tables", "[mysql][store]") {
  testing::TestDatabase db;
  auto r = Migrate(db.pool(), EmbeddedMigrations(), {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("no SuiteCRM tables") != std::string::npos);
  CHECK(r.status().message().find("--allow-empty-crm") != std::string::npos);
  CHECK(db.Count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()") ==
        0);
}

TEST_CASE("migrate applies every migration once and is idempotent", "[mysql][store]") {
  testing::TestDatabase db;
  db.LoadSuiteCrmSchema(false);
  auto first = Migrate(db.pool(), EmbeddedMigrations(), {});
  REQUIRE(first.ok());
  CHECK(first->from_version == 0);
  CHECK(first->to_version == LatestVersion(EmbeddedMigrations()));
  CHECK(first->applied.size() == EmbeddedMigrations().size());
  CHECK(CurrentSchemaVersion(db.pool()) == LatestVersion(EmbeddedMigrations()));
  CHECK(db.Scalar("SELECT table_collation FROM information_schema.tables WHERE table_schema = "
                  "DATABASE() AND table_name = 'scrm_customers'") == "utf8mb4_unicode_ci");
  CHECK(db.Scalar("SELECT engine FROM information_schema.tables WHERE table_schema = DATABASE() "
                  "AND table_name = 'scrm_customers'") == "InnoDB");

  auto second = Migrate(db.pool(), EmbeddedMigrations(), {});
  REQUIRE(second.ok());
  CHECK(second->applied.empty());
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_schema_version") ==
        static_cast<long long>(EmbeddedMigrations().size()));
}

TEST_CASE("migrate adds only what is missing and refuses an edited migration", "[mysql][store]") {
  testing::TestDatabase db;
  std::vector<Migration> v1 = {{1, "0001_a", "CREATE TABLE scrm_a (x int);\n"}};
  std::vector<Migration> v2 = v1;
  v2.push_back({2, "0002_b", "CREATE TABLE scrm_b (y int);\nINSERT INTO scrm_b VALUES (7);\n"});
  MigrateOptions allow;
  allow.allow_empty_crm = true;
  REQUIRE(Migrate(db.pool(), v1, allow).ok());
  auto r = Migrate(db.pool(), v2, allow);
  REQUIRE(r.ok());
  CHECK(r->from_version == 1);
  CHECK(r->applied == std::vector<std::string>{"0002_b"});
  CHECK(db.Scalar("SELECT y FROM scrm_b") == "7");

  std::vector<Migration> edited = v2;
  edited[0].sql = "CREATE TABLE scrm_a (x bigint);\n";
  auto refused = Migrate(db.pool(), edited, allow);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("0001_a was changed after it was applied") !=
        std::string::npos);
}

TEST_CASE("a failing migration names itself and is not recorded", "[mysql][store]") {
  testing::TestDatabase db;
  std::vector<Migration> bad = {{1, "0001_bad", "CREATE TABLE scrm_x (x nosuchtype);\n"}};
  MigrateOptions allow;
  allow.allow_empty_crm = true;
  try {
    Migrate(db.pool(), bad, allow);
    FAIL("expected DbError");
  } catch (const DbError& e) {
    CHECK(std::string(e.what()).find("applying migration 0001_bad") != std::string::npos);
    CHECK_FALSE(e.unavailable());
  }
  CHECK(CurrentSchemaVersion(db.pool()) == 0);
}
