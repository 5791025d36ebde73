#include "store/statements.h"

#include <cppconn/prepared_statement.h>
#include <mysql_connection.h>

namespace scrm::store {

Statement::Statement(sql::PreparedStatement* ps, bool* in_use,
                     std::unique_ptr<sql::PreparedStatement> owned)
    : ps_(ps), in_use_(in_use), owned_(std::move(owned)) {}

Statement::Statement(Statement&& other) noexcept
    : ps_(other.ps_), in_use_(other.in_use_), owned_(std::move(other.owned_)) {
  other.in_use_ = nullptr;
  other.ps_ = nullptr;
}

Statement::~Statement() {
  if (in_use_ == nullptr) return;
  try {
    ps_->clearParameters();  // no stale binding (a stream's, say) left for the next use
  } catch (...) {
    // A statement of a broken connection: the lease discards it.
  }
  *in_use_ = false;
}

StatementCache::StatementCache(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

StatementCache::~StatementCache() = default;

Statement StatementCache::Prepare(sql::Connection& conn, const std::string& text) {
  auto it = entries_.find(text);
  if (it != entries_.end() && it->second.in_use) {
    std::unique_ptr<sql::PreparedStatement> own(conn.prepareStatement(text));
    ++prepared_total_;
    sql::PreparedStatement* ps = own.get();
    return Statement(ps, nullptr, std::move(own));
  }
  if (it == entries_.end()) {
    MakeRoom();
    std::unique_ptr<sql::PreparedStatement> ps(conn.prepareStatement(text));  // may throw: nothing kept
    ++prepared_total_;
    it = entries_.emplace(text, Entry{std::move(ps), false, 0}).first;
  }
  Entry& e = it->second;
  e.in_use = true;
  e.last_used = ++clock_;
  return Statement(e.ps.get(), &e.in_use, nullptr);
}

void StatementCache::MakeRoom() {
  while (entries_.size() >= capacity_) {
    auto oldest = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (!it->second.in_use && (oldest == entries_.end() || it->second.last_used < oldest->second.last_used)) {
        oldest = it;
      }
    }
    if (oldest == entries_.end()) return;  // all lent: the cache grows past capacity for now
    entries_.erase(oldest);
  }
}

}  // namespace scrm::store
