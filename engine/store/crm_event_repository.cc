#include "store/crm_event_repository.h"

#include "store/sql_util.h"

namespace scrm::store {

void CrmEventRepository::Record(const CrmEvent& e) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "INSERT INTO scrm_crm_events (module, crm_id, event, event_at, received_at, outcome, "
        "events) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(), ?, 1) "
        "ON DUPLICATE KEY UPDATE event = VALUES(event), event_at = VALUES(event_at), "
        "received_at = VALUES(received_at), outcome = VALUES(outcome), events = events + 1");
    ps->setString(1, e.module);
    ps->setString(2, e.crm_id);
    ps->setString(3, e.event);
    ps->setString(4, e.event_at);
    ps->setString(5, e.outcome);
    ps->execute();
  } catch (const sql::SQLException& ex) {
    throw DbError::From(ex, "recording the CRM event of " + e.module + "/" + e.crm_id);
  }
}

std::optional<CrmEvent> CrmEventRepository::Get(const std::string& module,
                                                const std::string& crm_id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "SELECT module, crm_id, event, DATE_FORMAT(event_at, '%Y-%m-%d %H:%i:%s'), "
        "DATE_FORMAT(received_at, '%Y-%m-%d %H:%i:%s'), outcome, events "
        "FROM scrm_crm_events WHERE module = ? AND crm_id = ?");
    ps->setString(1, module);
    ps->setString(2, crm_id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    return CrmEvent{rs->getString(1), rs->getString(2), rs->getString(3), rs->getString(4),
                    rs->getString(5), rs->getString(6), rs->getInt64(7)};
  } catch (const sql::SQLException& ex) {
    throw DbError::From(ex, "reading the CRM event of " + module + "/" + crm_id);
  }
}

}  // namespace scrm::store
