#include "store/api_key_repository.h"

#include "core/reasons.h"
#include "core/time.h"
#include "store/sql_util.h"

namespace scrm::store {
namespace {

const char kSelect[] =
    "SELECT id, name, prefix, roles, created_by, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'), "
    "COALESCE(DATE_FORMAT(last_used_at, '%Y-%m-%d %H:%i:%s'), ''), "
    "COALESCE(DATE_FORMAT(revoked_at, '%Y-%m-%d %H:%i:%s'), '') FROM scrm_api_keys";

ApiKey Read(sql::ResultSet& rs) {
  ApiKey k;
  k.id = rs.getInt64(1);
  k.name = rs.getString(2);
  k.prefix = rs.getString(3);
  k.roles = SplitRoles(rs.getString(4));
  k.created_by = rs.getString(5);
  k.created_at = ParseSqlDateTime(rs.getString(6)).value_or(0);
  k.last_used_at = ParseSqlDateTime(rs.getString(7)).value_or(0);
  k.revoked_at = ParseSqlDateTime(rs.getString(8)).value_or(0);
  return k;
}

}  // namespace

Result<ApiKey> ApiKeyRepository::Add(const std::string& name, const std::string& key_hash,
                                     const std::string& prefix,
                                     const std::vector<std::string>& roles,
                                     const std::string& created_by) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "INSERT INTO scrm_api_keys (name, key_hash, prefix, roles, created_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP())");
    ps->setString(1, name);
    ps->setString(2, key_hash);
    ps->setString(3, prefix);
    ps->setString(4, JoinRoles(roles));
    ps->setString(5, created_by);
    ps->execute();
    Statement get = conn.Prepare(std::string(kSelect) + " WHERE name = ?");
    get->setString(1, name);
    std::unique_ptr<sql::ResultSet> rs(get->executeQuery());
    if (!rs->next()) return Status::Internal("API key '" + name + "' vanished");
    return Read(*rs);
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == 1062) {  // ER_DUP_ENTRY
      return Status::Conflict("an API key named '" + name +
                              "' exists (perhaps revoked): choose another name")
          .WithReason(reason::kKeyExists, {{"name", name}});
    }
    throw DbError::From(e, "adding an API key");
  }
}

std::optional<ApiKey> ApiKeyRepository::FindActive(const std::string& key_hash) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        std::string(kSelect) + " WHERE key_hash = ? AND revoked_at IS NULL");
    ps->setString(1, key_hash);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    return Read(*rs);
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "looking up an API key");
  }
}

std::vector<ApiKey> ApiKeyRepository::List() {
  try {
    Pool::Lease conn = pool_.Acquire();
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(std::string(kSelect) + " ORDER BY name"));
    std::vector<ApiKey> out;
    while (rs->next()) out.push_back(Read(*rs));
    return out;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "listing API keys");
  }
}

bool ApiKeyRepository::Revoke(const std::string& name) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "UPDATE scrm_api_keys SET revoked_at = UTC_TIMESTAMP() WHERE name = ? AND revoked_at IS NULL");
    ps->setString(1, name);
    return ps->executeUpdate() > 0;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "revoking an API key");
  }
}

void ApiKeyRepository::MarkUsed(int64_t id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare("UPDATE scrm_api_keys SET last_used_at = UTC_TIMESTAMP() WHERE id = ?");
    ps->setInt64(1, id);
    ps->execute();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "recording an API key's use");
  }
}

}  // namespace scrm::store
