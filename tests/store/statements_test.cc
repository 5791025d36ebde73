#include "store/statements.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>

#include <catch2/catch.hpp>

#include "store/pool.h"
#include "support/test_db.h"

using namespace scrm;
using namespace scrm::store;

namespace {

// What the server counted on this session: statements it prepared and
// statements it closed (the client's count could lie; the server's cannot).
int64_t SessionStatus(sql::Connection& conn, const std::string& name) {
  std::unique_ptr<sql::Statement> st(conn.createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SHOW SESSION STATUS LIKE '" + name + "'"));
  REQUIRE(rs->next());
  return rs->getInt64(2);
}

int64_t SelectInt(Statement& ps) {
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  REQUIRE(rs->next());
  return rs->getInt64(1);
}

PoolOptions OneConnection(const testing::TestDatabase& db) {
  PoolOptions opts;
  opts.url = db.url();
  opts.size = 1;  // every lease gets the same connection
  return opts;
}

}  // namespace

TEST_CASE("a statement is prepared once per connection and reused after", "[mysql][store]") {
  testing::TestDatabase db;
  Pool pool(OneConnection(db));
  Pool::Lease conn = pool.Acquire();
  const int64_t before = SessionStatus(*conn, "Com_stmt_prepare");
  for (int i = 0; i < 5; ++i) {
    Statement ps = conn.Prepare("SELECT ? + 1");
    ps->setInt(1, i);
    CHECK(SelectInt(ps) == i + 1);
  }
  CHECK(SessionStatus(*conn, "Com_stmt_prepare") - before == 1);
}

TEST_CASE("a statement survives the lease: the next lease of its connection reuses it", "[mysql][store]") {
  testing::TestDatabase db;
  Pool pool(OneConnection(db));
  int64_t before = 0;
  {
    Pool::Lease conn = pool.Acquire();
    before = SessionStatus(*conn, "Com_stmt_prepare");
    Statement ps = conn.Prepare("SELECT 40 + ?");
    ps->setInt(1, 2);
    CHECK(SelectInt(ps) == 42);
  }
  Pool::Lease again = pool.Acquire();
  Statement ps = again.Prepare("SELECT 40 + ?");
  ps->setInt(1, 3);
  CHECK(SelectInt(ps) == 43);
  CHECK(SessionStatus(*again, "Com_stmt_prepare") - before == 1);
}

TEST_CASE("a text whose statement is lent gets one of its own, closed after use", "[mysql][store]") {
  testing::TestDatabase db;
  Pool::Lease conn = db.pool().Acquire();  // its connection, with a cache of the test's own
  StatementCache cache(8);
  const int64_t closed_before = SessionStatus(*conn, "Com_stmt_close");
  {
    Statement outer = cache.Prepare(*conn, "SELECT ?");
    outer->setInt(1, 1);
    Statement inner = cache.Prepare(*conn, "SELECT ?");  // a read inside a loop over outer's rows
    CHECK(&*inner != &*outer);
    inner->setInt(1, 2);
    CHECK(SelectInt(outer) == 1);  // binding one does not touch the other
    CHECK(SelectInt(inner) == 2);
    CHECK(cache.prepared_total() == 2);
    CHECK(cache.size() == 1);  // the second one is not kept
  }
  CHECK(SessionStatus(*conn, "Com_stmt_close") - closed_before == 1);  // only the owned one closed
  Statement again = cache.Prepare(*conn, "SELECT ?");
  again->setInt(1, 3);
  CHECK(SelectInt(again) == 3);
  CHECK(cache.prepared_total() == 2);  // the kept one, given back and lent again
}

TEST_CASE("past its capacity the cache closes the least recently used statement", "[mysql][store]") {
  testing::TestDatabase db;
  Pool::Lease conn = db.pool().Acquire();  // its connection, with a cache of the test's own
  StatementCache cache(2);
  auto run = [&](const std::string& text) {
    Statement ps = cache.Prepare(*conn, text);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    REQUIRE(rs->next());
    return rs->getInt64(1);
  };
  CHECK(run("SELECT 1") == 1);
  CHECK(run("SELECT 2") == 2);
  CHECK(run("SELECT 1") == 1);  // 1 is now the most recently used
  CHECK(cache.prepared_total() == 2);
  const int64_t closed_before = SessionStatus(*conn, "Com_stmt_close");
  CHECK(run("SELECT 3") == 3);  // room made by closing 2
  CHECK(cache.size() == 2);
  CHECK(SessionStatus(*conn, "Com_stmt_close") - closed_before == 1);
  CHECK(run("SELECT 1") == 1);
  CHECK(cache.prepared_total() == 3);  // 1 was kept
  CHECK(run("SELECT 2") == 2);
  CHECK(cache.prepared_total() == 4);  // 2 was not
}

TEST_CASE("a statement given back has no binding left for the next use", "[mysql][store]") {
  testing::TestDatabase db;
  Pool::Lease conn = db.pool().Acquire();  // its connection, with a cache of the test's own
  StatementCache cache;
  {
    Statement ps = cache.Prepare(*conn, "SELECT ? IS NULL");
    ps->setInt(1, 7);
    CHECK(SelectInt(ps) == 0);
  }
  Statement ps = cache.Prepare(*conn, "SELECT ? IS NULL");
  try {
    ps->executeQuery();
    FAIL("expected the unbound parameter to be refused");
  } catch (const sql::SQLException&) {
    SUCCEED("the old binding was cleared");
  }
}
