#include "http/api_keys.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "http/audit.h"
#include "http/auth.h"
#include "http/errors.h"
#include "service/api_keys.h"

namespace scrm::http {

Authorizer WithApiKeys(Authorizer tokens, store::Pool* pool) {
  auto cache = pool ? std::make_shared<service::ApiKeyCache>(pool) : nullptr;
  return [tokens = std::move(tokens), cache](Access access, Request& request) -> Status {
    const std::string authz = request.Header("authorization");
    const std::string credential = authz.rfind("Bearer ", 0) == 0 ? authz.substr(7) : "";
    if (!service::LooksLikeApiKey(credential)) {
      return tokens ? tokens(access, request)
                    : Status::Unauthenticated("missing credentials: send Authorization: Bearer TOKEN");
    }
    if (!cache) return Status::Unavailable("API keys need the database, and none is configured");
    std::optional<store::ApiKey> key = cache->Find(credential);
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

Response ListApiKeysRoute(store::Pool* pool, const Request&) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  nlohmann::json list = nlohmann::json::array();
  for (const store::ApiKey& k : service::ListApiKeys(*pool)) list.push_back(service::ApiKeyJson(k));
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
  Result<service::NewApiKey> made =
      service::CreateApiKey(*pool, body["name"].get<std::string>(), roles, AuditByOf(request));
  if (!made.ok()) return ErrorResponse(made.status());
  nlohmann::json out = service::ApiKeyJson(made->record);
  out["key"] = made->key;
  out["note"] = "the key is shown this once: keep it now";
  return Response::Json(out, 201);
}

Response RevokeApiKeyRoute(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  const std::string name = request.Param("name");
  if (Status s = service::RevokeApiKey(*pool, name, AuditByOf(request)); !s.ok()) {
    return ErrorResponse(s);
  }
  return Response::Json({{"revoked", name},
                         {"effective_within_seconds", service::kApiKeyCacheSeconds}});
}

}  // namespace scrm::http
