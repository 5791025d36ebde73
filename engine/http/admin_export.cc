#include "http/admin_export.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>

#include "http/audit.h"
#include "http/errors.h"
#include "transfer/transfer.h"

namespace scrm::http {

namespace {

transfer::ExportOptions Options(const Request& request) {
  transfer::ExportOptions options;
  options.engine_version = SCRM_VERSION;
  options.by = AuditByOf(request);
  return options;
}

}  // namespace

Response ListExportFiles(store::Pool* pool, const Request&) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  nlohmann::json files = transfer::ExportFiles(*pool);
  files.insert(files.begin(), "manifest.json");
  return Response::Json({{"format", transfer::kFormatName},
                         {"format_version", transfer::kFormatVersion},
                         {"files", files}});
}

Response GetExportFile(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  const std::string file = request.Param("file");
  if (file == "manifest.json") {
    Result<nlohmann::json> manifest = transfer::BuildManifest(*pool, Options(request));
    if (!manifest.ok()) return ErrorResponse(manifest.status());
    Response r = Response::Text(manifest->dump(2) + "\n", 200, "application/json");
    return r;
  }
  const std::vector<std::string> files = transfer::ExportFiles(*pool);
  if (std::find(files.begin(), files.end(), file) == files.end()) {
    return ErrorResponse(Status::NotFound("no export file named '" + file +
                                          "' (GET /api/v1/admin/export lists them)"));
  }
  const bool csv = file.size() > 4 && file.compare(file.size() - 4, 4, ".csv") == 0;
  Response r;
  r.content_type = csv ? "text/csv; charset=utf-8" : "application/x-ndjson";
  r.SetHeader("Content-Disposition", "attachment; filename=\"" + file + "\"");
  r.stream = [pool, file, options = Options(request)](std::ostream& out) {
    Result<transfer::FileEntry> written = transfer::WriteExportFile(*pool, file, out, options);
    if (!written.ok()) throw std::runtime_error(written.status().message());
  };
  return r;
}

}  // namespace scrm::http
