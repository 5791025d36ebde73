#include "http/search.h"

#include <chrono>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "http/auth.h"
#include "http/errors.h"
#include "service/search.h"

namespace scrm::http {

namespace {

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

// A post of the export as one CSV row or one JSON line.
void WriteRow(const std::string& format, const store::PostRow& row, std::ostream& out) {
  const int64_t id = row.id;
  const Post& p = row.post;
  if (format == "csv") {
    out << id << ',' << FormatIsoTime(p.published) << ',' << CsvCell(p.platform) << ','
        << CsvCell(row.source_name) << ',' << CsvCell(p.language) << ',' << CsvCell(p.kind)
        << ',' << CsvCell(p.author_name) << ',' << CsvCell(p.author_handle) << ','
        << CsvCell(p.url) << ',' << CsvCell(p.title) << ',' << CsvCell(p.text) << ','
        << CsvCell(Join(p.hashtags, " ")) << ',' << p.likes << ',' << p.shares << ','
        << p.replies << "\r\n";
    return;
  }
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

Response HandleSearch(index::Searcher* searcher, const Request& request, int time_budget_ms) {
  const auto asked = std::chrono::steady_clock::now();
  request.NoteQueryNames(service::SearchParamNames());
  if (searcher == nullptr) return ErrorResponse(Status::Unavailable("no search index configured (index.dir)"));
  service::SearchOptions options;
  options.params = request.query;
  options.viewer = ViewerOf(request.principal);
  if (time_budget_ms > 0) options.deadline = asked + std::chrono::milliseconds(time_budget_ms);
  Result<service::SearchAnswer> answer = service::Search(*searcher, options);
  if (!answer.ok()) return ErrorResponse(answer.status());
  return Response::Json(service::SearchAnswerJson(*answer));
}

Response HandleSearchExport(index::Searcher* searcher, store::Pool* pool, const Request& request) {
  // Paging is the export's own: limit rows, no offset.
  static const std::set<std::string> kExportParams = [] {
    std::set<std::string> names = service::SearchParamNames();
    names.erase("offset");
    names.insert("format");
    return names;
  }();
  request.NoteQueryNames(kExportParams);
  if (searcher == nullptr) return ErrorResponse(Status::Unavailable("no search index configured (index.dir)"));
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  std::string format = "jsonl";
  if (std::optional<std::string> f = request.Query("format")) format = *f;
  if (format != "csv" && format != "jsonl") {
    return ErrorResponse(Status::InvalidArgument(
        "parameter format: expected csv or jsonl, got '" + format + "'", "format"));
  }
  service::SearchOptions options;
  options.params = request.query;
  options.viewer = ViewerOf(request.principal);
  std::ostringstream out;
  if (format == "csv") {
    out << "id,published,platform,source,language,kind,author_name,author_handle,url,title,text,"
           "hashtags,likes,shares,replies\r\n";
  }
  Status exported = service::ExportSearch(*searcher, *pool, options, [&](const store::PostRow& row) {
    WriteRow(format, row, out);
  });
  if (!exported.ok()) return ErrorResponse(exported);
  Response r = Response::Text(out.str(), 200,
                              format == "csv" ? "text/csv; charset=utf-8"
                                              : "application/x-ndjson; charset=utf-8");
  r.SetHeader("Content-Disposition", std::string("attachment; filename=\"scrm-search.") +
                                         (format == "csv" ? "csv" : "jsonl") + "\"");
  return r;
}

}  // namespace scrm::http
