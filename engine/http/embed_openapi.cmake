# Writes OUT: engine/http/openapi.json as a C++ string, so the binary serves
# exactly the description it was built with (GET /api/v1/openapi.json). Run
# at build time by engine/http/CMakeLists.txt, as store's migrations are.
file(READ ${JSON} text)
if(text MATCHES "\\)scrm_openapi\"")
  message(FATAL_ERROR "${JSON} holds the raw string's delimiter )scrm_openapi\"")
endif()
file(WRITE ${OUT}.tmp "// Generated from engine/http/openapi.json by embed_openapi.cmake: do not edit.\n#include \"http/openapi.h\"\n\nnamespace scrm::http {\n\nconst std::string& OpenApiJson() {\n  static const std::string kJson = R\"scrm_openapi(${text})scrm_openapi\";\n  return kJson;\n}\n\n}  // namespace scrm::http\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
