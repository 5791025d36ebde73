#include "http/links.h"

#include <nlohmann/json.hpp>

#include "http/auth.h"
#include "http/errors.h"
#include "service/matching.h"
#include "store/link_repository.h"
#include "store/profile_reader.h"

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

Response BadId(const Request& r) {
  return ErrorResponse(
      Status::InvalidArgument("link id '" + r.Param("id") + "' must be a number", "id"));
}

Response WithHistory(store::LinkRepository& repo, const store::Link& l, int status = 200) {
  nlohmann::json j = service::LinkJson(l);
  j["history"] = nlohmann::json::array();
  for (const auto& d : repo.History(l.id)) j["history"].push_back(service::LinkDecisionJson(d));
  return Response::Json(j, status);
}

// The link `id` when the caller may see it (its profile's source is visible
// to its roles); a link it may not see does not exist for it: the same 404
// as an unknown id, so that ids do not tell what is hidden.
Result<store::Link> VisibleLink(store::LinkRepository& repo, const Request& request, int64_t id) {
  std::optional<store::Link> l = repo.Get(id);
  if (!l || !ViewerOf(request.principal).Sees(l->source_visibility, l->source_community)) {
    return Status::NotFound("no link " + std::to_string(id));
  }
  return *l;
}

// Runs one decision on the link named by the path (the route admits only the
// roles that may decide: Access::kDecide), if the caller may see it.
template <typename F>
Response Decide(store::Pool* pool, const Request& request, F&& decide) {
  if (pool == nullptr) return NoDatabase();
  std::optional<int64_t> id = Number(request.Param("id"));
  if (!id) return BadId(request);
  store::LinkRepository repo(*pool);
  if (Result<store::Link> seen = VisibleLink(repo, request, *id); !seen.ok()) {
    return ErrorResponse(seen.status());
  }
  Result<store::Link> l = decide(repo, *id, ActorOf(request));
  if (!l.ok()) return ErrorResponse(l.status());
  return WithHistory(repo, *l);
}

}  // namespace

Response ListLinks(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return NoDatabase();
  const std::string status = request.Query("status").value_or("");
  if (!status.empty() && status != "auto" && status != "suggested" && status != "confirmed" &&
      status != "manual" && status != "rejected") {
    return ErrorResponse(Status::InvalidArgument(
        "status must be auto, suggested, confirmed, manual or rejected", "status"));
  }
  const std::string module = request.Query("module").value_or("");
  if (!module.empty() && !ParseCrmModule(module)) {
    return ErrorResponse(Status::InvalidArgument("module must be Contacts, Leads or Accounts", "module"));
  }
  std::optional<int64_t> limit = Number(request.Query("limit").value_or("50"));
  std::optional<int64_t> offset = Number(request.Query("offset").value_or("0"));
  if (!limit || *limit < 1 || *limit > 500) {
    return ErrorResponse(Status::InvalidArgument("limit must be a number from 1 to 500", "limit"));
  }
  if (!offset) return ErrorResponse(Status::InvalidArgument("offset must be a number", "offset"));
  store::LinkRepository repo(*pool);
  const Viewer viewer = ViewerOf(request.principal);
  nlohmann::json list = nlohmann::json::array();
  for (const store::Link& l : repo.List(status, module, request.Query("crm_id").value_or(""),
                                        static_cast<int>(*limit), static_cast<int>(*offset),
                                        &viewer)) {
    list.push_back(service::LinkJson(l));
  }
  return Response::Json({{"links", std::move(list)}, {"total", repo.Count(status, &viewer)}});
}

Response GetLink(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return NoDatabase();
  std::optional<int64_t> id = Number(request.Param("id"));
  if (!id) return BadId(request);
  store::LinkRepository repo(*pool);
  Result<store::Link> l = VisibleLink(repo, request, *id);
  if (!l.ok()) return ErrorResponse(l.status());
  return WithHistory(repo, *l);
}

Response ConfirmLink(store::Pool* pool, const Request& request) {
  return Decide(pool, request, [](store::LinkRepository& repo, int64_t id, const store::Actor& who) {
    return repo.Confirm(id, who);
  });
}

Response RejectLink(store::Pool* pool, const Request& request) {
  return Decide(pool, request, [](store::LinkRepository& repo, int64_t id, const store::Actor& who) {
    return repo.Reject(id, who);
  });
}

Response DeleteLink(store::Pool* pool, const Request& request) {
  return Decide(pool, request, [](store::LinkRepository& repo, int64_t id, const store::Actor& who) {
    return repo.Unlink(id, who);
  });
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
  // A profile the caller may not see is as unknown as one that is not stored.
  const int64_t profile_id = body["profile_id"].get<int64_t>();
  const Viewer viewer = ViewerOf(request.principal);
  if (store::ProfileReader(*pool).VisibleProfileIds({profile_id}, viewer).empty()) {
    return ErrorResponse(Status::NotFound("no profile " + std::to_string(profile_id)));
  }
  store::LinkRepository repo(*pool);
  Result<store::Link> l = repo.LinkManually(profile_id, *module,
                                            body["crm_id"].get<std::string>(), ActorOf(request));
  if (!l.ok()) return ErrorResponse(l.status());
  return WithHistory(repo, *l, 201);
}

}  // namespace scrm::http
