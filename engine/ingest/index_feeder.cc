#include "ingest/index_feeder.h"

#include <chrono>
#include <iostream>
#include <ctime>
#include <algorithm>
#include <deque>
#include <future>
#include <map>
#include <set>
#include <unordered_set>

#include "store/content_repository.h"
#include "store/index_queue_repository.h"
#include "store/link_repository.h"
#include "store/post_reader.h"

namespace scrm::ingest {

namespace {

// A drain takes this many batches from the queue at a time and commits
// the index once for them (a commit syncs every shard to disk).
constexpr int kBatchesPerCommit = 5;
// A queue of append_at_least rows or more (100,000 by default), and at least
// a quarter of the posts already indexed, is appended in staged runs merged
// with the shards (Drain): below that, rewriting the shards in the merge
// costs more than adding to them.
constexpr int64_t kAppendPerDoc = 4;

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void AddUnique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

// The rows as index documents, each tagged with the CRM records its author
// is linked to (and their accounts and owners).
std::vector<index::IndexedPost> ToIndexed(store::Pool& pool, std::vector<store::PostRow>&& rows) {
  std::set<std::pair<std::string, std::string>> authors;
  for (const store::PostRow& row : rows) {
    if (!row.post.author_id.empty()) authors.emplace(row.post.platform, row.post.author_id);
  }
  std::map<std::pair<std::string, std::string>, store::AuthorLinks> links;
  for (store::AuthorLinks& a : store::LinkRepository(pool).LinkedOfAuthors(
           {authors.begin(), authors.end()})) {
    auto key = std::make_pair(a.platform, a.author_id);
    links.emplace(std::move(key), std::move(a));
  }
  std::vector<index::IndexedPost> out;
  out.reserve(rows.size());
  for (store::PostRow& row : rows) {
    index::IndexedPost p;
    p.id = row.id;
    p.source = std::move(row.source_name);
    p.visibility = std::move(row.visibility);
    p.community = std::move(row.community);
    p.post = std::move(row.post);
    p.ingested_at = row.ingested_at;
    auto it = links.find({p.post.platform, p.post.author_id});
    if (it != links.end()) {
      for (const store::LinkedCustomer& c : it->second.customers) {
        AddUnique(p.customers, c.customer);
        for (const std::string& a : c.account_ids) AddUnique(p.accounts, a);
        for (const std::string& o : c.owner_ids) AddUnique(p.owners, o);
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

IndexFeeder::IndexFeeder(store::Pool& pool, index::IndexConfig config, int batch_size,
                         int64_t append_at_least)
    : pool_(pool), config_(std::move(config)), batch_size_(batch_size), append_at_least_(append_at_least) {}

IndexFeeder::~IndexFeeder() { Stop(); }

Result<FeedStats> IndexFeeder::Drain() {
  std::lock_guard<std::mutex> drain_lock(drain_mu_);
  const auto start = std::chrono::steady_clock::now();
  FeedStats stats;
  store::IndexQueueRepository queue(pool_);
  const int take = batch_size_ * kBatchesPerCommit;
  std::vector<store::QueuedPost> next = queue.Next(take);
  if (next.empty()) return stats;

  Result<std::unique_ptr<index::Indexer>> opened = index::Indexer::Open(config_);
  if (!opened.ok()) return opened.status();
  // A bulk load into an empty index (the first `scrm ingest` of an archive,
  // or an index dir wiped): built the way `scrm reindex` builds, in staged
  // runs merged once, from every stored post, about twice as fast as adding
  // batches to shards that grow (docs/performance.md). What is queued
  // meanwhile is drained below as usual.
  if (next.size() >= static_cast<size_t>(take) && config_.remotes.empty()) {
    Result<int64_t> docs = (*opened)->DocCount();
    if (!docs.ok()) return docs.status();
    if (*docs == 0) {
      opened->reset();  // the rebuild opens the index its own way
      Result<ReindexStats> rebuilt = Reindex(pool_, config_);
      if (!rebuilt.ok()) return rebuilt.status();
      stats.indexed += rebuilt->posts;
      stats.removed += rebuilt->removed;
      stats.rebuilt = true;
      next = queue.Next(take);
      opened = index::Indexer::Open(config_);
      if (!opened.ok()) return opened.status();
    } else if (queue.Pending() >= std::max<int64_t>(append_at_least_, *docs / kAppendPerDoc)) {
      // A large ingest into an index that has posts: the new posts go to
      // staged runs merged once with each shard (Indexer::OpenForAppend),
      // not to shards that grow batch by batch. The queue rows stay until
      // that merge, at the end.
      opened->reset();
      opened = index::Indexer::OpenForAppend(config_);
      if (!opened.ok()) return opened.status();
      stats.appended = true;
    }
  }
  index::Indexer& indexer = **opened;
  std::vector<int64_t> merged_seqs;  // an append's rows, done at its end
  while (!next.empty()) {
    // The rows taken, as batches of batch_size_ distinct posts.
    std::vector<int64_t> seqs;
    std::vector<std::vector<int64_t>> batches;
    std::unordered_set<int64_t> seen;
    for (const store::QueuedPost& q : next) {
      seqs.push_back(q.seq);
      if (!seen.insert(q.post_id).second) continue;
      if (batches.empty() || batches.back().size() >= static_cast<size_t>(batch_size_)) {
        batches.emplace_back();
      }
      batches.back().push_back(q.post_id);
    }
    // Each batch is read back from the database on a thread of its own
    // while this one indexes the batch before (the shard writers work on
    // their own threads too).
    auto load = [this, &batches](size_t b) {
      return ToIndexed(pool_, store::PostReader(pool_).LoadPosts(batches[b]));
    };
    std::future<std::vector<index::IndexedPost>> ahead = std::async(std::launch::async, load, 0);
    for (size_t b = 0; b < batches.size(); ++b) {
      std::vector<index::IndexedPost> posts = ahead.get();  // a DbError goes to the caller
      if (b + 1 < batches.size()) ahead = std::async(std::launch::async, load, b + 1);
      std::unordered_set<int64_t> present;
      for (index::IndexedPost& post : posts) {
        present.insert(post.id);
        Status s = indexer.Put(std::move(post));
        if (!s.ok()) return s;
        ++stats.indexed;
      }
      for (int64_t id : batches[b]) {
        if (present.count(id) != 0) continue;
        Status s = indexer.Remove(id);
        if (!s.ok()) return s;
        ++stats.removed;
      }
    }
    if (stats.appended) {  // walked on without a commit: the merge is at the end
      merged_seqs.insert(merged_seqs.end(), seqs.begin(), seqs.end());
      next = queue.Next(take, next.back().seq);
      continue;
    }
    // The queue rows go only once the index has them.
    Status committed = indexer.Commit();
    if (!committed.ok()) return committed;
    queue.Done(seqs);
    next = queue.Next(take);
  }
  if (stats.appended) {
    Status committed = indexer.Commit();  // the merge
    if (!committed.ok()) return committed;
    queue.Done(merged_seqs);
  }
  indexed_total_ += stats.indexed + stats.removed;
  stats.seconds = Since(start);
  return stats;
}

void IndexFeeder::Start(int interval_ms, std::function<void(const std::string&)> on_failure) {
  if (loop_ && loop_->running()) return;
  loop_ = std::make_unique<Periodic>(
      "indexing", std::chrono::milliseconds(interval_ms),
      [this, on_failure = std::move(on_failure), last_failure = std::string()]() mutable {
        std::string failure;
        try {
          Result<FeedStats> r = Drain();
          // Locked by `scrm ingest` or `scrm reindex`: they index, we wait.
          if (!r.ok() && r.status().code() != Status::Code::kUnavailable) {
            failure = r.status().message();
          }
        } catch (const std::exception& e) {
          failure = e.what();
        }
        if (!failure.empty()) {
          ++failures_total_;
          if (on_failure && failure != last_failure) on_failure(failure);
        }
        last_failure = failure;
      });
  loop_->Start();
}

void IndexFeeder::Stop() {
  if (loop_) loop_->Stop();
}

nlohmann::json ReindexStats::ToJson() const {
  return {{"posts", posts},
          {"removed", removed},
          {"shards", shards},
          {"seconds", seconds},
          {"posts_per_second", seconds > 0 ? static_cast<double>(posts) / seconds : 0.0}};
}

Result<ReindexStats> Reindex(store::Pool& pool, const index::IndexConfig& config,
                             const std::function<void(int64_t, int64_t)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<index::Indexer>> opened = index::Indexer::OpenForRebuild(config, false);
  if (!opened.ok() && (opened.status().code() == Status::Code::kFailedPrecondition ||
                       opened.status().code() == Status::Code::kInternal)) {
    // Another shard layout, or a damaged shard: start from empty shards laid
    // out as configured (everything is rewritten from the database anyway).
    std::cerr << "scrm reindex: " << opened.status().message() << "; rebuilding from empty shards"
              << std::endl;
    opened = index::Indexer::OpenForRebuild(config, true);
  }
  if (!opened.ok()) return opened.status();
  index::Indexer& indexer = **opened;
  ReindexStats stats;
  stats.shards = config.shards + static_cast<int>(config.remotes.size());

  // Queue rows committed before the scan starts: the scan sees their
  // posts, so the rebuild covers them and they go at the end. Rows that
  // commit later stay for the feeder.
  store::IndexQueueRepository queue(pool);
  std::vector<int64_t> covered;
  for (const store::QueuedPost& q : queue.Next(20'000'000)) covered.push_back(q.seq);
  const int64_t total = store::ContentRepository(pool).CountPosts(0);
  // The ids the scan met: what the index keeps at the end. A post committed
  // during the scan below its position is still in the queue: the feeder
  // adds it after.
  std::vector<int64_t> ids;
  ids.reserve(static_cast<size_t>(total));

  // One thread reads batches from the database while this one indexes.
  constexpr int kBatch = 5000;
  constexpr size_t kMaxQueued = 2;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::vector<index::IndexedPost>> batches;
  bool done = false;
  std::string read_error;
  std::thread reader_thread([&] {
    try {
      store::PostReader r(pool);
      int64_t after = 0;
      for (;;) {
        std::vector<store::PostRow> scanned = r.ScanPosts(after, kBatch);
        if (!scanned.empty()) after = scanned.back().id;
        const bool last = scanned.size() < static_cast<size_t>(kBatch);
        std::vector<index::IndexedPost> rows = ToIndexed(pool, std::move(scanned));
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return batches.size() < kMaxQueued; });
        if (!rows.empty()) batches.push_back(std::move(rows));
        if (last) break;
        cv.notify_all();
      }
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(mu);
      read_error = e.what();
    }
    std::lock_guard<std::mutex> lock(mu);
    done = true;
    cv.notify_all();
  });

  Status failed;
  for (;;) {
    std::vector<index::IndexedPost> rows;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return !batches.empty() || done; });
      if (batches.empty()) break;
      rows = std::move(batches.front());
      batches.pop_front();
      cv.notify_all();
    }
    if (!failed.ok()) continue;  // keep draining so the reader can finish
    for (index::IndexedPost& post : rows) {
      ids.push_back(post.id);
      Status s = indexer.Put(std::move(post));
      if (!s.ok()) {
        failed = s;
        break;
      }
      ++stats.posts;
    }
    // Xapian commits each shard by itself every 10,000 changes.
    if (progress) progress(stats.posts, total);
  }
  reader_thread.join();
  if (!read_error.empty()) throw store::DbError(read_error, 0, false);
  if (!failed.ok()) return failed;
  Result<int64_t> removed = indexer.RemoveAllExcept(ids);
  if (!removed.ok()) return removed.status();
  stats.removed = *removed;
  Status s = indexer.SetMetadata("reindex.finished_at", std::to_string(std::time(nullptr)));
  if (s.ok()) s = indexer.Commit();
  if (!s.ok()) return s;
  queue.Done(covered);
  stats.seconds = Since(start);
  return stats;
}

}  // namespace scrm::ingest
