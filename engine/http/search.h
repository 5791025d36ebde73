// GET /api/v1/search and GET /api/v1/search/export: adapters over
// service/search.h (parameters, visibility, the answer's model and JSON),
// which `scrm search` and the Conversations page call too. Here: the
// caller's viewer taken from its token, errors mapped to HTTP, and the
// export rendered as CSV or JSON Lines. Parameters: docs/api.md#search.
#ifndef SCRM_HTTP_SEARCH_H_
#define SCRM_HTTP_SEARCH_H_

#include <string>

#include "http/request.h"
#include "index/index.h"
#include "store/pool.h"

namespace scrm::http {

// One cell of the CSV export: quoted as RFC 4180 says when it holds a comma,
// quote, CR or LF, and made text with a leading ' when a spreadsheet would
// run it as a formula (it starts with = + - @ TAB or CR).
std::string CsvCell(std::string v);

// time_budget_ms (search.time_budget_ms; 0: none): the search is given
// until then (SearchRequest::deadline); when it is spent the answer is still
// 200, with what was found in time and "time_budget_spent": true.
Response HandleSearch(index::Searcher* searcher, const Request& request, int time_budget_ms = 0);
// format=csv|jsonl (default jsonl): the matching posts read back from the
// database (full text), newest first unless sort=relevance; limit (default
// and at most 50,000) rows (service::ExportSearch).
Response HandleSearchExport(index::Searcher* searcher, store::Pool* pool, const Request& request);

}  // namespace scrm::http

#endif  // SCRM_HTTP_SEARCH_H_
