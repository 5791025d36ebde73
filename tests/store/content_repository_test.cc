// ContentRepository's posts against a real MariaDB: idempotent upserts by
// (source, id) through the hash keys of sql/0003, edits, ids that share a
// hash, concurrent writers, and the index queue written in the same
// transaction.
#include "store/content_repository.h"

#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "store/id_hash.h"
#include "store/index_queue_repository.h"
#include "store/sql_util.h"
#include "store/store_fixture.h"

using namespace scrm;
using scrm::testing::FullPost;

namespace {

// Two ids whose MD5 digests share their first 8 bytes (6c61f6f30f4252d8):
// a real 64-bit collision, found by a distinguished-point (Pollard rho)
// search over "https://c.example/<16 hex digits>", about 2^32 MD5s.
// Check with: printf %s ID | md5sum
const char kCollideA[] = "https://c.example/49eaa826f633c911";
const char kCollideB[] = "https://c.example/22d40f41b463f5af";

std::vector<int64_t> QueuedIds(testing::TestDatabase& db) {
  std::vector<int64_t> out;
  for (const store::QueuedPost& q : store::IndexQueueRepository(db.pool()).Next(100000)) {
    out.push_back(q.post_id);
  }
  return out;
}

int64_t PostId(testing::TestDatabase& db, int64_t source_id, const std::string& external_id) {
  return db.Count("SELECT id FROM scrm_posts WHERE source_id = " + std::to_string(source_id) +
                  " AND external_id = '" + external_id + "'");
}

}  // namespace

TEST_CASE("posts are upserted by (source, id): new, changed and unchanged, each queued once",
          "[mysql][store]") {
  testing::ContentFixture f;
  store::ContentRepository repo(f.db.pool());
  std::vector<Post> posts;
  for (int i = 0; i < 2500; ++i)
    posts.push_back(FullPost("https://social.example/notes/" + std::to_string(i)));

  auto first = repo.UpsertPosts(f.forum.id, posts);
  CHECK(first.inserted == 2500);
  CHECK(first.updated == 0);
  CHECK(repo.CountPosts(f.forum.id) == 2500);
  // Each new post queued once, by its id.
  std::vector<int64_t> queued = QueuedIds(f.db);
  CHECK(queued.size() == 2500);
  CHECK(std::set<int64_t>(queued.begin(), queued.end()).size() == 2500);
  CHECK(f.db.Count("SELECT COUNT(*) FROM scrm_index_queue q LEFT JOIN scrm_posts p ON p.id = "
                   "q.post_id WHERE p.id IS NULL") == 0);

  // The same posts again: nothing written, nothing queued.
  auto again = repo.UpsertPosts(f.forum.id, posts);
  CHECK(again.inserted == 0);
  CHECK(again.updated == 0);
  CHECK(again.unchanged == 2500);
  CHECK(f.db.Count("SELECT COUNT(*) FROM scrm_index_queue") == 2500);

  // One edited post: rewritten in place (same id) and queued again.
  const int64_t id7 = PostId(f.db, f.forum.id, "https://social.example/notes/7");
  posts[7].text = "Texte corrigé";
  posts[7].updated = 1772500000;
  auto edit = repo.UpsertPosts(f.forum.id, posts);
  CHECK(edit.updated == 1);
  CHECK(edit.unchanged == 2499);
  CHECK(repo.GetPost(f.forum.id, "https://social.example/notes/7")->text == "Texte corrigé");
  CHECK(PostId(f.db, f.forum.id, "https://social.example/notes/7") == id7);
  CHECK(repo.CountPosts(f.forum.id) == 2500);
  CHECK(f.db.Count("SELECT COUNT(*) FROM scrm_index_queue WHERE post_id = " +
                   std::to_string(id7)) == 2);
  // The later change has the later row.
  CHECK(f.db.Count("SELECT MAX(seq) FROM scrm_index_queue") ==
        f.db.Count("SELECT seq FROM scrm_index_queue WHERE post_id = " + std::to_string(id7) +
                   " ORDER BY seq DESC LIMIT 1"));

  // The same id in another source is another post.
  auto other = repo.UpsertPosts(f.blog.id, {posts[0]});
  CHECK(other.inserted == 1);
  CHECK(repo.CountPosts(0) == 2501);
}

TEST_CASE("of one id written twice in a batch the last wins, ids compare byte for byte",
          "[mysql][store]") {
  testing::ContentFixture f;
  store::ContentRepository repo(f.db.pool());
  std::vector<Post> posts = {FullPost("x", "un"), FullPost("X", "majuscule"),
                             FullPost("x", "deux")};
  auto c = repo.UpsertPosts(f.forum.id, posts);
  CHECK(c.inserted == 2);
  CHECK(c.unchanged == 1);  // the overwritten version of "x"
  CHECK(repo.GetPost(f.forum.id, "x")->text == "deux");
  CHECK(repo.GetPost(f.forum.id, "X")->text == "majuscule");
  CHECK_FALSE(repo.GetPost(f.forum.id, "y").has_value());
  CHECK(f.db.Count("SELECT COUNT(*) FROM scrm_index_queue") == 2);

  // Ids longer than the column are stored cut at 512 characters: two ids
  // that differ only past that are one post.
  std::string long_id(600, 'a');
  std::string long_id2 = long_id;
  long_id2[580] = 'b';
  auto l =
      repo.UpsertPosts(f.forum.id, {FullPost(long_id, "long 1"), FullPost(long_id2, "long 2")});
  CHECK(l.inserted == 1);
  CHECK(repo.GetPost(f.forum.id, long_id.substr(0, 512))->text == "long 2");
  auto l2 = repo.UpsertPosts(f.forum.id, {FullPost(long_id2, "long 2")});
  CHECK(l2.unchanged == 1);
}

TEST_CASE("the hash columns are what MariaDB computes from the ids", "[mysql][store]") {
  testing::ContentFixture f;
  store::ContentRepository repo(f.db.pool());
  Post reply = FullPost("https://social.example/notes/2");
  Post root = FullPost("https://social.example/notes/parent");
  root.in_reply_to = "";
  root.author_id = "";
  repo.UpsertPosts(f.forum.id, {reply, root});
  CHECK(f.db.Scalar("SELECT key_hash FROM scrm_posts WHERE external_id = "
                    "'https://social.example/notes/2'") ==
        std::to_string(store::IdHash("https://social.example/notes/2")));
  CHECK(f.db.Scalar("SELECT reply_hash FROM scrm_posts WHERE external_id = "
                    "'https://social.example/notes/2'") ==
        std::to_string(store::IdHash("https://social.example/notes/parent")));
  CHECK(f.db.Scalar("SELECT author_hash FROM scrm_posts WHERE external_id = "
                    "'https://social.example/notes/2'") ==
        std::to_string(store::IdHash("https://social.example/users/anne")));
  // No parent, no author: NULL, not the hash of "".
  CHECK(f.db.Count("SELECT COUNT(*) FROM scrm_posts WHERE reply_hash IS NULL AND author_hash IS "
                   "NULL AND external_id = 'https://social.example/notes/parent'") == 1);
  // Threads join through the hashes (and the ids, which settle a collision).
  CHECK(f.db.Scalar("SELECT p.external_id FROM scrm_posts c JOIN scrm_posts p ON p.source_id = "
                    "c.source_id AND p.key_hash = c.reply_hash AND p.external_id = "
                    "c.in_reply_to") == "https://social.example/notes/parent");
}

TEST_CASE("two ids that share a 64-bit hash are two posts", "[mysql][store]") {
  REQUIRE(store::IdHash(kCollideA) == store::IdHash(kCollideB));
  REQUIRE(std::string(kCollideA) != kCollideB);
  testing::ContentFixture f;
  store::ContentRepository repo(f.db.pool());

  SECTION("in one batch") {
    auto c = repo.UpsertPosts(f.forum.id, {FullPost(kCollideA, "A"), FullPost(kCollideB, "B")});
    CHECK(c.inserted == 2);
  }
  SECTION("one after the other") {
    CHECK(repo.UpsertPosts(f.forum.id, {FullPost(kCollideB, "B")}).inserted == 1);
    CHECK(repo.UpsertPosts(f.forum.id, {FullPost(kCollideA, "A")}).inserted == 1);
  }
  CHECK(repo.CountPosts(f.forum.id) == 2);
  CHECK(repo.GetPost(f.forum.id, kCollideA)->text == "A");
  CHECK(repo.GetPost(f.forum.id, kCollideB)->text == "B");
  CHECK(f.db.Scalar("SELECT GROUP_CONCAT(key_seq ORDER BY key_seq) FROM scrm_posts") == "0,1");

  // Unchanged, then one edited: each id keeps its own row.
  auto same = repo.UpsertPosts(f.forum.id, {FullPost(kCollideA, "A"), FullPost(kCollideB, "B")});
  CHECK(same.unchanged == 2);
  auto edit = repo.UpsertPosts(f.forum.id, {FullPost(kCollideA, "A"), FullPost(kCollideB, "B2")});
  CHECK(edit.updated == 1);
  CHECK(edit.unchanged == 1);
  CHECK(repo.GetPost(f.forum.id, kCollideA)->text == "A");
  CHECK(repo.GetPost(f.forum.id, kCollideB)->text == "B2");
  CHECK(repo.CountPosts(f.forum.id) == 2);
  CHECK(f.db.Count("SELECT COUNT(*) FROM scrm_index_queue") == 3);
}

TEST_CASE("writers racing on the same new ids store each post once", "[mysql][store]") {
  testing::ContentFixture f;
  std::vector<Post> posts;
  for (int i = 0; i < 3000; ++i) posts.push_back(FullPost("race-" + std::to_string(i)));
  store::UpsertCounts counts[3];
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      counts[t] = store::ContentRepository(f.db.pool()).UpsertPosts(f.forum.id, posts);
    });
  }
  for (auto& t : threads) t.join();
  int64_t inserted = 0, unchanged = 0;
  for (const auto& c : counts) {
    inserted += c.inserted;
    unchanged += c.unchanged;
    CHECK(c.updated == 0);
  }
  CHECK(inserted == 3000);
  CHECK(unchanged == 6000);
  CHECK(store::ContentRepository(f.db.pool()).CountPosts(f.forum.id) == 3000);
  CHECK(f.db.Count("SELECT COUNT(DISTINCT external_id) FROM scrm_posts") == 3000);
  CHECK(f.db.Count("SELECT COUNT(*) FROM scrm_index_queue") == 3000);
}

TEST_CASE("new posts are queued by their ids when the server does not give consecutive ids",
          "[mysql][store]") {
  testing::ContentFixture f;
  // One connection, whose session steps ids by 3: the ids of a multi-row
  // INSERT can then not be derived from LAST_INSERT_ID(), and are read back.
  store::PoolOptions one;
  one.url = f.db.url();
  one.size = 1;
  store::Pool pool(one);
  {
    store::Pool::Lease conn = pool.Acquire();
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    st->execute("SET SESSION auto_increment_increment = 3");
  }
  std::vector<Post> posts;
  for (int i = 0; i < 250; ++i) posts.push_back(FullPost("step-" + std::to_string(i)));
  CHECK(store::ContentRepository(pool).UpsertPosts(f.forum.id, posts).inserted == 250);
  CHECK(f.db.Count("SELECT COUNT(DISTINCT id % 3) FROM scrm_posts") == 1);
  CHECK(f.db.Count("SELECT COUNT(*) FROM scrm_index_queue") == 250);
  CHECK(f.db.Count("SELECT COUNT(*) FROM scrm_posts p JOIN scrm_index_queue q ON q.post_id = "
                   "p.id") == 250);
}
