#include "http/links.h"

#include <nlohmann/json.hpp>

#include "http/auth.h"
#include "http/errors.h"
#include "service/links.h"

namespace scrm::http {

namespace {

std::optional<int64_t> Number(const std::string& v) {
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(v);
}

store::Actor ActorOf(const Request& r) {
  return store::Actor{r.principal.user_id, r.principal.user_name};
}

Response NoDatabase() { return ErrorResponse(Status::Unavailable("no database configured")); }

Response Detail(const Result<service::LinkDetail>& d, int status = 200) {
  if (!d.ok()) return ErrorResponse(d.status());
  return Response::Json(service::LinkDetailJson(*d), status);
}

using OnLinkCase = Result<service::LinkDetail> (*)(store::Pool&, int64_t, const store::Actor&,
                                                 const Viewer*);

// Runs a use case on the link named by the path, as the caller sees it (the
// routes of decisions admit only the roles that may decide: Access::kDecide).
Response OnLink(store::Pool* pool, const Request& request, OnLinkCase run) {
  if (pool == nullptr) return NoDatabase();
  std::optional<int64_t> id = Number(request.Param("id"));
  if (!id) {
    return ErrorResponse(
        Status::InvalidArgument("link id '" + request.Param("id") + "' must be a number", "id"));
  }
  const Viewer viewer = ViewerOf(request.principal);
  return Detail(run(*pool, *id, ActorOf(request), &viewer));
}

}  // namespace

Response ListLinks(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return NoDatabase();
  std::optional<int64_t> limit = Number(request.Query("limit").value_or("50"));
  std::optional<int64_t> offset = Number(request.Query("offset").value_or("0"));
  if (!limit || *limit < 1 || *limit > 500) {
    return ErrorResponse(Status::InvalidArgument("limit must be a number from 1 to 500", "limit"));
  }
  if (!offset) return ErrorResponse(Status::InvalidArgument("offset must be a number", "offset"));
  service::LinkQuery query;
  query.status = request.Query("status").value_or("");
  query.module = request.Query("module").value_or("");
  query.crm_id = request.Query("crm_id").value_or("");
  query.limit = static_cast<int>(*limit);
  query.offset = static_cast<int>(*offset);
  const Viewer viewer = ViewerOf(request.principal);
  Result<service::LinkPage> page = service::ListLinks(*pool, query, &viewer);
  if (!page.ok()) return ErrorResponse(page.status());
  nlohmann::json list = nlohmann::json::array();
  for (const store::Link& l : page->links) list.push_back(service::LinkJson(l));
  return Response::Json({{"links", std::move(list)}, {"total", page->total}});
}

Response GetLink(store::Pool* pool, const Request& request) {
  return OnLink(pool, request, [](store::Pool& db, int64_t id, const store::Actor&, const Viewer* v) {
    return service::GetLink(db, id, v);
  });
}

Response ConfirmLink(store::Pool* pool, const Request& request) {
  return OnLink(pool, request, service::ConfirmLink);
}

Response RejectLink(store::Pool* pool, const Request& request) {
  return OnLink(pool, request, service::RejectLink);
}

Response DeleteLink(store::Pool* pool, const Request& request) {
  return OnLink(pool, request, service::UnlinkLink);
}

Response CreateLink(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return NoDatabase();
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (!body.is_object()) {
    return ErrorResponse(Status::InvalidArgument(
        "body must be a JSON object {\"profile_id\": 12, \"crm_module\": \"Contacts\", "
        "\"crm_id\": \"...\"}",
        "body"));
  }
  if (!body.contains("profile_id") || !body["profile_id"].is_number_integer() ||
      body["profile_id"].get<int64_t>() <= 0) {
    return ErrorResponse(Status::InvalidArgument("profile_id: a profile id (number) is required", "profile_id"));
  }
  std::optional<CrmModule> module;
  if (body.contains("crm_module") && body["crm_module"].is_string()) {
    module = ParseCrmModule(body["crm_module"].get<std::string>());
  }
  if (!module) {
    return ErrorResponse(Status::InvalidArgument("crm_module: Contacts, Leads or Accounts", "crm_module"));
  }
  if (!body.contains("crm_id") || !body["crm_id"].is_string() ||
      body["crm_id"].get<std::string>().empty() || body["crm_id"].get<std::string>().size() > 36) {
    return ErrorResponse(Status::InvalidArgument("crm_id: the CRM record's id is required", "crm_id"));
  }
  const Viewer viewer = ViewerOf(request.principal);
  return Detail(service::LinkByHand(*pool, body["profile_id"].get<int64_t>(), *module,
                                    body["crm_id"].get<std::string>(), ActorOf(request), &viewer),
                201);
}

}  // namespace scrm::http
