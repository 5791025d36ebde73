// Erasing a person over the admin API (docs/privacy.md, docs/api.md):
//   POST /api/v1/admin/erase   {"customer": "Contacts/ID"} or {"profile_id": N},
//                              optional "dry_run": true
// The same as `scrm erase`: profiles, posts, links and decisions go in one
// transaction, the posts are queued for removal from the index (scrm serve's
// feeder takes them out within its interval), and one audit entry records
// the caller, a SHA-256 of the subject and counts. Admin role only. An
// adapter over service/erasure.h, as `scrm erase` is.
#ifndef SCRM_HTTP_ADMIN_PRIVACY_H_
#define SCRM_HTTP_ADMIN_PRIVACY_H_

#include "http/request.h"
#include "store/pool.h"

namespace scrm::http {

Response HandleErase(store::Pool* pool, const Request& request);

}  // namespace scrm::http

#endif  // SCRM_HTTP_ADMIN_PRIVACY_H_
