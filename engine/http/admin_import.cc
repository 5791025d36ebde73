#include "http/admin_import.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "http/audit.h"
#include "http/errors.h"
#include "service/transfer.h"

namespace scrm::http {

namespace {

// ?offset=N as a number (what std::stoull reads of the whole text, no
// sign); nullopt when absent, empty or not one, which the use case answers.
std::optional<uint64_t> OffsetOf(const Request& request) {
  const std::optional<std::string> text = request.Query("offset");
  try {
    size_t used = 0;
    if (!text || text->empty()) return std::nullopt;
    const uint64_t offset = std::stoull(*text, &used);
    if (used != text->size() || (*text)[0] == '-') return std::nullopt;
    return offset;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

Response PutImportFile(const std::string& staging_dir, const Request& request) {
  Result<service::StagedFile> staged =
      service::ImportStaging(staging_dir)
          .Append(request.Param("file"), OffsetOf(request), request.body);
  if (!staged.ok()) return ErrorResponse(staged.status());
  return Response::Json({{"file", staged->file}, {"bytes", staged->bytes}});
}

Response ListImportFiles(const std::string& staging_dir, const Request&) {
  Result<std::vector<service::StagedFile>> staged = service::ImportStaging(staging_dir).List();
  if (!staged.ok()) return ErrorResponse(staged.status());
  nlohmann::json files = nlohmann::json::array();
  for (const service::StagedFile& f : *staged)
    files.push_back({{"file", f.file}, {"bytes", f.bytes}});
  return Response::Json({{"files", files}});
}

Response RunImport(store::Pool* pool, const std::string& staging_dir, BackgroundGate* background,
                   const Request& request) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  Result<service::StagedImport> done =
      service::ImportStaging(staging_dir).Restore(*pool, background, AuditByOf(request));
  if (!done.ok()) return ErrorResponse(done.status());
  return Response::Json({{"rows", done->summary.rows},
                         {"bytes", done->summary.bytes},
                         {"seconds", done->summary.seconds},
                         {"kinds", done->summary.kinds},
                         {"queued_for_index", done->queued_for_index}});
}

Response ClearImport(const std::string& staging_dir, const Request&) {
  if (Status s = service::ImportStaging(staging_dir).Clear(); !s.ok()) return ErrorResponse(s);
  return Response::Json({{"files", nlohmann::json::array()}});
}

}  // namespace scrm::http
