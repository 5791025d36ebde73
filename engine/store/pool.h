// Pool: a bounded pool of MariaDB connections that survives a server restart.
//
// Acquire() hands out a Lease; returning it puts the connection back, unless
// the lease saw an exception in flight (the connection's state is then
// unknown) or was Discard()ed. A connection idle for more than a second is
// pinged before it is handed out, so after a restart the first requests get
// a DbError that says the database is unavailable, and the next ones a fresh
// connection: no restart of the engine is needed. Each connection keeps the
// statements prepared on it (Lease::Prepare). Thread-safe.
#ifndef SCRM_STORE_POOL_H_
#define SCRM_STORE_POOL_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/db_url.h"
#include "store/statements.h"

namespace sql {
class Connection;
class SQLException;
}  // namespace sql

namespace scrm::store {

// A database failure that no caller expected: connection lost, server down,
// SQL error. unavailable() tells "cannot reach the database now" (HTTP 503)
// from a real error (HTTP 500).
class DbError : public std::runtime_error {
 public:
  DbError(const std::string& what, int mysql_errno, bool unavailable)
      : std::runtime_error(what), errno_(mysql_errno), unavailable_(unavailable) {}
  int mysql_errno() const { return errno_; }
  bool unavailable() const { return unavailable_; }

  // Wraps a Connector/C++ exception; context says what was being done.
  static DbError From(const sql::SQLException& e, const std::string& context);

 private:
  int errno_;
  bool unavailable_;
};

struct PoolOptions {
  DbUrl url;
  int size = 8;                      // connections at most
  int connect_timeout_seconds = 3;   // per connection attempt
  int read_timeout_seconds = 60;     // per query read
  int acquire_timeout_ms = 5000;     // wait for a free connection
};

struct PoolStats {
  int size = 0;     // configured maximum
  int open = 0;     // connections open now (idle + in use)
  int in_use = 0;
  uint64_t acquired_total = 0;
  uint64_t connect_failures_total = 0;
  uint64_t discarded_total = 0;
};

class Pool {
 public:
  explicit Pool(PoolOptions options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A connection and the statements prepared on it (closed first).
  struct Conn {
    std::unique_ptr<sql::Connection> sql;
    std::unique_ptr<StatementCache> statements;
    explicit Conn(std::unique_ptr<sql::Connection> c);
    Conn(Conn&&) noexcept;
    Conn& operator=(Conn&&) = delete;
    ~Conn();
    void Close();  // the statements, then the connection
  };

  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    sql::Connection* operator->() const { return conn_.sql.get(); }
    sql::Connection& operator*() const { return *conn_.sql; }
    // The statement of this SQL text, prepared on this connection at its
    // first use and kept with it (see StatementCache). Throws
    // sql::SQLException as prepareStatement does.
    Statement Prepare(const std::string& text) { return conn_.statements->Prepare(*conn_.sql, text); }
    // Closes the connection instead of returning it to the pool.
    void Discard() { discard_ = true; }

   private:
    friend class Pool;
    Lease(Pool* pool, Conn conn);
    Pool* pool_;
    Conn conn_;
    bool discard_ = false;
    int uncaught_at_start_;
  };

  // A working connection, or DbError (unavailable) when none can be had.
  Lease Acquire();
  // OK when a connection can be had and answers; Unavailable with the reason.
  Status Ping();
  PoolStats Stats() const;
  const PoolOptions& options() const { return options_; }

 private:
  struct Idle {
    Conn conn;
    std::chrono::steady_clock::time_point since;
  };
  std::unique_ptr<sql::Connection> Connect();
  void Return(Conn conn, bool discard);

  const PoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Idle> idle_;
  int open_ = 0;
  int in_use_ = 0;
  uint64_t acquired_total_ = 0;
  uint64_t connect_failures_total_ = 0;
  uint64_t discarded_total_ = 0;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_POOL_H_
