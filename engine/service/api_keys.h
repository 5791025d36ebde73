// API keys: credentials for machine clients (exports, integrations), made by
// an admin (`scrm apikey`, the admin page, /api/v1/admin/api-keys), shown
// once, kept as a SHA-256 hash only. A key is "scrmk_" + 43 base64url
// characters (32 random bytes); it carries roles like a token. Every change
// is written to the security log with `by`. Thread-safe; database failures
// throw store::DbError.
#ifndef SCRM_SERVICE_API_KEYS_H_
#define SCRM_SERVICE_API_KEYS_H_

#include <nlohmann/json.hpp>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "store/api_key_repository.h"
#include "store/audit_repository.h"
#include "store/pool.h"

namespace scrm::service {

// How long a process may go on taking a key revoked by another process.
inline constexpr int kApiKeyCacheSeconds = 30;

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

// Every key, active and revoked.
std::vector<store::ApiKey> ListApiKeys(store::Pool& pool);

// Revokes the active key of that name (NotFound when there is none), records
// it (api_key_revoked, by `by`), and empties this process's ApiKeyCaches, so
// that here it stops working at once; other engine processes notice within
// kApiKeyCacheSeconds.
Status RevokeApiKey(store::Pool& pool, const std::string& name, const store::AuditBy& by);

// A key as the API and `scrm apikey list --json` show it: name, prefix,
// roles, created_by, created_at, last_used_at and revoked_at (ISO 8601 or
// null); never the key nor its hash.
nlohmann::json ApiKeyJson(const store::ApiKey& k);

// Whether a credential has the form of a key (not whether it is one).
bool LooksLikeApiKey(const std::string& credential);

// The active key of a credential, looked up by its hash and kept for
// kApiKeyCacheSeconds (a use marks the key used at most once a period).
// A revocation in this process empties every cache.
class ApiKeyCache {
 public:
  explicit ApiKeyCache(store::Pool* pool) : pool_(pool) {}
  std::optional<store::ApiKey> Find(const std::string& credential);

 private:
  struct Entry {
    std::optional<store::ApiKey> key;
    std::chrono::steady_clock::time_point at;
  };
  store::Pool* pool_;
  std::mutex mu_;
  uint64_t revocations_seen_ = 0;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace scrm::service

#endif  // SCRM_SERVICE_API_KEYS_H_
