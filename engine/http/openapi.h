// The OpenAPI 3.1 description of every /api/v1 route, served at GET
// /api/v1/openapi.json. It is engine/http/openapi.json, compiled in at build
// time (embed_openapi.cmake), so a binary describes exactly the routes it was
// built with; tests/http/openapi_test.cc walks the route table against it
// and validates real answers with its schemas.
#ifndef SCRM_HTTP_OPENAPI_H_
#define SCRM_HTTP_OPENAPI_H_

#include <string>

#include "http/request.h"

namespace scrm::http {

// The description's text, as committed (JSON).
const std::string& OpenApiJson();

// GET /api/v1/openapi.json: public, it holds no data (docs/security.md).
Response OpenApiDocument();

}  // namespace scrm::http

#endif  // SCRM_HTTP_OPENAPI_H_
