// The Searcher behind index.h. Each search borrows a pooled Slot (a
// Xapian::Database over every shard that exists, with its QueryParsers),
// reopens it (cheap when nothing was committed) and returns it. Local shards
// that do not exist yet are looked for again at each search, so an index
// built after `scrm serve` started is found without a restart.
//
// With two local shards or more, a search runs on several cores: the page
// of results is ranked over all the shards as one database (Xapian's global
// statistics: the same scores and order as one database), which ends as soon
// as no later match can enter the page, while each shard counts its own
// matches for the totals, facets and histogram (boolean weights: counting
// needs no statistics) on the calling thread and a worker (Lanes); the
// counts are then added up.
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "index/facet_table.h"
#include "index/facets.h"
#include "index/index.h"
#include "index/internal.h"
#include "index/query.h"
#include "index/shards.h"
#include "index/snippet.h"
#include "index/terms.h"

namespace scrm::index {
namespace internal {
namespace {

constexpr int kMaxLimit = 1000;
constexpr size_t kFacetValues = 20;
constexpr size_t kMaxIdleSlots = 16;
constexpr int kAttempts = 3;  // a commit during a search: reopen and retry
// A shard's facet table is rebuilt at most this often while the shard
// changes (posts replaced in between count with their previous facets).
constexpr int kFacetTableRebuildSeconds = 10;

// Runs a batch of tasks on the calling thread and on worker threads: a task
// no worker has started when the caller is free is run by the caller, so a
// search never waits behind other searches' tasks in a queue.
class Lanes {
 public:
  explicit Lanes(unsigned workers) {
    for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this] { Work(); });
  }
  ~Lanes() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  // Runs every task once; returns when all are done. Tasks do not throw.
  void Run(std::vector<std::function<void()>>& tasks) {
    auto batch = std::make_shared<Batch>(tasks);
    if (tasks.size() > 1 && !threads_.empty()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (size_t i = 1; i < tasks.size() && i <= threads_.size(); ++i) queue_.push_back(batch);
      }
      wake_.notify_all();
    }
    batch->RunSome();
    std::unique_lock<std::mutex> lock(batch->mu);
    batch->finished.wait(lock, [&] { return batch->done == batch->n; });
  }

 private:
  struct Batch {
    explicit Batch(std::vector<std::function<void()>>& t) : tasks(&t), n(t.size()) {}
    void RunSome() {
      for (size_t i; (i = next.fetch_add(1)) < n;) {
        (*tasks)[i]();  // the caller waits for it: tasks is still there
        std::lock_guard<std::mutex> lock(mu);
        if (++done == n) finished.notify_all();
      }
    }
    std::vector<std::function<void()>>* tasks;
    const size_t n;
    std::atomic<size_t> next{0};
    std::mutex mu;
    std::condition_variable finished;
    size_t done = 0;  // under mu
  };

  void Work() {
    for (;;) {
      std::shared_ptr<Batch> batch;
      {
        std::unique_lock<std::mutex> lock(mu_);
        wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        batch = std::move(queue_.front());
        queue_.pop_front();
      }
      batch->RunSome();
    }
  }

  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::deque<std::shared_ptr<Batch>> queue_;
  std::vector<std::thread> threads_;
};

// What one shard's count found (Count below).
struct ShardCount {
  Xapian::doccount lower = 0, upper = 0, estimated = 0;
  FacetCounts counts;
  std::exception_ptr error;
};

struct Slot {
  Xapian::Database db;
  // Each local shard again, opened on its own for the counting tasks (a
  // Xapian object is used by one thread at a time): by layout position,
  // when the shard is present and counts are split (Searcher::lanes_).
  std::vector<Xapian::Database> shard_dbs;
  std::vector<bool> present;  // shards in db
  std::vector<uint64_t> identity;  // ShardIdentity of each shard when opened
  size_t shards = 0;          // how many: 0 searches as an empty index
  std::vector<size_t> sub_shard;  // the shard (layout position) of each sub-database
  bool built = false;
  bool complete = false;
  std::unique_ptr<QueryBuilder> queries;
};

// Whether query has weighted terms: words, stems, wildcards (boolean terms
// have an upper-case prefix, stems "Z").
bool HasWords(const Xapian::Query& query, const std::vector<std::string>& wildcards) {
  if (!wildcards.empty()) return true;
  for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end(); ++it) {
    const std::string& t = *it;
    if (!t.empty() && !(t[0] >= 'A' && t[0] < 'Z')) return true;
  }
  return false;
}

// Whether query may match `many` posts or more: its words' posting lists
// together are that long (an upper bound for words AND'ed or OR'ed;
// wildcards: maybe). Term frequencies are B-tree look-ups Xapian caches.
bool MayMatchMany(const Xapian::Database& db, const Xapian::Query& query,
                  const std::vector<std::string>& wildcards, int64_t many) {
  if (!wildcards.empty() || many <= 0) return true;
  int64_t n = 0;
  for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end(); ++it) {
    n += db.get_termfreq(*it);
    if (n >= many) return true;
  }
  return false;
}

bool IsBlank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

class SearcherImpl : public Searcher {
 public:
  SearcherImpl(IndexConfig config, std::vector<ShardSpec> specs)
      : config_(std::move(config)), specs_(std::move(specs)) {
    has_remote_ = std::any_of(specs_.begin(), specs_.end(), [](const ShardSpec& s) { return s.remote; });
    if (!has_remote_) tables_ = std::make_unique<FacetTables>(specs_, kFacetTableRebuildSeconds);
    // Counting split by shard: local shards only (a remote server counts
    // its own), and only where there is more than one of them.
    if (!has_remote_ && specs_.size() >= 2) {
      const unsigned cores = std::max(2u, std::thread::hardware_concurrency());
      lanes_ = std::make_unique<Lanes>(
          static_cast<unsigned>(std::min<size_t>(cores - 1, specs_.size() - 1)));
    }
  }

  // Opens a first slot: reports a layout mismatch now rather than at the
  // first search. A shard that cannot be reached is not an error yet.
  Status Warm() {
    auto slot = std::make_unique<Slot>();
    Status s = Build(*slot);
    if (s.ok()) Return(std::move(slot));
    return s.code() == Status::Code::kUnavailable ? Status::Ok() : s;
  }

  Result<SearchResult> Search(const SearchRequest& request) override {
    if (request.limit < 0) return Status::InvalidArgument("limit must be 0 or more", "limit");
    if (request.offset < 0) return Status::InvalidArgument("offset must be 0 or more", "offset");
    if (request.from != 0 && request.to != 0 && request.from > request.to) {
      return Status::InvalidArgument("from is after to: the date range is empty", "from");
    }
    return OnSlot<SearchResult>("search", [&](Slot& slot) { return Run(slot, request); });
  }

  Result<int64_t> DocCount() override {
    return OnSlot<int64_t>("doc count", [](Slot& slot) -> Result<int64_t> {
      return slot.shards == 0 ? 0 : static_cast<int64_t>(slot.db.get_doccount());
    });
  }

  Result<bool> HidesFrom(const Viewer& viewer) override {
    if (viewer.everything) return false;
    return OnSlot<bool>("visibility", [&viewer](Slot& slot) -> Result<bool> {
      return slot.shards != 0 && HidesPosts(viewer, slot.db);
    });
  }

 private:
  // run(slot) on a pooled slot made current (Prepare), again on a fresh
  // view when a commit changed the index under it, again after a reopen
  // when a remote shard dropped; `what` names the call in errors. The
  // slot goes back to the pool after a success only.
  template <typename T, typename F>
  Result<T> OnSlot(const char* what, F run) {
    std::unique_ptr<Slot> slot = Borrow();
    bool reopened = false;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      try {
        Status s = Prepare(*slot);
        if (!s.ok()) return s;  // the slot is dropped: the next call starts over
        Result<T> out = run(*slot);
        Return(std::move(slot));
        return out;
      } catch (const Xapian::DatabaseModifiedError&) {
        continue;  // Prepare reopens
      } catch (const Xapian::NetworkError& e) {
        if (!ReopenAfter(*slot, &reopened)) return FromXapian(e, what);
      } catch (const Xapian::Error& e) {
        return FromXapian(e, what);
      }
    }
    return Status::Unavailable(std::string(what) + ": the index changed under every attempt; retry");
  }

  std::unique_ptr<Slot> Borrow() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        std::unique_ptr<Slot> s = std::move(idle_.back());
        idle_.pop_back();
        return s;
      }
    }
    return std::make_unique<Slot>();
  }

  void Return(std::unique_ptr<Slot> slot) {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < kMaxIdleSlots) idle_.push_back(std::move(slot));
  }

  // After a network error on a remote shard: a pooled connection may have
  // been closed while idle (xapian-tcpsrv's idle timeout) or by a restarted
  // server, so the slot is rebuilt and the call tried again, once. A shard
  // that is really gone then fails to open, and its error names it.
  static bool ReopenAfter(Slot& slot, bool* reopened) {
    if (*reopened) return false;
    *reopened = true;
    slot.built = false;
    return true;
  }

  // Opens every shard that exists into slot.
  Status Build(Slot& slot) {
    slot.built = false;
    slot.db = Xapian::Database();
    slot.present.assign(specs_.size(), false);
    slot.identity.assign(specs_.size(), 0);
    slot.shards = 0;
    slot.sub_shard.clear();
    slot.shard_dbs.assign(specs_.size(), Xapian::Database());
    slot.queries.reset();
    for (size_t i = 0; i < specs_.size(); ++i) {
      const ShardSpec& spec = specs_[i];
      if (!ShardExists(spec)) continue;
      try {
        slot.identity[i] = ShardIdentity(spec);
        Xapian::Database shard = OpenReadableShard(spec, config_.remote_timeout_ms);
        Status s = CheckShard(shard, spec);
        if (!s.ok()) return s;
        slot.db.add_database(shard);
        if (lanes_) slot.shard_dbs[i] = OpenReadableShard(spec, config_.remote_timeout_ms);
        slot.present[i] = true;
        slot.sub_shard.push_back(i);
        ++slot.shards;
      } catch (const Xapian::DatabaseOpeningError& e) {
        if (spec.remote) return FromXapian(e, spec.name);
        // A local shard being created right now: searched from the next time.
      } catch (const Xapian::Error& e) {
        return FromXapian(e, spec.name);
      }
    }
    slot.complete = std::all_of(slot.present.begin(), slot.present.end(), [](bool b) { return b; });
    if (slot.shards > 0) slot.queries = std::make_unique<QueryBuilder>(slot.db);
    slot.built = true;
    return Status::Ok();
  }

  // Makes slot see the last commit and any shard created since it was built.
  Status Prepare(Slot& slot) {
    if (!slot.built) return Build(slot);
    for (size_t i = 0; i < specs_.size(); ++i) {
      if (!slot.present[i] ? ShardExists(specs_[i]) : ShardIdentity(specs_[i]) != slot.identity[i]) {
        return Build(slot);  // a shard created, or swapped in by a rebuild
      }
    }
    if (slot.shards == 0) return Status::Ok();
    try {
      slot.db.reopen();
      for (size_t i = 0; i < slot.shard_dbs.size(); ++i) {
        if (slot.present[i] && lanes_) slot.shard_dbs[i].reopen();
      }
    } catch (const Xapian::DatabaseModifiedError&) {
      throw;
    } catch (const Xapian::Error&) {
      return Build(slot);  // e.g. a shard deleted and created again (OpenEmpty)
    }
    return Status::Ok();
  }

  Result<SearchResult> Run(Slot& slot, const SearchRequest& r) {
    SearchResult out;
    const int limit = std::min(r.limit, kMaxLimit);
    const bool has_text = r.more_like == 0 && !IsBlank(r.q);
    if (slot.shards == 0) {  // no shard yet: an empty index
      if (r.more_like != 0) {
        return Status::NotFound("post " + std::to_string(r.more_like) + " is not in the index (more_like)");
      }
      if (has_text) {
        Status s = CheckBalanced(r.q);
        if (!s.ok()) return s;
      }
      out.total_exact = true;
      if (r.facets) FacetCounts().Fill(kFacetValues, &out);
      if (!r.histogram) out.histogram_interval.clear();
      return out;
    }

    // Not a copy of Xapian::Query::MatchAll: that is one object shared by
    // every thread, and Xapian's reference counts are not atomic (copying it
    // from concurrent searches crashed). The empty term is the same query.
    Xapian::Query text{std::string()};
    std::vector<std::string> wildcards;
    if (r.more_like != 0) {
      Result<Xapian::Query> like = MoreLikeQuery(slot.db, r.more_like, r.viewer);
      if (!like.ok()) return like.status();
      text = *like;
    } else if (has_text) {
      // The query's language is unknown: both stemmings, unless the request
      // keeps one language (every language but French is stemmed in English).
      bool french = r.languages.empty(), english = r.languages.empty();
      for (const std::string& l : r.languages) (IsFrench(l) ? french : english) = true;
      Result<TextQuery> parsed = slot.queries->Parse(r.q, french, english);
      if (!parsed.ok()) return parsed.status();
      text = parsed->query;
      wildcards = std::move(parsed->wildcards);
    }
    const Xapian::Query query = Restrict(text, FilterOf(r, slot.db));
    out.parsed_query = query.get_description();
    const bool budgeted = r.deadline != std::chrono::steady_clock::time_point{};
    const auto spent = [&r, budgeted] {
      return budgeted && std::chrono::steady_clock::now() >= r.deadline;
    };
    if (spent()) {  // parsing (a wide wildcard) took it all
      out.time_budget_spent = true;
      return out;
    }

    Xapian::Enquire enquire(slot.db);
    enquire.set_query(query);
    // BM25 without length normalisation (b = 0): posts are short and alike in
    // length, and reading each match's length from the shard costs more than
    // the rest of the matching (11.4 ms against 2.8 ms for 20,000 matches of
    // "data" at 1M posts, measured).
    enquire.set_weighting_scheme(Xapian::BM25Weight(1, 0, 1, 0, 0.5));
    const bool counting = r.facets || r.histogram;
    // A query without words (filters only, or none) weighs every match 0:
    // "relevance" would be an arbitrary order, and over several shards Xapian
    // examines every match to keep it (no early end for weightless matches):
    // newest first is both useful and 3 times faster.
    const bool by_date = r.sort == SearchRequest::Sort::kDate || !HasWords(text, wildcards);
    std::vector<std::shared_ptr<const FacetTable>> tables;
    if (tables_ && (counting || by_date)) tables = Tables(slot);
    DateSortKey date_key(tables);
    if (by_date && has_remote_) {
      enquire.set_sort_by_value_then_relevance(kSlotDate, true);  // remote servers know no KeyMaker of ours
    } else if (by_date) {
      enquire.set_sort_by_key_then_relevance(&date_key, true);
    }
    const int64_t sample = std::max(config_.facet_sample, 1);
    const auto check_at_least = static_cast<Xapian::doccount>(
        std::max<int64_t>(config_.facet_sample, static_cast<int64_t>(r.offset) + limit));
    // Counted shard by shard, beside the ranking (see the top of this file),
    // when counting is the work: a ranked query that may match many posts.
    // Few matches cost less in one pass than in three.
    const bool split = lanes_ && slot.shards >= 2 && !by_date &&
                       MayMatchMany(slot.db, text, wildcards, config_.split_counting_at);
    FacetSpy spy(sample, tables);
    Xapian::ValueCountMatchSpy remote_spy(kSlotFacets);
    if (counting && !split) {
      enquire.add_matchspy(has_remote_ ? static_cast<Xapian::MatchSpy*>(&remote_spy) : &spy);
    }
    const double time_limit =
        budgeted
            ? std::chrono::duration<double>(r.deadline - std::chrono::steady_clock::now()).count()
            : 0.0;
    if (budgeted && !has_remote_) {  // Xapian: not for remote shards
      // Past it, Xapian stops looking beyond the page asked for: counting
      // for totals and facets is what a wide query spends its time on.
      enquire.set_time_limit(time_limit);
    }
    Xapian::MSet mset;
    std::vector<ShardCount> shard_counts;
    if (split) {
      shard_counts = CountByShard(slot, query, counting, sample, tables, time_limit, &enquire,
                                  &mset, static_cast<Xapian::doccount>(r.offset),
                                  static_cast<Xapian::doccount>(limit));
    } else {
      mset = enquire.get_mset(static_cast<Xapian::doccount>(r.offset),
                              static_cast<Xapian::doccount>(limit), check_at_least);
    }

    if (spent()) out.time_budget_spent = true;
    if (split) {
      for (const ShardCount& c : shard_counts) {
        out.total_lower += c.lower;
        out.total_upper += c.upper;
        out.total += c.estimated;
      }
    } else {
      out.total_lower = mset.get_matches_lower_bound();
      out.total_upper = mset.get_matches_upper_bound();
      out.total = mset.get_matches_estimated();
    }
    out.total_exact = out.total_lower == out.total_upper;

    std::unique_ptr<Highlighter> highlighter;
    if (r.snippets) highlighter = std::make_unique<Highlighter>(text, std::move(wildcards));
    StoredPost stored;
    out.results.reserve(mset.size());
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      SearchHit hit;
      if (!DecodeData(it.get_document().get_value(kSlotData), &stored)) {
        return Status::Internal("index document " + std::to_string(*it) +
                                " has data this scrm cannot read: run `scrm reindex`");
      }
      hit.id = stored.id;
      hit.score = it.get_weight();
      hit.date = stored.date;
      hit.platform = std::move(stored.platform);
      hit.source = std::move(stored.source);
      hit.language = std::move(stored.language);
      hit.kind = std::move(stored.kind);
      hit.url = std::move(stored.url);
      hit.title = std::move(stored.title);
      hit.author_name = std::move(stored.author_name);
      hit.author_handle = std::move(stored.author_handle);
      hit.author_id = std::move(stored.author_id);
      hit.external_id = std::move(stored.external_id);
      hit.customers = std::move(stored.customers);
      if (highlighter) hit.snippet = highlighter->Snippet(stored.text.empty() ? hit.title : stored.text);
      // A text cut to kStoredTextBytes ends within 3 bytes of it.
      hit.text_whole = stored.text.size() + 3 < kStoredTextBytes;
      hit.text = std::move(stored.text);
      out.results.push_back(std::move(hit));
    }

    if (counting) {
      const FacetCounts* counts = split ? nullptr : &spy.Finish();
      FacetCounts merged;
      if (split) {
        for (const ShardCount& c : shard_counts) merged.Merge(c.counts);
        counts = &merged;
      } else if (has_remote_) {
        for (auto it = remote_spy.values_begin(); it != remote_spy.values_end(); ++it) {
          merged.Add(*it, static_cast<int64_t>(it.get_termfreq()));
        }
        counts = &merged;
      }
      SearchResult filled;
      counts->Fill(kFacetValues, &filled);
      if (r.facets) out.facets = std::move(filled.facets);
      if (r.histogram) {
        out.histogram = std::move(filled.histogram);
        out.histogram_interval = std::move(filled.histogram_interval);
      }
      out.facets_sampled = counts->seen();
      out.facets_exact = out.total_exact && counts->seen() >= out.total;
    }
    if (!out.time_budget_spent && spent()) out.time_budget_spent = true;
    if (r.suggestion && has_text && !out.time_budget_spent) out.suggestion = Suggest(slot.db, r.q, r.viewer);
    return out;
  }

  // The page of results ranked over every shard as one (enquire, on this
  // thread, stopping once the page is settled) while each shard counts its
  // matches for the totals and, when `counting`, the facets (on this thread
  // and the workers). Each shard examines at least sample / shards matches;
  // a shard that did not see all of its matches while all the shards
  // together may hold fewer than `sample` counts again with the whole
  // sample, so that totals (and facets) up to `sample` stay exact, as over
  // one database. Rethrows a shard's Xapian error (the caller retries).
  std::vector<ShardCount> CountByShard(Slot& slot, const Xapian::Query& query, bool counting,
                                       int64_t sample,
                                       const std::vector<std::shared_ptr<const FacetTable>>& tables,
                                       double time_limit, Xapian::Enquire* enquire,
                                       Xapian::MSet* mset, Xapian::doccount first,
                                       Xapian::doccount maxitems) {
    // Xapian::Query is not thread-safe (reference counts): each task reads
    // its own copy from the serialised form.
    const std::string serialised = query.serialise();
    std::vector<size_t> shards;
    for (size_t i = 0; i < specs_.size(); ++i) {
      if (slot.present[i]) shards.push_back(i);
    }
    std::vector<ShardCount> out(shards.size());
    auto count = [&](size_t k, Xapian::doccount at_least, int64_t spy_limit) {
      ShardCount& c = out[k];
      c = ShardCount();
      try {
        Xapian::Enquire e(slot.shard_dbs[shards[k]]);
        e.set_query(Xapian::Query::unserialise(serialised));
        e.set_weighting_scheme(Xapian::BoolWeight());
        if (time_limit > 0) e.set_time_limit(time_limit);
        FacetSpy spy(spy_limit, tables);
        if (counting) e.add_matchspy(&spy);
        const Xapian::MSet m = e.get_mset(0, 0, at_least);
        c.lower = m.get_matches_lower_bound();
        c.upper = m.get_matches_upper_bound();
        c.estimated = m.get_matches_estimated();
        if (counting) c.counts = spy.Finish();
      } catch (...) {
        c.error = std::current_exception();
      }
    };
    const int64_t n = static_cast<int64_t>(shards.size());
    const int64_t share = (sample + n - 1) / n;
    const auto at_least = static_cast<Xapian::doccount>(share);
    std::exception_ptr rank_error;
    std::vector<std::function<void()>> tasks;
    tasks.emplace_back([&] {
      try {
        *mset = enquire->get_mset(first, maxitems, first + maxitems);
      } catch (...) {
        rank_error = std::current_exception();
      }
    });
    for (size_t k = 0; k < shards.size(); ++k) {
      tasks.emplace_back([&count, k, at_least, share] { count(k, at_least, share); });
    }
    lanes_->Run(tasks);
    if (rank_error) std::rethrow_exception(rank_error);
    for (const ShardCount& c : out) {
      if (c.error) std::rethrow_exception(c.error);
    }
    // Exact up to `sample`, as one database: the shards that stopped early
    // (their total or their facets) count again with what the others left
    // of the sample, unless the shards together surely hold more than it.
    int64_t lower = 0, seen_whole = 0;
    std::vector<size_t> again;
    for (size_t k = 0; k < out.size(); ++k) {
      const ShardCount& c = out[k];
      lower += c.lower;
      if (c.lower == c.upper && (!counting || c.counts.seen() >= static_cast<int64_t>(c.lower))) {
        seen_whole += c.counts.seen();
      } else {
        again.push_back(k);
      }
    }
    if (!again.empty() && lower <= sample) {
      tasks.clear();
      for (size_t k : again) {
        tasks.emplace_back([&count, k, sample, seen_whole] {
          count(k, static_cast<Xapian::doccount>(sample),
                std::max<int64_t>(1, sample - seen_whole));
        });
      }
      lanes_->Run(tasks);
      for (size_t k : again) {
        if (out[k].error) std::rethrow_exception(out[k].error);
      }
    }
    return out;
  }

  // The facet table of each shard (by layout position) that slot searches,
  // when it was built from the same database (uuid) as slot's.
  std::vector<std::shared_ptr<const FacetTable>> Tables(const Slot& slot) const {
    std::vector<std::shared_ptr<const FacetTable>> out(specs_.size());
    const std::string uuids = slot.db.get_uuid();  // "uuid:uuid:..." in sub-database order
    size_t at = 0;
    for (size_t k = 0; k < slot.sub_shard.size(); ++k) {
      const size_t end = std::min(uuids.find(':', at), uuids.size());
      std::shared_ptr<const FacetTable> t = tables_->Get(slot.sub_shard[k]);
      if (t && uuids.compare(at, end - at, t->uuid()) == 0) out[slot.sub_shard[k]] = std::move(t);
      at = end + 1;
    }
    return out;
  }

  const IndexConfig config_;
  const std::vector<ShardSpec> specs_;
  bool has_remote_ = false;
  std::unique_ptr<FacetTables> tables_;  // local shards only
  std::unique_ptr<Lanes> lanes_;         // counting split by shard: local shards, two or more
  std::mutex mu_;
  std::vector<std::unique_ptr<Slot>> idle_;
};

}  // namespace
}  // namespace internal

Result<std::unique_ptr<Searcher>> Searcher::Open(const IndexConfig& config, Status* problem) {
  Result<std::vector<internal::ShardSpec>> layout = internal::ShardLayout(config);
  if (!layout.ok()) return layout.status();
  auto searcher = std::make_unique<internal::SearcherImpl>(config, std::move(*layout));
  Status s = searcher->Warm();
  if (problem != nullptr) {
    *problem = s;
  } else if (!s.ok()) {
    return s;
  }
  return std::unique_ptr<Searcher>(std::move(searcher));
}

}  // namespace scrm::index
