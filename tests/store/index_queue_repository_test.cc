// IndexQueueRepository against a real MariaDB: oldest first, Done() removes
// exactly the rows it is given, a source queued whole.
#include "store/index_queue_repository.h"

#include <catch2/catch.hpp>

#include "store/content_repository.h"
#include "store/store_fixture.h"

using namespace scrm;
using scrm::testing::FullPost;

TEST_CASE("the index queue hands out rows oldest first and deletes exactly those done",
          "[mysql][store]") {
  testing::ContentFixture f;
  store::IndexQueueRepository queue(f.db.pool());
  CHECK(queue.Pending() == 0);
  CHECK(queue.Next(10).empty());
  queue.Done({});

  queue.EnqueuePosts({30, 10, 20, 10});
  CHECK(queue.Pending() == 4);
  std::vector<store::QueuedPost> next = queue.Next(10);
  REQUIRE(next.size() == 4);
  // In the order queued, a post queued twice twice.
  CHECK(next[0].post_id == 30);
  CHECK(next[1].post_id == 10);
  CHECK(next[2].post_id == 20);
  CHECK(next[3].post_id == 10);
  CHECK(next[0].seq < next[1].seq);
  CHECK(next[2].seq < next[3].seq);
  CHECK(queue.Next(2).size() == 2);

  // Done with the second and fourth rows only: the first and third stay,
  // whatever their seq compared to the ones done.
  queue.Done({next[1].seq, next[3].seq});
  std::vector<store::QueuedPost> left = queue.Next(10);
  REQUIRE(left.size() == 2);
  CHECK(left[0].seq == next[0].seq);
  CHECK(left[1].seq == next[2].seq);
  // Done twice, or with seqs that are not there: nothing more goes.
  queue.Done({next[1].seq, 999999});
  CHECK(queue.Pending() == 2);

  // Many at once (more than one statement's worth).
  std::vector<int64_t> ids;
  for (int64_t i = 1; i <= 2500; ++i) ids.push_back(i);
  queue.EnqueuePosts(ids);
  CHECK(queue.Pending() == 2502);
  std::vector<int64_t> seqs;
  for (const store::QueuedPost& q : queue.Next(5000)) seqs.push_back(q.seq);
  queue.Done(seqs);
  CHECK(queue.Pending() == 0);
}

TEST_CASE("a source is queued whole: every post of it, none of the others", "[mysql][store]") {
  testing::ContentFixture f;
  store::ContentRepository repo(f.db.pool());
  std::vector<Post> forum, blog;
  for (int i = 0; i < 1500; ++i) forum.push_back(FullPost("f" + std::to_string(i)));
  for (int i = 0; i < 20; ++i) blog.push_back(FullPost("b" + std::to_string(i)));
  repo.UpsertPosts(f.forum.id, forum);
  repo.UpsertPosts(f.blog.id, blog);
  store::IndexQueueRepository queue(f.db.pool());
  std::vector<int64_t> seqs;
  for (const store::QueuedPost& q : queue.Next(10000)) seqs.push_back(q.seq);
  queue.Done(seqs);

  CHECK(queue.EnqueueSource(f.blog.id) == 20);
  CHECK(queue.Pending() == 20);
  CHECK(f.db.Count("SELECT COUNT(*) FROM scrm_index_queue q JOIN scrm_posts p ON p.id = "
                   "q.post_id WHERE p.source_id = " +
                   std::to_string(f.blog.id)) == 20);
  CHECK(queue.EnqueueSource(f.forum.id) == 1500);
  CHECK(queue.EnqueueSource(424242) == 0);
  CHECK(queue.Pending() == 1520);
}
