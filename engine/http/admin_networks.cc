#include "http/admin_networks.h"

#include <nlohmann/json.hpp>

#include "http/audit.h"
#include "http/errors.h"
#include "service/follow.h"

namespace scrm::http {

namespace {

Response NoDatabase() { return ErrorResponse(Status::Unavailable("no database configured")); }

}  // namespace

Response ListNetworksRoute(store::Pool* pool, const Request&) {
  if (pool == nullptr) return NoDatabase();
  nlohmann::json list = nlohmann::json::array();
  for (const service::NetworkStatus& n : service::NetworkStatuses(*pool)) list.push_back(n.ToJson());
  return Response::Json({{"networks", std::move(list)}});
}

Response SwitchNetworkRoute(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return NoDatabase();
  const std::string network = request.Param("network");
  const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("on") || !body["on"].is_boolean() || body.size() != 1) {
    return ErrorResponse(Status::InvalidArgument(
        "body must be {\"on\": true} or {\"on\": false}: whether scrm serve follows " + network,
        "on"));
  }
  if (Status s = service::SwitchNetwork(*pool, network, body["on"].get<bool>(), AuditByOf(request));
      !s.ok()) {
    return ErrorResponse(s);
  }
  Result<service::NetworkStatus> now = service::NetworkStatusOf(*pool, network);
  if (!now.ok()) return ErrorResponse(now.status());
  return Response::Json(now->ToJson());
}

}  // namespace scrm::http
