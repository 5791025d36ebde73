// ReadPool: where the reads that tolerate some lag go (the search pages and
// the Social panel): a replica of the database (db.replica_url) while it is
// healthy, else the primary. Writes never go through it.
//
// Healthy means: reachable, both replication threads running, and at most
// max_lag_seconds behind its primary (SHOW SLAVE STATUS). Check() measures
// that (scrm serve runs it every few seconds in the background); Get() only
// reads the last verdict, so a dead replica costs a request nothing: its
// reads go to the primary until a Check() finds it well again. Thread-safe.
#ifndef SCRM_STORE_READ_POOL_H_
#define SCRM_STORE_READ_POOL_H_

#include <atomic>
#include <mutex>
#include <string>

#include "store/pool.h"

namespace scrm::store {

struct ReplicaHealth {
  bool healthy = false;
  double lag_seconds = -1;  // -1: unknown (unreachable, or not replicating)
  std::string problem;      // why not healthy; "" when healthy
};

class ReadPool {
 public:
  // replica may be null (no db.replica_url): every read goes to primary.
  ReadPool(Pool& primary, Pool* replica, int max_lag_seconds);

  // The pool for a lag-tolerant read now.
  Pool& Get();
  // Measures the replica and records the verdict Get() follows.
  ReplicaHealth Check();
  ReplicaHealth last() const;
  bool has_replica() const { return replica_ != nullptr; }
  // Reads served by each side so far (for /metrics).
  uint64_t replica_reads() const { return replica_reads_.load(); }
  uint64_t primary_reads() const { return primary_reads_.load(); }

 private:
  Pool& primary_;
  Pool* replica_;
  const int max_lag_seconds_;
  std::atomic<bool> use_replica_{false};
  std::atomic<uint64_t> replica_reads_{0}, primary_reads_{0};
  mutable std::mutex mu_;
  ReplicaHealth last_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_READ_POOL_H_
