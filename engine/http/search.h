// GET /api/v1/search and GET /api/v1/search/export: the search API over the
// index, with the caller's visibility always applied. The same parameter
// parsing and JSON serve `scrm search`, so the CLI and the API answer alike.
//
// Parameters (docs/api.md#search): q, platform, source, community,
// language, kind, customer, account, owner (each repeatable: values of one
// filter are OR'ed), linked (true|false), from, to (YYYY-MM-DD, RFC 3339 or
// epoch seconds), since (ingested after), sort (relevance|date), limit,
// offset, facets, histogram, snippets, suggestion (true|false), like (a post
// id: more like this).
#ifndef SCRM_HTTP_SEARCH_H_
#define SCRM_HTTP_SEARCH_H_

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "http/request.h"
#include "index/index.h"
#include "store/pool.h"

namespace scrm::http {

// InvalidArgument naming the parameter on a bad value or an unknown name.
Result<index::SearchRequest> ParseSearchParams(const std::multimap<std::string, std::string>& params);

// {"total","total_exact","results":[...],"facets":{...},"facets_exact",
//  "histogram":{"interval","buckets":[{"start","count"}]},"suggestion","offset","limit",
//  "time_budget_spent"}
nlohmann::json SearchResultJson(const index::SearchResult& result,
                                const index::SearchRequest& request);

// One result: {"id","score","date","platform","source","language","kind","url",
//  "title","author":{"name","handle","id"},"external_id","customers","snippet"}
nlohmann::json SearchHitJson(const index::SearchHit& hit);

// One cell of the CSV export: quoted as RFC 4180 says when it holds a comma,
// quote, CR or LF, and made text with a leading ' when a spreadsheet would
// run it as a formula (it starts with = + - @ TAB or CR).
std::string CsvCell(std::string v);

// Epoch seconds of "2026-11-22", "2026-11-22T10:00:00Z" (or with an offset)
// or "1795000000"; nullopt otherwise.
std::optional<int64_t> ParseTimeParam(const std::string& value);

// time_budget_ms (search.time_budget_ms; 0: none): the search is given
// until then (SearchRequest::deadline); when it is spent the answer is still
// 200, with what was found in time and "time_budget_spent": true.
Response HandleSearch(index::Searcher* searcher, const Request& request, int time_budget_ms = 0);
// format=csv|jsonl (default jsonl): the matching posts read back from the
// database (full text), newest first unless sort=relevance; limit (default
// and at most 50,000) rows.
Response HandleSearchExport(index::Searcher* searcher, store::Pool* pool, const Request& request);

}  // namespace scrm::http

#endif  // SCRM_HTTP_SEARCH_H_
