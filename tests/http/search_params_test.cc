// GET /api/v1/search parameters: every filter, and a 400 naming the field.
#include "http/search.h"

#include <catch2/catch.hpp>

using namespace scrm;
using namespace scrm::http;

namespace {
Result<index::SearchRequest> Parse(std::multimap<std::string, std::string> p) {
  return ParseSearchParams(p);
}
}  // namespace

TEST_CASE("search parameters become a search request", "[http][search]") {
  Result<index::SearchRequest> r = Parse({{"q", "réseau"},
                                          {"platform", "mastodon"},
                                          {"platform", "twitter"},
                                          {"language", "fr"},
                                          {"linked", "true"},
                                          {"from", "2026-01-01"},
                                          {"to", "2026-01-31"},
                                          {"sort", "date"},
                                          {"limit", "50"},
                                          {"offset", "100"},
                                          {"facets", "false"}});
  REQUIRE(r.ok());
  CHECK(r->q == "réseau");
  CHECK(r->platforms == std::vector<std::string>{"mastodon", "twitter"});
  CHECK(r->languages == std::vector<std::string>{"fr"});
  CHECK(r->linked == true);
  CHECK(r->from == 1767225600);
  CHECK(r->to == 1769817600 + 86399);
  CHECK(r->sort == index::SearchRequest::Sort::kDate);
  CHECK(r->limit == 50);
  CHECK(r->offset == 100);
  CHECK_FALSE(r->facets);
  CHECK(r->histogram);
}

TEST_CASE("a bad search parameter is a 400 that names it", "[http][search]") {
  struct Case {
    std::string name, value;
  };
  for (const Case& c : std::vector<Case>{{"limit", "0"},
                                         {"limit", "5000"},
                                         {"limit", "ten"},
                                         {"offset", "-1"},
                                         {"sort", "random"},
                                         {"linked", "maybe"},
                                         {"from", "yesterday"},
                                         {"to", "2026-13-01"},
                                         {"colour", "blue"}}) {
    Result<index::SearchRequest> r = Parse({{c.name, c.value}});
    INFO(c.name << "=" << c.value);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
    CHECK(r.status().field() == c.name);
  }
  CHECK(Parse({{"from", "2026-02-01"}, {"to", "2026-01-01"}}).status().field() == "from");
}

TEST_CASE("search times accept dates, RFC 3339 and epoch seconds", "[http][search]") {
  CHECK(ParseTimeParam("2026-11-22") == 1795305600);
  CHECK(ParseTimeParam("2026-11-22T10:00:00Z") == 1795341600);
  CHECK(ParseTimeParam("2026-11-22T12:00:00+02:00") == 1795341600);
  CHECK(ParseTimeParam("2026-11-22T10:00:00.250Z") == 1795341600);
  CHECK(ParseTimeParam("1795341600") == 1795341600);
  CHECK_FALSE(ParseTimeParam("2026-11-22T10:00").has_value());
  CHECK_FALSE(ParseTimeParam("22/11/2026").has_value());
}

TEST_CASE("the CSV export makes formula-looking cells text", "[http][search][security]") {
  struct Case {
    std::string in, out;
  };
  const std::vector<Case> cases = {
      {"hello", "hello"},
      {"=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""},
      {"+1", "'+1"},
      {"-1", "'-1"},
      {"@SUM(A1)", "'@SUM(A1)"},
      // Spreadsheets skip a leading TAB or CR and run what follows.
      {"\t=1+1", "'\t=1+1"},
      {"\r=1+1", "\"'\r=1+1\""},
      {"a,b", "\"a,b\""},
      {"", ""},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    CHECK(CsvCell(c.in) == c.out);
  }
}

namespace {
// Records the request it is given; says the budget was spent when it had one.
class BudgetSearcher : public index::Searcher {
 public:
  Result<index::SearchResult> Search(const index::SearchRequest& r) override {
    seen = r;
    index::SearchResult out;
    out.time_budget_spent = r.deadline != std::chrono::steady_clock::time_point{};
    return out;
  }
  Result<int64_t> DocCount() override { return int64_t{0}; }
  index::SearchRequest seen;
};
}  // namespace

TEST_CASE("search.time_budget_ms gives the search a deadline, and a spent one is said in the answer",
          "[http][search]") {
  BudgetSearcher searcher;
  Request request;
  request.query = {{"q", "net*"}};
  const auto before = std::chrono::steady_clock::now();
  Response r = HandleSearch(&searcher, request, 500);
  CHECK(r.status == 200);
  CHECK(searcher.seen.deadline >= before + std::chrono::milliseconds(500));
  CHECK(searcher.seen.deadline <= std::chrono::steady_clock::now() + std::chrono::milliseconds(500));
  CHECK(nlohmann::json::parse(r.body)["time_budget_spent"] == true);

  r = HandleSearch(&searcher, request, 0);  // 0: no budget
  CHECK(searcher.seen.deadline == std::chrono::steady_clock::time_point{});
  CHECK(nlohmann::json::parse(r.body)["time_budget_spent"] == false);
}
