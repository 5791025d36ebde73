// Prepared statements kept with their connection, by SQL text. A page or an
// API call repeats the same few reads on every request; preparing each one
// afresh costs the server a parse and the client a round trip (and a third
// one to close it), about as much as running it. Not thread-safe: a cache
// belongs to one connection, which one lease uses at a time.
#ifndef SCRM_STORE_STATEMENTS_H_
#define SCRM_STORE_STATEMENTS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

namespace sql {
class Connection;
class PreparedStatement;
}  // namespace sql

namespace scrm::store {

// A statement lent by a StatementCache (or owned, when its text was already
// in use): use it like the PreparedStatement it points to; destroying it
// gives a cached one back. Bind every parameter before each execution.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();
  sql::PreparedStatement* operator->() const { return ps_; }
  sql::PreparedStatement& operator*() const { return *ps_; }

 private:
  friend class StatementCache;
  Statement(sql::PreparedStatement* ps, bool* in_use, std::unique_ptr<sql::PreparedStatement> owned);
  sql::PreparedStatement* ps_;
  bool* in_use_;  // the cache entry's flag; null when owned
  std::unique_ptr<sql::PreparedStatement> owned_;
};

class StatementCache {
 public:
  // At most `capacity` statements kept: texts built for a count of rows or
  // ids vary, so the least recently used is closed to make room.
  explicit StatementCache(size_t capacity = 64);
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // The statement of this text on conn: prepared at its first use, kept
  // after. A text whose statement is lent already (a read inside a loop over
  // another's results) gets a statement of its own, closed after use.
  // Throws sql::SQLException as prepareStatement does.
  Statement Prepare(sql::Connection& conn, const std::string& text);

  size_t size() const { return entries_.size(); }
  uint64_t prepared_total() const { return prepared_total_; }  // server-side prepares so far

 private:
  struct Entry {
    std::unique_ptr<sql::PreparedStatement> ps;
    bool in_use = false;
    uint64_t last_used = 0;
  };
  void MakeRoom();

  size_t capacity_;
  uint64_t clock_ = 0;
  uint64_t prepared_total_ = 0;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_STATEMENTS_H_
