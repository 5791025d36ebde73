// Errors on the wire: the one place where a scrm::Status becomes an HTTP
// status and a JSON body {"error":{"code","message","field"}}, and where an
// exception escaping a handler becomes a response. An unreachable database is
// a 503 "the database is unavailable (ref ...)"; any other exception is a 500.
// Either way the detail (for the database: its address and user name) goes
// to the log (stderr) under that short reference, never to the client.
#ifndef SCRM_HTTP_ERRORS_H_
#define SCRM_HTTP_ERRORS_H_

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "http/request.h"

namespace scrm::http {

// invalid_argument 400, unauthenticated 401, forbidden 403, not_found 404,
// conflict 409, failed_precondition 409, unavailable 503, internal 500.
// failed_precondition is 409, not 412: 412 belongs to conditional requests
// (If-Match and friends) that the API does not use; a failed precondition here
// means "the system is not in a state that allows this", which 409 describes.
// kOk maps to 200.
int HttpStatusFor(Status::Code code);

// {"error":{"code":CODE,"message":MESSAGE,"field":FIELD or null}}.
nlohmann::json ErrorBody(const std::string& code, const std::string& message,
                         const std::string& field = "");

// The response for a failed Status: HttpStatusFor(code) and ErrorBody(CodeName()...).
// An OK status here is a bug in the caller and answers 500.
Response ErrorResponse(const Status& status);
// For errors that no Status code names (405 method_not_allowed, 413 payload_too_large).
Response ErrorResponse(int http_status, const std::string& code, const std::string& message,
                       const std::string& field = "");

// Runs the handler; an exception escaping it becomes the response described
// at the top of this file. Logs 500s to stderr with the method, path and a
// reference that is also in the response message.
Response CallHandler(const Handler& handler, const Request& request);

}  // namespace scrm::http

#endif  // SCRM_HTTP_ERRORS_H_
