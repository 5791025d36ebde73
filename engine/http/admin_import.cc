#include "http/admin_import.h"

#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>

#include "http/audit.h"
#include "http/errors.h"
#include "store/index_queue_repository.h"
#include "store/source_repository.h"
#include "transfer/transfer.h"

namespace scrm::http {

namespace fs = std::filesystem;

namespace {

std::mutex& StagingMutex() {  // one upload or import at a time, per process
  static std::mutex mu;
  return mu;
}

// A name an export holds: manifest.json, KIND.jsonl or VIEW.csv.
bool IsExportFileName(const std::string& name) {
  static const std::regex kName("manifest\\.json|[a-z0-9_]{1,64}\\.(jsonl|csv)");
  return std::regex_match(name, kName);
}

Status NoStaging(const std::string& dir) {
  return dir.empty() ? Status::Unavailable("no staging directory: set transfer.staging_dir") : Status::Ok();
}

nlohmann::json Staged(const std::string& dir) {
  nlohmann::json files = nlohmann::json::array();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  std::vector<std::pair<std::string, uintmax_t>> found;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) found.emplace_back(e.path().filename().string(), e.file_size(ec));
  }
  std::sort(found.begin(), found.end());
  for (const auto& [name, bytes] : found) files.push_back({{"file", name}, {"bytes", bytes}});
  return files;
}

void Clear(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) fs::remove(e.path(), ec);
}

}  // namespace

Response PutImportFile(const std::string& staging_dir, const Request& request) {
  if (Status s = NoStaging(staging_dir); !s.ok()) return ErrorResponse(s);
  const std::string file = request.Param("file");
  if (!IsExportFileName(file)) {
    return ErrorResponse(Status::InvalidArgument(
        "'" + file + "' is not a file of an export: manifest.json, KIND.jsonl or VIEW.csv", "file"));
  }
  const std::optional<std::string> offset_text = request.Query("offset");
  uintmax_t offset = 0;
  try {
    size_t used = 0;
    if (!offset_text || offset_text->empty()) throw std::invalid_argument("none");
    offset = std::stoull(*offset_text, &used);
    if (used != offset_text->size() || (*offset_text)[0] == '-') throw std::invalid_argument("sign");
  } catch (const std::exception&) {
    return ErrorResponse(Status::InvalidArgument(
        "give ?offset=N, the byte of the file this body starts at (0 for the first piece)", "offset"));
  }
  std::lock_guard<std::mutex> lock(StagingMutex());
  std::error_code ec;
  fs::create_directories(staging_dir, ec);
  const fs::path path = fs::path(staging_dir) / file;
  const uintmax_t staged = fs::exists(path, ec) ? fs::file_size(path, ec) : 0;
  if (offset != 0 && offset != staged) {
    return ErrorResponse(Status::Conflict(file + " has " + std::to_string(staged) + " bytes staged, not " +
                                          std::to_string(offset) + ": send the piece that starts at offset " +
                                          std::to_string(staged) + " (or offset 0 to start the file again)"));
  }
  std::ofstream out(path, offset == 0 ? std::ios::binary | std::ios::trunc : std::ios::binary | std::ios::app);
  out.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
  out.close();
  if (!out) {
    return ErrorResponse(Status::Internal("cannot write " + path.string() +
                                          ": check that transfer.staging_dir is writable and the disk has room"));
  }
  return Response::Json({{"file", file}, {"bytes", offset + request.body.size()}});
}

Response ListImportFiles(const std::string& staging_dir, const Request&) {
  if (Status s = NoStaging(staging_dir); !s.ok()) return ErrorResponse(s);
  std::lock_guard<std::mutex> lock(StagingMutex());
  return Response::Json({{"files", Staged(staging_dir)}});
}

Response RunImport(store::Pool* pool, const std::string& staging_dir, BackgroundGate* background,
                   const Request& request) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  if (Status s = NoStaging(staging_dir); !s.ok()) return ErrorResponse(s);
  std::lock_guard<std::mutex> lock(StagingMutex());
  std::error_code ec;
  if (!fs::exists(fs::path(staging_dir) / "manifest.json", ec)) {
    return ErrorResponse(Status::FailedPrecondition(
        "no manifest.json staged: upload every file of the export with PUT /api/v1/admin/import/{file}, "
        "the manifest included, then POST again"));
  }
  std::unique_lock<std::shared_mutex> paused;  // background jobs write nothing meanwhile
  if (background != nullptr) paused = background->Close();
  Result<transfer::ImportSummary> summary = transfer::ImportFrom(*pool, staging_dir, nullptr, AuditByOf(request));
  if (!summary.ok()) return ErrorResponse(summary.status());  // the staged files stay, to fix or clear
  // The running engine owns the index: its feeder indexes what is queued.
  int64_t queued = 0;
  store::IndexQueueRepository queue(*pool);
  for (const Source& source : store::SourceRepository(*pool).List()) queued += queue.EnqueueSource(source.id);
  Clear(staging_dir);
  return Response::Json({{"rows", summary->rows},
                         {"bytes", summary->bytes},
                         {"seconds", summary->seconds},
                         {"kinds", summary->kinds},
                         {"queued_for_index", queued}});
}

Response ClearImport(const std::string& staging_dir, const Request&) {
  if (Status s = NoStaging(staging_dir); !s.ok()) return ErrorResponse(s);
  std::lock_guard<std::mutex> lock(StagingMutex());
  Clear(staging_dir);
  return Response::Json({{"files", nlohmann::json::array()}});
}

}  // namespace scrm::http
