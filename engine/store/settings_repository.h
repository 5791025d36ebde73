// SettingsRepository: settings an admin changes at run time (scrm_settings,
// sql/0010), one JSON object per name ("matching"). The repository stores
// what it is given: validation belongs to the setting's owner
// (service/match_settings.h). Each change writes an scrm_audit row
// (action "settings") in the same transaction, with the old and new values.
// Thread-safe; database failures throw store::DbError.
#ifndef SCRM_STORE_SETTINGS_REPOSITORY_H_
#define SCRM_STORE_SETTINGS_REPOSITORY_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "store/audit_repository.h"
#include "store/pool.h"

namespace scrm::store {

struct StoredSetting {
  nlohmann::json value;    // as stored (an object)
  std::string updated_by;  // user id or cli:<login>
  std::string updated_at;  // UTC "YYYY-MM-DD HH:MM:SS"
};

class SettingsRepository {
 public:
  explicit SettingsRepository(Pool& pool) : pool_(pool) {}

  // nullopt when no row (the configuration applies). A row whose value is
  // not a JSON object reads as {} (each owner then falls back per field).
  std::optional<StoredSetting> Get(const std::string& name);
  // Inserts or replaces; audited (by: who, from which address).
  void Put(const std::string& name, const nlohmann::json& value, const AuditBy& by);
  // Deletes the row (back to the configuration); audited. False when there was none.
  bool Remove(const std::string& name, const AuditBy& by);

 private:
  Pool& pool_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_SETTINGS_REPOSITORY_H_
