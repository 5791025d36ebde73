#include "http/errors.h"

#include <catch2/catch.hpp>

namespace scrm::http {
namespace {

TEST_CASE("Status maps to one HTTP status and a JSON error body", "[http][errors]") {
  struct Case {
    Status status;
    int http;
    std::string code;
  };
  const std::vector<Case> cases = {
      {Status::InvalidArgument("limit must be 1..100", "limit"), 400, "invalid_argument"},
      {Status::Unauthenticated("token expired"), 401, "unauthenticated"},
      {Status::Forbidden("admin role required"), 403, "forbidden"},
      {Status::NotFound("no link 7"), 404, "not_found"},
      {Status::Conflict("link 7 is already confirmed"), 409, "conflict"},
      {Status::FailedPrecondition("source is disabled"), 409, "failed_precondition"},
      {Status::Unavailable("index is rebuilding"), 503, "unavailable"},
      {Status::Internal("invariant broken"), 500, "internal"},
  };
  for (const Case& c : cases) {
    INFO(c.status.ToString());
    CHECK(HttpStatusFor(c.status.code()) == c.http);
    Response r = ErrorResponse(c.status);
    CHECK(r.status == c.http);
    CHECK(r.content_type == "application/json");
    nlohmann::json body = nlohmann::json::parse(r.body);
    REQUIRE(body.size() == 1);
    const nlohmann::json& e = body.at("error");
    CHECK(e.size() == 3);
    CHECK(e.at("code") == c.code);
    CHECK(e.at("message") == c.status.message());
    if (c.status.field().empty()) {
      CHECK(e.at("field").is_null());
    } else {
      CHECK(e.at("field") == c.status.field());
    }
  }
  CHECK(HttpStatusFor(Status::Code::kOk) == 200);
  CHECK(ErrorResponse(Status::Ok()).status == 500);
}

TEST_CASE("error bodies escape whatever the message holds", "[http][errors]") {
  Response r = ErrorResponse(Status::InvalidArgument("bad \"q\": \\ \n \xff end", "q"));
  nlohmann::json body = nlohmann::json::parse(r.body);  // valid JSON despite invalid UTF-8
  std::string message = body["error"]["message"];
  CHECK(message.find("bad \"q\": \\ \n ") == 0);
  CHECK(message.find("end") != std::string::npos);
}

}  // namespace
}  // namespace scrm::http
