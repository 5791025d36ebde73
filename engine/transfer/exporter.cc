// The engine's tables to JSON Lines, CSV views and the manifest
// (docs/export-format.md).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>

#include "store/audit_repository.h"
#include "store/migrator.h"
#include "store/table_rows.h"
#include "transfer/internal.h"
#include "transfer/transfer.h"

namespace scrm::transfer {

namespace {

namespace fs = std::filesystem;

std::vector<std::string> ExportedTables(store::Pool& pool) {
  std::vector<std::string> out;
  for (std::string& t : store::TableRows(pool).EngineTables()) {
    if (!IsExcludedTable(t)) out.push_back(std::move(t));
  }
  // By name, bytewise (not the server's collation): the order of the
  // manifest and of an export.
  std::sort(out.begin(), out.end());
  return out;
}

std::map<int64_t, std::string> SourceNames(store::TableRows& rows) {
  std::map<int64_t, std::string> names;
  Result<store::TableInfo> sources = rows.Describe("scrm_sources");
  if (!sources.ok()) return names;
  rows.Scan(*sources, 1000, [&](nlohmann::json&& row) {
    names[row["id"].get<int64_t>()] = row["name"].get<std::string>();
  });
  return names;
}

// Reads one table, writing its JSON Lines to jsonl and its CSV view to csv
// (either may be null). Returns the rows read.
int64_t ExportTable(store::TableRows& reader, const store::TableInfo& table, HashingSink* jsonl,
                    HashingSink* csv, const ExportOptions& options) {
  const std::string kind = KindOf(table.name);
  const CsvView* view = csv != nullptr ? CsvViewOf(kind) : nullptr;
  std::map<int64_t, std::string> source_names;
  if (view != nullptr) {
    if (kind == "posts") source_names = SourceNames(reader);
    // A UTF-8 byte order mark: spreadsheets then read the accents right.
    csv->Write("\xEF\xBB\xBF" + CsvLine(view->columns));
  }
  int64_t rows = 0;
  std::vector<std::string> cells;
  reader.Scan(table, options.page_size, [&](nlohmann::json&& raw) {
    const nlohmann::json record = EncodeRow(table, std::move(raw));
    if (jsonl != nullptr) jsonl->Write(record.dump() + "\n");
    if (view != nullptr) {
      cells.clear();
      for (const std::string& c : view->columns) {
        if (c == "source" && kind == "posts") {
          auto it = source_names.find(record["source_id"].get<int64_t>());
          cells.push_back(it == source_names.end() ? "" : it->second);
        } else {
          cells.push_back(record.contains(c) ? CsvCell(record[c]) : "");
        }
      }
      csv->Write(CsvLine(cells));
    }
    ++rows;
    if (options.progress && rows % options.page_size == 0) options.progress(kind, rows);
  });
  if (options.progress) options.progress(kind, rows);
  return rows;
}

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json Manifest(store::Pool& pool, const ExportOptions& options,
                        const std::vector<FileEntry>& files) {
  nlohmann::json list = nlohmann::json::array();
  for (const FileEntry& f : files) list.push_back(f.ToJson());
  return {{"format", kFormatName},
          {"format_version", kFormatVersion},
          {"engine_version", options.engine_version},
          {"schema_version", store::CurrentSchemaVersion(pool)},
          {"created_at", UtcNow()},
          {"files", list}};
}

FileEntry Entry(const std::string& table, const std::string& view, HashingSink& sink, int64_t rows) {
  const std::string kind = KindOf(table);
  FileEntry e;
  e.kind = kind;
  e.table = table;
  e.view = view;
  e.file = view == "csv" ? CsvViewOf(kind)->file : kind + ".jsonl";
  e.rows = rows;
  e.bytes = sink.bytes();
  e.sha256 = sink.HexDigest();
  return e;
}

// Every file in manifest order, each written to the stream open_file gives
// (null: hashed only). JSON Lines and CSV of one kind are made in one pass.
Result<std::vector<FileEntry>> ExportAll(store::Pool& pool, const ExportOptions& options,
                                         const std::function<std::ostream*(const std::string&)>& open_file) {
  std::vector<FileEntry> jsonl_entries, csv_entries;
  store::TableRows rows(pool);
  rows.BeginSnapshot();  // every table as of one moment
  for (const std::string& table : ExportedTables(pool)) {
    Result<store::TableInfo> info = rows.Describe(table);
    if (!info.ok()) return info.status();
    const std::string kind = KindOf(table);
    HashingSink jsonl(open_file(kind + ".jsonl"));
    const CsvView* view = CsvViewOf(kind);
    std::unique_ptr<HashingSink> csv;
    if (view != nullptr) csv = std::make_unique<HashingSink>(open_file(view->file));
    int64_t n = 0;
    try {
      n = ExportTable(rows, *info, &jsonl, csv.get(), options);
    } catch (const nlohmann::json::exception& e) {
      return Status::Internal("cannot write " + kind + ".jsonl: " + e.what());
    }
    jsonl_entries.push_back(Entry(table, "jsonl", jsonl, n));
    if (csv) csv_entries.push_back(Entry(table, "csv", *csv, n));
  }
  jsonl_entries.insert(jsonl_entries.end(), csv_entries.begin(), csv_entries.end());
  return jsonl_entries;
}

}  // namespace

Result<ExportSummary> ExportTo(store::Pool& pool, const std::string& dir,
                               const ExportOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::error_code ec;
  if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec))) {
    return Status::InvalidArgument(dir + " exists and is not an empty directory: give --out a new "
                                   "directory (an export never overwrites one)", "out");
  }
  fs::create_directories(dir, ec);
  if (ec) return Status::InvalidArgument("cannot create " + dir + ": " + ec.message(), "out");

  std::map<std::string, std::unique_ptr<std::ofstream>> open;
  std::string open_error;
  Result<std::vector<FileEntry>> files =
      ExportAll(pool, options, [&](const std::string& name) -> std::ostream* {
        auto f = std::make_unique<std::ofstream>(fs::path(dir) / name, std::ios::binary);
        if (!*f && open_error.empty()) open_error = "cannot write " + (fs::path(dir) / name).string();
        return open.emplace(name, std::move(f)).first->second.get();
      });
  if (!files.ok()) return files.status();
  for (auto& [name, f] : open) {
    f->close();
    if (!*f && open_error.empty()) open_error = "cannot write " + (fs::path(dir) / name).string() + " (disk full?)";
  }
  if (!open_error.empty()) return Status::Internal(open_error);

  ExportSummary summary;
  summary.manifest = Manifest(pool, options, *files);
  std::ofstream m(fs::path(dir) / "manifest.json", std::ios::binary);
  m << summary.manifest.dump(2) << "\n";
  m.close();
  if (!m) return Status::Internal("cannot write " + (fs::path(dir) / "manifest.json").string());
  for (const FileEntry& f : *files) {
    if (f.view == "jsonl") summary.rows += f.rows;
    summary.bytes += f.bytes;
  }
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  store::AuditRepository(pool).Add(store::AuditEntry{
      "export", options.by.actor, "",
      {{"files", files->size()}, {"rows", summary.rows}, {"bytes", summary.bytes}}, "all",
      options.by.address});
  return summary;
}

std::vector<std::string> ExportFiles(store::Pool& pool) {
  std::vector<std::string> jsonl, csv;
  for (const std::string& table : ExportedTables(pool)) {
    jsonl.push_back(KindOf(table) + ".jsonl");
    if (const CsvView* v = CsvViewOf(KindOf(table))) csv.push_back(v->file);
  }
  jsonl.insert(jsonl.end(), csv.begin(), csv.end());
  return jsonl;
}

Result<FileEntry> WriteExportFile(store::Pool& pool, const std::string& file, std::ostream& out,
                                  const ExportOptions& options) {
  for (const std::string& table : ExportedTables(pool)) {
    const std::string kind = KindOf(table);
    const CsvView* view = CsvViewOf(kind);
    const bool is_jsonl = file == kind + ".jsonl";
    if (!is_jsonl && !(view != nullptr && file == view->file)) continue;
    store::TableRows rows(pool);
    Result<store::TableInfo> info = rows.Describe(table);
    if (!info.ok()) return info.status();
    rows.BeginSnapshot();  // the posts and their sources' names as of one moment
    HashingSink sink(&out);
    int64_t n = 0;
    try {
      n = ExportTable(rows, *info, is_jsonl ? &sink : nullptr, is_jsonl ? nullptr : &sink, options);
    } catch (const nlohmann::json::exception& e) {
      return Status::Internal("cannot write " + file + ": " + e.what());
    }
    FileEntry entry = Entry(table, is_jsonl ? "jsonl" : "csv", sink, n);
    store::AuditRepository(pool).Add(store::AuditEntry{
        "export", options.by.actor, "", {{"rows", entry.rows}, {"bytes", entry.bytes}}, file,
        options.by.address});
    return entry;
  }
  return Status::NotFound("no export file named '" + file + "' (see the manifest's files)");
}

Result<nlohmann::json> BuildManifest(store::Pool& pool, const ExportOptions& options) {
  Result<std::vector<FileEntry>> files =
      ExportAll(pool, options, [](const std::string&) -> std::ostream* { return nullptr; });
  if (!files.ok()) return files.status();
  return Manifest(pool, options, *files);
}

}  // namespace scrm::transfer
