#include "http/errors.h"

#include <cstdio>
#include <exception>
#include <iostream>
#include <random>

#include "store/pool.h"

namespace scrm::http {

namespace {

// A short reference tying a 500 response to its log line.
std::string NewErrorRef() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%08llx", static_cast<unsigned long long>(rng() & 0xffffffffu));
  return buf;
}

Response Internal(const Request& request, const std::string& detail) {
  std::string ref = NewErrorRef();
  std::cerr << "scrm http: " << request.method << " " << request.path << " failed (ref " << ref
            << "): " << detail << std::endl;
  return ErrorResponse(500, "internal", "internal error (ref " + ref + "); see the engine log");
}

}  // namespace

int HttpStatusFor(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return 200;
    case Status::Code::kInvalidArgument:
      return 400;
    case Status::Code::kUnauthenticated:
      return 401;
    case Status::Code::kForbidden:
      return 403;
    case Status::Code::kNotFound:
      return 404;
    case Status::Code::kConflict:
      return 409;
    case Status::Code::kFailedPrecondition:
      return 409;
    case Status::Code::kUnavailable:
      return 503;
    case Status::Code::kInternal:
      return 500;
  }
  return 500;
}

nlohmann::json ErrorBody(const std::string& code, const std::string& message,
                         const std::string& field) {
  nlohmann::json error = {{"code", code}, {"message", message}, {"field", nullptr}};
  if (!field.empty()) error["field"] = field;
  return {{"error", error}};
}

Response ErrorResponse(const Status& status) {
  if (status.ok()) return ErrorResponse(500, "internal", "an error was reported without a cause");
  Response r = ErrorResponse(HttpStatusFor(status.code()), status.CodeName(), status.message(),
                             status.field());
  if (!status.reason().empty()) r.reason = status.reason();
  return r;
}

Response ErrorResponse(int http_status, const std::string& code, const std::string& message,
                       const std::string& field) {
  Response r = Response::Json(ErrorBody(code, message, field), http_status);
  r.reason = code;
  return r;
}

Response CallHandler(const Handler& handler, const Request& request) {
  try {
    return handler(request);
  } catch (const store::DbError& e) {
    if (e.unavailable()) {
      // The detail names the database's address and user: for the log and
      // /readyz, not for whoever is calling.
      const std::string ref = NewErrorRef();
      std::cerr << "scrm http: " << request.method << " " << request.path << " (ref " << ref
                << "): database unavailable: " << e.what() << std::endl;
      Response r = ErrorResponse(503, "unavailable",
                                 "the database is unavailable (ref " + ref + "); retry later");
      r.SetHeader("Retry-After", "5");
      return r;
    }
    return Internal(request, std::string("database error: ") + e.what());
  } catch (const std::exception& e) {
    return Internal(request, e.what());
  } catch (...) {
    return Internal(request, "an exception that is not a std::exception");
  }
}

}  // namespace scrm::http
