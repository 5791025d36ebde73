#include "sources/dates.h"

#include <catch2/catch.hpp>

namespace scrm::sources {
namespace {

TEST_CASE("RFC 3339 dates", "[sources][dates]") {
  CHECK(ParseRfc3339("2016-11-01T19:18:43Z") == 1478027923);
  CHECK(ParseRfc3339("2019-10-12T07:20:50.52Z") == 1570864850);
  CHECK(ParseRfc3339("2016-11-01T21:18:43+02:00") == 1478027923);
  CHECK(ParseRfc3339(" 2016-11-01t19:18:43z ") == 1478027923);
  CHECK_FALSE(ParseRfc3339("yesterday"));
  CHECK_FALSE(ParseRfc3339("2016-11-01"));
  CHECK_FALSE(ParseRfc3339("2016-11-01T19:18Z"));
  CHECK_FALSE(ParseRfc3339("2016-02-30T00:00:00Z"));
  CHECK_FALSE(ParseRfc3339("2016-11-01T19:18:43"));
  CHECK(ParseW3cDate("2003-12-13") == 1071273600);
  CHECK(ParseW3cDate("2003-12-13T18:30Z") == 1071340200);
  CHECK(ParseW3cDate("2003-12-13T18:30:02") == 1071340202);
}

TEST_CASE("RFC 822 dates as feeds write them", "[sources][dates]") {
  const int64_t t = 1072986501;  // 2004-01-01T19:48:21Z
  CHECK(ParseRfc822("Thu, 01 Jan 2004 19:48:21 GMT") == t);
  CHECK(ParseRfc822("01 Jan 2004 19:48:21 GMT") == t);
  CHECK(ParseRfc822("Thu, 1 Jan 2004 19:48:21 +0000") == t);
  CHECK(ParseRfc822("Thu, 01 January 2004 19:48:21 UT") == t);
  CHECK(ParseRfc822("Thu, 01 Jan 04 19:48:21 Z") == t);
  CHECK(ParseRfc822("Thu, 01 Jan 2004 14:48:21 EST") == t);
  CHECK(ParseRfc822("Thu, 01 Jan 2004 11:48:21 PST") == t);
  CHECK(ParseRfc822("Thu, 01 Jan 2004 20:48:21 CET") == t);
  CHECK(ParseRfc822("Thu, 01 Jan 2004 21:48:21 +02:00") == t);
  CHECK(ParseRfc822("Thursday, 01 Jan 2004 19:48:21 GMT") == t);
  CHECK(ParseRfc822("Thu, 01 Jan 2004 19:48:21") == t);
  CHECK(ParseRfc822("Thu, 01 Jan 2004 19:48 GMT") == t - 21);
  CHECK(ParseRfc822("Jan 01 2004 19:48:21 GMT") == t);
  CHECK_FALSE(ParseRfc822("yesterday"));
  CHECK_FALSE(ParseRfc822("Thu, 32 Jan 2004 19:48:21 GMT"));
  CHECK(ParseFeedDate("2004-01-01T19:48:21Z") == t);
}

}  // namespace
}  // namespace scrm::sources
