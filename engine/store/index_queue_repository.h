// IndexQueueRepository: the posts the search index has yet to take in
// (scrm_index_queue). ContentRepository::UpsertPosts queues every post it
// inserts or changes in the transaction that writes it; the indexer reads
// the queue oldest first, indexes those posts, commits the index, and only
// then deletes the rows it took, by seq. A crash anywhere leaves rows to do
// again, never a post silently missing from the index.
//
// A post changed twice before it is indexed has two rows (no unique post_id:
// a later change always gets a later row). Thread-safe; database failures
// throw store::DbError.
#ifndef SCRM_STORE_INDEX_QUEUE_REPOSITORY_H_
#define SCRM_STORE_INDEX_QUEUE_REPOSITORY_H_

#include <cstdint>
#include <vector>

#include "store/pool.h"

namespace scrm::store {

struct QueuedPost {
  int64_t seq;
  int64_t post_id;
};

// Queues the posts on `conn`, inside the caller's transaction (an erase, a
// retention run): what EnqueuePosts does in a transaction of its own.
void EnqueuePostsOn(sql::Connection& conn, const std::vector<int64_t>& post_ids);

class IndexQueueRepository {
 public:
  explicit IndexQueueRepository(Pool& pool) : pool_(pool) {}

  // At most limit rows, oldest (smallest seq) first; only rows after
  // after_seq when given (to walk the queue without removing what was read).
  std::vector<QueuedPost> Next(int limit, int64_t after_seq = 0);
  // Deletes exactly these rows. Never by range: a row with a smaller seq
  // than the ones taken may commit later and must stay.
  void Done(const std::vector<int64_t>& seqs);
  void EnqueuePosts(const std::vector<int64_t>& post_ids);
  // Every post of a source (its visibility or name changed), in one
  // statement; returns how many were queued. Call it after the change is
  // committed, so that the indexer reads the new values.
  int64_t EnqueueSource(int64_t source_id);
  // Rows waiting (counts them: about 0.1 s per million rows).
  int64_t Pending();

 private:
  Pool& pool_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_INDEX_QUEUE_REPOSITORY_H_
