// The Searcher behind index.h. Each search borrows a pooled Slot (a
// Xapian::Database over every shard that exists, with its QueryParsers),
// reopens it (cheap when nothing was committed) and returns it. Local shards
// that do not exist yet are looked for again at each search, so an index
// built after `scrm serve` started is found without a restart.
#include <xapian.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
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

struct Slot {
  Xapian::Database db;
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

bool IsBlank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

class SearcherImpl : public Searcher {
 public:
  SearcherImpl(IndexConfig config, std::vector<ShardSpec> specs)
      : config_(std::move(config)), specs_(std::move(specs)) {
    has_remote_ = std::any_of(specs_.begin(), specs_.end(), [](const ShardSpec& s) { return s.remote; });
    if (!has_remote_) tables_ = std::make_unique<FacetTables>(specs_, kFacetTableRebuildSeconds);
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
    std::unique_ptr<Slot> slot = Borrow();
    Result<SearchResult> result = Status::Internal("search: no attempt");
    bool reopened = false;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      try {
        Status s = Prepare(*slot);
        if (!s.ok()) return s;  // the slot is dropped: the next search starts over
        result = Run(*slot, request);
        Return(std::move(slot));
        return result;
      } catch (const Xapian::DatabaseModifiedError&) {
        continue;  // Prepare reopens
      } catch (const Xapian::NetworkError& e) {
        if (!ReopenAfter(*slot, &reopened)) return FromXapian(e, "search");
      } catch (const Xapian::Error& e) {
        return FromXapian(e, "search");
      }
    }
    return Status::Unavailable("search: the index changed under every attempt; retry");
  }

  Result<int64_t> DocCount() override {
    std::unique_ptr<Slot> slot = Borrow();
    bool reopened = false;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      try {
        Status s = Prepare(*slot);
        if (!s.ok()) return s;
        const auto n = slot->shards == 0 ? 0 : static_cast<int64_t>(slot->db.get_doccount());
        Return(std::move(slot));
        return n;
      } catch (const Xapian::DatabaseModifiedError&) {
        continue;
      } catch (const Xapian::NetworkError& e) {
        if (!ReopenAfter(*slot, &reopened)) return FromXapian(e, "doc count");
      } catch (const Xapian::Error& e) {
        return FromXapian(e, "doc count");
      }
    }
    return Status::Unavailable("doc count: the index changed under every attempt; retry");
  }

 private:
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
    FacetSpy spy(std::max(config_.facet_sample, 1), tables);
    Xapian::ValueCountMatchSpy remote_spy(kSlotFacets);
    if (counting) enquire.add_matchspy(has_remote_ ? static_cast<Xapian::MatchSpy*>(&remote_spy) : &spy);
    const auto check_at_least = static_cast<Xapian::doccount>(
        std::max<int64_t>(config_.facet_sample, static_cast<int64_t>(r.offset) + limit));
    if (budgeted && !has_remote_) {  // Xapian: not for remote shards
      // Past it, Xapian stops looking beyond the page asked for: counting
      // for totals and facets is what a wide query spends its time on.
      enquire.set_time_limit(
          std::chrono::duration<double>(r.deadline - std::chrono::steady_clock::now()).count());
    }
    Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(r.offset),
                                         static_cast<Xapian::doccount>(limit), check_at_least);

    if (spent()) out.time_budget_spent = true;
    out.total_lower = mset.get_matches_lower_bound();
    out.total_upper = mset.get_matches_upper_bound();
    out.total = mset.get_matches_estimated();
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
      out.results.push_back(std::move(hit));
    }

    if (counting) {
      const FacetCounts* counts = &spy.Finish();
      FacetCounts merged;
      if (has_remote_) {
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
