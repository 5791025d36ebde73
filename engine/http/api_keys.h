// API keys: credentials for machine clients (exports, integrations), made by
// an admin (`scrm apikey create`, POST /api/v1/admin/api-keys), shown once,
// kept as a SHA-256 hash only. A key is "scrmk_" + 43 base64url characters
// (32 random bytes), sent as `Authorization: Bearer KEY`; it carries roles
// like a token, and is the only credential Access::kApiKey routes accept.
#ifndef SCRM_HTTP_API_KEYS_H_
#define SCRM_HTTP_API_KEYS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "http/request.h"
#include "http/router.h"
#include "store/api_key_repository.h"
#include "store/audit_repository.h"
#include "store/pool.h"

namespace scrm::http {

struct NewApiKey {
  std::string key;  // the only time it exists in full
  store::ApiKey record;
};

// Validates name (1-100 of [A-Za-z0-9._-]) and roles (known, at least one),
// then stores a new key, made by `by` (its created_by: by.actor), and
// records it in the security log (api_key_created; never the key). Conflict
// when the name is taken.
Result<NewApiKey> CreateApiKey(store::Pool& pool, const std::string& name,
                               const std::vector<std::string>& roles, const store::AuditBy& by);

// Revokes the active key of that name (NotFound when there is none), records
// it (api_key_revoked, by `by`), and drops this process's cached keys, so
// that here it stops working at once; other engine processes notice within
// kApiKeyCacheSeconds.
Status RevokeApiKeyNamed(store::Pool& pool, const std::string& name, const store::AuditBy& by);

// A key as the API and `scrm apikey list --json` show it: name, prefix,
// roles, created_by, created_at, last_used_at and revoked_at (ISO 8601 or
// null); never the key nor its hash.
nlohmann::json KeyJson(const store::ApiKey& k);

bool LooksLikeApiKey(const std::string& credential);

// The server's authorizer: a Bearer credential that looks like an API key is
// checked against scrm_api_keys (a revoked key stops working within
// kApiKeyCacheSeconds), everything else goes to `tokens`. Access::kApiKey
// routes take keys only; admin routes need a key with the admin role.
inline constexpr int kApiKeyCacheSeconds = 30;
Authorizer WithApiKeys(Authorizer tokens, store::Pool* pool);

// GET/POST /api/v1/admin/api-keys, DELETE /api/v1/admin/api-keys/{name}.
Response ListApiKeys(store::Pool* pool, const Request& request);
Response CreateApiKeyRoute(store::Pool* pool, const Request& request);
Response RevokeApiKey(store::Pool* pool, const Request& request);

}  // namespace scrm::http

#endif  // SCRM_HTTP_API_KEYS_H_
