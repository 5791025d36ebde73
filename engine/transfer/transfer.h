// transfer: everything the engine holds, out and back in, in the open
// format of docs/export-format.md ("scrm-export/1"). An export is a
// directory: one JSON Lines file per kind (a kind is one scrm_* table), CSV
// views for spreadsheets (posts.csv, profiles.csv, links.csv) and
// manifest.json (format, schema version, created_at, and rows, bytes and
// SHA-256 of every file).
//
// Both ways stream: tables are read in primary-key order, a page at a time,
// and written as they come, all of them from one consistent snapshot; an import reads a line at a time and writes
// batches. The data files are deterministic (sorted keys, primary-key
// order): two exports of the same data are byte-identical; only
// manifest.json's created_at differs. Secrets (columns named *secret*,
// *password*, *token*) are never written: their value is
// {"omitted": true}, and an import leaves them empty.
#ifndef SCRM_TRANSFER_TRANSFER_H_
#define SCRM_TRANSFER_TRANSFER_H_

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "store/audit_repository.h"
#include "store/pool.h"

namespace scrm::transfer {

inline constexpr char kFormatName[] = "scrm-export";
inline constexpr int kFormatVersion = 1;

// Tables never exported: derived (the index queue: an import rebuilds the
// index), the schema's own bookkeeping (recorded in the manifest), or the
// pages' sessions, their messages and used sign-on nonces (scrm_ui_*).
bool IsExcludedTable(const std::string& table);
// "scrm_posts" -> "posts".
std::string KindOf(const std::string& table);
// Whether a column holds a secret that is never exported.
bool IsSecretColumn(const std::string& column);

struct FileEntry {
  std::string file;   // "posts.jsonl", "posts.csv"
  std::string kind;   // "posts"
  std::string table;  // "scrm_posts"
  std::string view;   // "jsonl" or "csv"
  int64_t rows = 0;
  int64_t bytes = 0;
  std::string sha256;  // lower-case hex
  nlohmann::json ToJson() const;
};

struct ExportOptions {
  std::string engine_version;
  int page_size = 1000;  // rows a query
  // After each page: the kind and the rows of it written so far.
  std::function<void(const std::string& kind, int64_t rows)> progress;
  // Who exports, from where: ExportTo and WriteExportFile record each
  // export, once written, in the security log (kind export); BuildManifest
  // records nothing.
  store::AuditBy by;
};

struct ExportSummary {
  nlohmann::json manifest;
  int64_t rows = 0;   // data rows (JSON Lines), every kind
  int64_t bytes = 0;  // every file but the manifest
  double seconds = 0;
};

// Writes the export into dir (created; it must be absent or empty). The
// audit row recording it comes after the snapshot: an export holds the
// exports before it, not itself.
Result<ExportSummary> ExportTo(store::Pool& pool, const std::string& dir,
                               const ExportOptions& options);
// The names an export holds, in manifest order ("audit.jsonl", ... "posts.csv").
std::vector<std::string> ExportFiles(store::Pool& pool);
// One file of an export written to out as it is read: NotFound for a name
// ExportFiles() does not list. What a client gets file by file is what
// ExportTo() writes.
Result<FileEntry> WriteExportFile(store::Pool& pool, const std::string& file, std::ostream& out,
                                  const ExportOptions& options);
// The manifest of an export made now, without writing it anywhere (every
// file is read through SHA-256).
Result<nlohmann::json> BuildManifest(store::Pool& pool, const ExportOptions& options);

struct ImportSummary {
  int64_t rows = 0;
  int64_t bytes = 0;
  double seconds = 0;
  nlohmann::json kinds = nlohmann::json::object();  // kind -> rows
};

// Restores an export into an empty, migrated database: checks the manifest
// (format, version, schema version) and every file's SHA-256 first, then
// refuses a database holding data, then restores every kind with its ids.
// The security log (scrm_audit) and the jobs' watermarks do not count as
// data: the export's audit rows are restored with their ids, and the rows
// this database logged before (the import's own sign-on, refusals...) are
// kept, moved after them. Then the import itself is recorded, as done by
// `by`. Failures name the file (and line, for a bad record) and how to fix
// it. The search index is the caller's to rebuild (ingest::Reindex).
Result<ImportSummary> ImportFrom(store::Pool& pool, const std::string& dir,
                                 const std::function<void(const std::string&, int64_t)>& progress =
                                     nullptr,
                                 const store::AuditBy& by = {});

}  // namespace scrm::transfer

#endif  // SCRM_TRANSFER_TRANSFER_H_
