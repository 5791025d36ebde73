// An export back into an empty database (docs/export-format.md).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "store/audit_repository.h"
#include "store/migrator.h"
#include "store/table_rows.h"
#include "transfer/internal.h"
#include "transfer/transfer.h"

namespace scrm::transfer {

namespace {

namespace fs = std::filesystem;

constexpr size_t kBatchRows = 500;
constexpr size_t kBatchBytes = 4 * 1024 * 1024;  // well under max_allowed_packet (16 MiB)

Result<nlohmann::json> ReadManifest(const std::string& dir) {
  const fs::path path = fs::path(dir) / "manifest.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::InvalidArgument(path.string() + " is missing: give scrm import the directory "
                                   "that scrm export wrote");
  }
  nlohmann::json m;
  try {
    m = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(path.string() + " is not valid JSON: " + e.what());
  }
  if (!m.is_object() || m.value("format", "") != kFormatName) {
    return Status::InvalidArgument(path.string() + ": \"format\" is not \"" +
                                   std::string(kFormatName) + "\": not an scrm export");
  }
  if (!m["format_version"].is_number_integer() || m["format_version"].get<int>() != kFormatVersion) {
    return Status::InvalidArgument(path.string() + ": format_version " + m["format_version"].dump() +
                                   " is not " + std::to_string(kFormatVersion) +
                                   ", the one this scrm reads: import it with the scrm that wrote it");
  }
  if (!m["files"].is_array() || !m["schema_version"].is_number_integer()) {
    return Status::InvalidArgument(path.string() + ": \"files\" or \"schema_version\" is missing");
  }
  for (const nlohmann::json& f : m["files"]) {
    if (!f.is_object() || !f.value("file", nlohmann::json()).is_string() ||
        !f.value("sha256", nlohmann::json()).is_string() ||
        !f.value("rows", nlohmann::json()).is_number_integer() ||
        f["file"].get<std::string>().find('/') != std::string::npos ||
        !f.value("kind", nlohmann::json("")).is_string() ||
        !f.value("table", nlohmann::json("")).is_string() ||
        !f.value("view", nlohmann::json("")).is_string()) {
      return Status::InvalidArgument(path.string() + ": a \"files\" entry lacks file, rows or sha256, or has a kind, table or view that is not text: " +
                                     f.dump());
    }
  }
  return m;
}

Status VerifyChecksums(const std::string& dir, const nlohmann::json& manifest) {
  std::vector<char> buf(1 << 20);
  for (const nlohmann::json& f : manifest["files"]) {
    const fs::path path = fs::path(dir) / f["file"].get<std::string>();
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::InvalidArgument(path.string() + " is listed in the manifest but missing");
    HashingSink sink(nullptr);
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      if (in.gcount() > 0) sink.Write(std::string(buf.data(), static_cast<size_t>(in.gcount())));
    }
    if (sink.HexDigest() != f["sha256"].get<std::string>()) {
      return Status::InvalidArgument(path.string() + " does not match its SHA-256 in the manifest: "
                                     "the file is damaged or was edited; export again or restore "
                                     "it from a copy");
    }
  }
  return Status::Ok();
}

// scrm_sync_state holds the background jobs' watermarks, not data: a
// `scrm serve` started on the empty database (to import over the API) has
// already recorded a run there. The export's rows replace them.
constexpr char kJobState[] = "scrm_sync_state";
// The security log of the database imported into is not data either: that
// engine logged the admin's sign-on, refusals... before the import. Those
// rows are kept, after the export's (store::AuditRepository::MakeRoomUpTo).
constexpr char kAudit[] = "scrm_audit";

Status RequireEmpty(store::Pool& pool) {
  store::TableRows rows(pool);
  for (const std::string& t : rows.EngineTables()) {
    if (IsExcludedTable(t) || t == kJobState || t == kAudit) continue;
    const int64_t n = rows.Count(t);
    if (n > 0) {
      return Status::FailedPrecondition(
          "the database is not empty (" + t + " holds " + std::to_string(n) +
          " rows): scrm import restores into an empty instance only; create a new database, run "
          "scrm migrate on it and point db.url (SCRM_DB_URL) at it");
    }
  }
  return Status::Ok();
}

std::string TableOf(const nlohmann::json& entry) {
  const nlohmann::json table = entry.value("table", nlohmann::json());
  return table.is_string() ? table.get<std::string>() : "scrm_" + entry.value("kind", std::string());
}

Result<int64_t> ImportFile(store::Pool& pool, const std::string& dir, const nlohmann::json& entry,
                           int64_t& bytes,
                           const std::function<void(const std::string&, int64_t)>& progress) {
  const std::string file = entry["file"];
  const std::string table = TableOf(entry);
  const fs::path path = fs::path(dir) / file;
  store::TableRows rows(pool);
  Result<store::TableInfo> info = rows.Describe(table);
  if (!info.ok()) {
    return Status::InvalidArgument(file + ": this database has no table " + table +
                                   " (" + info.status().message() + ")");
  }
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::vector<nlohmann::json> batch;
  size_t batch_bytes = 0;
  int64_t line_no = 0, first_line = 1, n = 0;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    try {
      rows.Insert(*info, batch);
    } catch (const store::DbError& e) {
      if (e.unavailable()) throw;
      return Status::InvalidArgument(file + " lines " + std::to_string(first_line) + "-" +
                                     std::to_string(line_no) + ": " + e.what());
    }
    n += static_cast<int64_t>(batch.size());
    if (progress) progress(entry.value("kind", file), n);
    batch.clear();
    batch_bytes = 0;
    first_line = line_no + 1;
    return Status::Ok();
  };
  while (std::getline(in, line)) {
    ++line_no;
    bytes += static_cast<int64_t>(line.size()) + 1;
    nlohmann::json record;
    try {
      record = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      return Status::InvalidArgument(file + " line " + std::to_string(line_no) +
                                     ": not a JSON object: " + e.what());
    }
    Result<nlohmann::json> decoded = DecodeRecord(*info, std::move(record));
    if (!decoded.ok()) {
      return Status::InvalidArgument(file + " line " + std::to_string(line_no) + ": " +
                                     decoded.status().message(), decoded.status().field());
    }
    batch.push_back(std::move(*decoded));
    batch_bytes += line.size();
    if (batch.size() >= kBatchRows || batch_bytes >= kBatchBytes) {
      if (Status s = flush(); !s.ok()) return s;
    }
  }
  if (Status s = flush(); !s.ok()) return s;
  if (n != entry["rows"].get<int64_t>()) {
    return Status::InvalidArgument(file + " holds " + std::to_string(n) + " records, the manifest " +
                                   entry["rows"].dump());
  }
  return n;
}

// The largest id of a kind's records (the security log's, before they are
// restored); 0 when none. Its lines are checked again when restored.
Result<int64_t> MaxId(const std::string& dir, const nlohmann::json& entry) {
  const std::string file = entry["file"];
  std::ifstream in(fs::path(dir) / file, std::ios::binary);
  std::string line;
  int64_t max_id = 0, line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    if (!record.is_object() || !record.contains("id") || !record["id"].is_number_integer()) {
      return Status::InvalidArgument(file + " line " + std::to_string(line_no) +
                                     ": field 'id' must be an integer", "id");
    }
    max_id = std::max(max_id, record["id"].get<int64_t>());
  }
  return max_id;
}

}  // namespace

Result<ImportSummary> ImportFrom(store::Pool& pool, const std::string& dir,
                                 const std::function<void(const std::string&, int64_t)>& progress,
                                 const store::AuditBy& by) {
  const auto start = std::chrono::steady_clock::now();
  Result<nlohmann::json> manifest = ReadManifest(dir);
  if (!manifest.ok()) return manifest.status();
  const int db_version = store::CurrentSchemaVersion(pool);
  const int export_version = (*manifest)["schema_version"].get<int>();
  if (db_version == 0) {
    return Status::FailedPrecondition("the database has no scrm tables: run scrm migrate on it "
                                      "first, then scrm import");
  }
  if (db_version != export_version) {
    return Status::FailedPrecondition(
        "the export has schema version " + std::to_string(export_version) + ", the database " +
        std::to_string(db_version) + ": import with the scrm release that wrote the export (into a "
        "database it migrated), then upgrade");
  }
  // Only the engine's own tables: never the CRM's, never the derived ones.
  for (const nlohmann::json& entry : (*manifest)["files"]) {
    if (entry.value("view", "jsonl") != "jsonl") continue;
    const std::string table = TableOf(entry);
    if (table.rfind("scrm_", 0) != 0 || IsExcludedTable(table)) {
      return Status::InvalidArgument("manifest.json: " + entry["file"].get<std::string>() +
                                     " names table '" + table + "', which an import never writes "
                                     "(only the engine's scrm_* data tables)");
    }
  }
  if (Status s = VerifyChecksums(dir, *manifest); !s.ok()) return s;
  if (Status s = RequireEmpty(pool); !s.ok()) return s;
  store::TableRows(pool).Clear(kJobState);
  for (const nlohmann::json& entry : (*manifest)["files"]) {
    if (entry.value("view", "jsonl") != "jsonl" || TableOf(entry) != kAudit) continue;
    Result<int64_t> max_id = MaxId(dir, entry);
    if (!max_id.ok()) return max_id.status();
    store::AuditRepository(pool).MakeRoomUpTo(*max_id);
  }

  ImportSummary summary;
  for (const nlohmann::json& entry : (*manifest)["files"]) {
    if (entry.value("view", "jsonl") != "jsonl") continue;  // CSV views are derived
    Result<int64_t> n = ImportFile(pool, dir, entry, summary.bytes, progress);
    if (!n.ok()) return n.status();
    summary.rows += *n;
    summary.kinds[entry.value("kind", entry["file"].get<std::string>())] = *n;
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  store::AuditRepository(pool).Add(store::AuditEntry{
      "import", by.actor, "", {{"rows", summary.rows}, {"bytes", summary.bytes}, {"kinds", summary.kinds}},
      "all", by.address});
  return summary;
}

}  // namespace scrm::transfer
