// Search as a use case (service/search.h), without a database: parameters
// read from plain names and values (each filter, and an error naming the
// parameter with its reason), the viewer and the deadline carried to the
// index, and the answer's JSON.
#include "service/search.h"

#include <catch2/catch.hpp>

#include "core/reasons.h"

using namespace scrm;
using namespace scrm::service;

namespace {
Result<index::SearchRequest> Parse(SearchParams p) { return ParseSearchParams(p); }

// Records the request it is given and answers one hit.
class RecordingSearcher : public index::Searcher {
 public:
  Result<index::SearchResult> Search(const index::SearchRequest& r) override {
    seen = r;
    if (!fail.ok()) return fail;
    index::SearchResult out;
    out.total = 1;
    index::SearchHit hit;
    hit.id = 7;
    hit.date = 1795341600;
    hit.platform = "mastodon";
    hit.author_name = "Alice";
    hit.customers = {"Contacts/c1"};
    out.results.push_back(hit);
    out.facets["platform"] = {{"mastodon", 1}};
    return out;
  }
  Result<int64_t> DocCount() override { return int64_t{1}; }
  index::SearchRequest seen;
  Status fail;
};
}  // namespace

TEST_CASE("search parameters become a search request", "[service][search]") {
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

TEST_CASE("every filter of the search is read, repeatable ones kept in order", "[service][search]") {
  Result<index::SearchRequest> r = Parse({{"source", "feed"},
                                          {"community", "partners"},
                                          {"kind", "reply"},
                                          {"customer", "Contacts/c1"},
                                          {"customer", "Accounts/a1"},
                                          {"account", "a1"},
                                          {"owner", "u1"},
                                          {"linked", "no"},
                                          {"since", "1795341600"},
                                          {"to", "2026-11-22T10:00:00Z"},
                                          {"sort", "relevance"},
                                          {"histogram", "0"},
                                          {"snippets", "yes"},
                                          {"suggestion", "false"},
                                          {"like", "42"}});
  REQUIRE(r.ok());
  CHECK(r->sources == std::vector<std::string>{"feed"});
  CHECK(r->communities == std::vector<std::string>{"partners"});
  CHECK(r->kinds == std::vector<std::string>{"reply"});
  CHECK(r->customers == std::vector<std::string>{"Contacts/c1", "Accounts/a1"});
  CHECK(r->accounts == std::vector<std::string>{"a1"});
  CHECK(r->owners == std::vector<std::string>{"u1"});
  CHECK(r->linked == false);
  CHECK(r->ingested_after == 1795341600);
  CHECK(r->to == 1795341600);  // a time, not a bare date: not stretched to the day's end
  CHECK(r->sort == index::SearchRequest::Sort::kRelevance);
  CHECK_FALSE(r->histogram);
  CHECK(r->snippets);
  CHECK_FALSE(r->suggestion);
  CHECK(r->more_like == 42);
  // The export's format and a page's sign-on token are accepted, and change nothing.
  Result<index::SearchRequest> plain = Parse({{"format", "csv"}, {"sso", "t"}});
  REQUIRE(plain.ok());
  CHECK(plain->q.empty());
  CHECK(plain->limit == index::SearchRequest().limit);
}

TEST_CASE("a bad search parameter is an error that names it, with its reason", "[service][search]") {
  struct Case {
    std::string name, value, reason;
  };
  for (const Case& c : std::vector<Case>{{"limit", "0", reason::kSearchParamRange},
                                         {"limit", "5000", reason::kSearchParamRange},
                                         {"limit", "ten", reason::kSearchParamInteger},
                                         {"offset", "-1", reason::kSearchParamInteger},
                                         {"offset", "1000001", reason::kSearchParamRange},
                                         {"like", "x", reason::kSearchParamInteger},
                                         {"sort", "random", reason::kSearchParamSort},
                                         {"linked", "maybe", reason::kSearchParamBool},
                                         {"from", "yesterday", reason::kSearchParamDate},
                                         {"to", "2026-13-01", reason::kSearchParamDate},
                                         {"colour", "blue", reason::kSearchParamUnknown}}) {
    Result<index::SearchRequest> r = Parse({{c.name, c.value}});
    INFO(c.name << "=" << c.value);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
    CHECK(r.status().field() == c.name);
    CHECK(r.status().reason() == c.reason);
    CHECK(r.status().message().rfind("parameter " + c.name + ": ", 0) == 0);
  }
  Status after = Parse({{"from", "2026-02-01"}, {"to", "2026-01-01"}}).status();
  CHECK(after.field() == "from");
  CHECK(after.reason() == reason::kSearchFromAfterTo);
}

TEST_CASE("search times accept dates, RFC 3339 and epoch seconds", "[service][search]") {
  CHECK(ParseTimeParam("2026-11-22") == 1795305600);
  CHECK(ParseTimeParam("2026-11-22T10:00:00Z") == 1795341600);
  CHECK(ParseTimeParam("2026-11-22T12:00:00+02:00") == 1795341600);
  CHECK(ParseTimeParam("2026-11-22T10:00:00.250Z") == 1795341600);
  CHECK(ParseTimeParam("1795341600") == 1795341600);
  CHECK_FALSE(ParseTimeParam("2026-11-22T10:00").has_value());
  CHECK_FALSE(ParseTimeParam("22/11/2026").has_value());
}

TEST_CASE("a search carries the caller's viewer and deadline to the index", "[service][search]") {
  RecordingSearcher searcher;
  SearchOptions options;
  options.params = {{"q", "billing"}, {"limit", "5"}};
  options.viewer.internal = true;
  options.viewer.communities = {"partners"};
  options.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  Result<SearchAnswer> answer = Search(searcher, options);
  REQUIRE(answer.ok());
  CHECK(searcher.seen.q == "billing");
  CHECK(searcher.seen.viewer.internal);
  CHECK_FALSE(searcher.seen.viewer.everything);
  CHECK(searcher.seen.viewer.communities == std::vector<std::string>{"partners"});
  CHECK(searcher.seen.deadline == options.deadline);
  CHECK(answer->request.limit == 5);
  CHECK(answer->result.total == 1);

  // A bad parameter never reaches the index; the index's own errors come back.
  searcher.seen = index::SearchRequest();
  options.params = {{"limit", "0"}};
  CHECK(Search(searcher, options).status().field() == "limit");
  CHECK(searcher.seen.q.empty());
  searcher.fail = Status::Unavailable("shard down");
  options.params = {{"q", "x"}};
  CHECK(Search(searcher, options).status().code() == Status::Code::kUnavailable);
}

TEST_CASE("the search answer's JSON pages, counts and describes each hit", "[service][search]") {
  RecordingSearcher searcher;
  SearchOptions options;
  options.params = {{"offset", "20"}, {"limit", "10"}};
  Result<SearchAnswer> answer = Search(searcher, options);
  REQUIRE(answer.ok());
  const nlohmann::json j = SearchAnswerJson(*answer);
  CHECK(j["total"] == 1);
  CHECK(j["offset"] == 20);
  CHECK(j["limit"] == 10);
  CHECK(j["time_budget_spent"] == false);
  REQUIRE(j["results"].size() == 1);
  CHECK(j["results"][0]["id"] == 7);
  CHECK(j["results"][0]["date"] == "2026-11-22T10:00:00Z");
  CHECK(j["results"][0]["author"]["name"] == "Alice");
  CHECK(j["results"][0]["customers"] == nlohmann::json::array({"Contacts/c1"}));
  CHECK(j["facets"]["platform"][0] == nlohmann::json({{"value", "mastodon"}, {"count", 1}}));
  CHECK(j["histogram"]["buckets"].is_array());
}
