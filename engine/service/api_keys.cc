#include "service/api_keys.h"

#include <atomic>

#include "core/reasons.h"
#include "core/time.h"
#include "core/viewer.h"
#include "secrets/crypto.h"

namespace scrm::service {
namespace {

constexpr char kKeyPrefix[] = "scrmk_";
constexpr size_t kKeyBytes = 32;
constexpr size_t kShownPrefix = 12;  // "scrmk_" and 6 characters
// Bounds a cache: beyond it, entries are dropped (looked up again).
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

}  // namespace

nlohmann::json ApiKeyJson(const store::ApiKey& k) {
  return {{"name", k.name},
          {"prefix", k.prefix},
          {"roles", k.roles},
          {"created_by", k.created_by},
          {"created_at", FormatIsoTime(k.created_at)},
          {"last_used_at", k.last_used_at ? nlohmann::json(FormatIsoTime(k.last_used_at)) : nullptr},
          {"revoked_at", k.revoked_at ? nlohmann::json(FormatIsoTime(k.revoked_at)) : nullptr}};
}

std::vector<store::ApiKey> ListApiKeys(store::Pool& pool) {
  return store::ApiKeyRepository(pool).List();
}

Status RevokeApiKey(store::Pool& pool, const std::string& name, const store::AuditBy& by) {
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
  out.key = kKeyPrefix + secrets::Base64UrlEncode(secrets::RandomBytes(kKeyBytes));
  Result<store::ApiKey> added = store::ApiKeyRepository(pool).Add(
      name, secrets::Sha256Hex(out.key), out.key.substr(0, kShownPrefix), roles, by.actor);
  if (!added.ok()) return added.status();
  out.record = std::move(*added);
  store::AuditRepository(pool).Add(store::AuditEntry{
      "api_key_created", by.actor, "",
      {{"roles", out.record.roles}, {"prefix", out.record.prefix}}, "api-key:" + name, by.address});
  return out;
}

std::optional<store::ApiKey> ApiKeyCache::Find(const std::string& credential) {
  const std::string hash = secrets::Sha256Hex(credential);
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

}  // namespace scrm::service
