// The Indexer behind index.h: one writer thread per shard, each with its own
// Xapian::WritableDatabase and DocumentBuilder. Put hands the post to its
// shard's thread in batches (at most max_queued batches wait per shard, so
// memory stays flat); Commit waits until every thread has committed.
#ifndef SCRM_INDEX_INDEXER_H_
#define SCRM_INDEX_INDEXER_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "index/index.h"

namespace scrm::index::internal {

struct IndexerOptions {
  // Spelling data for suggestions (docs/index-terms.md, "Spelling data"):
  // kNone writes none; kFull is Xapian's TermGenerator::FLAG_SPELLING (every
  // word, every time); kFiltered (the default) adds the words of 4 to 24
  // letters, stop words and words with digits left out, counted per writer
  // between commits and written once per word at each commit, from every
  // post while a shard holds fewer than spelling_all_below posts, then from
  // one post in spelling_every (by id): frequent words, the ones worth
  // suggesting, are all there, at a fraction of the cost.
  enum class Spelling { kNone, kFull, kFiltered };
  Spelling spelling = Spelling::kFiltered;
  int64_t spelling_all_below = 20000;
  int spelling_every = 4;
  // Each writer commits by itself after this many changes (0: Xapian's own
  // auto-flush, every 10,000 changes; XAPIAN_FLUSH_THRESHOLD).
  size_t auto_commit = 0;
  // Bulk load (scrm reindex): commits are not synced to disk (DB_NO_SYNC);
  // Commit() syncs every file of the shard once.
  bool no_sync = false;
  // Rebuild (scrm reindex, local shards): the posts go to fresh run
  // databases of run_docs posts each beside the shard (<shard>.rebuild/),
  // merged by Xapian's compactor into a new shard that replaces the old one
  // in one rename (RENAME_EXCHANGE) at the first call that is not a Put
  // (Commit, RemoveAllExcept...). Each run starts empty, so a post costs the
  // same at the millionth as at the first (Xapian's flushes into one growing
  // database cost more as it grows). Needs Puts in ascending id order per
  // shard; one out of order ends the staging (the rest goes to the shard).
  bool staged = false;
  // With staged: an append (a large ingest into a shard that has posts).
  // Puts of posts newer than the shard's last go to the runs, and the runs
  // are merged with the shard's own documents (their ids are all smaller:
  // nothing to renumber) instead of replacing them. The first call that is
  // not such a Put ends the staging, as above.
  bool append = false;
  size_t run_docs = 100000;
  size_t batch = 256;     // posts handed to a writer thread at once
  size_t max_queued = 4;  // batches waiting per writer thread
};

Result<std::unique_ptr<Indexer>> OpenIndexer(const IndexConfig& config,
                                             const IndexerOptions& options, bool empty);

}  // namespace scrm::index::internal

#endif  // SCRM_INDEX_INDEXER_H_
