#include "http/saved_searches.h"

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "http/auth.h"
#include "http/errors.h"
#include "service/saved_searches.h"

namespace scrm::http {

namespace {

std::optional<int64_t> IdParam(const Request& request) {
  const std::string v = request.Param("id");
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(v);
}

Response BadId(const Request& request) {
  return ErrorResponse(Status::InvalidArgument(
      "saved search id '" + request.Param("id") + "' must be a number", "id"));
}

service::SavedSearchOwner OwnerOf(const Request& request) {
  return {request.principal.user_id, ViewerOf(request.principal)};
}

nlohmann::json SavedJson(const service::SavedSearch& s) {
  nlohmann::json p = nlohmann::json::object();
  for (const auto& [k, v] : s.params) p[k].push_back(v);
  return {{"id", s.id},
          {"name", s.name},
          {"params", p},
          {"last_seen_at", FormatIsoTime(s.last_seen_at)},
          {"created_at", FormatIsoTime(s.created_at)}};
}

}  // namespace

Response ListSavedSearches(store::Pool* pool, index::Searcher* searcher, const Request& request) {
  if (pool == nullptr || searcher == nullptr) {
    return ErrorResponse(Status::Unavailable("no database or index configured"));
  }
  nlohmann::json list = nlohmann::json::array();
  for (const service::SavedSearchNews& s :
       service::ListSavedSearches(*pool, *searcher, OwnerOf(request))) {
    nlohmann::json j = SavedJson(s.search);
    j["new"] = s.new_matches ? nlohmann::json(*s.new_matches) : nlohmann::json(nullptr);
    if (!s.new_matches) j["error"] = s.error;
    list.push_back(std::move(j));
  }
  return Response::Json({{"saved_searches", std::move(list)}});
}

Response CreateSavedSearch(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (!body.is_object()) {
    return ErrorResponse(Status::InvalidArgument(
        "body must be a JSON object {\"name\": ..., \"params\": {\"q\": ...}}", "body"));
  }
  // A missing name, or one that is not a string, is refused as an empty one.
  const std::string name =
      body.contains("name") && body["name"].is_string() ? body["name"].get<std::string>() : "";
  if (Status s = service::CheckSavedSearchName(name); !s.ok()) return ErrorResponse(s);
  if (!body.contains("params") || !body["params"].is_object()) {
    return ErrorResponse(Status::InvalidArgument(
        "params: an object of search parameters is required, e.g. {\"q\": \"billing\", "
        "\"platform\": [\"mastodon\"]}",
        "params"));
  }
  service::SearchParams params;
  for (const auto& [key, value] : body["params"].items()) {
    if (!service::IsSavedSearchParam(key)) continue;
    if (value.is_string()) {
      params.emplace(key, value.get<std::string>());
    } else if (value.is_boolean()) {
      params.emplace(key, value.get<bool>() ? "true" : "false");
    } else if (value.is_array()) {
      for (const auto& v : value) {
        if (!v.is_string()) {
          return ErrorResponse(Status::InvalidArgument("params." + key + ": expected strings", "params." + key));
        }
      }
      for (const auto& v : value) params.emplace(key, v.get<std::string>());
    } else {
      return ErrorResponse(Status::InvalidArgument(
          "params." + key + ": expected a string, a boolean or an array of strings", "params." + key));
    }
  }
  Result<service::SavedSearch> saved =
      service::CreateSavedSearch(*pool, request.principal.user_id, name, params);
  if (!saved.ok()) return ErrorResponse(saved.status());
  return Response::Json(SavedJson(*saved), 201);
}

Response RunSavedSearch(store::Pool* pool, index::Searcher* searcher, const Request& request) {
  if (pool == nullptr || searcher == nullptr) {
    return ErrorResponse(Status::Unavailable("no database or index configured"));
  }
  std::optional<int64_t> id = IdParam(request);
  if (!id) return BadId(request);
  // Paging of the results, as on /api/v1/search.
  service::SearchParams paging;
  for (const char* k : {"limit", "offset", "sort"}) {
    if (std::optional<std::string> v = request.Query(k)) paging.emplace(k, *v);
  }
  Result<service::SavedSearchRun> run =
      service::RunSavedSearch(*pool, *searcher, OwnerOf(request), *id, paging);
  if (!run.ok()) return ErrorResponse(run.status());
  nlohmann::json j = service::SearchAnswerJson(run->answer);
  j["saved_search"] = SavedJson(run->search);
  j["new"] = run->new_matches;
  return Response::Json(j);
}

Response MarkSavedSearchSeen(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  std::optional<int64_t> id = IdParam(request);
  if (!id) return BadId(request);
  Result<service::SavedSearch> seen = service::MarkSavedSearchSeen(
      *pool, request.principal.user_id, *id, NowUnixSeconds());
  if (!seen.ok()) return ErrorResponse(seen.status());
  return Response::Json(SavedJson(*seen));
}

Response DeleteSavedSearch(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  std::optional<int64_t> id = IdParam(request);
  if (!id) return BadId(request);
  if (Status s = service::DeleteSavedSearch(*pool, request.principal.user_id, *id); !s.ok()) {
    return ErrorResponse(s);
  }
  return Response::Json({{"deleted", *id}});
}

}  // namespace scrm::http
