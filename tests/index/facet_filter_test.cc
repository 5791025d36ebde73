// FacetFilter (engine/index/facet_filter.h): a platform or language filter
// answered from a shard's FacetTable keeps exactly the documents the
// filter's terms would, and a shard whose table is stale is filtered by its
// posting lists.
#include <xapian.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "index/facet_filter.h"
#include "index/facet_table.h"
#include "index/index.h"
#include "index/internal.h"
#include "index/shards.h"
#include "index_test_util.h"

namespace scrm::index::internal {
namespace {

using testing::MakePost;

// The documents of db that hold any of terms, in id order.
std::vector<Xapian::docid> Holding(const Xapian::Database& db, const std::vector<std::string>& terms) {
  std::vector<Xapian::docid> out;
  for (const std::string& t : terms) {
    for (auto it = db.postlist_begin(t); it != db.postlist_end(t); ++it) out.push_back(*it);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<Xapian::docid> Walk(FacetFilter& f) {
  std::vector<Xapian::docid> out;
  for (f.next(0); !f.at_end(); f.next(0)) out.push_back(f.get_docid());
  return out;
}

FacetCondition Condition(FacetTable::Facet facet, const char* prefix, std::vector<std::string> values) {
  FacetCondition c;
  c.facet = facet;
  for (const std::string& v : values) c.terms.push_back(BooleanTerm(prefix, v));
  c.values = std::move(values);
  return c;
}

TEST_CASE("a facet filter from the tables keeps what the terms keep", "[index]") {
  testing::TempDir dir;
  const IndexConfig config = testing::LocalConfig(dir.path(), 2);
  Result<std::unique_ptr<Indexer>> indexer = Indexer::Open(config);
  REQUIRE(indexer.ok());
  const char* platforms[] = {"mastodon", "twitter", "linkedin", "Forum"};
  for (int64_t id = 1; id <= 90; ++id) {
    IndexedPost p = MakePost(id, id % 3 == 0 ? "fr" : "en", "gadget");
    p.post.platform = platforms[id % 4];
    REQUIRE((*indexer)->Put(p).ok());
  }
  REQUIRE((*indexer)->Commit().ok());
  Result<std::vector<ShardSpec>> layout = ShardLayout(config);
  REQUIRE(layout.ok());
  std::vector<Xapian::Database> shards;
  std::vector<std::shared_ptr<const FacetTable>> tables;
  for (const ShardSpec& spec : *layout) {
    shards.emplace_back(spec.path);
    tables.push_back(FacetTable::Build(shards.back(), spec.total));
    CHECK(tables.back()->complete());
  }
  const std::vector<FacetCondition> conditions = {
      Condition(FacetTable::kPlatform, kPrefixPlatform, {"twitter"}),
      Condition(FacetTable::kPlatform, kPrefixPlatform, {"twitter", "linkedin"}),
      Condition(FacetTable::kPlatform, kPrefixPlatform, {"forum"}),  // lower-cased, as the terms are
      Condition(FacetTable::kPlatform, kPrefixPlatform, {"nowhere"}),
      Condition(FacetTable::kLanguage, kPrefixLanguage, {"fr"}),
  };
  for (const FacetCondition& c : conditions) {
    for (size_t k = 0; k < shards.size(); ++k) {
      INFO(c.terms[0] << " in shard " << k);
      FacetFilter f(c, tables);
      f.init(shards[k]);
      CHECK(f.from_table());
      const std::vector<Xapian::docid> expected = Holding(shards[k], c.terms);
      CHECK(Walk(f) == expected);
      CHECK(f.get_termfreq_est() == expected.size());
      // skip_to lands on the first kept document at or after its target.
      for (Xapian::docid target = 1; target <= 100; target += 7) {
        FacetFilter g(c, tables);
        g.init(shards[k]);
        g.skip_to(target, 0);
        const auto at = std::lower_bound(expected.begin(), expected.end(), target);
        if (at == expected.end()) {
          CHECK(g.at_end());
        } else {
          REQUIRE_FALSE(g.at_end());
          CHECK(g.get_docid() == *at);
        }
      }
    }
  }

  // A post added after the tables were built: its shard is filtered by the
  // terms, and the post is kept.
  IndexedPost late = MakePost(91, "en", "gadget");
  late.post.platform = "twitter";
  REQUIRE((*indexer)->Put(late).ok());
  REQUIRE((*indexer)->Commit().ok());
  bool found = false;
  for (size_t k = 0; k < shards.size(); ++k) {
    shards[k].reopen();
    FacetFilter f(conditions[0], tables);
    f.init(shards[k]);
    const bool changed = shards[k].get_revision() != tables[k]->revision();
    CHECK(f.from_table() == !changed);
    const std::vector<Xapian::docid> kept = Walk(f);
    CHECK(kept == Holding(shards[k], conditions[0].terms));
    found = found || std::find(kept.begin(), kept.end(), DocIdOf(91)) != kept.end();
  }
  CHECK(found);
}

TEST_CASE("values a table cannot stand for are left to the terms", "[index]") {
  CHECK(TableCanFilter("twitter"));
  CHECK(TableCanFilter("fr"));
  CHECK_FALSE(TableCanFilter(""));
  CHECK_FALSE(TableCanFilter("Twitter"));  // callers lower-case first
  CHECK_FALSE(TableCanFilter("my platform"));
  CHECK_FALSE(TableCanFilter(std::string("a\x01", 2)));
}

}  // namespace
}  // namespace scrm::index::internal
