// An import over the admin API (docs/export-format.md#import-over-the-api),
// for an engine whose host the admin cannot reach with `scrm import`:
//   PUT    /api/v1/admin/import/{file}?offset=N  appends the body to the staged
//          file (manifest.json, KIND.jsonl, VIEW.csv) at byte N, which must be
//          its staged size (0 starts it again): files of any size go up in
//          pieces under http.max_body_bytes, and an upload cut short resumes
//   GET    /api/v1/admin/import                  what is staged, file and bytes
//   POST   /api/v1/admin/import                  restores what is staged, as
//          `scrm import` does (manifest, SHA-256 of every file, an empty
//          database, ids kept) while the engine's background jobs (CRM sync,
//          matching, retention, polling) pause, queues every post for the
//          index (the running engine's feeder indexes them), then clears the
//          staging directory
//   DELETE /api/v1/admin/import                  clears the staging directory
// The staging directory is transfer.staging_dir. Admin role only; one
// import or upload at a time. Adapters over service/transfer.h
// (ImportStaging): they read the request and render the answer.
#ifndef SCRM_HTTP_ADMIN_IMPORT_H_
#define SCRM_HTTP_ADMIN_IMPORT_H_

#include <string>

#include "core/gate.h"
#include "http/request.h"
#include "store/pool.h"

namespace scrm::http {

Response PutImportFile(const std::string& staging_dir, const Request& request);
Response ListImportFiles(const std::string& staging_dir, const Request& request);
// background: closed while the import restores (null: nothing to close).
Response RunImport(store::Pool* pool, const std::string& staging_dir, BackgroundGate* background,
                   const Request& request);
Response ClearImport(const std::string& staging_dir, const Request& request);

}  // namespace scrm::http

#endif  // SCRM_HTTP_ADMIN_IMPORT_H_
