#include "store/saved_search_repository.h"

#include "core/time.h"
#include "store/sql_util.h"

namespace scrm::store {

namespace {

const char kSelect[] =
    "SELECT id, user_id, name, params, DATE_FORMAT(last_seen_at, '%Y-%m-%d %H:%i:%s'), "
    "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s') FROM scrm_saved_searches";

SavedSearch Read(sql::ResultSet& rs) {
  SavedSearch s;
  s.id = rs.getInt64(1);
  s.user_id = rs.getString(2);
  s.name = rs.getString(3);
  s.params = rs.getString(4);
  s.last_seen_at = ParseSqlDateTime(rs.getString(5)).value_or(0);
  s.created_at = ParseSqlDateTime(rs.getString(6)).value_or(0);
  return s;
}

}  // namespace

Result<SavedSearch> SavedSearchRepository::Add(const std::string& user_id, const std::string& name,
                                               const std::string& params) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "INSERT INTO scrm_saved_searches (user_id, name, params, last_seen_at, created_at, "
        "updated_at) VALUES (?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(), UTC_TIMESTAMP())");
    ps->setString(1, user_id);
    ps->setString(2, name);
    ps->setString(3, params);
    ps->execute();
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT LAST_INSERT_ID()"));
    rs->next();
    const int64_t id = rs->getInt64(1);
    std::optional<SavedSearch> saved = Get(user_id, id);
    if (!saved) return Status::Internal("saved search " + std::to_string(id) + " vanished");
    return *saved;
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == 1062) {  // ER_DUP_ENTRY
      return Status::Conflict("you already have a saved search named '" + name +
                              "': choose another name or delete that one");
    }
    throw DbError::From(e, "saving a search");
  }
}

std::vector<SavedSearch> SavedSearchRepository::List(const std::string& user_id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        std::string(kSelect) + " WHERE user_id = ? ORDER BY name");
    ps->setString(1, user_id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    std::vector<SavedSearch> out;
    while (rs->next()) out.push_back(Read(*rs));
    return out;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "listing saved searches");
  }
}

std::optional<SavedSearch> SavedSearchRepository::Get(const std::string& user_id, int64_t id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(std::string(kSelect) + " WHERE user_id = ? AND id = ?");
    ps->setString(1, user_id);
    ps->setInt64(2, id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    return Read(*rs);
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading a saved search");
  }
}

bool SavedSearchRepository::MarkSeen(const std::string& user_id, int64_t id, int64_t when) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "UPDATE scrm_saved_searches SET last_seen_at = ?, updated_at = UTC_TIMESTAMP() "
        "WHERE user_id = ? AND id = ?");
    ps->setString(1, FormatSqlDateTime(when));
    ps->setString(2, user_id);
    ps->setInt64(3, id);
    // Found rows, not changed rows: marking twice in the same second is fine.
    ps->executeUpdate();
    return Get(user_id, id).has_value();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "marking a saved search seen");
  }
}

bool SavedSearchRepository::Remove(const std::string& user_id, int64_t id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare("DELETE FROM scrm_saved_searches WHERE user_id = ? AND id = ?");
    ps->setString(1, user_id);
    ps->setInt64(2, id);
    return ps->executeUpdate() > 0;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "deleting a saved search");
  }
}

}  // namespace scrm::store
