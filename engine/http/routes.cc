#include "http/routes.h"

#include "http/admin_export.h"
#include "http/admin_privacy.h"
#include "http/health.h"
#include "http/links.h"
#include "http/push.h"
#include "http/saved_searches.h"
#include "http/search.h"

namespace scrm::http {

std::vector<Route> RouteTable(const Services& services, Metrics& metrics) {
  store::Pool* pool = services.pool;
  index::Searcher* searcher = services.searcher;
  Metrics* m = &metrics;
  // clang-format off
  return {
    // method  path template        access            handler
    {"GET",    "/healthz",          Access::kPublic,  [](const Request&) { return Healthz(); }},
    {"GET",    "/readyz",           Access::kPublic,  [pool, searcher](const Request&) { return Readyz(pool, searcher); }},
    {"GET",    "/metrics",          Access::kPublic,  [m](const Request&) { return MetricsText(*m); }},
    // Signed by the source's own secret (HMAC of the body), checked by the handler.
    {"POST",   "/api/v1/ingest/{source}", Access::kPublic, [pool](const Request& r) { return HandlePush(pool, r); }},
    // Search: the caller's visibility is part of every query.
    {"GET",    "/api/v1/search",    Access::kUser,    [searcher](const Request& r) { return HandleSearch(searcher, r); }},
    {"GET",    "/api/v1/search/export", Access::kUser, [searcher, pool](const Request& r) { return HandleSearchExport(searcher, pool, r); }},
    {"GET",    "/api/v1/saved-searches", Access::kUser, [pool, searcher](const Request& r) { return ListSavedSearches(pool, searcher, r); }},
    {"POST",   "/api/v1/saved-searches", Access::kUser, [pool](const Request& r) { return CreateSavedSearch(pool, r); }},
    {"GET",    "/api/v1/saved-searches/{id}", Access::kUser, [pool, searcher](const Request& r) { return RunSavedSearch(pool, searcher, r); }},
    {"POST",   "/api/v1/saved-searches/{id}/seen", Access::kUser, [pool](const Request& r) { return MarkSavedSearchSeen(pool, r); }},
    {"DELETE", "/api/v1/saved-searches/{id}", Access::kUser, [pool](const Request& r) { return DeleteSavedSearch(pool, r); }},
    // Links between profiles and CRM records; decisions are recorded with the caller.
    {"GET",    "/api/v1/links",     Access::kUser,    [pool](const Request& r) { return ListLinks(pool, r); }},
    {"POST",   "/api/v1/links",     Access::kUser,    [pool](const Request& r) { return CreateLink(pool, r); }},
    {"GET",    "/api/v1/links/{id}", Access::kUser,   [pool](const Request& r) { return GetLink(pool, r); }},
    {"POST",   "/api/v1/links/{id}/confirm", Access::kUser, [pool](const Request& r) { return ConfirmLink(pool, r); }},
    {"POST",   "/api/v1/links/{id}/reject", Access::kUser, [pool](const Request& r) { return RejectLink(pool, r); }},
    {"DELETE", "/api/v1/links/{id}", Access::kUser,   [pool](const Request& r) { return DeleteLink(pool, r); }},
    // Everything the engine holds, file by file (docs/export-format.md).
    {"GET",    "/api/v1/admin/export", Access::kAdmin, [pool](const Request& r) { return ListExportFiles(pool, r); }},
    {"GET",    "/api/v1/admin/export/{file}", Access::kAdmin, [pool](const Request& r) { return GetExportFile(pool, r); }},
    // A person's social data removed on request (docs/privacy.md).
    {"POST",   "/api/v1/admin/erase", Access::kAdmin, [pool](const Request& r) { return HandleErase(pool, r); }},
    // Next: {"GET", "/api/v1/customers/{module}/{id}/social", Access::kUser, ...}, ...
  };
  // clang-format on
}

}  // namespace scrm::http
