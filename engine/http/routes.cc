#include "http/routes.h"

#include "http/health.h"
#include "http/push.h"

namespace scrm::http {

std::vector<Route> RouteTable(const Services& services, Metrics& metrics) {
  store::Pool* pool = services.pool;
  Metrics* m = &metrics;
  // clang-format off
  return {
    // method  path template        access            handler
    {"GET",    "/healthz",          Access::kPublic,  [](const Request&) { return Healthz(); }},
    {"GET",    "/readyz",           Access::kPublic,  [pool](const Request&) { return Readyz(pool); }},
    {"GET",    "/metrics",          Access::kPublic,  [m](const Request&) { return MetricsText(*m); }},
    // Signed by the source's own secret (HMAC of the body), checked by the handler.
    {"POST",   "/api/v1/ingest/{source}", Access::kPublic, [pool](const Request& r) { return HandlePush(pool, r); }},
    // Next: {"GET", "/api/v1/customers/{module}/{id}/social", Access::kUser, ...},
    //       {"GET", "/api/v1/search", Access::kUser, ...}, ...
  };
  // clang-format on
}

}  // namespace scrm::http
