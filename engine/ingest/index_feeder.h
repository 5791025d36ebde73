// The search index follows the database. Every new or changed post is
// queued in scrm_index_queue in the same transaction as its upsert; the
// IndexFeeder drains that queue into the Xapian index (a deleted post is
// removed from it), and Reindex() rebuilds the whole index from the posts.
//
// Xapian allows one writer at a time: the feeder opens the index for each
// drain and closes it after the commit, so `scrm serve` (draining every
// tick), `scrm ingest` and `scrm reindex` take turns. A drain that finds the
// index locked leaves the queue as it is; the next one catches up, and a
// crash at any point loses nothing (the queue row goes only after the
// Xapian commit).
#ifndef SCRM_INGEST_INDEX_FEEDER_H_
#define SCRM_INGEST_INDEX_FEEDER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "core/periodic.h"
#include "core/status.h"
#include "index/index.h"
#include "store/pool.h"

namespace scrm::ingest {

struct FeedStats {
  int64_t indexed = 0;  // documents added or replaced
  int64_t removed = 0;  // posts gone from the database, removed from the index
  double seconds = 0;
  // The index was empty and the queue long: rebuilt from every stored post
  // as `scrm reindex` does, then the rest of the queue drained.
  bool rebuilt = false;
  // The queue was long (100,000 posts or more, and a quarter of the index
  // or more): the new posts were built apart and merged with the shards once
  // (index::Indexer::OpenForAppend); searchers saw them at the end.
  bool appended = false;
};

class IndexFeeder {
 public:
  // append_at_least: the shortest queue appended (FeedStats::appended);
  // tests lower it.
  IndexFeeder(store::Pool& pool, index::IndexConfig config, int batch_size = 2000,
              int64_t append_at_least = 100000);
  ~IndexFeeder();  // Stop()s
  IndexFeeder(const IndexFeeder&) = delete;
  IndexFeeder& operator=(const IndexFeeder&) = delete;

  // Drains the queue until it is empty; into an empty index, a queue of a
  // commit's worth or more (5 batches) is a bulk load: Reindex() first;
  // into one that has posts, a long queue is appended (FeedStats::appended).
  // Unavailable when another process holds the index; database failures
  // throw store::DbError.
  Result<FeedStats> Drain();

  // Drain() every interval_ms on a background thread until Stop(); failures
  // go to on_failure (once per distinct message in a row) and are retried.
  void Start(int interval_ms, std::function<void(const std::string&)> on_failure = nullptr);
  void Stop();

  int64_t indexed_total() const { return indexed_total_.load(); }
  int64_t failures_total() const { return failures_total_.load(); }

 private:
  store::Pool& pool_;
  index::IndexConfig config_;
  int batch_size_;
  int64_t append_at_least_;
  std::mutex drain_mu_;  // one drain at a time in this process
  std::atomic<int64_t> indexed_total_{0};
  std::atomic<int64_t> failures_total_{0};
  std::unique_ptr<Periodic> loop_;  // made by Start()
};

struct ReindexStats {
  int64_t posts = 0;    // documents written
  int64_t removed = 0;  // stale documents removed (posts deleted since)
  int shards = 0;
  double seconds = 0;
  // {"posts","removed","shards","seconds","posts_per_second"}
  nlohmann::json ToJson() const;
};

// Rebuilds the index from every post of the database (reading and writing
// overlap), then removes documents of posts that no longer exist. Progress:
// posts done so far and the total. Unavailable when the index is locked.
Result<ReindexStats> Reindex(store::Pool& pool, const index::IndexConfig& config,
                             const std::function<void(int64_t done, int64_t total)>& progress =
                                 nullptr);

}  // namespace scrm::ingest

#endif  // SCRM_INGEST_INDEX_FEEDER_H_
