// The search index: every post of the database as a Xapian document, spread
// over shards (local databases under index.dir, and remote ones served by
// Xapian's own xapian-tcpsrv), searched as one. The database stays the
// truth: everything here can be rebuilt from it (`scrm reindex`).
//
// Term prefixes, value slots and text folding are documented in one place:
// docs/index-terms.md. This header is the only interface of engine/index;
// <xapian.h> never leaks out of it.
#ifndef SCRM_INDEX_INDEX_H_
#define SCRM_INDEX_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/post.h"
#include "core/status.h"
#include "core/viewer.h"

namespace scrm::index {

// Where the shards live. Posts go to shard (post id mod shard count), local
// shards first, then remotes in the order given; changing the layout needs a
// `scrm reindex` (the layout is recorded in each shard and checked on open).
struct IndexConfig {
  std::string dir;                   // local shards: dir/shard-0 ... dir/shard-(N-1)
  int shards = 1;                    // local shards (index.shards), >= 0
  std::vector<std::string> remotes;  // "host:port" of `xapian-tcpsrv --writable` (index.remote_shards)
  int remote_timeout_ms = 10000;
  // Facets and the histogram count at most this many matches per search
  // (index.facet_sample); past it they are a sample (SearchResult::facets_exact).
  int facet_sample = 20000;
  // On two cores or more (local shards only), a ranked query whose words'
  // postings add up to this many or more is counted by ranges of ids in
  // parallel, one per lane, beside the page's ranking (docs/search.md,
  // "Shards"); fewer: one pass. From rank_ranges_at postings, each range
  // is ranked too and the pages merged. Tests set both.
  int64_t split_counting_at = 4000;
  int64_t rank_ranges_at = 100000;
  // Lanes of a split search: 0, one per core; tests set 2.
  int search_lanes = 0;
};

// One post with what the index needs beyond the post itself.
struct IndexedPost {
  int64_t id = 0;          // scrm_posts.id: the document's identity
  std::string source;      // source name
  std::string visibility;  // "public", "internal" or "community"
  std::string community;   // the community's name when visibility is "community"
  Post post;
  std::vector<std::string> customers;  // linked CRM records, "Contacts/<id>", "Leads/<id>", "Accounts/<id>"
  std::vector<std::string> accounts;   // account ids of the linked customers
  std::vector<std::string> owners;     // CRM user ids assigned to those records
  int64_t ingested_at = 0;             // epoch seconds: "new since" for saved searches
};

// The single writer. Opening takes each shard's Xapian write lock: a second
// writer gets Unavailable ("index locked by another process") and should
// retry later. Not thread-safe; one thread writes.
class Indexer {
 public:
  static Result<std::unique_ptr<Indexer>> Open(const IndexConfig& config);
  // As Open, but every shard starts empty and records the configured layout
  // whatever it held: the start of `scrm reindex`, the way out of a layout
  // or format mismatch (FailedPrecondition from Open). Searchers see the
  // index empty from the first Commit until the rebuild's last.
  static Result<std::unique_ptr<Indexer>> OpenEmpty(const IndexConfig& config);
  // For a rebuild (`scrm reindex`), empty or not. Local shards: Puts in
  // ascending id order go to fresh databases of 100,000 posts beside each
  // shard (<shard>.rebuild/), merged at the first call that is not a Put
  // (RemoveAllExcept, Commit...) into a new shard that replaces the old one
  // in one rename: searchers keep the old shard until then, and a post costs
  // the same whatever the index size (twice the shard's disk space while it
  // runs). Remote shards are rewritten in place. Commits are not forced to
  // disk one by one; Commit() syncs every file once. A crash before that
  // Commit leaves the old shard (local) or a partly written one (remote):
  // `scrm reindex` again.
  static Result<std::unique_ptr<Indexer>> OpenForRebuild(const IndexConfig& config, bool empty);
  // For a large ingest into shards that have posts (IndexFeeder): local
  // shards, Puts of posts newer than every post of their shard, in ascending
  // id order, go to fresh databases of 100,000 posts beside the shard,
  // merged with it at the first call that is not such a Put (Commit...)
  // into a new shard that replaces it in one rename; until then searchers
  // see the shard as it was. Any other change ends the staging first and
  // then goes to the shard as with Open. Remote shards: as Open.
  static Result<std::unique_ptr<Indexer>> OpenForAppend(const IndexConfig& config);
  virtual ~Indexer() = default;

  // Put queues the post for its shard's writer thread: a failure of a queued
  // write (disk full...) is returned by a later Put or by Commit.
  virtual Status Put(const IndexedPost& post) = 0;  // add or replace, by id
  virtual Status Put(IndexedPost&& post) {          // the same, without a copy
    return Put(static_cast<const IndexedPost&>(post));
  }
  virtual Status Remove(int64_t post_id) = 0;       // absent: OK
  virtual Status Commit() = 0;                      // makes every change visible to searchers
  // Removes every document whose id is not in `keep` (sorted ascending):
  // the end of a rebuild, for posts deleted since the last one.
  virtual Result<int64_t> RemoveAllExcept(const std::vector<int64_t>& keep) = 0;
  virtual Result<int64_t> DocCount() = 0;
  // Free-form metadata kept in shard 0 (e.g. "reindex.finished_at").
  virtual Status SetMetadata(const std::string& key, const std::string& value) = 0;
};

// Who is asking: what the caller may see (core/viewer.h). Visibility is part
// of every query, so totals, facets, the histogram, "more like this" and
// spelling suggestions never count or offer what the caller may not see.
using Viewer = scrm::Viewer;

struct SearchRequest {
  std::string q;  // Xapian query syntax; empty: every post (the filters still apply)
  // Filters: values of one filter are OR'ed, filters are AND'ed.
  std::vector<std::string> platforms, sources, communities, languages, kinds;
  std::vector<std::string> customers, accounts, owners;  // as in IndexedPost
  std::vector<std::string> authors;  // Post::author_id (a profile's external_id), as given
  std::optional<bool> linked;  // true: linked to at least one customer
  int64_t from = 0, to = 0;    // published, epoch seconds, inclusive; 0: open
  int64_t ingested_after = 0;  // only posts ingested after this time (saved-search alerts)
  int64_t more_like = 0;       // post id: posts like this one (q is ignored)
  // A query without words (no q, or fields only) weighs every match 0 and
  // is always sorted newest first.
  enum class Sort { kRelevance, kDate } sort = Sort::kRelevance;  // kDate: newest first
  int offset = 0;
  int limit = 20;  // at most 1000
  bool facets = true;
  bool histogram = true;
  bool snippets = true;
  bool suggestion = true;
  Viewer viewer;
  // When the search must be done by (search.time_budget_ms after it was
  // asked); the epoch (default): no deadline. Xapian stops counting matches
  // there (Enquire::set_time_limit) and later stages are skipped, and the
  // result says so (SearchResult::time_budget_spent).
  std::chrono::steady_clock::time_point deadline{};
};

struct SearchHit {
  int64_t id = 0;
  double score = 0;  // relevance (BM25) as Xapian gives it; 0 when sorted by date without a query
  int64_t date = 0;  // published, epoch seconds
  std::string platform, source, language, kind, url, title;
  std::string author_name, author_handle, author_id;
  std::string external_id;
  std::vector<std::string> customers;
  // HTML-escaped text around the best matching words, each matched word in
  // <mark>...</mark>; the start of the text when nothing matched.
  std::string snippet;
  // The post's text as the index keeps it: the whole text when text_whole,
  // else its first 2,000 bytes or so (cut on a UTF-8 boundary): the whole
  // is then in the database (store::PostReader::LoadPosts).
  std::string text;
  bool text_whole = true;
};

struct FacetCount {
  std::string value;
  int64_t count = 0;
};

struct HistogramBucket {
  int64_t start = 0;  // epoch seconds of the bucket's first second (UTC)
  int64_t count = 0;
};

struct SearchResult {
  int64_t total = 0;          // matches visible to the viewer
  bool total_exact = false;   // false: Xapian's estimate (bounds below)
  int64_t total_lower = 0, total_upper = 0;
  std::vector<SearchHit> results;
  // "platform", "source", "language", "tag", "account": most frequent first.
  std::map<std::string, std::vector<FacetCount>> facets;
  // True when facets and histogram counted every match; false when they
  // counted the first facet_sample matches Xapian examined (counts are then
  // that sample's, not scaled).
  bool facets_exact = true;
  int64_t facets_sampled = 0;
  std::string histogram_interval;  // "day", "week", "month" or "year"
  std::vector<HistogramBucket> histogram;
  std::string suggestion;  // a corrected query, "" when none
  // The deadline passed: the results are those found in time (none when it
  // passed before matching began), totals and facets count what was seen,
  // and the suggestion was not computed.
  bool time_budget_spent = false;
  std::string parsed_query;  // Xapian's description, for debugging
};

// Searches every shard as one. Thread-safe: each call borrows its own
// Xapian::Database and reopens it, so a search sees the last commit.
class Searcher {
 public:
  // Fails on a bad configuration, and on an index that cannot be searched
  // (changed layout, damaged shard) unless `problem` is given: then the
  // searcher is returned anyway, *problem says what is wrong, and each search
  // reports it until the index is rebuilt (`scrm serve` keeps its other
  // routes up meanwhile).
  static Result<std::unique_ptr<Searcher>> Open(const IndexConfig& config,
                                                Status* problem = nullptr);
  virtual ~Searcher() = default;
  // InvalidArgument (field "q") for a query Xapian cannot parse; Unavailable
  // when a shard cannot be reached.
  virtual Result<SearchResult> Search(const SearchRequest& request) = 0;
  virtual Result<int64_t> DocCount() = 0;
  // Whether the index holds posts this viewer may not see (of a visibility
  // it is not given: internal, another community, a removed source). False
  // lets a caller skip counting what is hidden. The default answers as
  // if it may, unless the viewer sees everything.
  virtual Result<bool> HidesFrom(const Viewer& viewer) { return !viewer.everything; }
};

// Text folding shared by indexing and queries: lower case, accents removed
// ("Éric" -> "eric", "réseaux" -> "reseaux"), typographic apostrophes made
// plain and French elisions removed ("L'été" -> "ete", "qu'il" -> "il").
std::string FoldText(const std::string& text);

}  // namespace scrm::index

#endif  // SCRM_INDEX_INDEX_H_
