#include "support/test_db.h"

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/text.h"
#include "store/migrator.h"
#include "store/sql_util.h"

namespace scrm::testing {

store::DbUrl ServerUrl() {
  std::string url;
  if (const char* env = std::getenv("SCRM_TEST_DB_URL")) url = env;
  if (url.empty()) {
    std::ifstream in(std::string(SCRM_TEST_DB_DIR) + "/url");
    std::getline(in, url);
  }
  if (url.empty()) {
    FAIL("no test database: run the tests through ctest (its db_start fixture starts a private "
         "MariaDB with scripts/db) or set SCRM_TEST_DB_URL");
  }
  Result<store::DbUrl> parsed = store::DbUrl::Parse(Trim(url));
  if (!parsed.ok()) FAIL("bad test database URL: " + parsed.status().message());
  return *parsed;
}

TestDatabase::TestDatabase() {
  static std::atomic<int> counter{0};
  url_ = ServerUrl();
  std::string server_db = url_.database;
  url_.database = "scrm_t_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  store::PoolOptions admin_opts;
  admin_opts.url = ServerUrl();
  admin_opts.size = 2;
  store::Pool admin(admin_opts);
  {
    store::Pool::Lease conn = admin.Acquire();
    store::Execute(*conn, "DROP DATABASE IF EXISTS " + url_.database);
    store::Execute(*conn, "CREATE DATABASE " + url_.database +
                              " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  }
  store::PoolOptions opts;
  opts.url = url_;
  opts.size = 6;
  pool_ = std::make_unique<store::Pool>(opts);
}

TestDatabase::~TestDatabase() {
  try {
    pool_.reset();
    store::PoolOptions admin_opts;
    admin_opts.url = ServerUrl();
    admin_opts.size = 2;
    store::Pool admin(admin_opts);
    store::Pool::Lease conn = admin.Acquire();
    store::Execute(*conn, "DROP DATABASE IF EXISTS " + url_.database);
  } catch (...) {
    // A test that stopped the server leaves its database behind in the
    // throwaway data directory; that is fine.
  }
}

std::string TestDatabase::url_string() const {
  return "mysql://" + url_.user + ":" + url_.password + "@" + url_.host + ":" +
         std::to_string(url_.port) + "/" + url_.database;
}

void TestDatabase::Exec(const std::string& sql) {
  store::Pool::Lease conn = pool_->Acquire();
  for (const std::string& stmt : store::SplitStatements(sql)) store::Execute(*conn, stmt);
}

void TestDatabase::ExecFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) FAIL("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  Exec(ss.str());
}

std::string TestDatabase::Scalar(const std::string& query) {
  store::Pool::Lease conn = pool_->Acquire();
  std::unique_ptr<sql::Statement> st(conn->createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery(query));
  if (!rs->next() || rs->isNull(1)) return "";
  return rs->getString(1);
}

void TestDatabase::LoadSuiteCrmSchema(bool cstm) {
  ExecFile(std::string(SCRM_SOURCE_DIR) + "/scripts/crm/suitecrm-schema.sql");
  if (cstm) ExecFile(std::string(SCRM_SOURCE_DIR) + "/scripts/crm/suitecrm-cstm.sql");
}

std::string ConformanceDir() {
  std::string dir = SCRM_CONFORMANCE_DIR_DEFAULT;
  if (const char* env = std::getenv("SCRM_CONFORMANCE_DIR")) dir = env;
  std::ifstream probe(dir + "/README.md");
  return probe.good() ? dir : "";
}

}  // namespace scrm::testing
