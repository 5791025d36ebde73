// A filter on the platform or language of a post answered from the shards'
// FacetTables (a bitmap per frequent value, in memory) instead of from the
// filter's posting lists. A filter on a frequent value (language=en,
// platform=mastodon: a third to half of the index) is checked against each
// match of the words, and each check decodes its posting list further: with
// bits, `fichier` with platform=mastodon took 2.3 ms instead of 3.3 at 1M
// posts (docs/index-terms.md, "Facets and histogram"). The bits answer only
// for a shard whose table is of the shard's very revision and holds every
// document; any other shard is filtered by its posting lists, as the term
// query would be: the matches are the same either way.
#ifndef SCRM_INDEX_FACET_FILTER_H_
#define SCRM_INDEX_FACET_FILTER_H_

#include <xapian.h>

#include <memory>
#include <string>
#include <vector>

#include "index/facet_table.h"

namespace scrm::index::internal {

// What a FacetFilter keeps: posts whose `facet` is one of `values` (as the
// filter's terms hold them: lower-cased), the `terms` of those values
// (BooleanTerm) for a shard the tables cannot answer. Every value passes
// TableCanFilter (the Searcher leaves other filters to the terms).
struct FacetCondition {
  FacetTable::Facet facet = FacetTable::kPlatform;
  std::vector<std::string> values, terms;
};

// The condition's values a FacetTable can stand for: lower case already,
// nothing the table's records would have changed (no space, no control
// character). Others are filtered by their terms.
bool TableCanFilter(const std::string& value);

class FacetFilter : public Xapian::PostingSource {
 public:
  // tables: by layout position, as Searcher::Tables gives them (null where
  // none); a shard's database is matched to its table by uuid.
  FacetFilter(FacetCondition condition, std::vector<std::shared_ptr<const FacetTable>> tables);

  Xapian::doccount get_termfreq_min() const override { return freq_; }
  Xapian::doccount get_termfreq_est() const override { return freq_; }
  Xapian::doccount get_termfreq_max() const override { return freq_; }
  void next(double min_wt) override;
  void skip_to(Xapian::docid did, double min_wt) override;
  bool at_end() const override { return at_end_; }
  Xapian::docid get_docid() const override { return did_; }
  FacetFilter* clone() const override;
  void init(const Xapian::Database& db) override;
  std::string get_description() const override;

  // Whether the last init answered from a table (tests).
  bool from_table() const { return table_ != nullptr; }

 private:
  // Moves to the first document at or after did that passes.
  void Seek(Xapian::docid did);

  const FacetCondition condition_;
  const std::vector<std::shared_ptr<const FacetTable>> tables_;
  // The shard's, after init:
  const FacetTable* table_ = nullptr;  // null: by posting lists
  size_t positions_ = 0;               // the table's
  std::vector<const std::vector<uint64_t>*> bits_;  // of the values kept
  Xapian::docid first_ = 1, step_ = 1;  // the shard's document ids: first_, first_ + step_, ...
  std::vector<Xapian::PostingIterator> lists_, ends_;
  Xapian::doccount freq_ = 0;
  Xapian::docid did_ = 0;
  bool at_end_ = false;
};

}  // namespace scrm::index::internal

#endif  // SCRM_INDEX_FACET_FILTER_H_
