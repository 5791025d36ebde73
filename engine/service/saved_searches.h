// Saved searches as every front-end offers them (/api/v1/saved-searches,
// the Conversations page's list and its "Save" form): a user's named search
// and the posts it has matched since the user last looked ("new"). The
// parameters are those of service/search.h, checked when saved; paging,
// since and like are not part of a saved search. A user sees and changes
// only their own: another's id is NotFound. The searches run for the
// owner's viewer, so "new" never counts what the owner may not see.
// Thread-safe; database failures throw store::DbError.
#ifndef SCRM_SERVICE_SAVED_SEARCHES_H_
#define SCRM_SERVICE_SAVED_SEARCHES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/viewer.h"
#include "index/index.h"
#include "service/search.h"
#include "store/pool.h"

namespace scrm::service {

// Who asks: the saved searches are theirs, and run for what they may see.
struct SavedSearchOwner {
  std::string user_id;
  Viewer viewer;
};

struct SavedSearch {
  int64_t id = 0;
  std::string name;
  SearchParams params;          // as saved
  bool params_readable = true;  // false: the stored text cannot be decoded (params: what could)
  int64_t last_seen_at = 0;     // epoch seconds
  int64_t created_at = 0;
};

// A saved search with its matches ingested since last seen: `new_matches`,
// or nullopt and `error` when it cannot run now.
struct SavedSearchNews {
  SavedSearch search;
  std::optional<int64_t> new_matches;
  std::string error;
};

// The owner's saved searches, in the repository's order, each with "new".
std::vector<SavedSearchNews> ListSavedSearches(store::Pool& pool, index::Searcher& searcher,
                                               const SavedSearchOwner& owner);

// Whether `key` is kept by a saved search (false: limit, offset, since,
// like, which CreateSavedSearch leaves out).
bool IsSavedSearchParam(const std::string& key);

// InvalidArgument (field "name") unless 1 to 255 bytes.
Status CheckSavedSearchName(const std::string& name);

// Saves `params` (those IsSavedSearchParam refuses left out) as `name`.
// InvalidArgument: field "name" (CheckSavedSearchName), or "params.NAME"
// for a bad search parameter (ParseSearchParams' message, prefixed
// "params."); Conflict when the owner already has a search of that name.
Result<SavedSearch> CreateSavedSearch(store::Pool& pool, const std::string& user_id,
                                      const std::string& name, const SearchParams& params);

// A saved search's answer now, paged by `paging` (limit, offset and sort,
// checked as search parameters; sort kept as saved when not given).
struct SavedSearchRun {
  SavedSearch search;
  SearchAnswer answer;
  int64_t new_matches = 0;
};
// NotFound when the owner has no saved search `id`; Internal when its
// parameters cannot be read; else the errors of Search.
Result<SavedSearchRun> RunSavedSearch(store::Pool& pool, index::Searcher& searcher,
                                      const SavedSearchOwner& owner, int64_t id,
                                      const SearchParams& paging);

// Last seen = `now` (epoch seconds): the alert is read. NotFound as RunSavedSearch.
Result<SavedSearch> MarkSavedSearchSeen(store::Pool& pool, const std::string& user_id, int64_t id,
                                        int64_t now);

// NotFound as RunSavedSearch.
Status DeleteSavedSearch(store::Pool& pool, const std::string& user_id, int64_t id);

}  // namespace scrm::service

#endif  // SCRM_SERVICE_SAVED_SEARCHES_H_
