#include "store/pool.h"

#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>
#include <mysql_driver.h>

#include <exception>

namespace scrm::store {

namespace {

// Client and server error numbers that mean "the server cannot be reached or
// went away", as opposed to an error in what was asked.
bool IsUnavailableErrno(int e) {
  switch (e) {
    case 1040:  // ER_CON_COUNT_ERROR: too many connections
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1927:  // ER_CONNECTION_KILLED
    case 2002:  // CR_CONNECTION_ERROR: cannot connect through the socket
    case 2003:  // CR_CONN_HOST_ERROR: cannot connect to host
    case 2005:  // CR_UNKNOWN_HOST
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2055:  // CR_SERVER_LOST_EXTENDED
      return true;
    default:
      return false;
  }
}

constexpr auto kPingAfterIdle = std::chrono::seconds(1);

}  // namespace

DbError DbError::From(const sql::SQLException& e, const std::string& context) {
  int code = e.getErrorCode();
  std::string what = context + ": " + e.what() + " (MariaDB error " + std::to_string(code) + ")";
  return DbError(what, code, IsUnavailableErrno(code));
}

Pool::Conn::Conn(std::unique_ptr<sql::Connection> c)
    : sql(std::move(c)), statements(std::make_unique<StatementCache>()) {}
Pool::Conn::Conn(Conn&&) noexcept = default;
Pool::Conn::~Conn() { Close(); }
void Pool::Conn::Close() {
  statements.reset();  // they belong to the connection: closed before it
  sql.reset();
}

Pool::Pool(PoolOptions options) : options_(std::move(options)) {}

Pool::~Pool() = default;

std::unique_ptr<sql::Connection> Pool::Connect() {
  const DbUrl& u = options_.url;
  sql::ConnectOptionsMap opts;
  opts["userName"] = sql::SQLString(u.user);
  opts["password"] = sql::SQLString(u.password);
  opts["schema"] = sql::SQLString(u.database);
  if (!u.socket.empty()) {
    opts["hostName"] = sql::SQLString("localhost");
    opts["socket"] = sql::SQLString(u.socket);
  } else {
    opts["hostName"] = sql::SQLString(u.host);
    opts["port"] = u.port;
  }
  opts["OPT_CONNECT_TIMEOUT"] = options_.connect_timeout_seconds;
  opts["OPT_READ_TIMEOUT"] = options_.read_timeout_seconds;
  opts["OPT_WRITE_TIMEOUT"] = options_.read_timeout_seconds;
  opts["OPT_RECONNECT"] = false;  // a lost connection is replaced, never resumed mid-transaction
  opts["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  try {
    sql::Driver* driver = sql::mysql::get_mysql_driver_instance();
    std::unique_ptr<sql::Connection> conn(driver->connect(opts));
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    st->execute("SET time_zone = '+00:00', NAMES utf8mb4 COLLATE utf8mb4_unicode_ci");
    return conn;
  } catch (const sql::SQLException& e) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++connect_failures_total_;
    }
    int code = e.getErrorCode();
    throw DbError("cannot connect to the database at " + u.Address() + " as " + u.user + ": " +
                      e.what() + " (MariaDB error " + std::to_string(code) + ")",
                  code, IsUnavailableErrno(code) || code == 0);
  }
}

Pool::Lease Pool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.acquire_timeout_ms);
  for (;;) {
    while (!idle_.empty()) {
      Idle idle = std::move(idle_.back());
      idle_.pop_back();
      ++in_use_;
      lock.unlock();
      bool alive = true;
      if (std::chrono::steady_clock::now() - idle.since > kPingAfterIdle) {
        try {
          alive = idle.conn.sql->isValid();
        } catch (const sql::SQLException&) {
          alive = false;
        }
      }
      if (alive) {
        lock.lock();
        ++acquired_total_;
        return Lease(this, std::move(idle.conn));
      }
      idle.conn.Close();
      lock.lock();
      --in_use_;
      --open_;
      ++discarded_total_;
    }
    if (open_ < options_.size) {
      ++open_;
      ++in_use_;
      lock.unlock();
      try {
        std::unique_ptr<sql::Connection> conn = Connect();
        lock.lock();
        ++acquired_total_;
        return Lease(this, Conn(std::move(conn)));
      } catch (...) {
        lock.lock();
        --open_;
        --in_use_;
        cv_.notify_one();
        throw;
      }
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.size) {
      throw DbError("no database connection free after " +
                        std::to_string(options_.acquire_timeout_ms) + " ms (pool of " +
                        std::to_string(options_.size) + "; raise db.pool_size)",
                    0, true);
    }
  }
}

void Pool::Return(Conn conn, bool discard) {
  if (discard) {
    try {
      conn.Close();
    } catch (...) {
      // Closing a broken connection may fail; it is gone either way.
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  --in_use_;
  if (discard) {
    --open_;
    ++discarded_total_;
  } else {
    idle_.push_back(Idle{std::move(conn), std::chrono::steady_clock::now()});
  }
  cv_.notify_one();
}

Status Pool::Ping() {
  try {
    Lease lease = Acquire();
    std::unique_ptr<sql::Statement> st(lease->createStatement());
    // Read the result: an unread result set leaves the connection out of
    // sync ("Commands out of sync") for the next caller.
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT 1"));
    return Status::Ok();
  } catch (const DbError& e) {
    return Status::Unavailable(e.what());
  } catch (const sql::SQLException& e) {
    return Status::Unavailable(DbError::From(e, "database ping").what());
  }
}

PoolStats Pool::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  PoolStats s;
  s.size = options_.size;
  s.open = open_;
  s.in_use = in_use_;
  s.acquired_total = acquired_total_;
  s.connect_failures_total = connect_failures_total_;
  s.discarded_total = discarded_total_;
  return s;
}

Pool::Lease::Lease(Pool* pool, Conn conn)
    : pool_(pool), conn_(std::move(conn)), uncaught_at_start_(std::uncaught_exceptions()) {}

Pool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_),
      conn_(std::move(other.conn_)),
      discard_(other.discard_),
      uncaught_at_start_(other.uncaught_at_start_) {
  other.pool_ = nullptr;
}

Pool::Lease::~Lease() {
  if (pool_ == nullptr || conn_.sql == nullptr) return;
  // Unwinding through this lease: the connection may be mid-transaction or
  // broken. Close it rather than hand it to the next caller.
  bool unwinding = std::uncaught_exceptions() > uncaught_at_start_;
  pool_->Return(std::move(conn_), discard_ || unwinding);
}

}  // namespace scrm::store
