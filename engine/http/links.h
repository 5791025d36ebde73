// Links between social profiles and CRM records. Every role reads the links
// whose profile came from a source it may see (core/viewer.h); others are
// 404 as if unknown. Deciding (confirm, reject, unlink, link by hand) needs a
// role that may decide (routes: Access::kDecide; auth.h CanDecideLinks):
//   GET    /api/v1/links?status=suggested&module=&crm_id=&limit=&offset=
//                                       the review queue (best first) or any status
//   GET    /api/v1/links/{id}           one link with its decision history
//   POST   /api/v1/links/{id}/confirm   a suggestion becomes a link matching never undoes
//   POST   /api/v1/links/{id}/reject    never proposed again
//   POST   /api/v1/links                {"profile_id", "crm_module", "crm_id"}: a link by hand
//   DELETE /api/v1/links/{id}           unlink (the pair becomes rejected)
// Every decision is recorded with the caller (request.principal) as
// decided_by. docs/api.md and docs/identity.md.
#ifndef SCRM_HTTP_LINKS_H_
#define SCRM_HTTP_LINKS_H_

#include "http/request.h"
#include "store/pool.h"

namespace scrm::http {

Response ListLinks(store::Pool* pool, const Request& request);
Response GetLink(store::Pool* pool, const Request& request);
Response ConfirmLink(store::Pool* pool, const Request& request);
Response RejectLink(store::Pool* pool, const Request& request);
Response CreateLink(store::Pool* pool, const Request& request);
Response DeleteLink(store::Pool* pool, const Request& request);

}  // namespace scrm::http

#endif  // SCRM_HTTP_LINKS_H_
