#include "index/indexer.h"

#include <xapian.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "index/internal.h"
#include "index/shards.h"
#include "index/terms.h"

namespace scrm::index {
namespace internal {
namespace {

using Call = std::function<Status(Xapian::WritableDatabase&)>;

struct Op {
  enum class Kind { kPut, kRemove, kCall };
  Kind kind = Kind::kPut;
  int64_t id = 0;
  IndexedPost post;
  Call call;
  std::shared_ptr<std::promise<Status>> done;
};

// One shard: its database, its thread, its queue. The database is touched
// by the thread only (Xapian objects are not thread-safe), so everything
// else (commit, counts, removals) goes through the queue as a kCall.
class ShardWriter {
 public:
  ShardWriter(ShardSpec spec, Xapian::WritableDatabase db, const IndexerOptions& options)
      : spec_(std::move(spec)), db_(std::move(db)), options_(options) {
    if (options_.spelling == IndexerOptions::Spelling::kFull) builder_.EnableFullSpelling(&db_);
    staged_ = options_.staged && !spec_.remote && options_.spelling != IndexerOptions::Spelling::kFull;
    if (staged_) {
      stage_dir_ = spec_.path + ".rebuild";
      std::error_code ec;
      std::filesystem::remove_all(stage_dir_, ec);  // what a killed rebuild left
      posts_ = 0;  // the new shard starts empty
      if (options_.append) {  // or from the shard as it is
        posts_ = static_cast<int64_t>(db_.get_doccount());
        last_staged_ = db_.get_lastdocid();
      }
    } else {
      posts_ = static_cast<int64_t>(db_.get_doccount());
    }
    pending_.reserve(options_.batch);
    thread_ = std::thread([this] { Loop(); });
  }

  ~ShardWriter() {
    HandOver();
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    not_empty_.notify_all();
    thread_.join();
    // Xapian commits what is pending when the database is closed; the
    // filtered spelling words go with it.
    try {
      if (staged_) spelling_.clear();  // an unfinished rebuild: its runs are dropped
      if (run_open_) run_.close();
      FlushSpelling(db_);
      db_.close();
    } catch (const Xapian::Error&) {
      // Nothing to report to: the caller dropped the Indexer.
    }
    if (!stage_dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(stage_dir_, ec);
    }
  }

  Status error() {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }

  void Put(IndexedPost&& post) {
    Op op;
    op.kind = Op::Kind::kPut;
    op.post = std::move(post);
    Add(std::move(op));
  }

  void Remove(int64_t id) {
    Op op;
    op.kind = Op::Kind::kRemove;
    op.id = id;
    Add(std::move(op));
  }

  // Runs call on the writer thread once everything queued before is done.
  std::future<Status> Run(Call call) {
    Op op;
    op.kind = Op::Kind::kCall;
    op.call = std::move(call);
    op.done = std::make_shared<std::promise<Status>>();
    std::future<Status> f = op.done->get_future();
    Add(std::move(op));
    HandOver();
    return f;
  }

  std::future<Status> Commit() {
    return Run([this](Xapian::WritableDatabase& db) {
      FlushSpelling(db);
      db.commit();
      since_commit_ = 0;
      return options_.no_sync ? SyncShardFiles(spec_) : Status::Ok();
    });
  }

  const ShardSpec& spec() const { return spec_; }

 private:
  void Add(Op&& op) {
    pending_.push_back(std::move(op));
    if (pending_.size() >= options_.batch) HandOver();
  }

  // Hands the pending batch to the thread; waits while the queue is full.
  void HandOver() {
    if (pending_.empty()) return;
    {
      std::unique_lock<std::mutex> lock(mu_);
      not_full_.wait(lock, [this] { return queue_.size() < options_.max_queued; });
      queue_.push_back(std::move(pending_));
    }
    not_empty_.notify_one();
    pending_ = std::vector<Op>();
    pending_.reserve(options_.batch);
  }

  void Loop() {
    for (;;) {
      std::vector<Op> batch;
      {
        std::unique_lock<std::mutex> lock(mu_);
        not_empty_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        batch = std::move(queue_.front());
        queue_.pop_front();
      }
      not_full_.notify_one();
      for (Op& op : batch) Apply(op);
    }
  }

  void Apply(Op& op) {
    Status failed = error();
    if (!failed.ok()) {
      if (op.done) op.done->set_value(failed);
      return;
    }
    Status s;
    try {
      if (staged_ && !(op.kind == Op::Kind::kPut && DocIdOf(op.post.id) > last_staged_)) {
        s = FinishStaging();  // anything but the next Put in id order
        if (!s.ok()) {
          if (op.done) op.done->set_value(s);
          std::lock_guard<std::mutex> lock(mu_);
          error_ = s;
          return;
        }
      }
      switch (op.kind) {
        case Op::Kind::kPut: {
          const bool spell = options_.spelling == IndexerOptions::Spelling::kFiltered &&
                             (posts_ < options_.spelling_all_below ||
                              op.post.id % std::max(options_.spelling_every, 1) == 0);
          ++posts_;
          Xapian::Document doc = builder_.Build(op.post, spell ? &spelling_ : nullptr);
          if (staged_) {
            PutStaged(DocIdOf(op.post.id), doc);
            break;
          }
          if (spelling_.size() > 500000) FlushSpelling(db_);  // bound memory between commits
          db_.replace_document(DocIdOf(op.post.id), doc);
          if (options_.auto_commit > 0 && ++since_commit_ >= options_.auto_commit) {
            FlushSpelling(db_);
            db_.commit();
            since_commit_ = 0;
          }
          break;
        }
        case Op::Kind::kRemove:
          db_.delete_document(IdTerm(op.id));
          break;
        case Op::Kind::kCall:
          s = op.call(db_);
          break;
      }
    } catch (const Xapian::Error& e) {
      s = FromXapian(e, spec_.name);
    } catch (const std::exception& e) {
      s = Status::Internal("index shard " + spec_.name + ": " + e.what());
    }
    if (op.done) {
      op.done->set_value(s);
    } else if (!s.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      error_ = s;  // sticky: later Puts and Commit report it
    }
  }

  void FlushSpelling(Xapian::WritableDatabase& db) {
    for (const auto& [word, freq] : spelling_) db.add_spelling(word, freq);
    spelling_.clear();
  }

  std::string RunPath(int k) const { return stage_dir_ + "/run-" + std::to_string(k); }

  // A staged Put: into the open run, a new one every run_docs posts.
  void PutStaged(Xapian::docid did, const Xapian::Document& doc) {
    if (!run_open_) {
      std::filesystem::create_directories(stage_dir_);
      run_ = Xapian::WritableDatabase(RunPath(runs_), Xapian::DB_CREATE_OR_OVERWRITE |
                                                          Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC);
      run_open_ = true;
      in_run_ = 0;
    }
    if (spelling_.size() > 500000) FlushSpelling(run_);
    run_.replace_document(did, doc);  // a new database: an add with that id
    last_staged_ = did;
    if (++in_run_ >= std::max<size_t>(options_.run_docs, 1)) CloseRun();
  }

  void CloseRun() {
    FlushSpelling(run_);
    run_.commit();
    run_.close();
    run_ = Xapian::WritableDatabase();
    run_open_ = false;
    ++runs_;
  }

  // Ends the staging: the runs merged (docids kept: they come in ascending
  // order, run after run; an append's after the shard's own) into a new
  // shard, marked with the layout, exchanged with the old shard in one
  // rename, the old one deleted. The writer then works on the new shard.
  // With no run (nothing was Put), the old shard stays and the caller's
  // RemoveAllExcept empties it.
  Status FinishStaging() {
    staged_ = false;
    if (run_open_) CloseRun();
    std::error_code ec;
    if (runs_ == 0) {
      std::filesystem::remove_all(stage_dir_, ec);
      return Status::Ok();
    }
    const std::string merged = stage_dir_ + "/merged";
    {
      Xapian::Database all;
      if (options_.append) all.add_database(Xapian::Database(spec_.path, Xapian::DB_BACKEND_GLASS));
      for (int k = 0; k < runs_; ++k) all.add_database(Xapian::Database(RunPath(k), Xapian::DB_BACKEND_GLASS));
      all.compact(merged, Xapian::DBCOMPACT_NO_RENUMBER | Xapian::DBCOMPACT_MULTIPASS);
    }
    {
      Xapian::WritableDatabase fresh(merged, Xapian::DB_OPEN | Xapian::DB_BACKEND_GLASS);
      Status s = PrepareWritableShard(fresh, spec_, true);
      if (!s.ok()) return s;
      fresh.close();
    }
    Status s = ExchangeDirectories(merged, spec_.path);
    if (!s.ok()) return Status::Internal("index shard " + spec_.name + ": " + s.message());
    // The new shard's write lock first, then the old one's released.
    Xapian::WritableDatabase fresh = OpenWritableShard(spec_, 0, false, options_.no_sync);
    db_ = fresh;
    std::filesystem::remove_all(stage_dir_, ec);  // the runs and the old shard
    stage_dir_.clear();
    return Status::Ok();
  }

  const ShardSpec spec_;
  Xapian::WritableDatabase db_;
  const IndexerOptions options_;
  DocumentBuilder builder_;  // writer thread only
  std::unordered_map<std::string, Xapian::termcount> spelling_;  // writer thread only
  size_t since_commit_ = 0;  // writer thread only
  // Staged rebuild (IndexerOptions::staged), writer thread only.
  bool staged_ = false;
  std::string stage_dir_;  // <shard>.rebuild: run-K databases, then merged/
  Xapian::WritableDatabase run_;
  bool run_open_ = false;
  int runs_ = 0;
  size_t in_run_ = 0;
  Xapian::docid last_staged_ = 0;
  int64_t posts_ = 0;        // writer thread only: in the shard (about), for spelling
  std::vector<Op> pending_;  // caller thread only

  std::mutex mu_;
  std::condition_variable not_empty_, not_full_;
  std::deque<std::vector<Op>> queue_;
  bool stop_ = false;
  Status error_;
  std::thread thread_;
};

Status WaitAll(std::vector<std::future<Status>>& futures) {
  Status first;
  for (auto& f : futures) {
    Status s = f.get();
    if (first.ok() && !s.ok()) first = s;
  }
  return first;
}

class IndexerImpl : public Indexer {
 public:
  explicit IndexerImpl(std::vector<std::unique_ptr<ShardWriter>> writers)
      : writers_(std::move(writers)) {}

  Status Put(const IndexedPost& post) override { return PutOwned(IndexedPost(post)); }
  Status Put(IndexedPost&& post) override { return PutOwned(std::move(post)); }

  Status Remove(int64_t post_id) override {
    ShardWriter& w = *writers_[static_cast<size_t>(ShardOf(post_id, Total()))];
    Status s = w.error();
    if (s.ok()) w.Remove(post_id);
    return s;
  }

  Status Commit() override {
    std::vector<std::future<Status>> futures;
    for (auto& w : writers_) futures.push_back(w->Commit());
    return WaitAll(futures);
  }

  Result<int64_t> RemoveAllExcept(const std::vector<int64_t>& keep) override {
    std::vector<int64_t> removed(writers_.size(), 0);
    std::vector<std::future<Status>> futures;
    for (size_t i = 0; i < writers_.size(); ++i) {
      int64_t* count = &removed[i];
      futures.push_back(writers_[i]->Run([&keep, count](Xapian::WritableDatabase& db) {
        std::vector<Xapian::docid> gone;
        for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
          if (!std::binary_search(keep.begin(), keep.end(), PostIdOf(*it))) {
            gone.push_back(*it);
          }
        }
        for (Xapian::docid did : gone) db.delete_document(did);
        *count = static_cast<int64_t>(gone.size());
        return Status::Ok();
      }));
    }
    Status s = WaitAll(futures);
    if (!s.ok()) return s;
    int64_t total = 0;
    for (int64_t n : removed) total += n;
    return total;
  }

  Result<int64_t> DocCount() override {
    std::vector<int64_t> counts(writers_.size(), 0);
    std::vector<std::future<Status>> futures;
    for (size_t i = 0; i < writers_.size(); ++i) {
      int64_t* count = &counts[i];
      futures.push_back(writers_[i]->Run([count](Xapian::WritableDatabase& db) {
        *count = static_cast<int64_t>(db.get_doccount());
        return Status::Ok();
      }));
    }
    Status s = WaitAll(futures);
    if (!s.ok()) return s;
    int64_t total = 0;
    for (int64_t n : counts) total += n;
    return total;
  }

  Status SetMetadata(const std::string& key, const std::string& value) override {
    if (key.empty()) return Status::InvalidArgument("metadata key is empty", "key");
    return writers_[0]
        ->Run([&key, &value](Xapian::WritableDatabase& db) {
          db.set_metadata(key, value);
          return Status::Ok();
        })
        .get();
  }

 private:
  int Total() const { return static_cast<int>(writers_.size()); }

  Status PutOwned(IndexedPost&& post) {
    if (post.id <= 0 || DocIdOf(post.id) == 0) {
      return Status::InvalidArgument("post id " + std::to_string(post.id) +
                                         " cannot be indexed: ids go from 1 to 2^32 - 2",
                                     "id");
    }
    ShardWriter& w = *writers_[static_cast<size_t>(ShardOf(post.id, Total()))];
    Status s = w.error();
    if (s.ok()) w.Put(std::move(post));
    return s;
  }

  std::vector<std::unique_ptr<ShardWriter>> writers_;
};

}  // namespace

Result<std::unique_ptr<Indexer>> OpenIndexer(const IndexConfig& config,
                                             const IndexerOptions& options, bool empty) {
  Result<std::vector<ShardSpec>> layout = ShardLayout(config);
  if (!layout.ok()) return layout.status();
  std::vector<std::pair<ShardSpec, Xapian::WritableDatabase>> opened;
  for (const ShardSpec& spec : *layout) {
    try {
      Xapian::WritableDatabase db =
          OpenWritableShard(spec, config.remote_timeout_ms, empty, options.no_sync);
      Status s = PrepareWritableShard(db, spec, empty);
      if (!s.ok()) return s;
      opened.emplace_back(spec, std::move(db));
    } catch (const Xapian::Error& e) {
      return FromXapian(e, spec.name);
    } catch (const std::exception& e) {  // std::filesystem: cannot create the directory
      return Status::Unavailable("index shard " + spec.name + " cannot be created: " + e.what());
    }
  }
  IndexerOptions o = options;
  o.batch = std::max<size_t>(1, o.batch);
  o.run_docs = std::max<size_t>(1, o.run_docs);
  o.max_queued = std::max<size_t>(1, o.max_queued);
  std::vector<std::unique_ptr<ShardWriter>> writers;
  for (auto& [spec, db] : opened) {
    writers.push_back(std::make_unique<ShardWriter>(spec, std::move(db), o));
  }
  return std::unique_ptr<Indexer>(new IndexerImpl(std::move(writers)));
}

}  // namespace internal

Result<std::unique_ptr<Indexer>> Indexer::Open(const IndexConfig& config) {
  return internal::OpenIndexer(config, internal::IndexerOptions(), false);
}

Result<std::unique_ptr<Indexer>> Indexer::OpenEmpty(const IndexConfig& config) {
  return internal::OpenIndexer(config, internal::IndexerOptions(), true);
}

Result<std::unique_ptr<Indexer>> Indexer::OpenForAppend(const IndexConfig& config) {
  internal::IndexerOptions options;
  options.no_sync = true;
  options.staged = true;
  options.append = true;
  return internal::OpenIndexer(config, options, false);
}

Result<std::unique_ptr<Indexer>> Indexer::OpenForRebuild(const IndexConfig& config, bool empty) {
  internal::IndexerOptions options;
  options.no_sync = true;
  options.staged = true;
  return internal::OpenIndexer(config, options, empty);
}

}  // namespace scrm::index
