// Helpers of the index tests: a temporary directory per test, posts built in
// one line, requests for a viewer who sees everything.
#ifndef SCRM_TESTS_INDEX_INDEX_TEST_UTIL_H_
#define SCRM_TESTS_INDEX_INDEX_TEST_UTIL_H_

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "index/index.h"

namespace scrm::index::testing {

// A fresh directory under the build tree's index-tmp/, removed at the end.
class TempDir {
 public:
  TempDir() {
    std::filesystem::create_directories(SCRM_INDEX_TEST_TMP);
    std::string tmpl = std::string(SCRM_INDEX_TEST_TMP) + "/t-XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline constexpr int64_t kDay = 86400;
inline constexpr int64_t k20250101 = 1735689600;  // 2025-01-01T00:00:00Z, a Wednesday

inline IndexedPost MakePost(int64_t id, const std::string& language, const std::string& text,
                            int64_t published = k20250101) {
  IndexedPost p;
  p.id = id;
  p.source = "Forum";
  p.visibility = "public";
  p.post.external_id = "ext-" + std::to_string(id);
  p.post.platform = "mastodon";
  p.post.kind = "post";
  p.post.url = "https://social.example/p/" + std::to_string(id);
  p.post.author_id = "https://social.example/users/u" + std::to_string(id);
  p.post.author_name = "User " + std::to_string(id);
  p.post.author_handle = "@u" + std::to_string(id) + "@social.example";
  p.post.text = text;
  p.post.language = language;
  p.post.published = published;
  p.ingested_at = published + 3600;
  return p;
}

inline IndexConfig LocalConfig(const std::string& dir, int shards = 1) {
  IndexConfig c;
  c.dir = dir;
  c.shards = shards;
  return c;
}

inline SearchRequest Everything(const std::string& q = "") {
  SearchRequest r;
  r.q = q;
  r.viewer.everything = true;
  return r;
}

inline std::vector<int64_t> Ids(const SearchResult& r) {
  std::vector<int64_t> out;
  for (const SearchHit& h : r.results) out.push_back(h.id);
  return out;
}

inline std::set<int64_t> IdSet(const SearchResult& r) {
  std::vector<int64_t> ids = Ids(r);
  return std::set<int64_t>(ids.begin(), ids.end());
}

inline int64_t FacetCountOf(const SearchResult& r, const std::string& facet, const std::string& value) {
  auto it = r.facets.find(facet);
  if (it == r.facets.end()) return -1;
  for (const FacetCount& c : it->second) {
    if (c.value == value) return c.count;
  }
  return 0;
}

inline void IndexAll(const IndexConfig& config, const std::vector<IndexedPost>& posts) {
  Result<std::unique_ptr<Indexer>> indexer = Indexer::Open(config);
  REQUIRE(indexer.ok());
  for (const IndexedPost& p : posts) REQUIRE((*indexer)->Put(p).ok());
  REQUIRE((*indexer)->Commit().ok());
}

inline std::unique_ptr<Searcher> OpenSearcher(const IndexConfig& config) {
  Result<std::unique_ptr<Searcher>> s = Searcher::Open(config);
  INFO(s.status().ToString());
  REQUIRE(s.ok());
  return std::move(*s);
}

inline SearchResult MustSearch(Searcher& s, const SearchRequest& r) {
  Result<SearchResult> result = s.Search(r);
  INFO("q=" << r.q << " -> " << result.status().ToString());
  REQUIRE(result.ok());
  return std::move(*result);
}

}  // namespace scrm::index::testing

#endif  // SCRM_TESTS_INDEX_INDEX_TEST_UTIL_H_
