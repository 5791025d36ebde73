#include "store/settings_repository.h"

#include "store/audit_repository.h"
#include "store/sql_util.h"

namespace scrm::store {

namespace {

// The row's value on `conn` (inside the caller's transaction, locked), or null.
nlohmann::json CurrentValue(sql::Connection& conn, const std::string& name) {
  std::unique_ptr<sql::PreparedStatement> ps(
      conn.prepareStatement("SELECT value FROM scrm_settings WHERE name = ? FOR UPDATE"));
  ps->setString(1, name);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  if (!rs->next()) return nullptr;
  return nlohmann::json::parse(std::string(rs->getString(1)), nullptr, false);
}

}  // namespace

std::optional<StoredSetting> SettingsRepository::Get(const std::string& name) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "SELECT value, updated_by, DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s') FROM scrm_settings "
        "WHERE name = ?");
    ps->setString(1, name);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    nlohmann::json value = nlohmann::json::parse(std::string(rs->getString(1)), nullptr, false);
    if (!value.is_object()) value = nlohmann::json::object();
    return StoredSetting{std::move(value), rs->getString(2), rs->getString(3)};
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading the setting " + name);
  }
}

void SettingsRepository::Put(const std::string& name, const nlohmann::json& value, const AuditBy& by) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Transaction tx(*conn);
    const nlohmann::json before = CurrentValue(*conn, name);
    Statement ps = conn.Prepare(
        "INSERT INTO scrm_settings (name, value, updated_by, updated_at) VALUES (?, ?, ?, UTC_TIMESTAMP()) "
        "ON DUPLICATE KEY UPDATE value = VALUES(value), updated_by = VALUES(updated_by), "
        "updated_at = VALUES(updated_at)");
    ps->setString(1, name);
    ps->setString(2, value.dump());
    ps->setString(3, by.actor);
    ps->execute();
    WriteAuditOn(*conn, AuditEntry{"settings", by.actor, "", {{"setting", name}, {"before", before}, {"after", value}},
                                   "setting:" + name, by.address});
    tx.Commit();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "storing the setting " + name);
  }
}

bool SettingsRepository::Remove(const std::string& name, const AuditBy& by) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Transaction tx(*conn);
    const nlohmann::json before = CurrentValue(*conn, name);
    if (before.is_null()) return false;
    Statement ps = conn.Prepare("DELETE FROM scrm_settings WHERE name = ?");
    ps->setString(1, name);
    ps->execute();
    WriteAuditOn(*conn, AuditEntry{"settings", by.actor, "", {{"setting", name}, {"before", before}, {"after", nullptr}},
                                   "setting:" + name, by.address});
    tx.Commit();
    return true;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "removing the setting " + name);
  }
}

}  // namespace scrm::store
