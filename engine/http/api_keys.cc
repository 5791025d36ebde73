#include "http/api_keys.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "http/search.h"
#include "http/audit.h"
#include "http/auth.h"
#include "http/crypto.h"
#include "core/reasons.h"
#include "http/errors.h"

namespace scrm::http {
namespace {

constexpr char kKeyPrefix[] = "scrmk_";
constexpr size_t kKeyBytes = 32;
constexpr size_t kShownPrefix = 12;  // "scrmk_" and 6 characters
// Bounds the cache: beyond it, entries are dropped (looked up again).
constexpr size_t kMaxCached = 10000;

Status ValidName(const std::string& name) {
  if (name.empty() || name.size() > 100 ||
      name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
          std::string::npos) {
    return Status::InvalidArgument(
        "name: 1 to 100 characters among letters, digits, '.', '_' and '-'", "name")
        .WithReason(reason::kKeyName, {{"max", "100"}});
  }
  return Status::Ok();
}

// Bumped by every revocation: a cache that sees it changed starts afresh.
std::atomic<uint64_t> revocations{0};

// Hash -> the active key (or none), for kApiKeyCacheSeconds.
class KeyCache {
 public:
  explicit KeyCache(store::Pool* pool) : pool_(pool) {}

  std::optional<store::ApiKey> Find(const std::string& hash) {
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (const uint64_t seen = revocations.load(); seen != revocations_seen_) {
        entries_.clear();
        revocations_seen_ = seen;
      }
      auto it = entries_.find(hash);
      if (it != entries_.end() && now - it->second.at < std::chrono::seconds(kApiKeyCacheSeconds)) {
        return it->second.key;
      }
    }
    const uint64_t generation = revocations.load();
    store::ApiKeyRepository repo(*pool_);
    std::optional<store::ApiKey> key = repo.FindActive(hash);  // DbError: 503 by the router
    if (key) repo.MarkUsed(key->id);  // at most once a cache period per key
    std::lock_guard<std::mutex> lock(mu_);
    // A revocation during the lookup may have come after it: not kept.
    if (generation != revocations.load()) return key;
    if (entries_.size() >= kMaxCached) entries_.clear();
    entries_[hash] = Entry{key, now};
    return key;
  }

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

}  // namespace

nlohmann::json KeyJson(const store::ApiKey& k) {
  return {{"name", k.name},
          {"prefix", k.prefix},
          {"roles", k.roles},
          {"created_by", k.created_by},
          {"created_at", FormatIsoTime(k.created_at)},
          {"last_used_at", k.last_used_at ? nlohmann::json(FormatIsoTime(k.last_used_at)) : nullptr},
          {"revoked_at", k.revoked_at ? nlohmann::json(FormatIsoTime(k.revoked_at)) : nullptr}};
}

Status RevokeApiKeyNamed(store::Pool& pool, const std::string& name, const store::AuditBy& by) {
  if (!store::ApiKeyRepository(pool).Revoke(name)) {
    return Status::NotFound("no active API key named '" + name +
                            "' (`scrm apikey list` or GET /api/v1/admin/api-keys lists them)")
        .WithReason(reason::kKeyUnknown, {{"name", name}});
  }
  revocations.fetch_add(1);
  store::AuditRepository(pool).Add(
      store::AuditEntry{"api_key_revoked", by.actor, "", nullptr, "api-key:" + name, by.address});
  return Status::Ok();
}

bool LooksLikeApiKey(const std::string& credential) {
  return credential.rfind(kKeyPrefix, 0) == 0;
}

Result<NewApiKey> CreateApiKey(store::Pool& pool, const std::string& name,
                               const std::vector<std::string>& roles,
                               const store::AuditBy& by) {
  if (Status s = ValidName(name); !s.ok()) return s;
  if (roles.empty()) {
    return Status::InvalidArgument(
        "roles: at least one of admin, marketing, sales, support, viewer, community:NAME", "roles")
        .WithReason(reason::kKeyRolesMissing);
  }
  for (const std::string& role : roles) {
    if (!IsKnownRole(role)) {
      return Status::InvalidArgument(
          "roles: '" + role + "' is not a role; use admin, marketing, sales, support, viewer or "
          "community:NAME", "roles")
          .WithReason(reason::kKeyRoleUnknown, {{"value", role}});
    }
  }
  NewApiKey out;
  out.key = kKeyPrefix + Base64UrlEncode(RandomBytes(kKeyBytes));
  Result<store::ApiKey> added = store::ApiKeyRepository(pool).Add(
      name, Sha256Hex(out.key), out.key.substr(0, kShownPrefix), roles, by.actor);
  if (!added.ok()) return added.status();
  out.record = std::move(*added);
  store::AuditRepository(pool).Add(store::AuditEntry{
      "api_key_created", by.actor, "",
      {{"roles", out.record.roles}, {"prefix", out.record.prefix}}, "api-key:" + name, by.address});
  return out;
}

Authorizer WithApiKeys(Authorizer tokens, store::Pool* pool) {
  auto cache = pool ? std::make_shared<KeyCache>(pool) : nullptr;
  return [tokens = std::move(tokens), cache](Access access, Request& request) -> Status {
    const std::string authz = request.Header("authorization");
    const std::string credential = authz.rfind("Bearer ", 0) == 0 ? authz.substr(7) : "";
    if (!LooksLikeApiKey(credential)) {
      return tokens ? tokens(access, request)
                    : Status::Unauthenticated("missing credentials: send Authorization: Bearer TOKEN");
    }
    if (!cache) return Status::Unavailable("API keys need the database, and none is configured");
    std::optional<store::ApiKey> key = cache->Find(Sha256Hex(credential));
    if (!key) {
      return Status::Unauthenticated(
          "unknown or revoked API key: ask an admin for a new one (scrm apikey create)");
    }
    Principal p;
    p.user_id = "api-key:" + key->name;
    p.user_name = key->name;
    p.roles = key->roles;
    p.lang = "en";
    if (access != Access::kApiKey) {
      if (Status s = CheckRoles(access, p); !s.ok()) return s;
    }
    request.principal = std::move(p);
    return Status::Ok();
  };
}

Response ListApiKeys(store::Pool* pool, const Request&) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  nlohmann::json list = nlohmann::json::array();
  for (const store::ApiKey& k : store::ApiKeyRepository(*pool).List()) list.push_back(KeyJson(k));
  return Response::Json({{"api_keys", std::move(list)}});
}

Response CreateApiKeyRoute(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("name") || !body["name"].is_string()) {
    return ErrorResponse(Status::InvalidArgument(
        "body must be a JSON object {\"name\": \"...\", \"roles\": [\"marketing\", ...]}", "name"));
  }
  std::vector<std::string> roles;
  if (!body.contains("roles") || !body["roles"].is_array()) {
    return ErrorResponse(Status::InvalidArgument("roles: an array of role names is required", "roles"));
  }
  for (const auto& r : body["roles"]) {
    if (!r.is_string()) return ErrorResponse(Status::InvalidArgument("roles: expected strings", "roles"));
    roles.push_back(r.get<std::string>());
  }
  Result<NewApiKey> made = CreateApiKey(*pool, body["name"].get<std::string>(), roles,
                                        AuditByOf(request));
  if (!made.ok()) return ErrorResponse(made.status());
  nlohmann::json out = KeyJson(made->record);
  out["key"] = made->key;
  out["note"] = "the key is shown this once: keep it now";
  return Response::Json(out, 201);
}

Response RevokeApiKey(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  const std::string name = request.Param("name");
  if (Status s = RevokeApiKeyNamed(*pool, name, AuditByOf(request)); !s.ok()) return ErrorResponse(s);
  return Response::Json({{"revoked", name},
                         {"effective_within_seconds", kApiKeyCacheSeconds}});
}

}  // namespace scrm::http
