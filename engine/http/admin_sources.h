// The sources as JSON, for admins (service/sources.h, as the admin page's
// forms and `scrm sources`): the same checks, errors and security-log rows;
// a push secret is taken, sealed, and never answered back ("push_secret":
// "(set)" or "").
//   GET    /api/v1/admin/sources               {"sources": [source...]}
//   POST   /api/v1/admin/sources               {"name", "type", ...} -> 201 source
//   GET    /api/v1/admin/sources/{name}        source
//   PATCH  /api/v1/admin/sources/{name}        the settings to change -> source
//   DELETE /api/v1/admin/sources/{name}        {"removed": name} (its posts stay)
//   POST   /api/v1/admin/sources/{name}/poll   fetch a url source now -> the ingest summary
// Settings (docs/api.md#sources): type, format, location,
// poll_interval_seconds, visibility, community, retention_days (numbers as
// numbers or strings), push_secret ("" removes it).
#ifndef SCRM_HTTP_ADMIN_SOURCES_H_
#define SCRM_HTTP_ADMIN_SOURCES_H_

#include <string>

#include "http/request.h"
#include "ingest/poller.h"
#include "store/pool.h"

namespace scrm::http {

Response ListSourcesRoute(store::Pool* pool, const Request& request);
Response GetSourceRoute(store::Pool* pool, const Request& request);
// key_file: secrets.key_file, which seals a push secret ("" refuses one).
Response AddSourceRoute(store::Pool* pool, const std::string& key_file, const Request& request);
Response ChangeSourceRoute(store::Pool* pool, const std::string& key_file, const Request& request);
Response RemoveSourceRoute(store::Pool* pool, const Request& request);
// poller: null answers 503 (no poller in this process).
Response PollSourceRoute(ingest::Poller* poller, const Request& request);

}  // namespace scrm::http

#endif  // SCRM_HTTP_ADMIN_SOURCES_H_
