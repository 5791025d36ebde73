#include "core/time.h"

#include <catch2/catch.hpp>

using namespace scrm;

TEST_CASE("SQL datetimes round-trip in UTC", "[core]") {
  CHECK(FormatSqlDateTime(0) == "1970-01-01 00:00:00");
  CHECK(FormatSqlDateTime(1795000000) == "2026-11-18 11:06:40");
  CHECK(ParseSqlDateTime("2026-11-18 11:06:40") == 1795000000);
  CHECK_FALSE(ParseSqlDateTime("2026-13-01 00:00:00").has_value());
  CHECK_FALSE(ParseSqlDateTime("2026-11-17").has_value());
  CHECK_FALSE(ParseSqlDateTime("2026-11-18 11:06:40 extra").has_value());
}
