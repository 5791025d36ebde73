// From a SearchRequest to a Xapian::Query: the text (folded like the index,
// parsed by Xapian's QueryParser once per stemming language and OR'ed), the
// filters, and the viewer's visibility, which every query carries.
#ifndef SCRM_INDEX_QUERY_H_
#define SCRM_INDEX_QUERY_H_

#include <xapian.h>

#include <string>
#include <vector>

#include "core/status.h"
#include "index/index.h"

namespace scrm::index::internal {

// The query as the index sees it: each word folded like indexed text, the
// operators (AND OR NOT XOR NEAR ADJ) kept as typed, "#word" made
// "tag:word" and "@name" made "mention:name" (outside phrases).
std::string FoldQuery(const std::string& q);

// InvalidArgument (field "q") for an unbalanced double quote or
// parenthesis, with how to fix it.
Status CheckBalanced(const std::string& q);

struct TextQuery {
  Xapian::Query query;
  std::vector<std::string> wildcards;  // folded prefixes of word* (for snippets)
};

// The frequencies of the terms one search looks up, each read from the
// shards once: the parse (which leaves out the terms no post holds), the
// Searcher's choice of how to run the query and the suggestion read the
// same terms. Not thread-safe; for one search (the database must stay as
// it is).
class TermFreqs {
 public:
  explicit TermFreqs(const Xapian::Database& db) : db_(db) {}
  const Xapian::Database& db() const { return db_; }
  Xapian::doccount Get(const std::string& term);

 private:
  const Xapian::Database& db_;
  std::vector<std::pair<std::string, Xapian::doccount>> seen_;  // a few terms: searched in order
};

// Xapian's QueryParser set up with scrm's prefixes (docs/index-terms.md).
// The query's language is unknown: each plain word matches its French or
// its English stem (a hidden field whose FieldProcessor makes the OR), in
// one parse. Not thread-safe: one per pooled database.
class QueryBuilder {
 public:
  explicit QueryBuilder(const Xapian::Database& db);
  // q non-blank. french/english: which stems a word may match (at least one).
  // With `present`, the terms a word looks for that no post holds are left
  // out: they match nothing, and Xapian would look each one up again in
  // every shard for its statistics and posting list (a word none of whose
  // terms is held keeps one, and matches nothing as before).
  Result<TextQuery> Parse(const std::string& q, bool french, bool english, TermFreqs* present = nullptr);

 private:
  Xapian::QueryParser parser_;
  Xapian::FieldProcessor* both_;  // owned by parser_
};

// Visibility and filters of the request: what a match must have and what
// it must not (each an empty Query when nothing applies).
struct Filter {
  Xapian::Query must, must_not;
};
Filter FilterOf(const SearchRequest& r, const Xapian::Database& db);
// Whether db holds a post of a visibility the viewer is not given
// (Searcher::HidesFrom).
bool HidesPosts(const Viewer& viewer, const Xapian::Database& db);
// query FILTER must AND_NOT must_not.
Xapian::Query Restrict(const Xapian::Query& query, const Filter& filter);

// "more like this": the post's best terms (Xapian's ESet of its document,
// boolean terms, stop words and numbers left out), OR'ed, without the post.
// NotFound when the post is not in the index or not visible to the viewer.
Result<Xapian::Query> MoreLikeQuery(const Xapian::Database& db, int64_t post_id, const Viewer& viewer);

// A corrected query for words found nowhere in the index, from the spelling
// data (docs/index-terms.md); "" when there is nothing to correct. Decided
// word by word: a word that finds posts as itself or through its French or
// English stem is never replaced. Only what the viewer may see counts: a
// word found in hidden posts only is corrected as if absent, and a correction
// that finds no post the viewer may see is not offered (Xapian keeps one
// spelling list for every post, so it is checked, not filtered).
std::string Suggest(TermFreqs& freqs, const std::string& q, const Viewer& viewer);

}  // namespace scrm::index::internal

#endif  // SCRM_INDEX_QUERY_H_
