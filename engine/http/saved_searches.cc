#include "http/saved_searches.h"

#include <Poco/URI.h>

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/router.h"
#include "http/search.h"
#include "store/saved_search_repository.h"

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

Response NoSuch(int64_t id) {
  return ErrorResponse(Status::NotFound("no saved search " + std::to_string(id) +
                                        " of yours (GET /api/v1/saved-searches lists them)"));
}

// The saved parameters as a search request for this caller. Paging, since
// and like are not part of a saved search.
Result<index::SearchRequest> RequestOf(const store::SavedSearch& saved, const Principal& who) {
  std::multimap<std::string, std::string> params;
  if (!ParseQuery(saved.params, &params)) {
    return Status::Internal("saved search " + std::to_string(saved.id) + " has unreadable params");
  }
  Result<index::SearchRequest> r = ParseSearchParams(params);
  if (r.ok()) r->viewer = ViewerOf(who);
  return r;
}

Result<int64_t> NewCount(index::Searcher& searcher, const store::SavedSearch& saved,
                         const Principal& who) {
  Result<index::SearchRequest> r = RequestOf(saved, who);
  if (!r.ok()) return r.status();
  r->ingested_after = saved.last_seen_at;
  r->limit = 1;
  r->facets = r->histogram = r->snippets = r->suggestion = false;
  Result<index::SearchResult> result = searcher.Search(*r);
  if (!result.ok()) return result.status();
  return result->total;
}

nlohmann::json SavedJson(const store::SavedSearch& s) {
  std::multimap<std::string, std::string> params;
  ParseQuery(s.params, &params);
  nlohmann::json p = nlohmann::json::object();
  for (const auto& [k, v] : params) p[k].push_back(v);
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
  for (const store::SavedSearch& s :
       store::SavedSearchRepository(*pool).List(request.principal.user_id)) {
    nlohmann::json j = SavedJson(s);
    Result<int64_t> fresh = NewCount(*searcher, s, request.principal);
    j["new"] = fresh.ok() ? nlohmann::json(*fresh) : nlohmann::json(nullptr);
    if (!fresh.ok()) j["error"] = fresh.status().message();
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
  if (!body.contains("name") || !body["name"].is_string() || body["name"].get<std::string>().empty() ||
      body["name"].get<std::string>().size() > 255) {
    return ErrorResponse(Status::InvalidArgument("name: a non-empty string of at most 255 characters is required", "name"));
  }
  if (!body.contains("params") || !body["params"].is_object()) {
    return ErrorResponse(Status::InvalidArgument(
        "params: an object of search parameters is required, e.g. {\"q\": \"billing\", "
        "\"platform\": [\"mastodon\"]}",
        "params"));
  }
  std::multimap<std::string, std::string> params;
  std::string query;
  for (const auto& [key, value] : body["params"].items()) {
    if (key == "offset" || key == "limit" || key == "since" || key == "like") continue;
    std::vector<std::string> values;
    if (value.is_string()) {
      values.push_back(value.get<std::string>());
    } else if (value.is_boolean()) {
      values.push_back(value.get<bool>() ? "true" : "false");
    } else if (value.is_array()) {
      for (const auto& v : value) {
        if (!v.is_string()) {
          return ErrorResponse(Status::InvalidArgument("params." + key + ": expected strings", "params." + key));
        }
        values.push_back(v.get<std::string>());
      }
    } else {
      return ErrorResponse(Status::InvalidArgument(
          "params." + key + ": expected a string, a boolean or an array of strings", "params." + key));
    }
    for (const std::string& v : values) {
      params.emplace(key, v);
      std::string k, e;
      Poco::URI::encode(key, "&=+#%", k);
      Poco::URI::encode(v, "&=+#%", e);
      query += (query.empty() ? "" : "&") + k + "=" + e;
    }
  }
  Result<index::SearchRequest> parsed = ParseSearchParams(params);
  if (!parsed.ok()) {
    return ErrorResponse(Status::InvalidArgument("params." + parsed.status().message(),
                                                 "params." + parsed.status().field()));
  }
  Result<store::SavedSearch> saved = store::SavedSearchRepository(*pool).Add(
      request.principal.user_id, body["name"].get<std::string>(), query);
  if (!saved.ok()) return ErrorResponse(saved.status());
  return Response::Json(SavedJson(*saved), 201);
}

Response RunSavedSearch(store::Pool* pool, index::Searcher* searcher, const Request& request) {
  if (pool == nullptr || searcher == nullptr) {
    return ErrorResponse(Status::Unavailable("no database or index configured"));
  }
  std::optional<int64_t> id = IdParam(request);
  if (!id) return BadId(request);
  std::optional<store::SavedSearch> saved =
      store::SavedSearchRepository(*pool).Get(request.principal.user_id, *id);
  if (!saved) return NoSuch(*id);
  Result<index::SearchRequest> r = RequestOf(*saved, request.principal);
  if (!r.ok()) return ErrorResponse(r.status());
  // Paging of the results, as on /api/v1/search.
  std::multimap<std::string, std::string> paging;
  for (const char* k : {"limit", "offset", "sort"}) {
    if (std::optional<std::string> v = request.Query(k)) paging.emplace(k, *v);
  }
  Result<index::SearchRequest> p = ParseSearchParams(paging);
  if (!p.ok()) return ErrorResponse(p.status());
  r->limit = p->limit;
  r->offset = p->offset;
  if (request.Query("sort")) r->sort = p->sort;
  Result<index::SearchResult> result = searcher->Search(*r);
  if (!result.ok()) return ErrorResponse(result.status());
  Result<int64_t> fresh = NewCount(*searcher, *saved, request.principal);
  if (!fresh.ok()) return ErrorResponse(fresh.status());
  nlohmann::json j = SearchResultJson(*result, *r);
  j["saved_search"] = SavedJson(*saved);
  j["new"] = *fresh;
  return Response::Json(j);
}

Response MarkSavedSearchSeen(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  std::optional<int64_t> id = IdParam(request);
  if (!id) return BadId(request);
  store::SavedSearchRepository repo(*pool);
  if (!repo.MarkSeen(request.principal.user_id, *id, NowUnixSeconds())) return NoSuch(*id);
  return Response::Json(SavedJson(*repo.Get(request.principal.user_id, *id)));
}

Response DeleteSavedSearch(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  std::optional<int64_t> id = IdParam(request);
  if (!id) return BadId(request);
  if (!store::SavedSearchRepository(*pool).Remove(request.principal.user_id, *id)) return NoSuch(*id);
  return Response::Json({{"deleted", *id}});
}

}  // namespace scrm::http
