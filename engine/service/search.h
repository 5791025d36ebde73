// Search as every front-end offers it (GET /api/v1/search and its export,
// `scrm search`, the Conversations page, saved searches): the parameters of
// docs/api.md#search read from plain names and values, the caller's
// visibility made part of the query (core/viewer.h: the index filters by
// it, so totals and facets never count what the caller may not see), the
// index asked, and its answer as a model. The answer's JSON is here because
// it is the model the API, `scrm search --json` and a saved search's run all
// print. Thread-safe (each call reads on its own).
//
// Parameters: q, platform, source, community, language, kind, customer,
// account, owner (each repeatable: values of one filter are OR'ed), linked
// (true|false), from, to (YYYY-MM-DD, RFC 3339 or epoch seconds), since
// (ingested after), sort (relevance|date), limit, offset, facets, histogram,
// snippets, suggestion (true|false), like (a post id: more like this).
#ifndef SCRM_SERVICE_SEARCH_H_
#define SCRM_SERVICE_SEARCH_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/viewer.h"
#include "index/index.h"
#include "store/pool.h"
#include "store/post_reader.h"

namespace scrm::service {

using SearchParams = std::multimap<std::string, std::string>;

// The names ParseSearchParams interprets (the parameters above).
const std::set<std::string>& SearchParamNames();

// The request the parameters ask for (no viewer: see SearchRequestOf).
// InvalidArgument naming the parameter (field) on a bad value or an unknown
// name, with a reason of core/reasons.h. Also accepted and ignored: "format"
// (the export's, read by its front-end) and "sso" (a page's sign-on token,
// which API routes refuse before this).
Result<index::SearchRequest> ParseSearchParams(const SearchParams& params);

// Epoch seconds of "2026-11-22", "2026-11-22T10:00:00Z" (or with an offset)
// or "1795000000"; nullopt otherwise.
std::optional<int64_t> ParseTimeParam(const std::string& value);

struct SearchOptions {
  SearchParams params;
  Viewer viewer;  // what the caller may see (http::ViewerOf; the CLI sees everything)
  // When the search must be done by (search.time_budget_ms after it was
  // asked); when it is spent the answer holds what was found in time and
  // says so (SearchResult::time_budget_spent). Default: no deadline.
  std::chrono::steady_clock::time_point deadline{};
};

struct SearchAnswer {
  index::SearchRequest request;  // as run: its offset and limit page the answer
  index::SearchResult result;
};

// The request of options: the parameters parsed (errors as
// ParseSearchParams), the viewer and the deadline set. For a front-end that
// adjusts it before RunSearch (`scrm search` asks facets only for --json).
Result<index::SearchRequest> SearchRequestOf(const SearchOptions& options);

// Runs a request of SearchRequestOf; the index's errors (InvalidArgument
// for a query it cannot read, Unavailable...).
Result<SearchAnswer> RunSearch(index::Searcher& searcher, const index::SearchRequest& request);

// SearchRequestOf, then RunSearch.
Result<SearchAnswer> Search(index::Searcher& searcher, const SearchOptions& options);

// {"total","total_exact","results":[...],"facets":{...},"facets_exact",
//  "histogram":{"interval","buckets":[{"start","count"}]},"suggestion","offset","limit",
//  "time_budget_spent"}; each result {"id","score","date","platform","source",
//  "language","kind","url","title","author":{"name","handle","id"},
//  "external_id","customers","snippet"}.
nlohmann::json SearchAnswerJson(const SearchAnswer& answer);

// What a post's "Create case" carries of its text: the first this many
// characters of its text, else of its title.
constexpr size_t kCaseTextChars = 2000;

// The case text (kCaseTextChars) of each hit, by post id: from the index's
// copy of the text when it holds the whole (SearchHit::text_whole), else
// read from the database, in one statement for the page. A post the
// database no longer holds, or a database failure, leaves its id out.
std::map<int64_t, std::string> CaseTexts(store::Pool& pool,
                                         const std::vector<index::SearchHit>& hits);

// The export's limit: its default and most rows.
constexpr int kMaxExportRows = 50000;

// Every post the search matches, read back from the database (full text),
// newest first unless sort=relevance, at most `limit` (1 to kMaxExportRows,
// the default) of them, each given to `row` in order; offset is ignored
// (the export pages itself). Posts deleted since they were indexed are left
// out. Errors as Search, and InvalidArgument (field "limit") for a limit out
// of range. Database failures throw store::DbError.
Status ExportSearch(index::Searcher& searcher, store::Pool& pool, const SearchOptions& options,
                    const std::function<void(const store::PostRow&)>& row);

}  // namespace scrm::service

#endif  // SCRM_SERVICE_SEARCH_H_
