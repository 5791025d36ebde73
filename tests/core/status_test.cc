#include "core/status.h"

#include <catch2/catch.hpp>

using scrm::Result;
using scrm::Status;

TEST_CASE("Status names its code, message and field", "[core]") {
  CHECK(Status::Ok().ok());
  CHECK(Status::Ok().ToString() == "ok");
  Status s = Status::InvalidArgument("port 'x' is not a number", "http.port");
  CHECK_FALSE(s.ok());
  CHECK(s.code() == Status::Code::kInvalidArgument);
  CHECK(s.CodeName() == "invalid_argument");
  CHECK(s.field() == "http.port");
  CHECK(s.ToString() == "invalid_argument: port 'x' is not a number (field: http.port)");
  CHECK(Status::Unavailable("db down").CodeName() == "unavailable");
  CHECK(Status::NotFound("x").CodeName() == "not_found");
  CHECK(Status::Forbidden("x").CodeName() == "forbidden");
}

TEST_CASE("Result holds a value or the status that explains its absence", "[core]") {
  Result<int> good = 42;
  REQUIRE(good.ok());
  CHECK(*good == 42);
  Result<int> bad = Status::NotFound("no such customer");
  CHECK_FALSE(bad.ok());
  CHECK(bad.status().message() == "no such customer");
}

TEST_CASE("a reason and its arguments travel with a status, message and field unchanged",
          "[core]") {
  Status s = Status::InvalidArgument("retention 'x' is not a number", "retention_days")
                 .WithReason("source_retention_number", {{"value", "x"}, {"max", "36500"}});
  CHECK(s.message() == "retention 'x' is not a number");
  CHECK(s.field() == "retention_days");
  CHECK(s.reason() == "source_retention_number");
  CHECK(s.reason_args().at("max") == "36500");
  Status plain = Status::InvalidArgument("retention 'x' is not a number", "retention_days");
  CHECK(plain.reason().empty());  // WithReason made a new value
  CHECK(Status::Ok().WithReason("x").ok());
  CHECK(Status::NotFound("x").reason().empty());
  CHECK(Status::Ok().reason_args().empty());
}
