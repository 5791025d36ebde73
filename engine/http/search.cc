#include "http/search.h"

#include <chrono>

#include <cctype>
#include <ctime>
#include <set>
#include <sstream>
#include <string_view>

#include "core/reasons.h"
#include "core/time.h"
#include "http/auth.h"
#include "http/errors.h"
#include "store/post_reader.h"

namespace scrm::http {

namespace {

constexpr int kMaxExportRows = 50000;

// What ParseSearchParams interprets (docs/api.md#search).
const std::set<std::string>& SearchParams() {
  static const std::set<std::string> k = {
      "q",       "platform", "source", "community", "language", "kind",       "customer",
      "account", "owner",    "linked", "from",      "to",       "since",      "sort",
      "limit",   "offset",   "facets", "histogram", "snippets", "suggestion", "like"};
  return k;
}

// What it accepts: also the export's format, and sso, which the authorizer
// reads (and refuses) on API routes.
const std::set<std::string>& KnownParams() {
  static const std::set<std::string> k = [] {
    std::set<std::string> known = SearchParams();
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

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

}  // namespace

std::string CsvCell(std::string v) {
  // A cell that a spreadsheet would run as a formula is made text. TAB and
  // CR count too: spreadsheets skip them and read the '=' that follows
  // (OWASP "CSV Injection").
  if (!v.empty() && std::string_view("=+-@\t\r").find(v[0]) != std::string_view::npos) {
    v.insert(0, "'");
  }
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
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

nlohmann::json SearchHitJson(const index::SearchHit& h) {
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

nlohmann::json SearchResultJson(const index::SearchResult& result,
                                const index::SearchRequest& request) {
  nlohmann::json results = nlohmann::json::array();
  for (const index::SearchHit& h : result.results) results.push_back(SearchHitJson(h));
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

Response HandleSearch(index::Searcher* searcher, const Request& request, int time_budget_ms) {
  const auto asked = std::chrono::steady_clock::now();
  request.NoteQueryNames(SearchParams());
  if (searcher == nullptr) return ErrorResponse(Status::Unavailable("no search index configured (index.dir)"));
  Result<index::SearchRequest> parsed = ParseSearchParams(request.query);
  if (!parsed.ok()) return ErrorResponse(parsed.status());
  parsed->viewer = ViewerOf(request.principal);
  if (time_budget_ms > 0) parsed->deadline = asked + std::chrono::milliseconds(time_budget_ms);
  Result<index::SearchResult> result = searcher->Search(*parsed);
  if (!result.ok()) return ErrorResponse(result.status());
  return Response::Json(SearchResultJson(*result, *parsed));
}

Response HandleSearchExport(index::Searcher* searcher, store::Pool* pool, const Request& request) {
  // Paging is the export's own: limit rows, no offset.
  static const std::set<std::string> kExportParams = [] {
    std::set<std::string> names = SearchParams();
    names.erase("offset");
    names.insert("format");
    return names;
  }();
  request.NoteQueryNames(kExportParams);
  if (searcher == nullptr) return ErrorResponse(Status::Unavailable("no search index configured (index.dir)"));
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  std::multimap<std::string, std::string> params = request.query;
  std::string format = "jsonl";
  int max_rows = kMaxExportRows;
  if (auto f = params.find("format"); f != params.end()) format = f->second;
  if (format != "csv" && format != "jsonl") {
    return ErrorResponse(BadParam("format", "expected csv or jsonl, got '" + format + "'"));
  }
  if (auto l = params.find("limit"); l != params.end()) {
    std::optional<int64_t> n = ParseInt(l->second);
    if (!n || *n < 1 || *n > kMaxExportRows) {
      return ErrorResponse(BadParam("limit", "must be between 1 and " + std::to_string(kMaxExportRows)));
    }
    max_rows = static_cast<int>(*n);
    params.erase(l);
  }
  params.erase("offset");
  if (params.find("sort") == params.end()) params.emplace("sort", "date");
  Result<index::SearchRequest> parsed = ParseSearchParams(params);
  if (!parsed.ok()) return ErrorResponse(parsed.status());
  parsed->viewer = ViewerOf(request.principal);
  parsed->facets = parsed->histogram = parsed->snippets = parsed->suggestion = false;
  parsed->limit = 1000;

  std::ostringstream out;
  if (format == "csv") {
    out << "id,published,platform,source,language,kind,author_name,author_handle,url,title,text,"
           "hashtags,likes,shares,replies\r\n";
  }
  store::PostReader reader(*pool);
  int written = 0;
  while (written < max_rows) {
    parsed->offset = written;
    parsed->limit = std::min(1000, max_rows - written);
    Result<index::SearchResult> page = searcher->Search(*parsed);
    if (!page.ok()) return ErrorResponse(page.status());
    if (page->results.empty()) break;
    std::vector<int64_t> ids;
    for (const index::SearchHit& h : page->results) ids.push_back(h.id);
    std::map<int64_t, store::PostRow> rows;
    for (store::PostRow& row : reader.LoadPosts(ids)) rows.emplace(row.id, std::move(row));
    for (int64_t id : ids) {
      auto it = rows.find(id);
      if (it == rows.end()) continue;  // deleted since it was indexed
      const store::PostRow& row = it->second;
      const Post& p = row.post;
      if (format == "csv") {
        out << id << ',' << FormatIsoTime(p.published) << ',' << CsvCell(p.platform) << ','
            << CsvCell(row.source_name) << ',' << CsvCell(p.language) << ',' << CsvCell(p.kind)
            << ',' << CsvCell(p.author_name) << ',' << CsvCell(p.author_handle) << ','
            << CsvCell(p.url) << ',' << CsvCell(p.title) << ',' << CsvCell(p.text) << ','
            << CsvCell(Join(p.hashtags, " ")) << ',' << p.likes << ',' << p.shares << ','
            << p.replies << "\r\n";
      } else {
        nlohmann::json j = {{"id", id},          {"source", row.source_name},
                            {"external_id", p.external_id}, {"platform", p.platform},
                            {"kind", p.kind},    {"url", p.url},
                            {"author", {{"id", p.author_id}, {"name", p.author_name}, {"handle", p.author_handle}}},
                            {"title", p.title},  {"text", p.text},
                            {"language", p.language}, {"published", FormatIsoTime(p.published)},
                            {"updated", FormatIsoTime(p.updated)}, {"in_reply_to", p.in_reply_to},
                            {"shared_id", p.shared_id}, {"hashtags", p.hashtags},
                            {"mentions", p.mentions}, {"links", p.links},
                            {"likes", p.likes},  {"shares", p.shares}, {"replies", p.replies}};
        out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      }
    }
    written += static_cast<int>(page->results.size());
    if (static_cast<int64_t>(written) >= page->total) break;
  }
  Response r = Response::Text(out.str(), 200,
                              format == "csv" ? "text/csv; charset=utf-8"
                                              : "application/x-ndjson; charset=utf-8");
  r.SetHeader("Content-Disposition", std::string("attachment; filename=\"scrm-search.") +
                                         (format == "csv" ? "csv" : "jsonl") + "\"");
  return r;
}

}  // namespace scrm::http
