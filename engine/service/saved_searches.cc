#include "service/saved_searches.h"

#include <Poco/URI.h>

#include "core/text.h"
#include "store/saved_search_repository.h"

namespace scrm::service {

namespace {

Status NoSuch(int64_t id) {
  return Status::NotFound("no saved search " + std::to_string(id) +
                          " of yours (GET /api/v1/saved-searches lists them)");
}

SavedSearch ModelOf(const store::SavedSearch& s) {
  SavedSearch out;
  out.id = s.id;
  out.name = s.name;
  out.params_readable = ParseQuery(s.params, &out.params);
  out.last_seen_at = s.last_seen_at;
  out.created_at = s.created_at;
  return out;
}

// The saved parameters as a search request for this owner.
Result<index::SearchRequest> RequestOf(const SavedSearch& saved, const Viewer& viewer) {
  if (!saved.params_readable) {
    return Status::Internal("saved search " + std::to_string(saved.id) + " has unreadable params");
  }
  SearchOptions options;
  options.params = saved.params;
  options.viewer = viewer;
  return SearchRequestOf(options);
}

// Matches ingested since the owner last looked.
Result<int64_t> NewMatches(index::Searcher& searcher, const SavedSearch& saved,
                           const Viewer& viewer) {
  Result<index::SearchRequest> r = RequestOf(saved, viewer);
  if (!r.ok()) return r.status();
  r->ingested_after = saved.last_seen_at;
  r->limit = 1;
  r->facets = r->histogram = r->snippets = r->suggestion = false;
  Result<index::SearchResult> result = searcher.Search(*r);
  if (!result.ok()) return result.status();
  return result->total;
}

}  // namespace

std::vector<SavedSearchNews> ListSavedSearches(store::Pool& pool, index::Searcher& searcher,
                                               const SavedSearchOwner& owner) {
  std::vector<SavedSearchNews> out;
  for (const store::SavedSearch& s : store::SavedSearchRepository(pool).List(owner.user_id)) {
    SavedSearchNews news;
    news.search = ModelOf(s);
    Result<int64_t> fresh = NewMatches(searcher, news.search, owner.viewer);
    if (fresh.ok()) {
      news.new_matches = *fresh;
    } else {
      news.error = fresh.status().message();
    }
    out.push_back(std::move(news));
  }
  return out;
}

bool IsSavedSearchParam(const std::string& key) {
  return key != "offset" && key != "limit" && key != "since" && key != "like";
}

Status CheckSavedSearchName(const std::string& name) {
  if (name.empty() || name.size() > 255) {
    return Status::InvalidArgument("name: a non-empty string of at most 255 characters is required",
                                   "name");
  }
  return Status::Ok();
}

Result<SavedSearch> CreateSavedSearch(store::Pool& pool, const std::string& user_id,
                                      const std::string& name, const SearchParams& params) {
  if (Status s = CheckSavedSearchName(name); !s.ok()) return s;
  SearchParams kept;
  std::string query;
  for (const auto& [key, value] : params) {
    if (!IsSavedSearchParam(key)) continue;
    kept.emplace(key, value);
    std::string k, v;
    Poco::URI::encode(key, "&=+#%", k);
    Poco::URI::encode(value, "&=+#%", v);
    query += (query.empty() ? "" : "&") + k + "=" + v;
  }
  Result<index::SearchRequest> parsed = ParseSearchParams(kept);
  if (!parsed.ok()) {
    return Status::InvalidArgument("params." + parsed.status().message(),
                                   "params." + parsed.status().field());
  }
  Result<store::SavedSearch> saved = store::SavedSearchRepository(pool).Add(user_id, name, query);
  if (!saved.ok()) return saved.status();
  return ModelOf(*saved);
}

Result<SavedSearchRun> RunSavedSearch(store::Pool& pool, index::Searcher& searcher,
                                      const SavedSearchOwner& owner, int64_t id,
                                      const SearchParams& paging) {
  std::optional<store::SavedSearch> stored = store::SavedSearchRepository(pool).Get(owner.user_id, id);
  if (!stored) return NoSuch(id);
  SavedSearchRun run;
  run.search = ModelOf(*stored);
  Result<index::SearchRequest> r = RequestOf(run.search, owner.viewer);
  if (!r.ok()) return r.status();
  Result<index::SearchRequest> p = ParseSearchParams(paging);
  if (!p.ok()) return p.status();
  r->limit = p->limit;
  r->offset = p->offset;
  if (paging.count("sort")) r->sort = p->sort;
  Result<SearchAnswer> answer = RunSearch(searcher, *r);
  if (!answer.ok()) return answer.status();
  run.answer = std::move(*answer);
  Result<int64_t> fresh = NewMatches(searcher, run.search, owner.viewer);
  if (!fresh.ok()) return fresh.status();
  run.new_matches = *fresh;
  return run;
}

Result<SavedSearch> MarkSavedSearchSeen(store::Pool& pool, const std::string& user_id, int64_t id,
                                        int64_t now) {
  store::SavedSearchRepository repo(pool);
  if (!repo.MarkSeen(user_id, id, now)) return NoSuch(id);
  std::optional<store::SavedSearch> s = repo.Get(user_id, id);
  if (!s) return NoSuch(id);  // removed meanwhile
  return ModelOf(*s);
}

Status DeleteSavedSearch(store::Pool& pool, const std::string& user_id, int64_t id) {
  if (!store::SavedSearchRepository(pool).Remove(user_id, id)) return NoSuch(id);
  return Status::Ok();
}

}  // namespace scrm::service
