#include "http/admin_matching.h"

#include <nlohmann/json.hpp>

#include "http/audit.h"
#include "http/errors.h"
#include "service/match_settings.h"

namespace scrm::http {

Response GetMatching(store::Pool* pool, const identity::MatchOptions& defaults, const Request&) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  return Response::Json(service::MatchSettingsJson(service::LoadMatchSettings(*pool, defaults)));
}

Response PutMatching(store::Pool* pool, const identity::MatchOptions& defaults, const Request& request) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (!body.is_object() || body.empty()) {
    return ErrorResponse(Status::InvalidArgument(
        "the body must be a JSON object: {\"auto\": 0.9, \"suggest\": 0.4, \"margin\": 0.1} (any of them) "
        "or {\"reset\": true}",
        "body"));
  }
  for (const auto& [key, value] : body.items()) {
    if (key != "auto" && key != "suggest" && key != "margin" && key != "reset") {
      return ErrorResponse(Status::InvalidArgument("unknown field: give auto, suggest, margin or reset", key));
    }
  }
  const store::AuditBy actor = AuditByOf(request);
  if (body.contains("reset")) {
    if (body.size() != 1 || body["reset"] != true) {
      return ErrorResponse(Status::InvalidArgument("reset must be true and alone in the body", "reset"));
    }
    service::ResetMatchSettings(*pool, actor);
    return GetMatching(pool, defaults, request);
  }
  identity::MatchOptions m = service::LoadMatchSettings(*pool, defaults).options;
  for (auto [name, out] : {std::pair{"auto", &m.auto_threshold}, std::pair{"suggest", &m.suggest_threshold},
                           std::pair{"margin", &m.margin}}) {
    auto it = body.find(name);
    if (it == body.end()) continue;
    if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 1) {
      return ErrorResponse(Status::InvalidArgument("must be a number between 0 and 1", name));
    }
    *out = it->get<double>();
  }
  if (Status s = service::SaveMatchSettings(*pool, m, actor); !s.ok()) return ErrorResponse(s);
  return GetMatching(pool, defaults, request);
}

}  // namespace scrm::http
