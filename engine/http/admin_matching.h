// The matching thresholds over the admin API (docs/api.md):
//   GET /api/v1/admin/matching   the thresholds in force and where they come from
//   PUT /api/v1/admin/matching   {"auto": X, "suggest": Y, "margin": M} (any of
//                                them; the others keep their value), or
//                                {"reset": true} for the configuration's
// The same as `scrm thresholds` and the admin page: stored in scrm_settings
// for every process, audited with the caller. Admin role only.
#ifndef SCRM_HTTP_ADMIN_MATCHING_H_
#define SCRM_HTTP_ADMIN_MATCHING_H_

#include "http/request.h"
#include "identity/matcher.h"
#include "store/pool.h"

namespace scrm::http {

// defaults: the configuration's thresholds.
Response GetMatching(store::Pool* pool, const identity::MatchOptions& defaults, const Request& request);
Response PutMatching(store::Pool* pool, const identity::MatchOptions& defaults, const Request& request);

}  // namespace scrm::http

#endif  // SCRM_HTTP_ADMIN_MATCHING_H_
