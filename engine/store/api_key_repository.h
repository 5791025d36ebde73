// API keys (scrm_api_keys): machine clients' credentials. The repository
// never sees a key, only its hash (service/api_keys.h makes and hashes keys).
// Database failures throw store::DbError.
#ifndef SCRM_STORE_API_KEY_REPOSITORY_H_
#define SCRM_STORE_API_KEY_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/pool.h"

namespace scrm::store {

struct ApiKey {
  int64_t id = 0;
  std::string name;
  std::string prefix;  // the key's first characters
  std::vector<std::string> roles;
  std::string created_by;
  int64_t created_at = 0;    // epoch seconds
  int64_t last_used_at = 0;  // 0: never
  int64_t revoked_at = 0;    // 0: active
};

class ApiKeyRepository {
 public:
  explicit ApiKeyRepository(Pool& pool) : pool_(pool) {}

  // Conflict when a key of that name exists (revoked ones too: names stay
  // unique so that the audit stays readable).
  Result<ApiKey> Add(const std::string& name, const std::string& key_hash, const std::string& prefix,
                     const std::vector<std::string>& roles, const std::string& created_by);
  // The active key of that hash, if any.
  std::optional<ApiKey> FindActive(const std::string& key_hash);
  std::vector<ApiKey> List();  // by name, revoked ones included
  bool Revoke(const std::string& name);  // false: no active key of that name
  void MarkUsed(int64_t id);

 private:
  Pool& pool_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_API_KEY_REPOSITORY_H_
