// The Searcher behind index.h. Each search borrows a pooled Slot (a
// Xapian::Database over every shard that exists, with its QueryParsers),
// reopens it (cheap when nothing was committed) and returns it. Local shards
// that do not exist yet are looked for again at each search, so an index
// built after `scrm serve` started is found without a restart.
//
// On a machine of two cores or more, a ranked search that may match many
// posts runs on every core: the document ids are cut into as many ranges as
// cores (DocRange), each counted (totals, facets, histogram) on its own
// thread (Lanes) over every shard as one database, while the page is ranked
// over the whole index, Xapian ending that as soon as no later match can
// enter it. For queries of very many matches, whose ranking reads far, each
// range is ranked too, in the same pass as its count, with the whole
// index's statistics (a match weighs what it weighs in one search), and the
// pages are merged in Xapian's own order (weight, then document id).
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "index/facet_filter.h"
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
// A commit during a search: reopen and retry. 3 were too few while commits
// followed each other every few milliseconds (a test committing every 50
// posts, two more processes busy: 11 runs in 120 had a search fail after 3;
// none in 120 after 10).
constexpr int kAttempts = 10;
constexpr unsigned kMaxLanes = 4;  // ranges a search is split into at most
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

// The ids a range covers in each shard (DocRange below, one per shard of
// the database, in its order), and where in each shard the first matches of
// a search were found (Coverage), so that a search stopped early
// (check_at_least reached) can scale what it counted to the whole range.
struct RangeProgress {
  struct Sub {
    Xapian::docid first = 0, end = 0;  // the range's ids in this shard
  };
  std::vector<Sub> subs;
};

// Sees the first `limit` matches of a search, as they are found (in id
// order within each shard), and keeps per shard (by layout position) how
// many and the last one's id.
class Coverage : public Xapian::MatchSpy {
 public:
  Coverage(int64_t limit, size_t shards) : limit_(limit), seen_(shards, 0), last_(shards, 0) {}
  void operator()(const Xapian::Document& doc, double) override {
    if (n_ >= limit_) return;
    ++n_;
    const Xapian::docid did = doc.get_docid();  // in its shard
    const auto k = static_cast<size_t>(ShardOf(PostIdOf(did), static_cast<int>(seen_.size())));
    ++seen_[k];
    last_[k] = std::max(last_[k], did);
  }
  // The matches of the whole range, from those seen: their count over the
  // share of the range's ids they were found in. sub_shard: the layout
  // position of each shard of the database.
  double Estimate(const RangeProgress& range, const std::vector<size_t>& sub_shard) const {
    double total = 0, covered = 0;
    for (size_t i = 0; i < range.subs.size() && i < sub_shard.size(); ++i) {
      const RangeProgress::Sub& r = range.subs[i];
      if (r.end < r.first) continue;
      total += r.end - r.first + 1.0;
      const size_t k = sub_shard[i];
      if (seen_[k] > 0 && last_[k] >= r.first) covered += std::min(last_[k], r.end) - r.first + 1.0;
    }
    return covered > 0 ? static_cast<double>(n_) * total / covered : static_cast<double>(n_);
  }

 private:
  const int64_t limit_;
  int64_t n_ = 0;
  std::vector<int64_t> seen_;
  std::vector<Xapian::docid> last_;
};

// Only the documents whose id is in [first, last] of each shard (ids in
// their shard, as a match spy sees them): a range of the index for one lane.
// Used as a filter, so what it yields is only checked against the query's
// own matches (skip_to), never walked on its own: ids it yields that no
// document has cost nothing. Each shard's copy records its ids in
// `progress`.
class DocRange : public Xapian::PostingSource {
 public:
  DocRange(Xapian::docid first, Xapian::docid last, RangeProgress* progress)
      : first_(first), last_(last), progress_(progress) {}
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return est_; }
  Xapian::doccount get_termfreq_max() const override { return max_; }
  void next(double) override { at_ = at_ < first_ ? first_ : at_ + 1; }
  void skip_to(Xapian::docid did, double) override { at_ = std::max({at_, did, first_}); }
  bool at_end() const override { return at_ > end_; }
  Xapian::docid get_docid() const override { return at_; }
  DocRange* clone() const override { return new DocRange(first_, last_, progress_); }
  void init(const Xapian::Database& db) override {
    at_ = 0;
    end_ = std::min(last_, db.get_lastdocid());
    const Xapian::doccount docs = db.get_doccount();
    const Xapian::doccount span = end_ >= first_ ? end_ - first_ + 1 : 0;
    max_ = std::min(span, docs);
    const Xapian::docid lastdoc = std::max<Xapian::docid>(db.get_lastdocid(), 1);
    est_ = static_cast<Xapian::doccount>(static_cast<double>(docs) * span / lastdoc);
    est_ = std::min(est_, max_);
    progress_->subs.push_back({first_, end_});
  }

 private:
  const Xapian::docid first_, last_;
  RangeProgress* const progress_;
  Xapian::docid end_ = 0, at_ = 0;
  Xapian::doccount est_ = 0, max_ = 0;
};

// A match of one lane's page.
struct Match {
  double weight = 0;
  Xapian::docid did = 0;  // in the database over every shard
  Xapian::Document doc;
};

// Appends the matches of an MSet to a page, in its order.
void AppendPage(const Xapian::MSet& mset, std::vector<Match>* page) {
  for (auto it = mset.begin(); it != mset.end(); ++it) page->push_back({it.get_weight(), *it, it.get_document()});
}

// What one lane's range gave (ByRange below): its count, its page if ranked.
struct RangeResult {
  Xapian::doccount lower = 0, upper = 0, estimated = 0;
  FacetCounts counts;
  std::vector<Match> page;
  std::exception_ptr error;
};

struct Slot {
  Xapian::Database db;
  // The same shards again, once per lane (db ranks the page while the
  // lanes count): a Xapian object is used by one thread at a time
  // (Searcher::lanes_).
  std::vector<Xapian::Database> lane_dbs;
  std::vector<bool> present;  // shards in db
  std::vector<uint64_t> identity;  // ShardIdentity of each shard when opened
  // ShardVersion of each shard when last opened or reopened ("": unknown):
  // while none changes, the slot is current without a reopen (which reads
  // every shard's version file again for db and each lane).
  std::vector<std::string> version;
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

// How long the query's words' posting lists are together (an upper bound on
// its matches, words AND'ed or OR'ed), counted up to `enough`; wildcards:
// as long as can be.
int64_t Postings(TermFreqs& freqs, const Xapian::Query& query, const std::vector<std::string>& wildcards,
                 int64_t enough) {
  if (!wildcards.empty()) return std::numeric_limits<int64_t>::max();
  int64_t n = 0;
  for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end() && n < enough; ++it) {
    n += freqs.Get(*it);
  }
  return n;
}

bool IsBlank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// query FILTER each condition, answered by a FacetFilter of its own (one
// per Enquire: a Xapian object is used by one thread at a time).
Xapian::Query WithConditions(Xapian::Query query, const std::vector<FacetCondition>& conditions,
                             const std::vector<std::shared_ptr<const FacetTable>>& tables) {
  for (const FacetCondition& c : conditions) {
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query((new FacetFilter(c, tables))->release()));
  }
  return query;
}

class SearcherImpl : public Searcher {
 public:
  SearcherImpl(IndexConfig config, std::vector<ShardSpec> specs)
      : config_(std::move(config)), specs_(std::move(specs)) {
    has_remote_ = std::any_of(specs_.begin(), specs_.end(), [](const ShardSpec& s) { return s.remote; });
    if (!has_remote_) tables_ = std::make_unique<FacetTables>(specs_, kFacetTableRebuildSeconds);
    // A search split by ranges of ids: local shards only (a remote server
    // searches its own), one lane per core up to kMaxLanes (each lane holds
    // every shard open again in each pooled slot: files, memory); tests
    // force two lanes.
    const unsigned cores = std::max(config_.search_lanes, 0) > 0
                               ? static_cast<unsigned>(config_.search_lanes)
                               : std::min(std::thread::hardware_concurrency(), kMaxLanes);
    if (!has_remote_ && !specs_.empty() && cores >= 2) {
      lanes_ = std::make_unique<Lanes>(cores - 1);
      lane_count_ = cores;
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
        slot->version.assign(slot->version.size(), std::string());  // Prepare reopens
        continue;
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
    slot.version.assign(specs_.size(), std::string());
    slot.shards = 0;
    slot.sub_shard.clear();
    slot.lane_dbs.assign(lanes_ ? lane_count_ : 0, Xapian::Database());
    slot.queries.reset();
    for (size_t i = 0; i < specs_.size(); ++i) {
      const ShardSpec& spec = specs_[i];
      if (!ShardExists(spec)) continue;
      try {
        slot.identity[i] = ShardIdentity(spec);
        slot.version[i] = ShardVersion(spec);  // before opening: a commit in between is seen next time
        Xapian::Database shard = OpenReadableShard(spec, config_.remote_timeout_ms);
        Status s = CheckShard(shard, spec);
        if (!s.ok()) return s;
        slot.db.add_database(shard);
        for (Xapian::Database& lane : slot.lane_dbs) {
          lane.add_database(OpenReadableShard(spec, config_.remote_timeout_ms));
        }
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
    bool changed = false;
    for (size_t i = 0; i < specs_.size(); ++i) {
      if (!slot.present[i]) continue;
      // Read before reopening: a commit in between is seen next time.
      std::string version = ShardVersion(specs_[i]);
      if (version.empty() || version != slot.version[i]) changed = true;
      slot.version[i] = std::move(version);
    }
    if (!changed) return Status::Ok();
    try {
      slot.db.reopen();
      for (Xapian::Database& lane : slot.lane_dbs) lane.reopen();
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
    TermFreqs freqs(slot.db);  // read once: for parsing, the lanes' choice, the suggestion
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
      Result<TextQuery> parsed = slot.queries->Parse(r.q, french, english, &freqs);
      if (!parsed.ok()) return parsed.status();
      text = parsed->query;
      wildcards = std::move(parsed->wildcards);
    }
    const bool counting = r.facets || r.histogram;
    // A query without words (filters only, or none) weighs every match 0:
    // "relevance" would be an arbitrary order, and over several shards Xapian
    // examines every match to keep it (no early end for weightless matches):
    // newest first is both useful and 3 times faster.
    const bool by_date = r.sort == SearchRequest::Sort::kDate || !HasWords(text, wildcards);
    std::vector<FacetCondition> conditions;
    SearchRequest rest;  // r without the conditions, when there are
    if (tables_) conditions = Conditions(r, &rest);
    std::vector<std::shared_ptr<const FacetTable>> tables;
    if (tables_ && (counting || by_date || !conditions.empty())) tables = Tables(slot);
    // Without the conditions: ByRange copies it to each lane (serialised),
    // and adds them there.
    const Xapian::Query base = Restrict(text, FilterOf(conditions.empty() ? r : rest, slot.db));
    const Xapian::Query query = WithConditions(base, conditions, tables);
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
    Rank(&enquire);
    DateSortKey date_key(tables);
    if (by_date && has_remote_) {
      enquire.set_sort_by_value_then_relevance(kSlotDate, true);  // remote servers know no KeyMaker of ours
    } else if (by_date) {
      enquire.set_sort_by_key_then_relevance(&date_key, true);
    }
    const int64_t sample = std::max(config_.facet_sample, 1);
    const auto check_at_least = static_cast<Xapian::doccount>(
        std::max<int64_t>(config_.facet_sample, static_cast<int64_t>(r.offset) + limit));
    // Split by ranges of ids over the lanes (see the top of this file) when
    // the work is worth it: a ranked query that may match many posts. Few
    // matches cost less in one pass than in several.
    const int64_t postings = lanes_ && slot.lane_dbs.size() == lane_count_ && !by_date
                                 ? Postings(freqs, text, wildcards,
                                            std::max(config_.split_counting_at, config_.rank_ranges_at))
                                 : -1;
    const bool split = postings >= config_.split_counting_at;
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
    std::vector<Match> page;
    std::vector<RangeResult> ranges;
    if (split) {
      ranges = ByRange(slot, base, conditions, postings >= config_.rank_ranges_at, counting, sample, tables,
                       time_limit, &enquire, static_cast<Xapian::doccount>(r.offset),
                       static_cast<Xapian::doccount>(limit), &page);
      for (const RangeResult& c : ranges) {
        out.total_lower += c.lower;
        out.total_upper += c.upper;
        out.total += c.estimated;
      }
    } else {
      const Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(r.offset),
                                                 static_cast<Xapian::doccount>(limit), check_at_least);
      AppendPage(mset, &page);
      out.total_lower = mset.get_matches_lower_bound();
      out.total_upper = mset.get_matches_upper_bound();
      out.total = mset.get_matches_estimated();
    }
    if (spent()) out.time_budget_spent = true;
    out.total_exact = out.total_lower == out.total_upper;

    std::unique_ptr<Highlighter> highlighter;
    if (r.snippets) highlighter = std::make_unique<Highlighter>(text, std::move(wildcards));
    StoredPost stored;
    out.results.reserve(page.size());
    for (const Match& m : page) {
      SearchHit hit;
      if (!DecodeData(m.doc.get_value(kSlotData), &stored)) {
        return Status::Internal("index document " + std::to_string(m.did) +
                                " has data this scrm cannot read: run `scrm reindex`");
      }
      hit.id = stored.id;
      hit.score = m.weight;
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
        for (const RangeResult& c : ranges) merged.Merge(c.counts);
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
    if (r.suggestion && has_text && !out.time_budget_spent) out.suggestion = Suggest(freqs, r.q, r.viewer);
    return out;
  }

  // Scrm's weighting: BM25 without length normalisation (b = 0): posts are
  // short and alike in length, and reading each match's length from the
  // shard costs more than the rest of the matching (11.4 ms against 2.8 ms
  // for 20,000 matches of "data" at 1M posts, measured).
  static void Rank(Xapian::Enquire* enquire) {
    enquire->set_weighting_scheme(Xapian::BM25Weight(1, 0, 1, 0, 0.5));
  }

  // The search split by ranges of document ids, one per lane, over every
  // shard as one database (the whole index's statistics: the weights of one
  // search), on this thread and the workers. With `ranked`, each range is
  // ranked and counted in one pass, and the ranges' pages are merged in
  // Xapian's order (weight, then document id): for queries of very many
  // matches, whose ranking reads far. Without, the page is ranked over the
  // whole index (enquire, Xapian ending it as soon as no later match can
  // enter the page) while the ranges only count (boolean weights: no score
  // to compute). *page gets [first, first + maxitems). Each range examines
  // at least sample / lanes matches; a range that did not see all of its
  // matches while all the ranges together may hold fewer than `sample`
  // counts again with the whole sample, so that totals (and facets) up to
  // `sample` stay exact, as in one pass. `query` is without `conditions`:
  // each range adds its own FacetFilters (Xapian cannot serialise them).
  // Rethrows a Xapian error (the caller retries).
  std::vector<RangeResult> ByRange(Slot& slot, const Xapian::Query& query,
                                   const std::vector<FacetCondition>& conditions, bool ranked, bool counting,
                                   int64_t sample,
                                   const std::vector<std::shared_ptr<const FacetTable>>& tables,
                                   double time_limit, Xapian::Enquire* enquire, Xapian::doccount first,
                                   Xapian::doccount maxitems, std::vector<Match>* page) {
    // Xapian::Query is not thread-safe (reference counts): each task reads
    // its own copy from the serialised form.
    const std::string serialised = query.serialise();
    // Ids in a shard run to its last one; the ranges cut them evenly.
    const size_t n = lane_count_;
    const Xapian::docid last =
        std::max<Xapian::docid>((slot.db.get_lastdocid() + slot.shards - 1) / slot.shards, 1);
    const Xapian::docid span = static_cast<Xapian::docid>((last + n - 1) / n);
    std::vector<RangeResult> out(n);
    // Range k: ranked for its share of the page when `ranked`, else counted.
    auto search = [&](size_t k, bool ranked, Xapian::doccount at_least, int64_t spy_limit) {
      RangeResult& c = out[k];
      c = RangeResult();
      try {
        RangeProgress progress;
        DocRange range(static_cast<Xapian::docid>(1 + k * span),
                       k + 1 == n ? Xapian::docid(-1) : static_cast<Xapian::docid>((k + 1) * span),
                       &progress);
        Xapian::Enquire e(slot.lane_dbs[k]);
        e.set_query(WithConditions(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query::unserialise(serialised),
                                                 Xapian::Query(&range)),
                                   conditions, tables));
        if (ranked) {
          Rank(&e);
        } else {
          e.set_weighting_scheme(Xapian::BoolWeight());
        }
        if (time_limit > 0) e.set_time_limit(time_limit);
        FacetSpy spy(spy_limit, tables);
        if (counting) e.add_matchspy(&spy);
        Coverage coverage(spy_limit, specs_.size());
        e.add_matchspy(&coverage);
        const Xapian::doccount items = ranked ? first + maxitems : 0;
        const Xapian::MSet m = e.get_mset(0, items, std::max(at_least, items));
        c.lower = m.get_matches_lower_bound();
        c.upper = m.get_matches_upper_bound();
        c.estimated = m.get_matches_estimated();
        if (c.lower != c.upper) {
          // Stopped early: what it counted scaled to the whole range
          // (Xapian's estimate multiplies the words' frequencies as if
          // independent: twice the truth for some words), within Xapian's
          // bounds.
          const double scaled = coverage.Estimate(progress, slot.sub_shard);
          c.estimated = static_cast<Xapian::doccount>(
              std::clamp(scaled + 0.5, static_cast<double>(c.lower), static_cast<double>(c.upper)));
        }
        if (counting) c.counts = spy.Finish();
        AppendPage(m, &c.page);
      } catch (...) {
        c.error = std::current_exception();
      }
    };
    const int64_t share = (sample + static_cast<int64_t>(n) - 1) / static_cast<int64_t>(n);
    // One past its share: ranges that all stopped early then surely hold
    // more than the sample together, and are not counted again.
    const auto at_least = static_cast<Xapian::doccount>(share + 1);
    std::exception_ptr rank_error;
    std::vector<std::function<void()>> tasks;
    if (!ranked) {
      tasks.emplace_back([&] {
        try {
          const Xapian::MSet m = enquire->get_mset(first, maxitems, first + maxitems);
          AppendPage(m, page);
        } catch (...) {
          rank_error = std::current_exception();
        }
      });
    }
    for (size_t k = 0; k < n; ++k) {
      tasks.emplace_back([&search, k, ranked, at_least, share] { search(k, ranked, at_least, share); });
    }
    lanes_->Run(tasks);
    if (rank_error) std::rethrow_exception(rank_error);
    for (const RangeResult& c : out) {
      if (c.error) std::rethrow_exception(c.error);
    }
    if (ranked) {  // one page in one search's order: by weight, ties by document id
      for (RangeResult& c : out) {
        std::move(c.page.begin(), c.page.end(), std::back_inserter(*page));
        c.page.clear();
      }
      std::sort(page->begin(), page->end(), [](const Match& a, const Match& b) {
        return a.weight != b.weight ? a.weight > b.weight : a.did < b.did;
      });
      page->erase(page->begin(), page->begin() + std::min<size_t>(first, page->size()));
      if (page->size() > maxitems) page->resize(maxitems);
    }
    // Exact up to `sample`, as one pass: the ranges that stopped early
    // (their total or their facets) count again with what the others left
    // of the sample, unless the ranges together surely hold more than it.
    int64_t lower = 0, seen_whole = 0;
    std::vector<size_t> again;
    for (size_t k = 0; k < out.size(); ++k) {
      const RangeResult& c = out[k];
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
        tasks.emplace_back([&search, k, sample, seen_whole] {
          search(k, false, static_cast<Xapian::doccount>(sample),
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

  // The platform and language filters of r, to be answered from the facet
  // tables (FacetFilter), with *rest: r without them. None when a value
  // cannot be (TableCanFilter): r's filters then stay terms.
  static std::vector<FacetCondition> Conditions(const SearchRequest& r, SearchRequest* rest) {
    std::vector<FacetCondition> out;
    const struct {
      FacetTable::Facet facet;
      const char* prefix;
      const std::vector<std::string>& values;
    } facets[] = {{FacetTable::kPlatform, kPrefixPlatform, r.platforms},
                  {FacetTable::kLanguage, kPrefixLanguage, r.languages}};
    for (const auto& f : facets) {
      if (f.values.empty()) continue;
      FacetCondition c;
      c.facet = f.facet;
      for (const std::string& v : f.values) {
        std::string lower = LowerValue(v);
        if (!TableCanFilter(lower)) return {};
        c.terms.push_back(BooleanTerm(f.prefix, lower));
        c.values.push_back(std::move(lower));
      }
      out.push_back(std::move(c));
    }
    if (!out.empty()) {
      *rest = r;
      rest->platforms.clear();
      rest->languages.clear();
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
  std::unique_ptr<Lanes> lanes_;         // searches split by ranges of ids: local shards only
  size_t lane_count_ = 1;                // the lanes: the workers and the calling thread
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
