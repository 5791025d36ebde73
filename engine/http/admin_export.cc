#include "http/admin_export.h"

#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>

#include "http/audit.h"
#include "http/errors.h"
#include "service/transfer.h"

namespace scrm::http {

namespace {

transfer::ExportOptions Options(const Request& request) {
  transfer::ExportOptions options;
  options.by = AuditByOf(request);
  return options;
}

}  // namespace

Response ListExportFiles(store::Pool* pool, const Request&) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  return Response::Json({{"format", transfer::kFormatName},
                         {"format_version", transfer::kFormatVersion},
                         {"files", service::ExportFileNames(*pool)}});
}

Response GetExportFile(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  const std::string file = request.Param("file");
  if (file == "manifest.json") {
    Result<nlohmann::json> manifest = service::ExportManifest(*pool, Options(request));
    if (!manifest.ok()) return ErrorResponse(manifest.status());
    return Response::Text(manifest->dump(2) + "\n", 200, "application/json");
  }
  if (Status s = service::CheckExportFile(*pool, file); !s.ok()) return ErrorResponse(s);
  const bool csv = file.size() > 4 && file.compare(file.size() - 4, 4, ".csv") == 0;
  Response r;
  r.content_type = csv ? "text/csv; charset=utf-8" : "application/x-ndjson";
  r.SetHeader("Content-Disposition", "attachment; filename=\"" + file + "\"");
  r.stream = [pool, file, options = Options(request)](std::ostream& out) {
    Result<transfer::FileEntry> written = service::WriteExportFile(*pool, file, out, options);
    if (!written.ok()) throw std::runtime_error(written.status().message());
  };
  return r;
}

}  // namespace scrm::http
