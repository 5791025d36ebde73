// Saved searches (service/saved_searches.h): what a saved search keeps and
// which names it takes, without a database (the use case end to end is
// tests/app/search_test.cc, over the API and the page).
#include "service/saved_searches.h"

#include <catch2/catch.hpp>

using namespace scrm;
using namespace scrm::service;

TEST_CASE("a saved search keeps its filters, not its paging, since or like", "[service][saved]") {
  for (const char* kept : {"q", "platform", "source", "language", "from", "to", "sort", "linked"}) {
    CHECK(IsSavedSearchParam(kept));
  }
  for (const char* dropped : {"limit", "offset", "since", "like"}) {
    CHECK_FALSE(IsSavedSearchParam(dropped));
  }
}

TEST_CASE("a saved search's name is 1 to 255 bytes", "[service][saved]") {
  CHECK(CheckSavedSearchName("billing").ok());
  CHECK(CheckSavedSearchName(std::string(255, 'n')).ok());
  for (const std::string& bad : {std::string(), std::string(256, 'n')}) {
    Status s = CheckSavedSearchName(bad);
    CHECK(s.code() == Status::Code::kInvalidArgument);
    CHECK(s.field() == "name");
  }
}
