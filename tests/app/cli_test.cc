#include "app/cli.h"

#include <catch2/catch.hpp>

using namespace scrm;
using namespace scrm::app;

TEST_CASE("arguments: options with values, flags, positionals, and clear errors", "[app]") {
  const char* argv[] = {"scrm", "ingest", "--source", "forum", "--format=rss", "--json", "-"};
  auto a = ParseArgs("ingest", 7, const_cast<char**>(argv), 2, {"source", "format"}, {"json"});
  REQUIRE(a.ok());
  CHECK(a->Get("source") == "forum");
  CHECK(a->Get("format") == "rss");
  CHECK(a->Has("json"));
  CHECK(a->positional == std::vector<std::string>{"-"});

  const char* unknown[] = {"scrm", "migrate", "--fulll"};
  auto u = ParseArgs("migrate", 3, const_cast<char**>(unknown), 2, {}, {"full"});
  REQUIRE_FALSE(u.ok());
  CHECK(u.status().message() == "unknown option --fulll (see scrm migrate --help)");

  const char* novalue[] = {"scrm", "ingest", "--source"};
  auto n = ParseArgs("ingest", 3, const_cast<char**>(novalue), 2, {"source"}, {});
  REQUIRE_FALSE(n.ok());
  CHECK(n.status().field() == "--source");
}

TEST_CASE("failures map to the documented exit codes", "[app]") {
  CHECK(Fail("x", Status::InvalidArgument("bad")) == kExitUsage);
  CHECK(Fail("x", Status::Unavailable("down")) == kExitUnavailable);
  CHECK(Fail("x", Status::Internal("boom")) == kExitFailed);
  CHECK(Fail("x", Status::FailedPrecondition("no crm")) == kExitFailed);
}
