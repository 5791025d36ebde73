// Writing the index: replace by id, removals, shards (local and a real
// remote xapian-tcpsrv), the recorded layout, the write lock, and a
// Searcher that finds shards created after it opened.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "index/index.h"
#include "index/indexer.h"
#include "index_test_util.h"

extern char** environ;

namespace scrm::index {
namespace {

using testing::Everything;
using testing::IdSet;
using testing::Ids;
using testing::k20250101;
using testing::kDay;
using testing::MakePost;
using testing::MustSearch;
using Set = std::set<int64_t>;

std::vector<IndexedPost> Numbered(int n) {
  static const char* const kTexts[] = {
      "Le réseau des partenaires grandit", "Our network of partners grows",
      "Sécurité des données clients",      "Customer data security matters",
      "Les ventes du trimestre",           "Quarterly sales are up",
  };
  std::vector<IndexedPost> posts;
  for (int i = 1; i <= n; ++i) {
    const int k = (i - 1) % 6;
    IndexedPost p = MakePost(i, k % 2 == 0 ? "fr" : "en",
                             std::string(kTexts[k]) + " numéro " + std::to_string(i),
                             k20250101 + (i % 40) * kDay);
    p.post.hashtags = {k < 2 ? "réseau" : k < 4 ? "sécurité" : "ventes"};
    p.post.platform = i % 3 == 0 ? "twitter" : "mastodon";
    if (i % 4 == 0) p.accounts = {"acc" + std::to_string(i % 3)};
    posts.push_back(p);
  }
  return posts;
}

std::string FacetsText(const SearchResult& r) {
  std::string out;
  for (const auto& [name, counts] : r.facets) {
    out += name + ":";
    for (const FacetCount& c : counts) out += " " + c.value + "=" + std::to_string(c.count);
    out += "\n";
  }
  return out;
}

TEST_CASE("re-Put replaces the post, Remove and RemoveAllExcept delete", "[index]") {
  testing::TempDir dir;
  const IndexConfig config = testing::LocalConfig(dir.path());
  Result<std::unique_ptr<Indexer>> opened = Indexer::Open(config);
  REQUIRE(opened.ok());
  Indexer& indexer = **opened;
  std::unique_ptr<Searcher> searcher = testing::OpenSearcher(config);

  REQUIRE(indexer.Put(MakePost(1, "en", "first version about apples")).ok());
  REQUIRE(indexer.Put(MakePost(2, "en", "bananas")).ok());
  REQUIRE(indexer.Commit().ok());
  CHECK(IdSet(MustSearch(*searcher, Everything("apples"))) == Set{1});

  REQUIRE(indexer.Put(MakePost(1, "en", "second version about oranges")).ok());
  REQUIRE(indexer.Commit().ok());
  CHECK(*indexer.DocCount() == 2);
  CHECK(*searcher->DocCount() == 2);
  CHECK(MustSearch(*searcher, Everything("apples")).total == 0);
  CHECK(IdSet(MustSearch(*searcher, Everything("oranges"))) == Set{1});

  REQUIRE(indexer.Remove(2).ok());
  REQUIRE(indexer.Remove(12345).ok());  // absent: fine
  REQUIRE(indexer.Commit().ok());
  CHECK(MustSearch(*searcher, Everything("bananas")).total == 0);
  CHECK(*searcher->DocCount() == 1);

  for (int64_t id = 10; id < 20; ++id) REQUIRE(indexer.Put(MakePost(id, "en", "filler")).ok());
  REQUIRE(indexer.Commit().ok());
  Result<int64_t> removed = indexer.RemoveAllExcept({1, 11, 15});
  REQUIRE(removed.ok());
  CHECK(*removed == 8);
  REQUIRE(indexer.Commit().ok());
  SearchRequest all = Everything();
  CHECK(IdSet(MustSearch(*searcher, all)) == Set{1, 11, 15});
  REQUIRE(indexer.SetMetadata("reindex.finished_at", "2025-01-01T00:00:00Z").ok());
  REQUIRE(indexer.Commit().ok());
}

// The same matches, facets and scores (same statistics: the same scores).
void CheckSameAnswer(Searcher& one, Searcher& other, const SearchRequest& r) {
  SearchResult a = MustSearch(one, r);
  SearchResult b = MustSearch(other, r);
  CHECK(a.total == b.total);
  CHECK(IdSet(a) == IdSet(b));
  CHECK(FacetsText(a) == FacetsText(b));
  std::map<int64_t, double> scores;
  for (const SearchHit& h : a.results) scores[h.id] = h.score;
  for (const SearchHit& h : b.results) CHECK(h.score == Approx(scores[h.id]));
}

TEST_CASE("two local shards give the same results as one", "[index]") {
  testing::TempDir one_dir, two_dir;
  const IndexConfig one = testing::LocalConfig(one_dir.path(), 1);
  const IndexConfig two = testing::LocalConfig(two_dir.path(), 2);
  const std::vector<IndexedPost> posts = Numbered(120);
  testing::IndexAll(one, posts);
  testing::IndexAll(two, posts);
  std::unique_ptr<Searcher> s1 = testing::OpenSearcher(one);
  std::unique_ptr<Searcher> s2 = testing::OpenSearcher(two);
  CHECK(*s1->DocCount() == 120);
  CHECK(*s2->DocCount() == 120);

  for (const char* q : {"", "reseau", "network", "securite OR sales", "\"customer data\"", "#ventes",
                        "platform:twitter partenaires", "numero"}) {
    INFO(q);
    SearchRequest r = Everything(q);
    r.limit = 200;
    CheckSameAnswer(*s1, *s2, r);
    SearchResult a = MustSearch(*s1, r);
    SearchResult b = MustSearch(*s2, r);
    CHECK(a.histogram_interval == b.histogram_interval);
    REQUIRE(a.histogram.size() == b.histogram.size());
    for (size_t i = 0; i < a.histogram.size(); ++i) {
      CHECK(a.histogram[i].start == b.histogram[i].start);
      CHECK(a.histogram[i].count == b.histogram[i].count);
    }
    r.sort = SearchRequest::Sort::kDate;
    r.limit = 10;
    std::vector<int64_t> da = Ids(MustSearch(*s1, r)), db = Ids(MustSearch(*s2, r));
    // Newest first in both (ties on the date may come in any order).
    std::vector<int64_t> dates_a, dates_b;
    for (int64_t id : da) dates_a.push_back(posts[static_cast<size_t>(id - 1)].post.published);
    for (int64_t id : db) dates_b.push_back(posts[static_cast<size_t>(id - 1)].post.published);
    CHECK(dates_a == dates_b);
  }
  // Both shards were written.
  CHECK(std::filesystem::exists(two_dir.sub("shard-0/iamglass")));
  CHECK(std::filesystem::exists(two_dir.sub("shard-1/iamglass")));
}

// A search split over two lanes (ranges of ids, each ranked and counted in
// one pass, on its own thread) and their pages merged and counts added. The
// answer is the one database's: the same page in the same order with the
// same scores, totals exact up to the sample even when one range holds more
// than its share of it, the same facets then, and a sample of the same size
// past it. Over two shards here; over one shard in the next test.
TEST_CASE("two local shards searched in parallel answer as one database", "[index]") {
  testing::TempDir one_dir, two_dir;
  IndexConfig one = testing::LocalConfig(one_dir.path(), 1);
  IndexConfig two = testing::LocalConfig(two_dir.path(), 2);
  one.facet_sample = two.facet_sample = 60;
  one.split_counting_at = 1 << 30;  // one pass
  two.split_counting_at = 0;        // every ranked query split
  two.rank_ranges_at = 0;           // and its ranges ranked
  two.search_lanes = 2;
  const std::vector<IndexedPost> posts = Numbered(300);
  testing::IndexAll(one, posts);
  testing::IndexAll(two, posts);
  std::unique_ptr<Searcher> s1 = testing::OpenSearcher(one);
  std::unique_ptr<Searcher> s2 = testing::OpenSearcher(two);

  // "network": the 50 posts of the second text, all of even id (shard 0),
  // 26 of them in the first half of the ids: more than that range's half of
  // the sample of 60 (30) in one shard, fewer than the sample.
  for (const char* q : {"network", "reseau", "numero", "partners OR sales", "#ventes", ""}) {
    INFO(q);
    for (int offset : {0, 7}) {
      SearchRequest r = Everything(q);
      r.offset = offset;
      r.limit = 10;
      const SearchResult a = MustSearch(*s1, r);
      const SearchResult b = MustSearch(*s2, r);
      CHECK(a.facets_sampled == b.facets_sampled);
      if (a.total_exact && a.total <= 60) {  // what one database promises
        CHECK(b.total_exact);
        CHECK(a.total == b.total);
        CHECK(a.facets_exact == b.facets_exact);
        CHECK(FacetsText(a) == FacetsText(b));
      }
      if (*q == '\0') continue;  // newest first: posts of one date may come in any order
      CHECK(Ids(a) == Ids(b));
      for (size_t i = 0; i < a.results.size() && i < b.results.size(); ++i) {
        CHECK(a.results[i].score == Approx(b.results[i].score));
      }
    }
  }
  SearchResult network = MustSearch(*s2, Everything("network"));
  CHECK(network.total == 50);
  CHECK(network.total_exact);
  CHECK(network.facets_exact);
  CHECK(testing::FacetCountOf(network, "platform", "mastodon") +
            testing::FacetCountOf(network, "platform", "twitter") ==
        50);
  // Past the sample: 60 posts counted in all, not 60 per shard; the total
  // an estimate close to the truth (300).
  SearchResult numero = MustSearch(*s2, Everything("numero"));
  CHECK(numero.facets_sampled == 60);
  CHECK_FALSE(numero.facets_exact);
  CHECK(numero.total >= 270);
  CHECK(numero.total <= 330);
}

// One shard is split too: its two halves of ids are searched on two lanes.
// The same index searched in one pass and split: the same answers, ties in
// weight (every post of one text weighs the same) in the same order.
TEST_CASE("one shard searched on two lanes answers as one pass", "[index]") {
  testing::TempDir dir;
  IndexConfig plain = testing::LocalConfig(dir.path(), 1);
  plain.facet_sample = 60;
  plain.split_counting_at = 1 << 30;
  IndexConfig split = plain;  // the ranges ranked too
  split.split_counting_at = 0;
  split.rank_ranges_at = 0;
  split.search_lanes = 2;
  IndexConfig counted = split;  // the ranges counted, the page ranked over the index
  counted.rank_ranges_at = 1 << 30;
  std::vector<IndexedPost> posts = Numbered(301);
  posts[10].post.text = "partners partners partners and sales";  // weighs more than the rest
  // "alpha": 45 posts, all in the first half of the ids: more than that
  // range's half of the sample (30), fewer than the sample.
  for (size_t i = 0; i < 45; ++i) posts[i].post.text += " alpha";
  testing::IndexAll(plain, posts);
  std::unique_ptr<Searcher> s1 = testing::OpenSearcher(plain);
  std::unique_ptr<Searcher> s2 = testing::OpenSearcher(split);
  std::unique_ptr<Searcher> s3 = testing::OpenSearcher(counted);
  for (const char* q : {"partners", "alpha", "reseau", "numero", "partners OR sales", "security data", "absent"}) {
    for (int offset : {0, 45, 400}) for (Searcher* other : {s2.get(), s3.get()}) {
      INFO(q << " offset " << offset << (other == s2.get() ? " ranked ranges" : " counted ranges"));
      SearchRequest r = Everything(q);
      r.offset = offset;
      r.limit = 12;
      const SearchResult a = MustSearch(*s1, r);
      const SearchResult b = MustSearch(*other, r);
      CHECK(Ids(a) == Ids(b));
      for (size_t i = 0; i < a.results.size() && i < b.results.size(); ++i) {
        CHECK(a.results[i].score == Approx(b.results[i].score));
      }
      CHECK(a.facets_sampled == b.facets_sampled);
      if (a.total_exact && a.total <= 60) {
        CHECK(b.total_exact);
        CHECK(a.total == b.total);
        CHECK(FacetsText(a) == FacetsText(b));
      }
    }
  }
  const SearchResult partners = MustSearch(*s2, Everything("partners"));
  REQUIRE_FALSE(partners.results.empty());
  CHECK(partners.results[0].id == 11);
  CHECK(partners.total == 51);
  CHECK(partners.total_exact);
  // Past the sample, the total is an estimate: what the ranges counted
  // scaled to their whole span of ids, close to the truth (301).
  for (Searcher* other : {s2.get(), s3.get()}) {
    const SearchResult numero = MustSearch(*other, Everything("numero"));
    CHECK_FALSE(numero.total_exact);
    CHECK(numero.total >= 270);
    CHECK(numero.total <= 330);
  }
  const SearchResult alpha = MustSearch(*s2, Everything("alpha"));
  CHECK(alpha.total == 45);
  CHECK(alpha.total_exact);
  CHECK(alpha.facets_exact);
  CHECK(testing::FacetCountOf(alpha, "platform", "mastodon") + testing::FacetCountOf(alpha, "platform", "twitter") == 45);
}

// A staged rebuild with small runs, so that several runs are merged.
std::unique_ptr<Indexer> OpenStaged(const IndexConfig& config, size_t run_docs) {
  internal::IndexerOptions options;
  options.staged = true;
  options.no_sync = true;
  options.run_docs = run_docs;
  Result<std::unique_ptr<Indexer>> opened = internal::OpenIndexer(config, options, false);
  REQUIRE(opened.ok());
  return std::move(*opened);
}

ino_t Inode(const std::string& path) {
  struct stat st {};
  REQUIRE(stat(path.c_str(), &st) == 0);
  return st.st_ino;
}

bool HasRebuildLeftovers(const std::string& dir) {
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string().find(".rebuild") != std::string::npos) return true;
  }
  return false;
}

// An append (a large ingest into shards that have posts): the new posts go
// to runs merged with each shard at the commit; until then searchers see
// the shards as they were; then the index answers as one built post by
// post. A post out of order (an older one changed) ends the staging and
// goes to the shard as usual.
TEST_CASE("an append builds the new posts apart and merges them with the shards", "[index]") {
  testing::TempDir dir, plain_dir;
  const IndexConfig config = testing::LocalConfig(dir.path(), 2);
  const IndexConfig plain = testing::LocalConfig(plain_dir.path(), 2);
  std::vector<IndexedPost> posts = Numbered(400);
  testing::IndexAll(config, std::vector<IndexedPost>(posts.begin(), posts.begin() + 150));
  std::unique_ptr<Searcher> searcher = testing::OpenSearcher(config);
  REQUIRE(*searcher->DocCount() == 150);
  const ino_t shard0 = Inode(dir.sub("shard-0")), shard1 = Inode(dir.sub("shard-1"));

  internal::IndexerOptions options;
  options.staged = true;
  options.append = true;
  options.no_sync = true;
  options.run_docs = 23;  // 125 posts a shard: 6 runs each
  {
    Result<std::unique_ptr<Indexer>> append = internal::OpenIndexer(config, options, false);
    REQUIRE(append.ok());
    for (size_t i = 150; i < 400; ++i) REQUIRE((*append)->Put(posts[i]).ok());
    CHECK(*searcher->DocCount() == 150);  // not merged yet
    REQUIRE((*append)->Commit().ok());
  }
  // Merged into new shards that took the old ones' place.
  CHECK(Inode(dir.sub("shard-0")) != shard0);
  CHECK(Inode(dir.sub("shard-1")) != shard1);
  CHECK(*searcher->DocCount() == 400);
  CHECK_FALSE(HasRebuildLeftovers(dir.path()));

  // Out of order: post 7 changed between new ones.
  posts.push_back(MakePost(401, "en", "Our network of partners grows again"));
  posts[6].post.text = "Changed text about a warehouse";
  posts.push_back(MakePost(402, "en", "Quarterly sales are up again"));
  {
    Result<std::unique_ptr<Indexer>> append = internal::OpenIndexer(config, options, false);
    REQUIRE(append.ok());
    REQUIRE((*append)->Put(posts[400]).ok());
    REQUIRE((*append)->Put(posts[6]).ok());
    REQUIRE((*append)->Put(posts[401]).ok());
    REQUIRE((*append)->Commit().ok());
  }
  CHECK_FALSE(HasRebuildLeftovers(dir.path()));
  testing::IndexAll(plain, posts);
  std::unique_ptr<Searcher> reference = testing::OpenSearcher(plain);
  CHECK(*searcher->DocCount() == 402);
  for (const char* q : {"network", "reseau", "numero", "partners OR sales", "warehouse", "again", ""}) {
    INFO(q);
    const SearchResult a = MustSearch(*reference, Everything(q));
    const SearchResult b = MustSearch(*searcher, Everything(q));
    CHECK(a.total == b.total);
    CHECK(FacetsText(a) == FacetsText(b));
    if (*q != '\0') CHECK(Ids(a) == Ids(b));
  }
  CHECK(IdSet(MustSearch(*searcher, Everything("warehouse"))) == std::set<int64_t>{7});
}

TEST_CASE("a staged rebuild merges its runs and swaps the new shards in", "[index]") {
  testing::TempDir dir, plain_dir;
  const IndexConfig config = testing::LocalConfig(dir.path(), 2);
  const IndexConfig plain = testing::LocalConfig(plain_dir.path(), 2);
  const std::vector<IndexedPost> posts = Numbered(230);
  testing::IndexAll(plain, posts);

  // The index before: posts 1-100 with other words, and a post since deleted.
  std::vector<IndexedPost> before = Numbered(100);
  for (IndexedPost& p : before) p.post.text = "ancienne version " + std::to_string(p.id);
  before.push_back(MakePost(500, "en", "obsolete post gone from the database"));
  testing::IndexAll(config, before);
  std::unique_ptr<Searcher> searcher = testing::OpenSearcher(config);
  CHECK(*searcher->DocCount() == 101);

  std::unique_ptr<Indexer> rebuild = OpenStaged(config, 17);  // 115 posts a shard: 7 runs each
  std::vector<int64_t> ids;
  for (const IndexedPost& p : posts) {
    REQUIRE(rebuild->Put(p).ok());
    ids.push_back(p.id);
  }
  // Until the runs are merged, searchers see the old shards.
  CHECK(*searcher->DocCount() == 101);
  CHECK(MustSearch(*searcher, Everything("obsolete")).total == 1);

  Result<int64_t> removed = rebuild->RemoveAllExcept(ids);
  REQUIRE(removed.ok());
  CHECK(*removed == 0);  // the new shards hold only what was Put
  REQUIRE(rebuild->SetMetadata("reindex.finished_at", "1").ok());
  REQUIRE(rebuild->Commit().ok());
  CHECK(*rebuild->DocCount() == 230);
  CHECK_FALSE(HasRebuildLeftovers(dir.path()));

  // The searcher opened before sees the new shards: the same results,
  // facets and scores as an index written post by post.
  std::unique_ptr<Searcher> reference = testing::OpenSearcher(plain);
  CHECK(*searcher->DocCount() == 230);
  CHECK(MustSearch(*searcher, Everything("obsolete")).total == 0);
  CHECK(MustSearch(*searcher, Everything("ancienne")).total == 0);
  for (const char* q : {"", "reseau", "network", "\"customer data\"", "#ventes", "platform:twitter partenaires"}) {
    INFO(q);
    SearchRequest r = Everything(q);
    r.limit = 300;
    CheckSameAnswer(*searcher, *reference, r);
  }
  // Spelling data came through the merge.
  CHECK(MustSearch(*searcher, Everything("partenaire")).suggestion ==
        MustSearch(*reference, Everything("partenaire")).suggestion);

  // The writer goes on with the new shards; an ordinary writer opens them.
  REQUIRE(rebuild->Put(MakePost(231, "en", "written after the swap")).ok());
  REQUIRE(rebuild->Commit().ok());
  rebuild.reset();
  Result<std::unique_ptr<Indexer>> again = Indexer::Open(config);
  REQUIRE(again.ok());
  CHECK(*(*again)->DocCount() == 231);
}

TEST_CASE("a staged rebuild: a Put out of id order, a rebuild dropped, an empty one", "[index]") {
  testing::TempDir dir;
  const IndexConfig config = testing::LocalConfig(dir.path(), 1);
  testing::IndexAll(config, Numbered(40));
  std::unique_ptr<Searcher> searcher = testing::OpenSearcher(config);

  SECTION("a Put out of order ends the staging; the rest goes to the new shard") {
    std::unique_ptr<Indexer> rebuild = OpenStaged(config, 8);
    for (const IndexedPost& p : Numbered(30)) REQUIRE(rebuild->Put(p).ok());
    REQUIRE(rebuild->Put(MakePost(10, "en", "rewritten tangerine")).ok());
    REQUIRE(rebuild->Put(MakePost(35, "en", "late arrival")).ok());
    REQUIRE(rebuild->Commit().ok());
    CHECK(*searcher->DocCount() == 31);
    CHECK(IdSet(MustSearch(*searcher, Everything("tangerine"))) == Set{10});
    CHECK(IdSet(MustSearch(*searcher, Everything("arrival"))) == Set{35});
  }
  SECTION("dropped before its Commit: the old shard stays, the runs go") {
    std::unique_ptr<Indexer> rebuild = OpenStaged(config, 8);
    for (int64_t id = 1; id <= 20; ++id) REQUIRE(rebuild->Put(MakePost(id, "en", "never shown")).ok());
    rebuild.reset();
    CHECK_FALSE(HasRebuildLeftovers(dir.path()));
    CHECK(*searcher->DocCount() == 40);
    CHECK(MustSearch(*searcher, Everything("never shown")).total == 0);
  }
  SECTION("nothing Put: RemoveAllExcept empties the old shard") {
    std::unique_ptr<Indexer> rebuild = OpenStaged(config, 8);
    Result<int64_t> removed = rebuild->RemoveAllExcept({});
    REQUIRE(removed.ok());
    CHECK(*removed == 40);
    REQUIRE(rebuild->Commit().ok());
    CHECK(*searcher->DocCount() == 0);
  }
}

TEST_CASE("a changed layout is refused until the index is rebuilt", "[index]") {
  testing::TempDir dir;
  testing::IndexAll(testing::LocalConfig(dir.path(), 1), Numbered(10));

  const IndexConfig two = testing::LocalConfig(dir.path(), 2);
  Result<std::unique_ptr<Indexer>> indexer = Indexer::Open(two);
  REQUIRE_FALSE(indexer.ok());
  CHECK(indexer.status().code() == Status::Code::kFailedPrecondition);
  CHECK(indexer.status().message().find("scrm reindex") != std::string::npos);
  CHECK(indexer.status().message().find("shard 0 of 1") != std::string::npos);

  Result<std::unique_ptr<Searcher>> searcher = Searcher::Open(two);
  REQUIRE_FALSE(searcher.ok());
  CHECK(searcher.status().code() == Status::Code::kFailedPrecondition);
  CHECK(searcher.status().message().find("scrm reindex") != std::string::npos);

  // OpenEmpty starts over with the new layout.
  Result<std::unique_ptr<Indexer>> rebuilt = Indexer::OpenEmpty(two);
  REQUIRE(rebuilt.ok());
  CHECK(*(*rebuilt)->DocCount() == 0);
  for (const IndexedPost& p : Numbered(10)) REQUIRE((*rebuilt)->Put(p).ok());
  REQUIRE((*rebuilt)->Commit().ok());
  rebuilt->reset();
  std::unique_ptr<Searcher> s = testing::OpenSearcher(two);
  CHECK(MustSearch(*s, Everything()).total == 10);
}

TEST_CASE("a second Indexer on the same index is Unavailable", "[index]") {
  testing::TempDir dir;
  const IndexConfig config = testing::LocalConfig(dir.path(), 2);
  Result<std::unique_ptr<Indexer>> first = Indexer::Open(config);
  REQUIRE(first.ok());
  Result<std::unique_ptr<Indexer>> second = Indexer::Open(config);
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == Status::Code::kUnavailable);
  CHECK(second.status().message().find("index locked by another process") != std::string::npos);
  first->reset();  // the lock goes with the first
  CHECK(Indexer::Open(config).ok());
}

TEST_CASE("a missing index searches as empty, and is found once built", "[index]") {
  testing::TempDir dir;
  const IndexConfig config = testing::LocalConfig(dir.sub("not-yet"), 2);
  std::unique_ptr<Searcher> searcher = testing::OpenSearcher(config);
  SearchResult empty = MustSearch(*searcher, Everything("reseau"));
  CHECK(empty.total == 0);
  CHECK(empty.total_exact);
  CHECK(*searcher->DocCount() == 0);

  testing::IndexAll(config, Numbered(12));
  CHECK(MustSearch(*searcher, Everything()).total == 12);
  CHECK(*searcher->DocCount() == 12);
}

TEST_CASE("a bad configuration is InvalidArgument naming the key", "[index]") {
  IndexConfig none;
  none.shards = 0;
  CHECK(Indexer::Open(none).status().field() == "index.shards");
  IndexConfig bad_remote;
  bad_remote.shards = 0;
  bad_remote.remotes = {"no-port"};
  CHECK(Searcher::Open(bad_remote).status().field() == "index.remote_shards");
}

TEST_CASE("concurrent searches while the index is written", "[index]") {
  testing::TempDir dir;
  const IndexConfig config = testing::LocalConfig(dir.path(), 2);
  Result<std::unique_ptr<Indexer>> indexer = Indexer::Open(config);
  REQUIRE(indexer.ok());
  std::unique_ptr<Searcher> searcher = testing::OpenSearcher(config);
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::mutex mu;
  std::string first_failure;  // under mu
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done) {
        Result<SearchResult> r = searcher->Search(Everything("reseau OR network"));
        if (!r.ok() && ++failures == 1) {
          std::lock_guard<std::mutex> lock(mu);
          first_failure = r.status().ToString();
        }
      }
    });
  }
  const std::vector<IndexedPost> posts = Numbered(600);
  for (size_t i = 0; i < posts.size(); ++i) {
    REQUIRE((*indexer)->Put(posts[i]).ok());
    if (i % 50 == 49) REQUIRE((*indexer)->Commit().ok());
  }
  done = true;
  for (std::thread& t : readers) t.join();
  INFO("the first failed search: " << first_failure);
  CHECK(failures == 0);
  CHECK(MustSearch(*searcher, Everything()).total == 600);
}

// A pooled search reopens the shards only when a version file changed
// (Searcher: ShardVersion): each commit, however soon after the last, is
// seen by the next search, and a search between commits sees the same.
TEST_CASE("each commit is seen by the next search, however close the commits", "[index]") {
  testing::TempDir dir;
  const IndexConfig config = testing::LocalConfig(dir.path(), 2);
  Result<std::unique_ptr<Indexer>> indexer = Indexer::Open(config);
  REQUIRE(indexer.ok());
  std::unique_ptr<Searcher> searcher = testing::OpenSearcher(config);
  const std::vector<IndexedPost> posts = Numbered(60);
  int64_t network = 0;
  for (size_t i = 0; i < posts.size(); ++i) {
    REQUIRE((*indexer)->Put(posts[i]).ok());
    REQUIRE((*indexer)->Commit().ok());
    INFO("after commit " << i + 1);
    CHECK(MustSearch(*searcher, Everything()).total == static_cast<int64_t>(i + 1));
    if ((i % 6) < 2) ++network;  // Numbered: texts 0 and 1 of every 6 are about the network
    CHECK(MustSearch(*searcher, Everything("reseau OR network")).total == network);
  }
}

class TcpSrv {
 public:
  explicit TcpSrv(const std::string& dir) {
    port_ = FreePort();
    const std::string port = std::to_string(port_);
    std::vector<std::string> args = {SCRM_XAPIAN_TCPSRV, "--writable", "--quiet", "--port", port,
                                     "--interface", "127.0.0.1", dir};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // Its own process group: on SIGTERM xapian-tcpsrv kills its whole group
    // (itself and its connection children), which must not be this test.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    const std::string log = dir + ".log";
    posix_spawn_file_actions_addopen(&files, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&files, 1, 2);
    const int spawned = posix_spawn(&pid_, argv[0], &files, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attr);
    REQUIRE(spawned == 0);
    REQUIRE(pid_ > 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!Accepts()) {
      int status;
      REQUIRE(waitpid(pid_, &status, WNOHANG) == 0);  // still running
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~TcpSrv() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status;
    waitpid(pid_, &status, 0);
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  static int FreePort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    close(fd);
    return ntohs(a.sin_port);
  }
  bool Accepts() const {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port_));
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    return ok;
  }
  pid_t pid_ = -1;
  int port_ = 0;
};

TEST_CASE("a remote shard served by xapian-tcpsrv is written and searched", "[index]") {
  testing::TempDir dir;
  TcpSrv server(dir.sub("remote-shard"));
  IndexConfig config = testing::LocalConfig(dir.sub("local"), 1);
  config.remotes = {server.address()};
  const std::vector<IndexedPost> posts = Numbered(30);
  {
    Result<std::unique_ptr<Indexer>> indexer = Indexer::Open(config);
    INFO(indexer.status().ToString());
    REQUIRE(indexer.ok());
    for (const IndexedPost& p : posts) REQUIRE((*indexer)->Put(p).ok());
    REQUIRE((*indexer)->Commit().ok());
    CHECK(*(*indexer)->DocCount() == 30);

    // Searched while the writer is still connected.
    std::unique_ptr<Searcher> searcher = testing::OpenSearcher(config);
    SearchRequest r = Everything();
    r.limit = 100;
    SearchResult all = MustSearch(*searcher, r);
    CHECK(all.total == 30);
    std::set<int64_t> odd;  // shard 1 of 2: the remote one
    for (int64_t id : IdSet(all)) {
      if (id % 2 == 1) odd.insert(id);
    }
    CHECK(odd.size() == 15);
    // Facets come back through Xapian's own match spy.
    CHECK(testing::FacetCountOf(all, "platform", "twitter") == 10);
    CHECK(testing::FacetCountOf(all, "tag", "reseau") == 10);
    SearchResult found = MustSearch(*searcher, Everything("reseau numero 7"));
    CHECK(IdSet(found) == Set{7});
    CHECK(found.results[0].snippet.find("<mark>réseau</mark>") != std::string::npos);
  }
  // The remote shard records its place in the layout too.
  IndexConfig other = testing::LocalConfig(dir.sub("local"), 2);
  other.remotes = {server.address()};
  Result<std::unique_ptr<Searcher>> mismatch = Searcher::Open(other);
  CHECK(mismatch.status().code() == Status::Code::kFailedPrecondition);
}

TEST_CASE("an unreachable remote shard is Unavailable", "[index]") {
  testing::TempDir dir;
  IndexConfig config = testing::LocalConfig(dir.path(), 1);
  config.remotes = {"127.0.0.1:1"};
  config.remote_timeout_ms = 2000;
  Result<std::unique_ptr<Indexer>> indexer = Indexer::Open(config);
  CHECK(indexer.status().code() == Status::Code::kUnavailable);
  Result<std::unique_ptr<Searcher>> searcher = Searcher::Open(config);
  REQUIRE(searcher.ok());  // a remote may come back: each search tries again
  CHECK((*searcher)->Search(Everything("x")).status().code() == Status::Code::kUnavailable);
}

}  // namespace
}  // namespace scrm::index
