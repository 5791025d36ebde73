#include "store/ui_session_repository.h"

#include "core/time.h"
#include "store/sql_util.h"

namespace scrm::store {
namespace {

const char kSelect[] =
    "SELECT id_hash, user_id, user_name, roles, lang, csrf_token, "
    "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(last_seen_at, '%Y-%m-%d %H:%i:%s'), "
    "DATE_FORMAT(expires_at, '%Y-%m-%d %H:%i:%s'), embed FROM scrm_ui_sessions";

}  // namespace

void UiSessionRepository::Add(const UiSessionRow& row) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "INSERT INTO scrm_ui_sessions (id_hash, user_id, user_name, roles, lang, csrf_token, "
        "created_at, last_seen_at, expires_at, embed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ps->setString(1, row.id_hash);
    ps->setString(2, row.user_id);
    ps->setString(3, row.user_name);
    ps->setString(4, JoinRoles(row.roles));
    ps->setString(5, row.lang);
    ps->setString(6, row.csrf_token);
    ps->setString(7, FormatSqlDateTime(row.created_at));
    ps->setString(8, FormatSqlDateTime(row.last_seen_at));
    ps->setString(9, FormatSqlDateTime(row.expires_at));
    ps->setString(10, row.embed);
    ps->execute();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "storing a session");
  }
}

std::optional<UiSessionRow> UiSessionRepository::Find(const std::string& id_hash) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(std::string(kSelect) + " WHERE id_hash = ?");
    ps->setString(1, id_hash);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    UiSessionRow row;
    row.id_hash = rs->getString(1);
    row.user_id = rs->getString(2);
    row.user_name = rs->getString(3);
    row.roles = SplitRoles(rs->getString(4));
    row.lang = rs->getString(5);
    row.csrf_token = rs->getString(6);
    row.created_at = ParseSqlDateTime(rs->getString(7)).value_or(0);
    row.last_seen_at = ParseSqlDateTime(rs->getString(8)).value_or(0);
    row.expires_at = ParseSqlDateTime(rs->getString(9)).value_or(0);
    row.embed = rs->getString(10);
    return row;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "looking up a session");
  }
}

void UiSessionRepository::Touch(const std::string& id_hash, int64_t last_seen_at,
                                int64_t expires_at, int64_t now) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "UPDATE scrm_ui_sessions SET last_seen_at = GREATEST(last_seen_at, ?), "
        "expires_at = GREATEST(expires_at, ?) WHERE id_hash = ? AND expires_at > ?");
    ps->setString(1, FormatSqlDateTime(last_seen_at));
    ps->setString(2, FormatSqlDateTime(expires_at));
    ps->setString(3, id_hash);
    ps->setString(4, FormatSqlDateTime(now));
    ps->execute();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "recording a session's use");
  }
}

void UiSessionRepository::Remove(const std::string& id_hash) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare("DELETE FROM scrm_ui_sessions WHERE id_hash = ?");
    ps->setString(1, id_hash);
    ps->execute();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "ending a session");
  }
}

int64_t UiSessionRepository::RefreshUser(const std::string& user_id, const std::string& user_name,
                                         const std::vector<std::string>& roles) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "UPDATE scrm_ui_sessions SET roles = ?, user_name = ? WHERE user_id = ?");
    ps->setString(1, JoinRoles(roles));
    ps->setString(2, user_name);
    ps->setString(3, user_id);
    return ps->executeUpdate();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "refreshing a user's sessions");
  }
}

int64_t UiSessionRepository::RemoveExpired(int64_t now, int limit) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement sessions = conn.Prepare(
        "DELETE FROM scrm_ui_sessions WHERE expires_at < ? LIMIT ?");
    sessions->setString(1, FormatSqlDateTime(now));
    sessions->setInt(2, limit);
    const int64_t removed = sessions->executeUpdate();
    Statement nonces = conn.Prepare(
        "DELETE FROM scrm_ui_sso_nonces WHERE expires_at < ? LIMIT ?");
    nonces->setString(1, FormatSqlDateTime(now));
    nonces->setInt(2, limit);
    nonces->execute();
    return removed;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "deleting expired sessions");
  }
}

bool UiSessionRepository::UseNonce(const std::string& nonce_hash, int64_t expires_at) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "INSERT IGNORE INTO scrm_ui_sso_nonces (nonce_hash, expires_at) VALUES (?, ?)");
    ps->setString(1, nonce_hash);
    ps->setString(2, FormatSqlDateTime(expires_at));
    return ps->executeUpdate() == 1;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "recording a sign-on nonce");
  }
}

bool UiSessionRepository::SetFlash(const std::string& id_hash, const std::string& message,
                                   int64_t now) {
  try {
    Pool::Lease conn = pool_.Acquire();
    // Through the session's row: no message for a session that is gone.
    Statement ps = conn.Prepare(
        "INSERT INTO scrm_ui_flashes (session_hash, message, created_at) "
        "SELECT id_hash, ?, ? FROM scrm_ui_sessions WHERE id_hash = ? "
        "ON DUPLICATE KEY UPDATE message = VALUES(message), created_at = VALUES(created_at)");
    ps->setString(1, message);
    ps->setString(2, FormatSqlDateTime(now));
    ps->setString(3, id_hash);
    return ps->executeUpdate() > 0;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "keeping a session's message");
  }
}

std::optional<std::string> UiSessionRepository::TakeFlash(const std::string& id_hash) {
  try {
    Pool::Lease conn = pool_.Acquire();
    // DELETE ... RETURNING: the read and the delete are one statement, so
    // two engines serving the same session never both show the message.
    Statement ps = conn.Prepare(
        "DELETE FROM scrm_ui_flashes WHERE session_hash = ? RETURNING message");
    ps->setString(1, id_hash);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    return rs->getString(1);
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "taking a session's message");
  }
}

}  // namespace scrm::store
