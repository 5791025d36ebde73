#include "store/pool.h"

#include <cppconn/statement.h>
#include <mysql_connection.h>

#include <catch2/catch.hpp>
#include <thread>

#include "support/test_db.h"

using namespace scrm;
using namespace scrm::store;

TEST_CASE("an unreachable database is an unavailable DbError naming the address", "[store]") {
  PoolOptions opts;
  opts.url = *DbUrl::Parse("mysql://scrm:x@127.0.0.1:1/nowhere");
  opts.connect_timeout_seconds = 1;
  Pool pool(opts);
  try {
    pool.Acquire();
    FAIL("expected DbError");
  } catch (const DbError& e) {
    CHECK(e.unavailable());
    CHECK(std::string(e.what()).find("127.0.0.1:1") != std::string::npos);
    CHECK(std::string(e.what()).find(":x@") == std::string::npos);  // no password
  }
  Status ping = pool.Ping();
  CHECK(ping.code() == Status::Code::kUnavailable);
  CHECK(pool.Stats().connect_failures_total == 2);
  CHECK(pool.Stats().open == 0);
}

TEST_CASE("the pool reuses connections and bounds them", "[mysql][store]") {
  testing::TestDatabase db;
  PoolOptions opts;
  opts.url = db.url();
  opts.size = 2;
  opts.acquire_timeout_ms = 200;
  Pool pool(opts);
  {
    Pool::Lease a = pool.Acquire();
    Pool::Lease b = pool.Acquire();
    CHECK(pool.Stats().in_use == 2);
    try {
      pool.Acquire();
      FAIL("expected the pool to be exhausted");
    } catch (const DbError& e) {
      CHECK(std::string(e.what()).find("db.pool_size") != std::string::npos);
    }
  }
  CHECK(pool.Stats().in_use == 0);
  CHECK(pool.Stats().open == 2);
  CHECK(pool.Ping().ok());
  CHECK(pool.Ping().ok());  // the connection a ping used is clean for the next caller
  Pool::Lease again = pool.Acquire();
  std::unique_ptr<sql::Statement> st(again->createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT 2"));
  CHECK(rs->next());
  CHECK(pool.Stats().open == 2);  // reused, not reopened
}

TEST_CASE("a connection is UTC and utf8mb4", "[mysql][store]") {
  testing::TestDatabase db;
  Pool::Lease conn = db.pool().Acquire();
  std::unique_ptr<sql::Statement> st(conn->createStatement());
  std::unique_ptr<sql::ResultSet> rs(
      st->executeQuery("SELECT @@session.time_zone, @@character_set_client, 'Hélène 日本'"));
  REQUIRE(rs->next());
  CHECK(rs->getString(1) == "+00:00");
  CHECK(rs->getString(2) == "utf8mb4");
  CHECK(rs->getString(3) == "Hélène 日本");
}

TEST_CASE("a lease that sees an exception is discarded, not reused", "[mysql][store]") {
  testing::TestDatabase db;
  Pool& pool = db.pool();
  try {
    Pool::Lease conn = pool.Acquire();
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  CHECK(pool.Stats().discarded_total == 1);
  CHECK(pool.Stats().open == 0);
}

TEST_CASE("a killed connection is replaced on the next acquire", "[mysql][store]") {
  testing::TestDatabase db;
  Pool& pool = db.pool();
  std::string id;
  {
    Pool::Lease conn = pool.Acquire();
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT CONNECTION_ID()"));
    rs->next();
    id = rs->getString(1);
  }
  {
    // Kill it from another connection, as a server restart would.
    PoolOptions opts;
    opts.url = db.url();
    Pool other(opts);
    Pool::Lease k = other.Acquire();
    std::unique_ptr<sql::Statement> st(k->createStatement());
    st->execute("KILL " + id);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // idle long enough to be pinged
  CHECK(pool.Ping().ok());
  CHECK(pool.Stats().discarded_total >= 1);
}
