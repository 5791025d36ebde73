#include "store/sync_state_repository.h"

#include "store/sql_util.h"

namespace scrm::store {

namespace {
const char kFmt[] = "'%Y-%m-%d %H:%i:%s'";
}

std::optional<SyncState> SyncStateRepository::Get(const std::string& name) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        std::string("SELECT COALESCE(DATE_FORMAT(watermark, ") + kFmt +
        "), ''), COALESCE(DATE_FORMAT(last_run_at, " + kFmt +
        "), ''), COALESCE(DATE_FORMAT(last_success_at, " + kFmt +
        "), ''), COALESCE(last_error, ''), COALESCE(last_summary, '') "
        "FROM scrm_sync_state WHERE name = ?");
    ps->setString(1, name);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    return SyncState{rs->getString(1), rs->getString(2), rs->getString(3), rs->getString(4),
                     rs->getString(5)};
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading the sync state of " + name);
  }
}

void SyncStateRepository::RecordSuccess(const std::string& name, const std::string& watermark,
                                        const std::string& summary_json) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "INSERT INTO scrm_sync_state (name, watermark, last_run_at, last_success_at, last_error, "
        "last_summary) VALUES (?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(), NULL, ?) "
        "ON DUPLICATE KEY UPDATE watermark = VALUES(watermark), last_run_at = VALUES(last_run_at), "
        "last_success_at = VALUES(last_success_at), last_error = NULL, "
        "last_summary = VALUES(last_summary)");
    ps->setString(1, name);
    ps->setString(2, watermark);
    ps->setString(3, summary_json);
    ps->execute();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "recording the sync state of " + name);
  }
}

void SyncStateRepository::RecordFailure(const std::string& name, const std::string& error) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "INSERT INTO scrm_sync_state (name, last_run_at, last_error) VALUES (?, UTC_TIMESTAMP(), ?) "
        "ON DUPLICATE KEY UPDATE last_run_at = VALUES(last_run_at), "
        "last_error = VALUES(last_error)");
    ps->setString(1, name);
    ps->setString(2, error);
    ps->execute();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "recording the sync failure of " + name);
  }
}

}  // namespace scrm::store
