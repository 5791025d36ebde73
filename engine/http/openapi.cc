#include "http/openapi.h"

namespace scrm::http {

Response OpenApiDocument() {
  Response r = Response::Text(OpenApiJson(), 200, "application/json");
  // The same bytes for the binary's whole life: caches may keep it an hour.
  r.SetHeader("Cache-Control", "public, max-age=3600");
  return r;
}

}  // namespace scrm::http
