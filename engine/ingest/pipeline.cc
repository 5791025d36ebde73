#include "ingest/pipeline.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <exception>
#include <mutex>
#include <streambuf>
#include <thread>
#include <unordered_set>

#include "core/time.h"
#include "sources/dispatch.h"
#include "sources/entities.h"
#include "sources/language.h"
#include "store/content_repository.h"

namespace scrm::ingest {

IngestSummary& IngestSummary::operator+=(const IngestSummary& s) {
  for (auto [to, from] : {std::pair{&read, s.read}, {&posts_new, s.posts_new},
                          {&posts_updated, s.posts_updated},
                          {&posts_unchanged, s.posts_unchanged},
                          {&profiles_new, s.profiles_new},
                          {&profiles_updated, s.profiles_updated},
                          {&profiles_unchanged, s.profiles_unchanged},
                          {&removed, s.removed},
                          {&deletes_refused, s.deletes_refused},
                          {&deletes_unknown, s.deletes_unknown},
                          {&rejected, s.rejected}, {&skipped, s.skipped},
                          {&bytes, s.bytes}}) {
    *to += from;
  }
  seconds += s.seconds;
  if (first_reject_reason.empty()) first_reject_reason = s.first_reject_reason;
  return *this;
}

nlohmann::json IngestSummary::ToJson() const {
  return {{"format", format},
          {"read", read},
          {"new", posts_new},
          {"updated", posts_updated},
          {"unchanged", posts_unchanged},
          {"removed", removed},
          {"deletes_refused", deletes_refused},
          {"deletes_unknown", deletes_unknown},
          {"rejected", rejected},
          {"skipped", skipped},
          {"profiles", {{"new", profiles_new}, {"updated", profiles_updated},
                        {"unchanged", profiles_unchanged}}},
          {"bytes", bytes},
          {"seconds", static_cast<double>(static_cast<int64_t>(seconds * 1000)) / 1000},
          {"notes", notes}};
}

namespace {

// Reads from another stream buffer in 64 KiB chunks and counts the bytes
// handed out. Head() reads ahead without consuming, for format detection.
class CountingBuf : public std::streambuf {
 public:
  explicit CountingBuf(std::streambuf* src) : src_(src) {}

  // Up to n bytes from the current position, left unconsumed.
  std::string_view Head(size_t n) {
    size_t have = static_cast<size_t>(egptr() - gptr());
    if (have < n) {
      std::string rest(gptr(), have);
      rest.resize(n);
      size_t got = have;
      while (got < n) {
        std::streamsize r = src_->sgetn(&rest[got], static_cast<std::streamsize>(n - got));
        if (r <= 0) break;
        got += static_cast<size_t>(r);
      }
      rest.resize(got);
      fetched_ += got - have;
      buf_ = std::move(rest);
      setg(buf_.data(), buf_.data(), buf_.data() + buf_.size());
    }
    return std::string_view(gptr(), std::min(n, static_cast<size_t>(egptr() - gptr())));
  }

  int64_t consumed() const {
    return static_cast<int64_t>(fetched_) - static_cast<int64_t>(egptr() - gptr());
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    buf_.resize(kChunk);
    std::streamsize r = src_->sgetn(buf_.data(), kChunk);
    if (r <= 0) return traits_type::eof();
    fetched_ += static_cast<size_t>(r);
    setg(buf_.data(), buf_.data(), buf_.data() + r);
    return traits_type::to_int_type(*gptr());
  }

 private:
  static constexpr std::streamsize kChunk = 64 * 1024;
  std::streambuf* src_;
  std::string buf_;
  size_t fetched_ = 0;
};

// A batch's deletions are applied after its posts: a post read after a
// deletion goes into the next batch (Collector::OnPost).
struct Batch {
  std::vector<Post> posts;
  std::vector<Profile> profiles;
  std::vector<Deletion> deletions;
  std::unordered_set<std::string> deleted;  // the deletions' object ids
  std::vector<Reject> rejects;
  size_t size() const {
    return posts.size() + profiles.size() + deletions.size() + rejects.size();
  }
};

// Writes batches on its own thread; at most kMaxQueued wait, so a fast
// parser waits for the database instead of filling memory.
class Writer {
 public:
  Writer(store::Pool& pool, int64_t source_id, std::string format)
      : repo_(pool), source_id_(source_id), format_(std::move(format)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Writer() {
    try {
      Finish();
    } catch (...) {
      // Only reached while another exception unwinds: that one is reported.
    }
  }

  // Throws the writer's exception, if it failed, to stop the parser.
  void Push(Batch batch) {
    std::unique_lock<std::mutex> lock(mu_);
    space_.wait(lock, [this] { return queue_.size() < kMaxQueued || error_; });
    if (error_) {
      rethrown_ = true;
      std::rethrow_exception(error_);
    }
    queue_.push_back(std::move(batch));
    ready_.notify_one();
  }

  // Waits for every batch to be written; rethrows a failure.
  void Finish() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    ready_.notify_one();
    if (thread_.joinable()) thread_.join();
    if (error_ && !rethrown_) {
      rethrown_ = true;
      std::rethrow_exception(error_);
    }
  }

  store::UpsertCounts posts() const { return posts_; }
  store::UpsertCounts profiles() const { return profiles_; }
  const store::DeletionCounts& deletions() const { return deletions_; }

 private:
  static constexpr size_t kMaxQueued = 3;

  void Run() {
    for (;;) {
      Batch batch;
      {
        std::unique_lock<std::mutex> lock(mu_);
        ready_.wait(lock, [this] { return !queue_.empty() || done_; });
        if (queue_.empty()) return;
        batch = std::move(queue_.front());
        queue_.pop_front();
        space_.notify_one();
      }
      try {
        posts_ += repo_.UpsertPosts(source_id_, batch.posts);
        profiles_ += repo_.UpsertProfiles(source_id_, batch.profiles);
        deletions_ += repo_.ApplyDeletions(batch.deletions);
        repo_.AddRejects(source_id_, format_, batch.rejects);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu_);
        error_ = std::current_exception();
        queue_.clear();
        space_.notify_all();
        return;
      }
    }
  }

  store::ContentRepository repo_;
  const int64_t source_id_;
  const std::string format_;
  std::mutex mu_;
  std::condition_variable ready_, space_;
  std::deque<Batch> queue_;
  bool done_ = false;
  std::exception_ptr error_;
  bool rethrown_ = false;
  store::UpsertCounts posts_, profiles_;
  store::DeletionCounts deletions_;
  std::thread thread_;
};

// Receives records from the parser, completes them, and batches them for
// the writers. A record goes to the writer its key hashes to, so the
// versions of one post always reach the database in input order (the last
// one wins) while several writers work at once.
class Collector : public RecordSink {
 public:
  Collector(std::vector<std::unique_ptr<Writer>>& writers, const IngestOptions& options)
      : writers_(writers), options_(options), batches_(writers.size()) {}

  void OnPost(Post post, const Position& where) override {
    if (options_.on_record) options_.on_record(where.record, Status::Ok());
    FillEntities(post);
    // The source's own language tag wins; otherwise detect it (fr, en...,
    // or empty when the text is too short to tell).
    if (post.language.empty() && options_.detect_language) {
      post.language = sources::DetectLanguage(post.title.empty() ? post.text
                                                                 : post.title + "\n" + post.text);
    }
    size_t w = Route(post.external_id);
    // A writer stores a batch's posts before its deletions: a post deleted
    // earlier in the input and created again must wait for the next batch.
    // (Other posts stay in this one, so a stream mixing posts and Deletes
    // still writes full batches.)
    if (batches_[w].deleted.count(post.external_id) != 0) Flush(w);
    batches_[w].posts.push_back(std::move(post));
    MaybeFlush(w);
  }
  void OnDelete(Deletion deletion, const Position& where) override {
    if (options_.on_record) options_.on_record(where.record, Status::Ok());
    size_t w = Route(deletion.object_id);  // the writer of the post's versions
    batches_[w].deleted.insert(deletion.object_id);
    batches_[w].deletions.push_back(std::move(deletion));
    MaybeFlush(w);
  }
  void OnProfile(Profile profile, const Position& where) override {
    if (options_.on_record) options_.on_record(where.record, Status::Ok());
    size_t w = Route(profile.platform + '\x1f' + profile.external_id);
    batches_[w].profiles.push_back(std::move(profile));
    MaybeFlush(w);
  }
  void OnReject(Reject reject) override {
    if (options_.on_record) {
      options_.on_record(reject.position.record, Status::InvalidArgument(reject.reason));
    }
    if (first_reject_reason.empty()) first_reject_reason = reject.reason;
    if (!options_.keep_rejects) return;
    batches_[0].rejects.push_back(std::move(reject));
    MaybeFlush(0);
  }
  void Flush() {
    for (size_t w = 0; w < batches_.size(); ++w) Flush(w);
  }

  std::string first_reject_reason;

 private:
  size_t Route(const std::string& key) const { return std::hash<std::string>()(key) % batches_.size(); }

  // Sources that do not list a post's hashtags, mentions and links get them
  // from its text, extracted as twitter-text does.
  static void FillEntities(Post& post) {
    if (!post.hashtags.empty() || !post.mentions.empty() || !post.links.empty()) return;
    if (post.text.empty()) return;
    for (const sources::Entity& e : sources::ExtractEntities(post.text)) {
      switch (e.kind) {
        case sources::EntityKind::kHashtag: post.hashtags.push_back(e.text); break;
        case sources::EntityKind::kMention:
        case sources::EntityKind::kFediverseHandle: post.mentions.push_back(e.text); break;
        case sources::EntityKind::kUrl: post.links.push_back(e.text); break;
        default: break;
      }
    }
  }

  void MaybeFlush(size_t w) {
    if (batches_[w].size() >= options_.batch_size) Flush(w);
  }
  void Flush(size_t w) {
    if (batches_[w].size() == 0) return;
    writers_[w]->Push(std::move(batches_[w]));
    batches_[w] = Batch();
  }

  std::vector<std::unique_ptr<Writer>>& writers_;
  const IngestOptions& options_;
  std::vector<Batch> batches_;
};

// Waits for the writers and fills the summary: what was read (stats), what
// the store did, and how reading ended (`read_status`).
Result<IngestSummary> Finish(std::vector<std::unique_ptr<Writer>>& writers, Collector& collector,
                             const sources::ParseStats& stats, const Status& read_status,
                             double started, IngestSummary& summary) {
  collector.Flush();
  store::UpsertCounts posts, profiles;
  store::DeletionCounts deletions;
  for (auto& w : writers) {
    w->Finish();  // rethrows a database failure
    posts += w->posts();
    profiles += w->profiles();
    deletions += w->deletions();
  }

  summary.read = stats.records;
  summary.rejected = stats.rejects;
  summary.skipped = stats.skipped;
  // Refused Deletes first: they say someone tried to remove another's post.
  summary.notes = deletions.refusals;
  for (const std::string& note : stats.notes) {
    if (summary.notes.size() >= sources::ParseStats::kMaxNotes) break;
    summary.notes.push_back(note);
  }
  summary.removed += deletions.removed;
  summary.deletes_refused += deletions.refused;
  summary.deletes_unknown += deletions.unknown;
  summary.posts_new = posts.inserted;
  summary.posts_updated = posts.updated;
  summary.posts_unchanged = posts.unchanged;
  summary.profiles_new = profiles.inserted;
  summary.profiles_updated = profiles.updated;
  summary.profiles_unchanged = profiles.unchanged;
  summary.first_reject_reason = collector.first_reject_reason;
  summary.seconds = MonotonicSeconds() - started;
  if (!read_status.ok()) {
    // Records before the failure are in; the summary says so in the message.
    if (summary.read == 0) return read_status;
    summary.notes.push_back("stopped early: " + read_status.message());
  }
  return summary;
}

}  // namespace

Result<IngestSummary> Ingest(store::Pool& pool, const Source& source, std::istream& in,
                             const IngestOptions& options, const IngestProgress& progress) {
  const double started = MonotonicSeconds();
  CountingBuf buf(in.rdbuf());
  std::istream counted(&buf);
  IngestSummary summary;

  std::string requested = options.format == "auto" ? source.format : options.format;
  if (requested.empty()) requested = "auto";
  Result<std::string> format =
      sources::ResolveFormat(requested, buf.Head(64 * 1024), options.file_name);
  if (!format.ok()) return format.status();
  summary.format = *format;

  sources::ParseOptions parse_options;
  parse_options.file = options.file_name;
  parse_options.charset = options.charset;
  parse_options.base_url = options.base_url;
  sources::ParseStats stats;

  std::vector<std::unique_ptr<Writer>> writers;
  for (int w = 0; w < std::max(1, options.writers); ++w) {
    writers.push_back(std::make_unique<Writer>(pool, source.id, *format));
  }
  Collector collector(writers, options);
  // Progress is reported from the parser's thread as batches leave.
  struct ProgressSink : RecordSink {
    Collector& inner;
    const IngestProgress& progress;
    CountingBuf& buf;
    sources::ParseStats& stats;
    IngestSummary& summary;
    int64_t last = 0;
    ProgressSink(Collector& c, const IngestProgress& p, CountingBuf& b, sources::ParseStats& s,
                 IngestSummary& sum)
        : inner(c), progress(p), buf(b), stats(s), summary(sum) {}
    void Tick() {
      if (!progress || stats.records - last < 1000) return;
      last = stats.records;
      summary.read = stats.records;
      summary.rejected = stats.rejects;
      progress(buf.consumed(), summary);
    }
    void OnPost(Post p, const Position& w) override {
      inner.OnPost(std::move(p), w);
      Tick();
    }
    void OnProfile(Profile p, const Position& w) override {
      inner.OnProfile(std::move(p), w);
      Tick();
    }
    void OnDelete(Deletion d, const Position& w) override {
      inner.OnDelete(std::move(d), w);
      Tick();
    }
    void OnReject(Reject r) override {
      inner.OnReject(std::move(r));
      Tick();
    }
  } sink(collector, progress, buf, stats, summary);

  Status parsed = sources::ParseAs(*format, counted, parse_options, sink, &stats);
  summary.bytes = buf.consumed();
  return Finish(writers, collector, stats, parsed, started, summary);
}

Result<IngestSummary> IngestRecords(store::Pool& pool, const Source& source,
                                    const std::string& format, const RecordProducer& produce,
                                    const IngestOptions& options) {
  const double started = MonotonicSeconds();
  IngestSummary summary;
  summary.format = format;
  std::vector<std::unique_ptr<Writer>> writers;
  for (int w = 0; w < std::max(1, options.writers); ++w) {
    writers.push_back(std::make_unique<Writer>(pool, source.id, format));
  }
  Collector collector(writers, options);
  // Counts what the producer hands over, as a parser's stats do.
  struct CountingSink : RecordSink {
    Collector& inner;
    sources::ParseStats& stats;
    CountingSink(Collector& c, sources::ParseStats& s) : inner(c), stats(s) {}
    void OnPost(Post p, const Position& w) override {
      ++stats.records;
      inner.OnPost(std::move(p), w);
    }
    void OnProfile(Profile p, const Position& w) override {
      ++stats.records;
      inner.OnProfile(std::move(p), w);
    }
    void OnDelete(Deletion d, const Position& w) override {
      ++stats.records;
      ++stats.deletions;
      inner.OnDelete(std::move(d), w);
    }
    void OnReject(Reject r) override {
      ++stats.records;
      ++stats.rejects;
      inner.OnReject(std::move(r));
    }
  };
  sources::ParseStats stats;
  CountingSink sink(collector, stats);
  Status produced = produce(sink);
  return Finish(writers, collector, stats, produced, started, summary);
}

}  // namespace scrm::ingest
