// ReadPool: lag-tolerant reads go to a healthy replica, else the primary.
// The healthy case (a real MariaDB replica) is proven by tests/cluster/run.
#include "store/read_pool.h"

#include <catch2/catch.hpp>

#include "support/test_db.h"

using namespace scrm;
using namespace scrm::store;

TEST_CASE("without a replica every lag-tolerant read goes to the primary", "[store]") {
  PoolOptions opts;
  opts.url = *DbUrl::Parse("mysql://scrm:x@127.0.0.1:1/nowhere");
  Pool primary(opts);
  ReadPool reads(primary, nullptr, 30);
  CHECK(&reads.Get() == &primary);
  const ReplicaHealth h = reads.Check();
  CHECK_FALSE(h.healthy);
  CHECK(h.problem.find("db.replica_url") != std::string::npos);
  CHECK(&reads.Get() == &primary);
  CHECK(reads.primary_reads() == 2);
  CHECK(reads.replica_reads() == 0);
}

TEST_CASE("an unreachable replica, or a server that does not replicate, is not used", "[mysql][store]") {
  testing::TestDatabase db;
  PoolOptions primary_options;
  primary_options.url = db.url();
  Pool primary(primary_options);

  PoolOptions gone;
  gone.url = *DbUrl::Parse("mysql://scrm:x@127.0.0.1:1/nowhere");
  gone.connect_timeout_seconds = 1;
  Pool unreachable(gone);
  ReadPool a(primary, &unreachable, 30);
  ReplicaHealth h = a.Check();
  CHECK_FALSE(h.healthy);
  CHECK(h.lag_seconds == -1);
  CHECK(h.problem.find("unreachable") != std::string::npos);
  CHECK(h.problem.find(":x@") == std::string::npos);  // no password
  CHECK(&a.Get() == &primary);

  // The test server itself as the "replica": reachable, replicating nothing.
  Pool standalone(primary_options);
  ReadPool b(primary, &standalone, 30);
  h = b.Check();
  CHECK_FALSE(h.healthy);
  CHECK(h.problem.find("does not replicate") != std::string::npos);
  CHECK(&b.Get() == &primary);
  CHECK(b.last().problem == h.problem);
}
