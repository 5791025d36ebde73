// The export over the admin API (docs/api.md#export, docs/export-format.md):
//   GET /api/v1/admin/export          the file names of an export made now
//   GET /api/v1/admin/export/{file}   one file, streamed as it is read
//                                     ("posts.jsonl", "posts.csv"...), or
//                                     "manifest.json": rows and SHA-256 of
//                                     every file (a full read of the data)
// A client that fetches manifest.json and then every file it lists holds
// what `scrm export` writes, and checks each file against the manifest
// (rows written between the two requests make a mismatch: fetch again, or
// use `scrm export` for a consistent cut). Admin role only. An adapter over
// service/transfer.h, which `scrm export` and the admin's Export page call too.
#ifndef SCRM_HTTP_ADMIN_EXPORT_H_
#define SCRM_HTTP_ADMIN_EXPORT_H_

#include "http/request.h"
#include "store/pool.h"

namespace scrm::http {

Response ListExportFiles(store::Pool* pool, const Request& request);
Response GetExportFile(store::Pool* pool, const Request& request);

}  // namespace scrm::http

#endif  // SCRM_HTTP_ADMIN_EXPORT_H_
