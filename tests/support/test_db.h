// Test support: a fresh database on the private test server for each test.
// The server is the one ctest's db_start fixture started (scripts/db, URL in
// build/testdb/url), or SCRM_TEST_DB_URL when set. Without either, tests
// that need it fail with a message saying how to run them: they are never
// skipped.
#ifndef SCRM_TESTS_SUPPORT_TEST_DB_H_
#define SCRM_TESTS_SUPPORT_TEST_DB_H_

#include <memory>
#include <string>

#include "store/pool.h"

namespace scrm::testing {

// The test server's URL (its database part is the server's default database).
store::DbUrl ServerUrl();

class TestDatabase {
 public:
  TestDatabase();   // CREATE DATABASE scrm_t_<pid>_<n>
  ~TestDatabase();  // DROP DATABASE
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const store::DbUrl& url() const { return url_; }
  std::string url_string() const;  // mysql://user:password@host:port/db
  store::Pool& pool() { return *pool_; }

  // Runs SQL text holding one or more statements (each ending with ';' at
  // the end of a line, as in sql/ and scripts/crm/).
  void Exec(const std::string& sql);
  void ExecFile(const std::string& path);
  // The first column of the first row, as text ("" for NULL or no row).
  std::string Scalar(const std::string& query);
  long long Count(const std::string& query) { return std::stoll(Scalar(query)); }

  // SuiteCRM 7.14's tables (scripts/crm/suitecrm-schema.sql), with the
  // twitter/facebook custom-field tables when cstm is true.
  void LoadSuiteCrmSchema(bool cstm);

 private:
  store::DbUrl url_;
  std::unique_ptr<store::Pool> pool_;
};

// The shared conformance folder (../shared/conformance or
// SCRM_CONFORMANCE_DIR); empty when it does not exist.
std::string ConformanceDir();

}  // namespace scrm::testing

#endif  // SCRM_TESTS_SUPPORT_TEST_DB_H_
