// The HTTP side of API keys (the use case: service/api_keys.h): the
// server's authorizer, which takes a key sent as `Authorization: Bearer KEY`
// (the only credential Access::kApiKey routes accept), and the admin routes.
#ifndef SCRM_HTTP_API_KEYS_H_
#define SCRM_HTTP_API_KEYS_H_

#include "http/request.h"
#include "http/router.h"
#include "store/pool.h"

namespace scrm::http {

// The server's authorizer: a Bearer credential that looks like an API key is
// checked against scrm_api_keys (a revoked key stops working within
// service::kApiKeyCacheSeconds), everything else goes to `tokens`.
// Access::kApiKey routes take keys only; admin routes need a key with the
// admin role.
Authorizer WithApiKeys(Authorizer tokens, store::Pool* pool);

// GET/POST /api/v1/admin/api-keys, DELETE /api/v1/admin/api-keys/{name}.
Response ListApiKeysRoute(store::Pool* pool, const Request& request);
Response CreateApiKeyRoute(store::Pool* pool, const Request& request);
Response RevokeApiKeyRoute(store::Pool* pool, const Request& request);

}  // namespace scrm::http

#endif  // SCRM_HTTP_API_KEYS_H_
