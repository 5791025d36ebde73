#include "service/search.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <set>
#include <vector>

#include "core/reasons.h"
#include "core/text.h"
#include "core/time.h"

namespace scrm::service {

namespace {

// What it accepts: also the export's format, and sso, which the authorizer
// reads (and refuses) on API routes.
const std::set<std::string>& KnownParams() {
  static const std::set<std::string> k = [] {
    std::set<std::string> known = SearchParamNames();
    known.insert({"format", "sso"});
    return known;
  }();
  return k;
}

Status BadParam(const std::string& name, const std::string& why) {
  return Status::InvalidArgument("parameter " + name + ": " + why, name);
}

std::optional<bool> ParseBool(const std::string& v) {
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  return std::nullopt;
}

std::optional<int64_t> ParseInt(const std::string& v) {
  if (v.empty() || v.size() > 18) return std::nullopt;
  for (char c : v) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  return std::stoll(v);
}

nlohmann::json HitJson(const index::SearchHit& h) {
  return {{"id", h.id},
          {"score", h.score},
          {"date", FormatIsoTime(h.date)},
          {"platform", h.platform},
          {"source", h.source},
          {"language", h.language},
          {"kind", h.kind},
          {"url", h.url},
          {"title", h.title},
          {"author", {{"name", h.author_name}, {"handle", h.author_handle}, {"id", h.author_id}}},
          {"external_id", h.external_id},
          {"customers", h.customers},
          {"snippet", h.snippet}};
}

}  // namespace

const std::set<std::string>& SearchParamNames() {
  static const std::set<std::string> k = {
      "q",       "platform", "source", "community", "language", "kind",       "customer",
      "account", "owner",    "linked", "from",      "to",       "since",      "sort",
      "limit",   "offset",   "facets", "histogram", "snippets", "suggestion", "like"};
  return k;
}

std::optional<int64_t> ParseTimeParam(const std::string& value) {
  if (std::optional<int64_t> n = ParseInt(value); n && value.size() > 8) return n;
  std::tm tm{};
  int off_h = 0, off_m = 0;
  char sign = 0;
  const char* p = value.c_str();
  int consumed = 0;
  if (std::sscanf(p, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &consumed) != 3 ||
      consumed != 10) {
    return std::nullopt;
  }
  p += consumed;
  if (*p == 'T' || *p == ' ') {
    int c2 = 0;
    if (std::sscanf(p + 1, "%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &c2) != 3 ||
        c2 != 8) {
      return std::nullopt;
    }
    p += 1 + c2;
    if (*p == '.') {
      ++p;
      while (std::isdigit(static_cast<unsigned char>(*p))) ++p;
    }
    if (*p == 'Z') {
      ++p;
    } else if (*p == '+' || *p == '-') {
      sign = *p;
      int c3 = 0;
      if (std::sscanf(p + 1, "%2d:%2d%n", &off_h, &off_m, &c3) != 2 || c3 != 5) return std::nullopt;
      p += 1 + c3;
    }
  }
  if (*p != '\0') return std::nullopt;
  if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31) return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  int64_t t = timegm(&tm);
  const int64_t offset = (off_h * 3600 + off_m * 60) * (sign == '-' ? -1 : 1);
  return t - offset;
}

Result<index::SearchRequest> ParseSearchParams(
    const std::multimap<std::string, std::string>& params) {
  index::SearchRequest r;
  for (const auto& param : params) {
    // Named references, not structured bindings: C++17 lambdas cannot
    // capture those (clang rejects it, g++ allows it as an extension).
    const std::string& name = param.first;
    const std::string& value = param.second;
    if (KnownParams().count(name) == 0) {
      return BadParam(name, "unknown parameter (see docs/api.md#search)")
          .WithReason(reason::kSearchParamUnknown, {{"name", name}});
    }
    auto flag = [&](bool* out) -> Status {
      std::optional<bool> b = ParseBool(value);
      if (!b) {
        return BadParam(name, "expected true or false, got '" + value + "'")
            .WithReason(reason::kSearchParamBool, {{"name", name}, {"value", value}});
      }
      *out = *b;
      return Status::Ok();
    };
    auto time = [&](int64_t* out) -> Status {
      std::optional<int64_t> t = ParseTimeParam(value);
      if (!t) {
        return BadParam(name, "expected YYYY-MM-DD, an RFC 3339 time or epoch seconds, got '" + value + "'")
            .WithReason(reason::kSearchParamDate, {{"name", name}, {"value", value}});
      }
      *out = *t;
      return Status::Ok();
    };
    Status s;
    if (name == "q") r.q = value;
    else if (name == "platform") r.platforms.push_back(value);
    else if (name == "source") r.sources.push_back(value);
    else if (name == "community") r.communities.push_back(value);
    else if (name == "language") r.languages.push_back(value);
    else if (name == "kind") r.kinds.push_back(value);
    else if (name == "customer") r.customers.push_back(value);
    else if (name == "account") r.accounts.push_back(value);
    else if (name == "owner") r.owners.push_back(value);
    else if (name == "linked") {
      bool b = false;
      s = flag(&b);
      r.linked = b;
    } else if (name == "from") s = time(&r.from);
    else if (name == "to") {
      s = time(&r.to);
      // A bare date means the whole day.
      if (s.ok() && value.size() == 10) r.to += 86399;
    } else if (name == "since") s = time(&r.ingested_after);
    else if (name == "sort") {
      if (value == "relevance") r.sort = index::SearchRequest::Sort::kRelevance;
      else if (value == "date") r.sort = index::SearchRequest::Sort::kDate;
      else s = BadParam(name, "expected relevance or date, got '" + value + "'")
                   .WithReason(reason::kSearchParamSort, {{"value", value}});
    } else if (name == "limit" || name == "offset" || name == "like") {
      std::optional<int64_t> n = ParseInt(value);
      if (!n) {
        s = BadParam(name, "expected a non-negative integer, got '" + value + "'")
                .WithReason(reason::kSearchParamInteger, {{"name", name}, {"value", value}});
      } else if (name == "limit") {
        if (*n < 1 || *n > 1000) {
          s = BadParam(name, "must be between 1 and 1000")
                  .WithReason(reason::kSearchParamRange, {{"name", name}, {"min", "1"}, {"max", "1000"}});
        }
        else r.limit = static_cast<int>(*n);
      } else if (name == "offset") {
        if (*n > 1000000) {
          s = BadParam(name, "must be at most 1000000")
                  .WithReason(reason::kSearchParamRange, {{"name", name}, {"min", "0"}, {"max", "1000000"}});
        }
        else r.offset = static_cast<int>(*n);
      } else {
        r.more_like = *n;
      }
    } else if (name == "facets") s = flag(&r.facets);
    else if (name == "histogram") s = flag(&r.histogram);
    else if (name == "snippets") s = flag(&r.snippets);
    else if (name == "suggestion") s = flag(&r.suggestion);
    if (!s.ok()) return s;
  }
  if (r.from != 0 && r.to != 0 && r.from > r.to) {
    return BadParam("from", "is after to").WithReason(reason::kSearchFromAfterTo);
  }
  return r;
}

Result<index::SearchRequest> SearchRequestOf(const SearchOptions& options) {
  Result<index::SearchRequest> r = ParseSearchParams(options.params);
  if (!r.ok()) return r;
  r->viewer = options.viewer;
  r->deadline = options.deadline;
  return r;
}

Result<SearchAnswer> RunSearch(index::Searcher& searcher, const index::SearchRequest& request) {
  Result<index::SearchResult> result = searcher.Search(request);
  if (!result.ok()) return result.status();
  return SearchAnswer{request, std::move(*result)};
}

Result<SearchAnswer> Search(index::Searcher& searcher, const SearchOptions& options) {
  Result<index::SearchRequest> request = SearchRequestOf(options);
  if (!request.ok()) return request.status();
  return RunSearch(searcher, *request);
}

nlohmann::json SearchAnswerJson(const SearchAnswer& answer) {
  const index::SearchResult& result = answer.result;
  const index::SearchRequest& request = answer.request;
  nlohmann::json results = nlohmann::json::array();
  for (const index::SearchHit& h : result.results) results.push_back(HitJson(h));
  nlohmann::json facets = nlohmann::json::object();
  for (const auto& [name, counts] : result.facets) {
    nlohmann::json list = nlohmann::json::array();
    for (const index::FacetCount& c : counts) list.push_back({{"value", c.value}, {"count", c.count}});
    facets[name] = std::move(list);
  }
  nlohmann::json buckets = nlohmann::json::array();
  for (const index::HistogramBucket& b : result.histogram) {
    buckets.push_back({{"start", FormatIsoTime(b.start)}, {"count", b.count}});
  }
  return {{"total", result.total},
          {"total_exact", result.total_exact},
          {"offset", request.offset},
          {"limit", request.limit},
          {"results", std::move(results)},
          {"facets", std::move(facets)},
          {"facets_exact", result.facets_exact},
          {"histogram", {{"interval", result.histogram_interval}, {"buckets", std::move(buckets)}}},
          {"suggestion", result.suggestion},
          {"time_budget_spent", result.time_budget_spent}};
}

std::map<int64_t, std::string> CaseTexts(store::Pool& pool,
                                         const std::vector<index::SearchHit>& hits) {
  std::map<int64_t, std::string> out;
  std::vector<int64_t> cut;
  for (const index::SearchHit& h : hits) {
    if (h.text_whole) {
      out[h.id] = TruncateUtf8(h.text.empty() ? h.title : h.text, kCaseTextChars);
    } else {
      cut.push_back(h.id);
    }
  }
  if (cut.empty()) return out;
  try {
    for (const store::PostRow& row : store::PostReader(pool).LoadPosts(cut)) {
      out[row.id] =
          TruncateUtf8(row.post.text.empty() ? row.post.title : row.post.text, kCaseTextChars);
    }
  } catch (const store::DbError&) {
  }
  return out;
}

Status ExportSearch(index::Searcher& searcher, store::Pool& pool, const SearchOptions& options,
                    const std::function<void(const store::PostRow&)>& row) {
  SearchParams params = options.params;
  int max_rows = kMaxExportRows;
  if (auto l = params.find("limit"); l != params.end()) {
    std::optional<int64_t> n = ParseInt(l->second);
    if (!n || *n < 1 || *n > kMaxExportRows) {
      return BadParam("limit", "must be between 1 and " + std::to_string(kMaxExportRows));
    }
    max_rows = static_cast<int>(*n);
    params.erase(l);
  }
  params.erase("offset");
  if (params.find("sort") == params.end()) params.emplace("sort", "date");
  SearchOptions paged = options;
  paged.params = std::move(params);
  Result<index::SearchRequest> request = SearchRequestOf(paged);
  if (!request.ok()) return request.status();
  request->facets = request->histogram = request->snippets = request->suggestion = false;

  store::PostReader reader(pool);
  int written = 0;
  while (written < max_rows) {
    request->offset = written;
    request->limit = std::min(1000, max_rows - written);
    Result<index::SearchResult> page = searcher.Search(*request);
    if (!page.ok()) return page.status();
    if (page->results.empty()) break;
    std::vector<int64_t> ids;
    for (const index::SearchHit& h : page->results) ids.push_back(h.id);
    std::map<int64_t, store::PostRow> rows;
    for (store::PostRow& r : reader.LoadPosts(ids)) rows.emplace(r.id, std::move(r));
    for (int64_t id : ids) {
      auto it = rows.find(id);
      if (it != rows.end()) row(it->second);  // else deleted since it was indexed
    }
    written += static_cast<int>(page->results.size());
    if (static_cast<int64_t>(written) >= page->total) break;
  }
  return Status::Ok();
}

}  // namespace scrm::service
