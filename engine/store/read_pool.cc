#include "store/read_pool.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>

namespace scrm::store {

ReadPool::ReadPool(Pool& primary, Pool* replica, int max_lag_seconds)
    : primary_(primary), replica_(replica), max_lag_seconds_(max_lag_seconds) {}

Pool& ReadPool::Get() {
  if (replica_ != nullptr && use_replica_.load(std::memory_order_relaxed)) {
    replica_reads_.fetch_add(1, std::memory_order_relaxed);
    return *replica_;
  }
  primary_reads_.fetch_add(1, std::memory_order_relaxed);
  return primary_;
}

ReplicaHealth ReadPool::Check() {
  ReplicaHealth h;
  if (replica_ == nullptr) {
    h.problem = "no replica configured (db.replica_url)";
  } else {
    try {
      Pool::Lease conn = replica_->Acquire();
      std::unique_ptr<sql::Statement> st(conn->createStatement());
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SHOW SLAVE STATUS"));
      if (!rs->next()) {
        h.problem = "the replica does not replicate (SHOW SLAVE STATUS is empty)";
      } else if (rs->getString("Slave_IO_Running") != "Yes" || rs->getString("Slave_SQL_Running") != "Yes") {
        h.problem = "replication stopped on the replica (IO " + std::string(rs->getString("Slave_IO_Running")) +
                    ", SQL " + std::string(rs->getString("Slave_SQL_Running")) + ")";
      } else if (rs->isNull("Seconds_Behind_Master")) {
        h.problem = "the replica does not know its lag";
      } else {
        h.lag_seconds = static_cast<double>(rs->getInt64("Seconds_Behind_Master"));
        if (h.lag_seconds > max_lag_seconds_) {
          h.problem = "the replica is " + std::to_string(static_cast<int64_t>(h.lag_seconds)) +
                      " s behind (db.replica_max_lag_seconds = " + std::to_string(max_lag_seconds_) + ")";
        } else {
          h.healthy = true;
        }
      }
    } catch (const DbError& e) {
      h.problem = std::string("the replica is unreachable: ") + e.what();
    } catch (const sql::SQLException& e) {
      h.problem = std::string("the replica's status cannot be read: ") + e.what();
    }
  }
  use_replica_.store(h.healthy, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(mu_);
  last_ = h;
  return h;
}

ReplicaHealth ReadPool::last() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_;
}

}  // namespace scrm::store
