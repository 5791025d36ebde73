// Saved searches of the calling user, and their new matches:
//   GET    /api/v1/saved-searches            every saved search with "new" (matches
//                                            ingested since last seen)
//   POST   /api/v1/saved-searches            {"name", "params": {"q": "...", "platform": [...]}}
//   GET    /api/v1/saved-searches/{id}       the search run now, with "new"
//   POST   /api/v1/saved-searches/{id}/seen  last seen = now (the alert is read)
//   DELETE /api/v1/saved-searches/{id}
// Parameters are those of /api/v1/search, validated when saved. A user sees
// and changes only their own; another's id answers 404. docs/api.md.
// Adapters over service/saved_searches.h: the body and the id read, the
// answer written as JSON.
#ifndef SCRM_HTTP_SAVED_SEARCHES_H_
#define SCRM_HTTP_SAVED_SEARCHES_H_

#include "http/request.h"
#include "index/index.h"
#include "store/pool.h"

namespace scrm::http {

Response ListSavedSearches(store::Pool* pool, index::Searcher* searcher, const Request& request);
Response CreateSavedSearch(store::Pool* pool, const Request& request);
Response RunSavedSearch(store::Pool* pool, index::Searcher* searcher, const Request& request);
Response MarkSavedSearchSeen(store::Pool* pool, const Request& request);
Response DeleteSavedSearch(store::Pool* pool, const Request& request);

}  // namespace scrm::http

#endif  // SCRM_HTTP_SAVED_SEARCHES_H_
