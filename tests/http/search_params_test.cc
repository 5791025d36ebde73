// GET /api/v1/search as HTTP adds it to the use case (whose parameters are
// tested in tests/service/search_test.cc): the export's CSV cells, and the
// time budget given to each search.
#include "http/search.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace scrm;
using namespace scrm::http;

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
