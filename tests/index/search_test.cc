// Searching a small French and English corpus: folding and stemming,
// Xapian's query syntax, field prefixes, filters, visibility, sorting,
// paging, facets, the histogram, snippets, suggestions and more-like-this.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <thread>
#include <set>
#include <string>
#include <vector>

#include "index/index.h"
#include "index_test_util.h"

namespace scrm::index {
namespace {

using testing::Everything;
using testing::FacetCountOf;
using testing::IdSet;
using testing::Ids;
using testing::k20250101;
using testing::kDay;
using testing::MakePost;
using testing::MustSearch;

std::vector<IndexedPost> Corpus() {
  std::vector<IndexedPost> posts;
  IndexedPost p = MakePost(1, "fr", "Le réseau social de l’entreprise d'Éric grandit vite", k20250101 + 9 * kDay);
  p.source = "Forum Partenaires";
  p.post.hashtags = {"Réseau", "crm"};
  p.post.mentions = {"anne"};
  p.post.links = {"https://www.Example.com/page"};
  p.post.author_handle = "@eric@mastodon.social";
  p.customers = {"Contacts/c1"};
  p.accounts = {"a1"};
  p.owners = {"u1"};
  posts.push_back(p);

  p = MakePost(2, "en", "Our networks are growing fast", k20250101 + 11 * kDay);
  p.post.platform = "twitter";
  p.source = "Twitter";
  p.post.hashtags = {"network"};
  posts.push_back(p);

  p = MakePost(3, "en", "Internal network roadmap for the sales team", k20250101 + 31 * kDay);
  p.post.platform = "web";
  p.source = "Intranet";
  p.post.kind = "article";
  p.post.title = "Roadmap";
  p.visibility = "internal";
  p.accounts = {"a1", "a2"};
  p.customers = {"Accounts/a1", "Accounts/a2"};
  posts.push_back(p);

  p = MakePost(4, "fr", "Les partenaires parlent du réseau et des ventes", k20250101 + 63 * kDay);
  p.source = "Forum Partenaires";
  p.visibility = "community";
  p.community = "partners";
  p.post.hashtags = {"crm"};
  posts.push_back(p);

  p = MakePost(5, "en", "<script>alert('x')</script> security alert & advice for customers",
               k20250101 + 64 * kDay);
  p.post.hashtags = {"security"};
  posts.push_back(p);

  p = MakePost(6, "en", "The quick brown fox jumps over the lazy dog", k20250101 + 65 * kDay);
  posts.push_back(p);

  p = MakePost(7, "de", "Das Netzwerk wächst schnell", k20250101 + 66 * kDay);
  p.post.platform = "linkedin";
  posts.push_back(p);
  return posts;
}

// Two shards, every ranked query split over two lanes: the tests below
// (visibility among them) hold for that path too.
class CorpusFixture {
 public:
  CorpusFixture() : config_(testing::LocalConfig(dir_.path(), 2)) {
    config_.split_counting_at = 0;
    config_.search_lanes = 2;
    testing::IndexAll(config_, Corpus());
    searcher_ = testing::OpenSearcher(config_);
  }
  SearchResult Find(const SearchRequest& r) { return MustSearch(*searcher_, r); }
  std::set<int64_t> FindIds(const std::string& q) { return IdSet(Find(Everything(q))); }

 protected:
  testing::TempDir dir_;
  IndexConfig config_;
  std::unique_ptr<Searcher> searcher_;
};

using Set = std::set<int64_t>;

TEST_CASE_METHOD(CorpusFixture, "accents, case and stems: reseau finds réseaux, networks finds network",
                 "[index]") {
  CHECK(FindIds("reseau") == Set{1, 4});
  CHECK(FindIds("RÉSEAUX") == Set{1, 4});  // French plural, stemmed to the same
  CHECK(FindIds("networks") == Set{2, 3});
  CHECK(FindIds("network") == Set{2, 3});
  CHECK(FindIds("eric") == Set{1});        // "d'Éric": elision and accent gone
  CHECK(FindIds("Éric") == Set{1});
  CHECK(FindIds("entreprise") == Set{1});  // "l’entreprise"
  CHECK(FindIds("l'entreprise") == Set{1});
  CHECK(FindIds("netzwerk") == Set{7});    // other languages: English stemmer
  CHECK(FindIds("roadmap") == Set{3});     // the title is indexed
}

TEST_CASE_METHOD(CorpusFixture, "phrases, AND by default, OR, NOT, +/- and wildcards", "[index]") {
  CHECK(FindIds("\"quick brown\"") == Set{6});
  CHECK(FindIds("\"brown quick\"").empty());
  CHECK(FindIds("\"réseau social\"") == Set{1});
  CHECK(FindIds("network sales") == Set{3});  // adding a word narrows
  CHECK(FindIds("network OR fox") == Set{2, 3, 6});
  CHECK(FindIds("network NOT sales") == Set{2});
  CHECK(FindIds("network -sales") == Set{2});
  CHECK(FindIds("netw*") == Set{2, 3});
  CHECK(FindIds("(fox OR dog) AND lazy") == Set{6});
  CHECK(FindIds("réseau AND partenaires") == Set{4});
}

TEST_CASE_METHOD(CorpusFixture, "field prefixes", "[index]") {
  CHECK(FindIds("author:eric") == Set{1});
  CHECK(FindIds("author:@eric@mastodon.social") == Set{1});
  CHECK(FindIds("author:Eric@Mastodon.Social") == Set{1});
  CHECK(FindIds("tag:reseau") == Set{1});
  CHECK(FindIds("tag:Réseau") == Set{1});
  CHECK(FindIds("#crm") == Set{1, 4});
  CHECK(FindIds("#crm -#reseau") == Set{4});
  CHECK(FindIds("mention:anne") == Set{1});
  CHECK(FindIds("@anne") == Set{1});
  CHECK(FindIds("platform:twitter") == Set{2});
  CHECK(FindIds("source:twitter") == Set{2});
  CHECK(FindIds("source:\"Forum Partenaires\"") == Set{1, 4});
  CHECK(FindIds("lang:fr") == Set{1, 4});
  CHECK(FindIds("domain:example.com") == Set{1});
  CHECK(FindIds("domain:www.example.com") == Set{1});
  CHECK(FindIds("kind:article") == Set{3});
  CHECK(FindIds("customer:Contacts/c1") == Set{1});
  CHECK(FindIds("account:a2") == Set{3});
  CHECK(FindIds("account:a1") == Set{1, 3});
  CHECK(FindIds("community:partners") == Set{4});
  CHECK(FindIds("network platform:web") == Set{3});
  CHECK(FindIds("réseau lang:fr -community:partners") == Set{1});
}

TEST_CASE_METHOD(CorpusFixture, "filters: OR within one, AND across", "[index]") {
  SearchRequest r = Everything();
  r.platforms = {"Twitter", "web"};
  CHECK(IdSet(Find(r)) == Set{2, 3});
  r = Everything();
  r.sources = {"forum partenaires"};
  CHECK(IdSet(Find(r)) == Set{1, 4});
  r = Everything();
  r.communities = {"partners"};
  CHECK(IdSet(Find(r)) == Set{4});
  r = Everything();
  r.languages = {"fr"};
  CHECK(IdSet(Find(r)) == Set{1, 4});
  r = Everything();
  r.kinds = {"article"};
  CHECK(IdSet(Find(r)) == Set{3});
  r = Everything();
  r.customers = {"Contacts/c1", "Accounts/a2"};
  CHECK(IdSet(Find(r)) == Set{1, 3});
  r = Everything();
  r.accounts = {"a2"};
  CHECK(IdSet(Find(r)) == Set{3});
  r = Everything();
  r.owners = {"u1"};
  CHECK(IdSet(Find(r)) == Set{1});
  r = Everything();
  r.linked = true;
  CHECK(IdSet(Find(r)) == Set{1, 3});
  r.linked = false;
  CHECK(IdSet(Find(r)) == Set{2, 4, 5, 6, 7});
  r = Everything();
  r.from = k20250101 + 11 * kDay;
  r.to = k20250101 + 63 * kDay;  // inclusive
  CHECK(IdSet(Find(r)) == Set{2, 3, 4});
  r.to = 0;
  CHECK(IdSet(Find(r)) == Set{2, 3, 4, 5, 6, 7});
  r.from = 0;
  r.to = k20250101 + 11 * kDay;
  CHECK(IdSet(Find(r)) == Set{1, 2});
  r = Everything();
  r.ingested_after = k20250101 + 64 * kDay + 3600;  // after post 5's ingestion
  CHECK(IdSet(Find(r)) == Set{6, 7});
  r = Everything("réseau");
  r.languages = {"fr"};
  r.platforms = {"mastodon"};
  r.communities = {"partners"};
  CHECK(IdSet(Find(r)) == Set{4});
}

// HidesFrom must agree with the counts: posts are hidden from a viewer
// exactly when it finds fewer than a viewer who sees everything.
TEST_CASE("visibility: the searcher says whether the index hides posts from a viewer", "[index]") {
  testing::TempDir dir;
  const IndexConfig config = testing::LocalConfig(dir.path());
  std::unique_ptr<Searcher> s = testing::OpenSearcher(config);
  Viewer everything;
  everything.everything = true;
  Viewer pub, staff, partner, staff_partner;
  staff.internal = staff_partner.internal = true;
  partner.communities = staff_partner.communities = {"partners"};
  Result<bool> none = s->HidesFrom(pub);  // no index yet
  REQUIRE(none.ok());
  CHECK_FALSE(*none);

  std::vector<IndexedPost> posts;
  for (int64_t id = 1; id <= 6; ++id) posts.push_back(MakePost(id, "en", "widget news"));
  testing::IndexAll(config, posts);
  const auto hides = [&](const Viewer& v) {
    Result<bool> h = s->HidesFrom(v);
    REQUIRE(h.ok());
    SearchRequest r;
    r.q = "widget";
    r.viewer = v;
    const int64_t seen = MustSearch(*s, r).total;
    r.viewer = everything;
    CHECK(*h == (seen < MustSearch(*s, r).total));
    return *h;
  };
  CHECK_FALSE(hides(pub));  // public posts only
  posts[4].visibility = "internal";
  posts[5].visibility = "community";
  posts[5].community = "partners";
  testing::IndexAll(config, posts);
  CHECK(hides(pub));
  CHECK(hides(staff));
  CHECK(hides(partner));
  CHECK_FALSE(hides(staff_partner));
  CHECK_FALSE(hides(everything));
}

TEST_CASE_METHOD(CorpusFixture, "visibility: totals and facets never count hidden posts", "[index]") {
  SearchRequest r;
  r.q = "réseau OR network";  // 1 public, 2 public, 3 internal, 4 community partners
  SECTION("public only") {
    SearchResult res = Find(r);
    CHECK(IdSet(res) == Set{1, 2});
    CHECK(res.total == 2);
    CHECK(res.total_exact);
    CHECK(FacetCountOf(res, "source", "Intranet") == 0);
    CHECK(FacetCountOf(res, "source", "Forum Partenaires") == 1);
    CHECK(FacetCountOf(res, "account", "a2") == 0);
    CHECK(FacetCountOf(res, "language", "en") == 1);
    int64_t buckets = 0;
    for (const HistogramBucket& b : res.histogram) buckets += b.count;
    CHECK(buckets == 2);
  }
  SECTION("staff see internal posts, not communities") {
    r.viewer.internal = true;
    SearchResult res = Find(r);
    CHECK(IdSet(res) == Set{1, 2, 3});
    CHECK(res.total == 3);
    CHECK(FacetCountOf(res, "source", "Intranet") == 1);
    CHECK(FacetCountOf(res, "source", "Forum Partenaires") == 1);
  }
  SECTION("a member of a community sees it, not internal posts") {
    r.viewer.communities = {"partners"};
    SearchResult res = Find(r);
    CHECK(IdSet(res) == Set{1, 2, 4});
    CHECK(FacetCountOf(res, "source", "Forum Partenaires") == 2);
    CHECK(FacetCountOf(res, "source", "Intranet") == 0);
  }
  SECTION("an empty query lists what the viewer may see") {
    r.q = "";
    SearchResult res = Find(r);
    CHECK(res.total == 5);
    CHECK(IdSet(res) == Set{1, 2, 5, 6, 7});
  }
  SECTION("everything") {
    r.viewer.everything = true;
    CHECK(Find(r).total == 4);
  }
}

TEST_CASE("visibility: an unknown or empty class is for viewers who see everything", "[index]") {
  testing::TempDir dir;
  const IndexConfig config = testing::LocalConfig(dir.path());
  std::vector<IndexedPost> posts;
  for (int64_t id = 1; id <= 20; ++id) posts.push_back(MakePost(id, "en", "widget news"));
  posts[0].visibility = "";
  posts[1].visibility = "secret";
  posts[2].visibility = "internal";
  posts[3].visibility = "community";
  posts[3].community = "partners";
  posts[4].visibility = "community";  // a community without a name
  testing::IndexAll(config, posts);
  std::unique_ptr<Searcher> s = testing::OpenSearcher(config);
  SearchRequest r;
  r.q = "widget";
  CHECK(MustSearch(*s, r).total == 15);  // public only
  r.viewer.internal = true;
  r.viewer.communities = {"partners", ""};
  SearchResult staff = MustSearch(*s, r);
  CHECK(staff.total == 17);
  CHECK(IdSet(staff).count(1) == 0);
  CHECK(IdSet(staff).count(2) == 0);
  CHECK(IdSet(staff).count(5) == 0);
  r.viewer = Viewer();
  r.viewer.everything = true;
  CHECK(MustSearch(*s, r).total == 20);
  // Mostly hidden posts: the other form of the same filter.
  for (IndexedPost& p : posts) p.visibility = "internal";
  posts[0].visibility = "public";
  testing::IndexAll(config, posts);
  r.viewer = Viewer();
  CHECK(IdSet(MustSearch(*s, r)) == std::set<int64_t>{1});
}

TEST_CASE_METHOD(CorpusFixture, "sort by date, newest first, and paging", "[index]") {
  SearchRequest r = Everything();
  r.sort = SearchRequest::Sort::kDate;
  SearchResult all = Find(r);
  CHECK(Ids(all) == std::vector<int64_t>{7, 6, 5, 4, 3, 2, 1});
  CHECK(all.results[0].date == k20250101 + 66 * kDay);
  r.limit = 3;
  r.offset = 0;
  CHECK(Ids(Find(r)) == std::vector<int64_t>{7, 6, 5});
  r.offset = 3;
  CHECK(Ids(Find(r)) == std::vector<int64_t>{4, 3, 2});
  r.offset = 6;
  SearchResult last = Find(r);
  CHECK(Ids(last) == std::vector<int64_t>{1});
  CHECK(last.total == 7);
  r.offset = 10;
  CHECK(Find(r).results.empty());
  r.offset = 0;
  r.limit = 5000;  // capped at 1000
  CHECK(Find(r).results.size() == 7);
  r.limit = -1;
  CHECK(searcher_->Search(r).status().code() == Status::Code::kInvalidArgument);

  r = Everything("network OR réseau");
  r.sort = SearchRequest::Sort::kDate;
  CHECK(Ids(Find(r)) == std::vector<int64_t>{4, 3, 2, 1});

  // Without words every match weighs 0: newest first whatever the sort.
  CHECK(Ids(Find(Everything())) == std::vector<int64_t>{7, 6, 5, 4, 3, 2, 1});
  CHECK(Ids(Find(Everything("#crm"))) == std::vector<int64_t>{4, 1});
  CHECK(Ids(Find(Everything("lang:fr"))) == std::vector<int64_t>{4, 1});
}

TEST_CASE_METHOD(CorpusFixture, "hits carry the stored fields", "[index]") {
  SearchResult res = Find(Everything("eric"));
  REQUIRE(res.results.size() == 1);
  const SearchHit& h = res.results[0];
  CHECK(h.id == 1);
  CHECK(h.score > 0);
  CHECK(h.date == k20250101 + 9 * kDay);
  CHECK(h.platform == "mastodon");
  CHECK(h.source == "Forum Partenaires");
  CHECK(h.language == "fr");
  CHECK(h.kind == "post");
  CHECK(h.url == "https://social.example/p/1");
  CHECK(h.external_id == "ext-1");
  CHECK(h.author_handle == "@eric@mastodon.social");
  CHECK(h.author_id == "https://social.example/users/u1");
  CHECK(h.customers == std::vector<std::string>{"Contacts/c1"});
  CHECK_FALSE(h.snippet.empty());
  // A filter alone does not weigh.
  res = Find(Everything("author:eric"));
  REQUIRE(res.results.size() == 1);
  CHECK(res.results[0].score == 0);
}

TEST_CASE_METHOD(CorpusFixture, "facet counts are exact on a small set", "[index]") {
  SearchResult res = Find(Everything());
  CHECK(res.total == 7);
  CHECK(res.facets_exact);
  CHECK(res.facets_sampled == 7);
  CHECK(FacetCountOf(res, "platform", "mastodon") == 4);
  CHECK(FacetCountOf(res, "platform", "twitter") == 1);
  CHECK(FacetCountOf(res, "platform", "web") == 1);
  CHECK(FacetCountOf(res, "platform", "linkedin") == 1);
  CHECK(FacetCountOf(res, "language", "en") == 4);
  CHECK(FacetCountOf(res, "language", "fr") == 2);
  CHECK(FacetCountOf(res, "language", "de") == 1);
  CHECK(FacetCountOf(res, "tag", "crm") == 2);
  CHECK(FacetCountOf(res, "tag", "reseau") == 1);
  CHECK(FacetCountOf(res, "account", "a1") == 2);
  CHECK(FacetCountOf(res, "account", "a2") == 1);
  CHECK(FacetCountOf(res, "source", "Forum") == 3);
  // Most frequent first.
  const std::vector<FacetCount>& platforms = res.facets.at("platform");
  REQUIRE(platforms.size() == 4);
  CHECK(platforms[0].value == "mastodon");
  for (size_t i = 1; i < platforms.size(); ++i) CHECK(platforms[i - 1].count >= platforms[i].count);

  SearchRequest r = Everything();
  r.facets = false;
  r.histogram = false;
  SearchResult bare = Find(r);
  CHECK(bare.facets.empty());
  CHECK(bare.histogram.empty());
  CHECK(bare.total == 7);
}

TEST_CASE("facets counted from the in-memory tables, new posts at once", "[index]") {
  testing::TempDir dir;
  const IndexConfig config = testing::LocalConfig(dir.path(), 2);
  std::vector<IndexedPost> posts;
  for (int64_t id = 1; id <= 40; ++id) {
    IndexedPost p = MakePost(id, id % 2 ? "fr" : "en", "gadget", k20250101 + id * kDay);
    p.post.platform = id % 4 == 0 ? "twitter" : "mastodon";
    p.post.hashtags = {id % 5 == 0 ? "five" : "other"};
    if (id % 10 == 0) p.accounts = {"acc1", "acc2"};
    posts.push_back(p);
  }
  Result<std::unique_ptr<Indexer>> indexer = Indexer::Open(config);
  REQUIRE(indexer.ok());
  for (const IndexedPost& p : posts) REQUIRE((*indexer)->Put(p).ok());
  REQUIRE((*indexer)->Commit().ok());
  std::unique_ptr<Searcher> s = testing::OpenSearcher(config);
  const SearchResult before = MustSearch(*s, Everything("gadget"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the tables are built
  const SearchResult after = MustSearch(*s, Everything("gadget"));
  for (const SearchResult* r : {&before, &after}) {
    CHECK(r->total == 40);
    CHECK(r->facets_sampled == 40);
    CHECK(FacetCountOf(*r, "platform", "twitter") == 10);
    CHECK(FacetCountOf(*r, "platform", "mastodon") == 30);
    CHECK(FacetCountOf(*r, "language", "fr") == 20);
    CHECK(FacetCountOf(*r, "tag", "five") == 8);
    CHECK(FacetCountOf(*r, "tag", "other") == 32);
    CHECK(FacetCountOf(*r, "account", "acc1") == 4);
    CHECK(FacetCountOf(*r, "account", "acc2") == 4);
    int64_t in_histogram = 0;
    for (const HistogramBucket& b : r->histogram) in_histogram += b.count;
    CHECK(in_histogram == 40);
  }
  SearchRequest newest = Everything("gadget");
  newest.sort = SearchRequest::Sort::kDate;
  newest.limit = 5;
  CHECK(Ids(MustSearch(*s, newest)) == std::vector<int64_t>{40, 39, 38, 37, 36});
  // Platform and language filters answered from the tables (FacetFilter).
  SearchRequest twitter = Everything("gadget");
  twitter.platforms = {"Twitter"};
  CHECK(MustSearch(*s, twitter).total == 10);
  SearchRequest french = Everything("gadget");
  french.languages = {"fr"};
  CHECK(MustSearch(*s, french).total == 20);
  french.platforms = {"twitter", "mastodon"};
  CHECK(MustSearch(*s, french).total == 20);  // odd ids: none on twitter
  french.platforms = {"twitter"};
  CHECK(MustSearch(*s, french).total == 0);
  // Posts added after the tables were built count from their values.
  for (int64_t id = 41; id <= 44; ++id) {
    IndexedPost p = MakePost(id, "en", "gadget", k20250101 + id * kDay);
    p.post.platform = "linkedin";
    p.post.hashtags = {"five"};
    REQUIRE((*indexer)->Put(p).ok());
  }
  REQUIRE((*indexer)->Commit().ok());
  const SearchResult more = MustSearch(*s, Everything("gadget"));
  CHECK(more.total == 44);
  CHECK(FacetCountOf(more, "platform", "linkedin") == 4);
  CHECK(FacetCountOf(more, "platform", "twitter") == 10);
  CHECK(FacetCountOf(more, "tag", "five") == 12);
  CHECK(Ids(MustSearch(*s, newest)) == std::vector<int64_t>{44, 43, 42, 41, 40});
  SearchRequest one = Everything("gadget");
  one.platforms = {"twitter"};
  CHECK(FacetCountOf(MustSearch(*s, one), "tag", "five") == 2);  // ids 20 and 40
}

TEST_CASE("histogram buckets follow the span of the matched dates", "[index]") {
  testing::TempDir dir;
  const IndexConfig config = testing::LocalConfig(dir.path());
  std::vector<IndexedPost> posts;
  int64_t id = 1;
  // Days 0, 0, 2 and 5 of January 2025 (a 6-day span): daily buckets.
  for (int64_t d : {0, 0, 2, 5}) posts.push_back(MakePost(id++, "en", "daily alpha", k20250101 + d * kDay + 3600));
  // 2025-01-01 .. 2025-04-10 (100 days): weekly buckets starting on Mondays.
  for (int64_t d : {0, 6, 7, 99}) posts.push_back(MakePost(id++, "en", "weekly beta", k20250101 + d * kDay));
  // 2025-01-15 .. 2026-03-20: monthly.
  for (int64_t d : {14, 45, 443}) posts.push_back(MakePost(id++, "en", "monthly gamma", k20250101 + d * kDay));
  // 2001 .. 2025: yearly.
  posts.push_back(MakePost(id++, "en", "yearly delta", 978307200));  // 2001-01-01
  posts.push_back(MakePost(id++, "en", "yearly delta", k20250101 + 200 * kDay));
  testing::IndexAll(config, posts);
  std::unique_ptr<Searcher> s = testing::OpenSearcher(config);

  SearchResult day = MustSearch(*s, Everything("alpha"));
  CHECK(day.histogram_interval == "day");
  REQUIRE(day.histogram.size() == 6);  // contiguous: empty days are there with 0
  CHECK(day.histogram[0].start == k20250101);
  CHECK(day.histogram[0].count == 2);
  CHECK(day.histogram[1].count == 0);
  CHECK(day.histogram[2].count == 1);
  CHECK(day.histogram[5].start == k20250101 + 5 * kDay);
  CHECK(day.histogram[5].count == 1);

  SearchResult week = MustSearch(*s, Everything("beta"));
  CHECK(week.histogram_interval == "week");
  REQUIRE_FALSE(week.histogram.empty());
  CHECK(week.histogram[0].start == k20250101 - 2 * kDay);  // Monday 2024-12-30
  CHECK(week.histogram[0].count == 1);                     // Jan 1
  CHECK(week.histogram[1].count == 2);                     // Jan 7 (Tue) and Jan 8
  CHECK(week.histogram.back().start == k20250101 + 96 * kDay);  // Monday 2025-04-07
  CHECK(week.histogram.size() == 15);

  SearchResult month = MustSearch(*s, Everything("gamma"));
  CHECK(month.histogram_interval == "month");
  REQUIRE(month.histogram.size() == 15);  // 2025-01 .. 2026-03
  CHECK(month.histogram[0].start == k20250101);
  CHECK(month.histogram[0].count == 1);
  CHECK(month.histogram[1].start == k20250101 + 31 * kDay);  // 2025-02-01
  CHECK(month.histogram[1].count == 1);
  CHECK(month.histogram[14].start == 1772323200);  // 2026-03-01
  CHECK(month.histogram[14].count == 1);

  SearchResult year = MustSearch(*s, Everything("delta"));
  CHECK(year.histogram_interval == "year");
  REQUIRE(year.histogram.size() == 25);
  CHECK(year.histogram[0].start == 978307200);
  CHECK(year.histogram[24].start == k20250101);
  CHECK(year.histogram[24].count == 1);
}

TEST_CASE_METHOD(CorpusFixture, "snippets: HTML-escaped, matches marked, accents kept", "[index]") {
  SearchResult res = Find(Everything("security"));
  REQUIRE(res.results.size() == 1);
  const std::string& s = res.results[0].snippet;
  CHECK(s.find("<script>") == std::string::npos);
  CHECK(s.find("&lt;script&gt;") != std::string::npos);
  CHECK(s.find("&amp; advice") != std::string::npos);
  CHECK(s.find("<mark>security</mark>") != std::string::npos);

  res = Find(Everything("reseaux eric"));
  REQUIRE(res.results.size() == 1);
  CHECK(res.results[0].snippet.find("<mark>réseau</mark>") != std::string::npos);
  CHECK(res.results[0].snippet.find("<mark>d&#39;Éric</mark>") != std::string::npos);

  res = Find(Everything("netw*"));
  for (const SearchHit& h : res.results) CHECK(h.snippet.find("<mark>netw") != std::string::npos);

  // No text query: the start of the text, nothing marked.
  SearchRequest r = Everything();
  r.sort = SearchRequest::Sort::kDate;
  r.limit = 1;
  res = Find(r);
  REQUIRE(res.results.size() == 1);
  CHECK(res.results[0].snippet == "Das Netzwerk wächst schnell");
  CHECK(res.results[0].score == 0);
}

TEST_CASE("snippets of long texts keep the window with the most matches", "[index]") {
  testing::TempDir dir;
  const IndexConfig config = testing::LocalConfig(dir.path());
  std::string text;
  for (int i = 0; i < 40; ++i) text += "filler words here. ";
  text += "Xapian shards and Xapian snippets with Xapian. ";
  for (int i = 0; i < 40; ++i) text += "more filler text. ";
  testing::IndexAll(config, {MakePost(1, "en", text)});
  std::unique_ptr<Searcher> s = testing::OpenSearcher(config);
  SearchResult res = MustSearch(*s, Everything("xapian"));
  REQUIRE(res.results.size() == 1);
  const std::string& snippet = res.results[0].snippet;
  CHECK(snippet.size() < 400);
  CHECK(snippet.rfind("\xE2\x80\xA6", 0) == 0);  // starts with an ellipsis
  size_t marks = 0;
  for (size_t at = snippet.find("<mark>"); at != std::string::npos; at = snippet.find("<mark>", at + 1)) ++marks;
  CHECK(marks == 3);
}

TEST_CASE_METHOD(CorpusFixture, "a misspelt word gets a suggestion", "[index]") {
  SearchResult res = Find(Everything("netwrk"));
  CHECK(res.total == 0);
  CHECK(res.suggestion == "network");
  res = Find(Everything("partenaries OR fox"));
  CHECK(res.suggestion == "partenaires OR fox");
  CHECK(Find(Everything("network")).suggestion.empty());
  SearchRequest r = Everything("netwrk");
  r.suggestion = false;
  CHECK(Find(r).suggestion.empty());
}

// Issue 13: "facture" (142 matches) was offered "Did you mean factura": the
// word itself may be in no post while its stem is ("factures",
// "facturation"). A word that finds posts is kept, and the rule is per word.
TEST_CASE("a word that finds posts through its stems gets no suggestion", "[index]") {
  testing::TempDir dir;
  IndexConfig config = testing::LocalConfig(dir.path(), 1);
  std::vector<IndexedPost> posts;
  for (int i = 1; i <= 30; ++i) {
    posts.push_back(MakePost(i, "fr", i % 2 ? "Nos factures arrivent en retard" : "La facturation double le montant",
                             k20250101 + i * kDay));
  }
  for (int i = 31; i <= 40; ++i) {
    posts.push_back(MakePost(i, "es", "La factura llega tarde al cliente", k20250101 + i * kDay));
  }
  posts.push_back(MakePost(41, "en", "Our network is growing", k20250101 + 41 * kDay));
  testing::IndexAll(config, posts);
  std::unique_ptr<Searcher> searcher = testing::OpenSearcher(config);

  SearchResult res = MustSearch(*searcher, Everything("facture"));
  CHECK(res.total == 30);  // the word itself is in no post; its stem is
  CHECK(res.suggestion.empty());
  CHECK(MustSearch(*searcher, Everything("Facturé")).suggestion.empty());
  // Per word: the misspelt one is corrected, the one with matches is kept.
  CHECK(MustSearch(*searcher, Everything("facture netwrk")).suggestion == "facture network");
  CHECK(MustSearch(*searcher, Everything("netwrk facture")).suggestion == "network facture");
  // A word with no match at all, in any form, still gets one.
  CHECK(MustSearch(*searcher, Everything("factuxa")).suggestion == "factura");
}

// Issue 14: a viewer who may not see a community's posts was offered "did
// you mean" words found only in them. The spelling data is one list for
// every post: a word is kept, or offered, only when it finds a visible post.
TEST_CASE("spelling suggestions come only from posts the viewer may see", "[index][security]") {
  testing::TempDir dir;
  IndexConfig config = testing::LocalConfig(dir.path(), 1);
  std::vector<IndexedPost> posts;
  for (int i = 1; i <= 10; ++i) posts.push_back(MakePost(i, "en", "Our network is growing"));
  posts.push_back(MakePost(11, "en", "The zephyrine roadmap stays between partners"));
  posts.back().visibility = "community";
  posts.back().community = "partners";
  posts.push_back(MakePost(12, "en", "The quarterly kestrelium forecast is internal"));
  posts.back().visibility = "internal";
  testing::IndexAll(config, posts);
  std::unique_ptr<Searcher> searcher = testing::OpenSearcher(config);
  const auto as = [](const std::string& q, Viewer viewer) {
    SearchRequest r;
    r.q = q;
    r.viewer = std::move(viewer);
    return r;
  };
  Viewer outsider;  // public posts only
  Viewer staff;
  staff.internal = true;
  Viewer partner;
  partner.communities = {"partners"};

  // Who may see the posts is offered their words...
  CHECK(MustSearch(*searcher, Everything("zephyrne")).suggestion == "zephyrine");
  CHECK(MustSearch(*searcher, as("zephyrne", partner)).suggestion == "zephyrine");
  CHECK(MustSearch(*searcher, as("kestrelum", staff)).suggestion == "kestrelium");
  // ...nobody else, alone or beside a word that is corrected.
  for (const Viewer& v : {outsider, staff}) {
    SearchResult r = MustSearch(*searcher, as("zephyrne", v));
    CHECK(r.total == 0);
    CHECK(r.suggestion.find("zephyrine") == std::string::npos);
    CHECK(MustSearch(*searcher, as("netwrk zephyrne", v)).suggestion == "network zephyrne");
  }
  for (const Viewer& v : {outsider, partner}) {
    CHECK(MustSearch(*searcher, as("kestrelum", v)).suggestion.find("kestrelium") == std::string::npos);
  }
  // A word found in hidden posts only is no proof of anything: it is
  // treated as absent (a visible correction, when there is one, is offered).
  CHECK(MustSearch(*searcher, as("zephyrine", outsider)).suggestion.find("zephyrine") == std::string::npos);
  CHECK(MustSearch(*searcher, as("network", outsider)).suggestion.empty());
}

TEST_CASE_METHOD(CorpusFixture, "a query Xapian cannot read is InvalidArgument on q", "[index]") {
  for (const char* q : {"\"unclosed phrase", "(network OR fox", "network)"}) {
    Result<SearchResult> r = searcher_->Search(Everything(q));
    INFO(q);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
    CHECK(r.status().field() == "q");
  }
  Result<SearchResult> r = searcher_->Search(Everything("\"unclosed"));
  CHECK(r.status().message().find("quote") != std::string::npos);
}

// Found by fuzz_query (tests/data/fuzz-regressions/query/): a word beside
// NEAR/ADJ with a lone sign between them ("a ADJ - l") was rewritten into
// the stems field, Xapian threw UnimplementedError (and leaked), and the
// search answered an internal index error (HTTP 500). Such words now stay
// plain terms; whatever Xapian still cannot build is InvalidArgument on q.
TEST_CASE_METHOD(CorpusFixture, "NEAR or ADJ beside a lone sign is read, never an index error",
                 "[index]") {
  for (const char* q : {"a ADJ - l", "network NEAR - fox", "fox ADJ/2 + network", "network ( NEAR fox",
                        "c NEAR : f"}) {
    Result<SearchResult> r = searcher_->Search(Everything(q));
    INFO(q << " -> " << r.status().ToString());
    CHECK((r.ok() || (r.status().code() == Status::Code::kInvalidArgument && r.status().field() == "q")));
  }
  CHECK(searcher_->Search(Everything("a ADJ - l")).ok());
  CHECK(searcher_->Search(Everything("network NEAR - fox")).ok());
  CHECK(searcher_->Search(Everything("c NEAR : f")).ok());
  // A signed word beside NEAR/ADJ: refused with the fix, before Xapian.
  for (const char* q : {"-r ADJ a", "network NEAR +fox", "network NEAR : -fox"}) {
    Result<SearchResult> r = searcher_->Search(Everything(q));
    INFO(q << " -> " << r.status().ToString());
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
    CHECK(r.status().message().find("NEAR and ADJ join plain words only") != std::string::npos);
  }
  CHECK(searcher_->Search(Everything("network NEAR fox")).ok());
}

TEST_CASE("more like this: similar posts, not the post itself, visibility applies", "[index]") {
  testing::TempDir dir;
  const IndexConfig config = testing::LocalConfig(dir.path());
  std::vector<IndexedPost> posts = {
      MakePost(1, "en", "Xapian sharding spreads the search index over several machines"),
      MakePost(2, "en", "Sharding the Xapian index over machines makes search scale"),
      MakePost(3, "en", "A recipe for chocolate cake with strawberries"),
      MakePost(4, "en", "Xapian search index sharding across remote machines, internal notes"),
  };
  posts[3].visibility = "internal";
  // Unrelated posts, so that the shared words are rare enough to weigh.
  for (int64_t id = 10; id < 20; ++id) {
    posts.push_back(MakePost(id, "en", "Gardening notes about tomatoes, roses and the weather"));
  }
  testing::IndexAll(config, posts);
  std::unique_ptr<Searcher> s = testing::OpenSearcher(config);

  SearchRequest r = Everything();
  r.more_like = 1;
  SearchResult res = MustSearch(*s, r);
  CHECK(IdSet(res) == std::set<int64_t>{2, 4});
  r.viewer = Viewer();  // public only: post 4 is hidden
  CHECK(IdSet(MustSearch(*s, r)) == std::set<int64_t>{2});
  r.more_like = 4;  // not visible to this viewer
  Result<SearchResult> hidden = s->Search(r);
  CHECK(hidden.status().code() == Status::Code::kNotFound);
  r.more_like = 99;
  CHECK(s->Search(r).status().code() == Status::Code::kNotFound);
}

}  // namespace
}  // namespace scrm::index

namespace scrm::index {
namespace {

// search.time_budget_ms: a spent budget stops the search where it is and
// says so; an open one changes nothing.
TEST_CASE_METHOD(CorpusFixture, "a search past its deadline stops and says its budget is spent",
                 "[index]") {
  SearchRequest open = Everything("netwrk");
  open.deadline = std::chrono::steady_clock::now() + std::chrono::hours(1);
  SearchResult in_time = Find(open);
  CHECK_FALSE(in_time.time_budget_spent);
  CHECK(in_time.suggestion == "network");

  SearchRequest late = Everything("net*");
  late.deadline = std::chrono::steady_clock::now() - std::chrono::milliseconds(1);
  SearchResult spent = Find(late);
  CHECK(spent.time_budget_spent);
  CHECK(spent.results.empty());
  CHECK(spent.suggestion.empty());
  CHECK(IdSet(Find(Everything("net*"))) == Set{2, 3, 7});  // no deadline: all of it
}

}  // namespace
}  // namespace scrm::index
