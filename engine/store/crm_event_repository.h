// CrmEventRepository: the last change the CRM's logic hooks reported for
// each record (scrm_crm_events), with what re-reading it did. One row per
// record, overwritten by the next event: enough to see that the plugin's
// hooks reach the engine and when a record was last pushed. Thread-safe
// (each call leases its own connection); database failures throw DbError.
#ifndef SCRM_STORE_CRM_EVENT_REPOSITORY_H_
#define SCRM_STORE_CRM_EVENT_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "store/pool.h"

namespace scrm::store {

struct CrmEvent {
  std::string module;       // "Contacts", "Leads", "Accounts"
  std::string crm_id;
  std::string event;        // "save", "delete", "restore"
  std::string event_at;     // UTC "YYYY-MM-DD HH:MM:SS", as the CRM sent it
  std::string received_at;  // likewise, the engine's clock
  std::string outcome;      // crm::RecordOutcomeName
  int64_t events = 0;       // how many this record has sent
};

class CrmEventRepository {
 public:
  explicit CrmEventRepository(Pool& pool) : pool_(pool) {}
  // Stores `e` as the record's last event (received now) and counts it.
  void Record(const CrmEvent& e);
  std::optional<CrmEvent> Get(const std::string& module, const std::string& crm_id);

 private:
  Pool& pool_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_CRM_EVENT_REPOSITORY_H_
