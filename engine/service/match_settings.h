// The matching thresholds in force. The configuration's match.* keys are
// the defaults; an admin may store others (scrm_settings "matching", from
// the admin page, `scrm thresholds` or PUT /api/v1/admin/matching), which
// then apply to every process on the database: `scrm match` at its start,
// `scrm serve`'s matching loop at its next run. docs/identity.md.
#ifndef SCRM_SERVICE_MATCH_SETTINGS_H_
#define SCRM_SERVICE_MATCH_SETTINGS_H_

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "identity/matcher.h"
#include "store/audit_repository.h"
#include "store/pool.h"

namespace scrm::service {

struct MatchSettings {
  identity::MatchOptions options;
  bool stored = false;     // from scrm_settings; false: the configuration's
  std::string updated_by;  // when stored
  std::string updated_at;  // when stored, UTC "YYYY-MM-DD HH:MM:SS"
};

// A threshold as typed ("0.85"): a number in [0, 1], or InvalidArgument
// naming `field` and the value.
Result<double> ParseThreshold(const std::string& text, const std::string& field);
// Each threshold in [0, 1] and suggest <= auto; the Status names the field
// ("auto", "suggest", "margin").
Status ValidateThresholds(const identity::MatchOptions& m);

// `defaults` (the configuration's) with the stored thresholds over them. A
// stored set that no longer validates is ignored (with stored = false).
// Database failures throw store::DbError.
MatchSettings LoadMatchSettings(store::Pool& pool, const identity::MatchOptions& defaults);
// Validates, then stores for every process; audited as done by `by`.
Status SaveMatchSettings(store::Pool& pool, const identity::MatchOptions& m, const store::AuditBy& by);
// Back to the configuration's thresholds; false when none were stored.
bool ResetMatchSettings(store::Pool& pool, const store::AuditBy& by);

// {"auto", "suggest", "margin", "origin": "stored" | "configuration",
//  "updated_by", "updated_at" (null unless stored)}: the API's and the CLI's shape.
nlohmann::json MatchSettingsJson(const MatchSettings& s);

}  // namespace scrm::service

#endif  // SCRM_SERVICE_MATCH_SETTINGS_H_
