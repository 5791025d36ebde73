#include "service/transfer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>

#include "store/index_queue_repository.h"
#include "store/source_repository.h"

namespace scrm::service {

namespace fs = std::filesystem;

namespace {

transfer::ExportOptions WithVersion(transfer::ExportOptions options) {
  if (options.engine_version.empty()) options.engine_version = SCRM_VERSION;
  return options;
}

std::mutex& StagingMutex() {  // one upload or import at a time, per process
  static std::mutex mu;
  return mu;
}

// A name an export holds: manifest.json, KIND.jsonl or VIEW.csv.
bool IsExportFileName(const std::string& name) {
  static const std::regex kName("manifest\\.json|[a-z0-9_]{1,64}\\.(jsonl|csv)");
  return std::regex_match(name, kName);
}

std::vector<StagedFile> Staged(const std::string& dir) {
  std::vector<StagedFile> found;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return found;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) found.push_back({e.path().filename().string(), e.file_size(ec)});
  }
  std::sort(found.begin(), found.end(),
            [](const StagedFile& a, const StagedFile& b) { return a.file < b.file; });
  return found;
}

void ClearDir(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) fs::remove(e.path(), ec);
}

}  // namespace

Result<transfer::ExportSummary> ExportToDirectory(store::Pool& pool, const std::string& dir,
                                                  transfer::ExportOptions options) {
  return transfer::ExportTo(pool, dir, WithVersion(std::move(options)));
}

std::vector<std::string> ExportFileNames(store::Pool& pool) {
  std::vector<std::string> files = transfer::ExportFiles(pool);
  files.insert(files.begin(), "manifest.json");
  return files;
}

Status CheckExportFile(store::Pool& pool, const std::string& file) {
  const std::vector<std::string> files = ExportFileNames(pool);
  if (std::find(files.begin(), files.end(), file) == files.end()) {
    return Status::NotFound("no export file named '" + file +
                            "' (GET /api/v1/admin/export lists them)");
  }
  return Status::Ok();
}

Result<transfer::FileEntry> WriteExportFile(store::Pool& pool, const std::string& file,
                                            std::ostream& out, transfer::ExportOptions options) {
  return transfer::WriteExportFile(pool, file, out, WithVersion(std::move(options)));
}

Result<nlohmann::json> ExportManifest(store::Pool& pool, transfer::ExportOptions options) {
  return transfer::BuildManifest(pool, WithVersion(std::move(options)));
}

Result<ImportDone> ImportDirectory(store::Pool& pool, const std::string& dir,
                                   const ImportOptions& options) {
  Result<transfer::ImportSummary> summary =
      transfer::ImportFrom(pool, dir, options.progress, options.by);
  if (!summary.ok()) return summary.status();
  ImportDone done;
  done.summary = std::move(*summary);
  if (options.reindex) {
    Result<ingest::ReindexStats> index = ingest::Reindex(pool, *options.reindex);
    if (!index.ok()) {
      return Status::Unavailable("the data is restored but the index is not: " +
                                 index.status().message() + "; run scrm reindex");
    }
    done.index = *index;
  }
  return done;
}

Status ImportStaging::Usable() const {
  return dir_.empty() ? Status::Unavailable("no staging directory: set transfer.staging_dir")
                      : Status::Ok();
}

Result<StagedFile> ImportStaging::Append(const std::string& file, std::optional<uint64_t> offset,
                                         std::string_view bytes) {
  if (Status s = Usable(); !s.ok()) return s;
  if (!IsExportFileName(file)) {
    return Status::InvalidArgument(
        "'" + file + "' is not a file of an export: manifest.json, KIND.jsonl or VIEW.csv", "file");
  }
  if (!offset) {
    return Status::InvalidArgument(
        "give ?offset=N, the byte of the file this body starts at (0 for the first piece)",
        "offset");
  }
  std::lock_guard<std::mutex> lock(StagingMutex());
  std::error_code ec;
  fs::create_directories(dir_, ec);
  const fs::path path = fs::path(dir_) / file;
  const uintmax_t staged = fs::exists(path, ec) ? fs::file_size(path, ec) : 0;
  if (*offset != 0 && *offset != staged) {
    return Status::Conflict(file + " has " + std::to_string(staged) + " bytes staged, not " +
                            std::to_string(*offset) + ": send the piece that starts at offset " +
                            std::to_string(staged) + " (or offset 0 to start the file again)");
  }
  std::ofstream out(
      path, *offset == 0 ? std::ios::binary | std::ios::trunc : std::ios::binary | std::ios::app);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    return Status::Internal("cannot write " + path.string() +
                            ": check that transfer.staging_dir is writable and the disk has room");
  }
  return StagedFile{file, *offset + bytes.size()};
}

Result<std::vector<StagedFile>> ImportStaging::List() {
  if (Status s = Usable(); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(StagingMutex());
  return Staged(dir_);
}

Status ImportStaging::Clear() {
  if (Status s = Usable(); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(StagingMutex());
  ClearDir(dir_);
  return Status::Ok();
}

Result<StagedImport> ImportStaging::Restore(store::Pool& pool, BackgroundGate* background,
                                            const store::AuditBy& by) {
  if (Status s = Usable(); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(StagingMutex());
  std::error_code ec;
  if (!fs::exists(fs::path(dir_) / "manifest.json", ec)) {
    return Status::FailedPrecondition(
        "no manifest.json staged: upload every file of the export with "
        "PUT /api/v1/admin/import/{file}, the manifest included, then POST again");
  }
  std::unique_lock<std::shared_mutex> paused;  // background jobs write nothing meanwhile
  if (background != nullptr) paused = background->Close();
  Result<transfer::ImportSummary> summary = transfer::ImportFrom(pool, dir_, nullptr, by);
  if (!summary.ok()) return summary.status();  // the staged files stay, to fix or clear
  StagedImport done;
  done.summary = std::move(*summary);
  // The running engine owns the index: its feeder indexes what is queued.
  store::IndexQueueRepository queue(pool);
  for (const Source& source : store::SourceRepository(pool).List()) {
    done.queued_for_index += queue.EnqueueSource(source.id);
  }
  ClearDir(dir_);
  return done;
}

}  // namespace scrm::service
