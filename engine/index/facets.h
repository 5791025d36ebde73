// Facets and the date histogram: one pass over the packed facet record
// (kSlotFacets) of each match Xapian examines. Locally a FacetSpy counts as
// Xapian goes (one value read per match, counts in flat hash tables keyed by
// the value's bytes); with remote shards, whose server knows only Xapian's
// own match spies, a ValueCountMatchSpy over the same slot brings back each
// distinct record with its count and FacetCounts unpacks them here.
#ifndef SCRM_INDEX_FACETS_H_
#define SCRM_INDEX_FACETS_H_

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "index/facet_table.h"
#include "index/index.h"

namespace scrm::index::internal {

// Counts of strings: open addressing over a flat table; the strings are
// copied once, on first sight.
class Counter {
 public:
  void Add(std::string_view key, int64_t n);
  // The `top` most frequent, most frequent first (ties by value).
  std::vector<FacetCount> Top(size_t top) const;
  size_t size() const { return items_.size(); }
  const std::vector<FacetCount>& items() const { return items_; }

 private:
  void Grow();
  std::vector<uint32_t> slots_;  // index into items_ + 1; 0: free
  std::vector<size_t> hashes_;   // of items_
  std::vector<FacetCount> items_;
};

class FacetCounts {
 public:
  // One facet record seen `n` times.
  void Add(std::string_view packed, int64_t n);
  // The same, piece by piece (FacetSpy's table counts).
  void AddSeen(int64_t n) { seen_ += n; }
  void AddDay(int32_t day, int64_t n);
  void AddValue(int facet, std::string_view value, int64_t n);  // FacetTable::Facet
  // Adds every count of `other` (another range's, counted apart).
  void Merge(const FacetCounts& other);
  // Fills facets (top values of each) and the histogram.
  void Fill(size_t top, SearchResult* out) const;
  int64_t seen() const { return seen_; }

 private:
  Counter platform_, source_, language_, tag_, account_;
  // Posts per day: counts_[day - first_day_], grown on either side; days
  // too far from the others (a bad date) go to far_ instead.
  int32_t first_day_ = 0;
  std::vector<int64_t> days_;
  std::vector<std::pair<int32_t, int64_t>> far_;
  int64_t seen_ = 0;
};

// Counts the first `limit` matches it is shown. Xapian shows a spy every
// match it examines: with check_at_least that is about `limit` for a text
// query, but every match of a query without weights (filters only) over
// several shards, whose matching cannot stop early. A match is counted from
// its shard's FacetTable when there is one (tables[shard], null if none; the
// shard comes from the document id, terms.h), else from its value. Matches
// found in a table are kept and counted in Finish, a few look-ups ahead of
// each other: one at a time, each waited for memory (the records of a
// million posts do not fit a core's caches, and matches are far apart).
class FacetSpy : public Xapian::MatchSpy {
 public:
  FacetSpy(int64_t limit, std::vector<std::shared_ptr<const FacetTable>> tables);
  void operator()(const Xapian::Document& doc, double wt) override;
  // Every count, once the search is done.
  const FacetCounts& Finish();

 private:
  const int64_t limit_;
  int64_t seen_ = 0;
  const std::vector<std::shared_ptr<const FacetTable>> tables_;
  void Count(size_t shard, const FacetTable& table, const FacetTable::Record& r);

  // Per shard: the matches its table has, not counted yet.
  std::vector<std::vector<Xapian::docid>> pending_;
  // Per facet and shard: counts by the table's ids.
  std::vector<std::vector<int64_t>> by_id_[FacetTable::kFacets];
  FacetCounts counts_;
};

// "Newest first" without a value read per match: the date key of a match
// from its shard's FacetTable, else from its facet record (the same 8 bytes).
class DateSortKey : public Xapian::KeyMaker {
 public:
  explicit DateSortKey(std::vector<std::shared_ptr<const FacetTable>> tables)
      : tables_(std::move(tables)) {}
  std::string operator()(const Xapian::Document& doc) const override;

 private:
  const std::vector<std::shared_ptr<const FacetTable>> tables_;
};

// The histogram's bucket starts (exposed for tests of the calendar code).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d);

}  // namespace scrm::index::internal

#endif  // SCRM_INDEX_FACETS_H_
