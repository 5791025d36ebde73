// The export and the import as every front-end offers them (`scrm export`,
// `scrm import`, the admin's Export page, /api/v1/admin/export and
// /api/v1/admin/import): an export written to a directory or read file by
// file, an import restored from a directory (then the index rebuilt) or
// staged piece by piece in transfer.staging_dir and restored with the
// background jobs paused. The format itself is transfer/'s
// (docs/export-format.md); each export and import writes its security log
// row where it is done (transfer::ExportTo, WriteExportFile, ImportFrom).
// Thread-safe: one staged upload or import at a time per process. Database
// failures throw store::DbError.
#ifndef SCRM_SERVICE_TRANSFER_H_
#define SCRM_SERVICE_TRANSFER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/gate.h"
#include "core/status.h"
#include "index/index.h"
#include "ingest/index_feeder.h"
#include "store/audit_repository.h"
#include "store/pool.h"
#include "transfer/transfer.h"

namespace scrm::service {

// Export. `options.engine_version`, when empty, is this engine's version.

// Writes an export into `dir` (transfer::ExportTo: a new or empty directory).
Result<transfer::ExportSummary> ExportToDirectory(store::Pool& pool, const std::string& dir,
                                                  transfer::ExportOptions options);
// The files of an export made now: "manifest.json" first, then every file
// ExportToDirectory writes, in manifest order.
std::vector<std::string> ExportFileNames(store::Pool& pool);
// NotFound (naming the listing route) unless `file` is one of ExportFileNames():
// checked before a file is streamed, so that a bad name answers an error
// instead of a cut stream.
Status CheckExportFile(store::Pool& pool, const std::string& file);
// One data file of an export made now, written to `out` as it is read
// (transfer::WriteExportFile); recorded in the security log.
Result<transfer::FileEntry> WriteExportFile(store::Pool& pool, const std::string& file,
                                            std::ostream& out, transfer::ExportOptions options);
// The manifest of an export made now (a full read of the data: rows and
// SHA-256 of every file); writes nothing, records nothing.
Result<nlohmann::json> ExportManifest(store::Pool& pool, transfer::ExportOptions options);

// Import from a directory.

struct ImportOptions {
  // After each batch: the kind and the rows of it restored so far.
  std::function<void(const std::string& kind, int64_t rows)> progress;
  store::AuditBy by;
  // The index to rebuild once the data is restored (ingest::Reindex);
  // nullopt leaves it to a later `scrm reindex`.
  std::optional<index::IndexConfig> reindex;
};

struct ImportDone {
  transfer::ImportSummary summary;
  std::optional<ingest::ReindexStats> index;  // set when options.reindex was
};

// Restores the export in `dir` into an empty, migrated database
// (transfer::ImportFrom and its errors), then rebuilds the index when asked:
// Unavailable, saying the data is restored, when that fails.
Result<ImportDone> ImportDirectory(store::Pool& pool, const std::string& dir,
                                   const ImportOptions& options);

// Import staged over the API.

struct StagedFile {
  std::string file;
  uint64_t bytes = 0;
};

struct StagedImport {
  transfer::ImportSummary summary;
  int64_t queued_for_index = 0;  // posts queued for the running engine's feeder
};

// An import staged in `dir` (transfer.staging_dir; empty: Unavailable for
// every call, naming the key).
class ImportStaging {
 public:
  explicit ImportStaging(std::string dir) : dir_(std::move(dir)) {}

  // Writes `bytes` into staged file `file` at byte `offset`, which must be
  // the file's staged size (0 starts it again). InvalidArgument (field
  // "file") for a name an export does not hold (manifest.json, KIND.jsonl,
  // VIEW.csv), then (field "offset") when no offset was given (nullopt);
  // Conflict naming the offset to send when it is not the staged size.
  // The file as staged.
  Result<StagedFile> Append(const std::string& file, std::optional<uint64_t> offset,
                            std::string_view bytes);
  // What is staged, by name.
  Result<std::vector<StagedFile>> List();
  Status Clear();
  // Restores what is staged as ImportDirectory does, `background` closed
  // meanwhile (null: nothing to close), queues every post for the index
  // (the running engine's feeder indexes them), then clears the directory.
  // FailedPrecondition when no manifest is staged; on a failure of the
  // import the staged files stay, to fix or clear.
  Result<StagedImport> Restore(store::Pool& pool, BackgroundGate* background,
                               const store::AuditBy& by);

 private:
  Status Usable() const;
  std::string dir_;
};

}  // namespace scrm::service

#endif  // SCRM_SERVICE_TRANSFER_H_
