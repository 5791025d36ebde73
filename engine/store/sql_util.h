// Small helpers for writing prepared statements with Connector/C++ inside
// engine/store and engine/crm. Not a public face of the store.
#ifndef SCRM_STORE_SQL_UTIL_H_
#define SCRM_STORE_SQL_UTIL_H_

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/viewer.h"
#include "store/pool.h"

namespace scrm::store {

// "(?,?,?),(?,?,?)": rows groups of columns placeholders, for multi-row
// INSERTs and IN lists.
inline std::string Placeholders(size_t rows, size_t columns) {
  std::string group = "(";
  for (size_t c = 0; c < columns; ++c) group += c ? ",?" : "?";
  group += ")";
  std::string out;
  out.reserve(rows * (group.size() + 1));
  for (size_t r = 0; r < rows; ++r) {
    if (r) out += ',';
    out += group;
  }
  return out;
}

// MariaDB errors after which a write that lost a race to another writer is
// run again from its start: another writer inserted the same unique key
// first (1062), or both waited on each other's unique-key or gap locks and
// this one was chosen to roll back (1213). A random pause before the next
// attempt lets the writers fall out of step.
inline bool LostRace(const sql::SQLException& e) {
  return e.getErrorCode() == 1062 || e.getErrorCode() == 1213;
}

inline void PauseBeforeAttempt(int attempt) {
  thread_local std::minstd_rand random(
      static_cast<unsigned>(std::hash<std::thread::id>()(std::this_thread::get_id())));
  std::this_thread::sleep_for(
      std::chrono::milliseconds(std::min(attempt, 5) * 5 + static_cast<int>(random() % 20)));
}

// write() run again, at most `attempts` times in all, while it throws an
// exception for which LostRace() holds; the last one is rethrown. write
// must start its transaction afresh each time.
template <typename Write>
auto RetryLostRace(int attempts, Write write) -> decltype(write()) {
  for (int attempt = 1;; ++attempt) {
    try {
      return write();
    } catch (const sql::SQLException& e) {
      if (!LostRace(e) || attempt >= attempts) throw;
      PauseBeforeAttempt(attempt);
    }
  }
}

// Ids are bound at most this many to a statement (IN lists, multi-row INSERTs).
constexpr size_t kIdChunk = 1000;

// The statement of text on conn: a lease's kept one (Pool::Lease::Prepare),
// else one prepared for this use.
inline Statement PrepareOn(Pool::Lease& conn, const std::string& text) { return conn.Prepare(text); }
inline std::unique_ptr<sql::PreparedStatement> PrepareOn(sql::Connection& conn, const std::string& text) {
  return std::unique_ptr<sql::PreparedStatement>(conn.prepareStatement(text));
}

// For each run of at most kIdChunk ids: prepares statement(n) (its text for
// n ids, e.g. "... IN " + Placeholders(1, n)) on conn (a Pool::Lease or an
// sql::Connection), binds the ids as parameters 1..n, and hands it to run
// (executeQuery, execute...).
template <typename Conn, typename Text, typename Run>
void ForIdChunks(Conn& conn, const std::vector<int64_t>& ids, Text statement, Run run) {
  for (size_t start = 0; start < ids.size(); start += kIdChunk) {
    const size_t end = std::min(ids.size(), start + kIdChunk);
    auto ps = PrepareOn(conn, statement(end - start));
    for (size_t k = start; k < end; ++k) ps->setInt64(static_cast<int>(k - start + 1), ids[k]);
    run(*ps);
  }
}

// Runs "PREFIX (?,?,...)" (a DELETE or UPDATE ... IN) over ids, kIdChunk
// at a time, on conn (a Pool::Lease or an sql::Connection); returns the
// rows affected.
template <typename Conn>
int64_t ExecuteForIds(Conn& conn, const std::string& prefix, const std::vector<int64_t>& ids) {
  int64_t affected = 0;
  ForIdChunks(
      conn, ids, [&](size_t n) { return prefix + Placeholders(1, n); },
      [&](sql::PreparedStatement& ps) { affected += ps.executeUpdate(); });
  return affected;
}

// A roles column ("admin,community:lyon", as in tokens) and back; empty
// items are dropped.
inline std::string JoinRoles(const std::vector<std::string>& roles) {
  std::string joined;
  for (const std::string& r : roles) joined += (joined.empty() ? "" : ",") + r;
  return joined;
}

inline std::vector<std::string> SplitRoles(const std::string& joined) {
  std::vector<std::string> roles;
  std::istringstream in(joined);
  std::string role;
  while (std::getline(in, role, ',')) {
    if (!role.empty()) roles.push_back(role);
  }
  return roles;
}

inline void Execute(sql::Connection& conn, const std::string& stmt) {
  std::unique_ptr<sql::Statement> st(conn.createStatement());
  st->execute(stmt);
}

// Commits on Commit(); rolls back if left without committing.
class Transaction {
 public:
  explicit Transaction(sql::Connection& conn) : conn_(conn) { conn_.setAutoCommit(false); }
  ~Transaction() {
    try {
      if (!done_) conn_.rollback();
      conn_.setAutoCommit(true);
    } catch (const sql::SQLException&) {
      // A connection that cannot roll back is discarded by its Lease.
    }
  }
  void Commit() {
    conn_.commit();
    done_ = true;
  }

 private:
  sql::Connection& conn_;
  bool done_ = false;
};

// A MariaDB named lock (GET_LOCK), released on every way out. It serialises
// work between processes, e.g. two migrations or two CRM syncs. MariaDB
// lock names are server-wide: the name is qualified with the current
// database, so two CRMs on one server do not wait for each other.
class NamedLock {
 public:
  NamedLock(sql::Connection& conn, std::string name, int wait_seconds) : conn_(conn), name_(std::move(name)) {
    std::unique_ptr<sql::PreparedStatement> ps(conn_.prepareStatement("SELECT GET_LOCK(CONCAT(DATABASE(), '.', ?), ?)"));
    ps->setString(1, name_);
    ps->setInt(2, wait_seconds);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    held_ = rs->next() && !rs->isNull(1) && rs->getInt(1) == 1;
  }
  ~NamedLock() {
    if (!held_) return;
    try {
      std::unique_ptr<sql::PreparedStatement> ps(conn_.prepareStatement("SELECT RELEASE_LOCK(CONCAT(DATABASE(), '.', ?))"));
      ps->setString(1, name_);
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    } catch (const sql::SQLException&) {
      // The lock dies with the connection anyway.
    }
  }
  bool held() const { return held_; }

 private:
  sql::Connection& conn_;
  std::string name_;
  bool held_ = false;
};

// The SQL form of Viewer::Sees for the scrm_sources row aliased `s` (LEFT
// JOINed: no source is seen by `everything` only): a condition to AND into a
// WHERE, its community names appended to `binds`, in order.
inline std::string VisibleSourceCondition(const Viewer& viewer, const std::string& s,
                                          std::vector<std::string>* binds) {
  if (viewer.everything) return "1 = 1";
  std::string c = "(" + s + ".visibility = 'public'";
  if (viewer.internal) c += " OR " + s + ".visibility = 'internal'";
  if (!viewer.communities.empty()) {
    c += " OR (" + s + ".visibility = 'community' AND " + s + ".community COLLATE utf8mb4_bin IN " +
         Placeholders(1, viewer.communities.size()) + ")";
    binds->insert(binds->end(), viewer.communities.begin(), viewer.communities.end());
  }
  return c + ")";
}

}  // namespace scrm::store

#endif  // SCRM_STORE_SQL_UTIL_H_
