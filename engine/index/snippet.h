// Snippets over the stored original text: Xapian's MSet::snippet works on
// the indexed (folded) text and would show "reseau" for "réseau". Here each
// word of the original is folded and compared with the query's terms, by its
// folded form, its French or English stem, or a wildcard's prefix; the
// ~200-byte window holding the most matches is kept, HTML-escaped, matches in
// <mark></mark>.
#ifndef SCRM_INDEX_SNIPPET_H_
#define SCRM_INDEX_SNIPPET_H_

#include <xapian.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace scrm::index::internal {

std::string HtmlEscape(std::string_view s);

class Highlighter {
 public:
  // The words to mark: the unstemmed and "Z" stemmed terms of query, and
  // the folded prefixes of its wildcards.
  Highlighter(const Xapian::Query& query, std::vector<std::string> wildcard_prefixes);
  // At most about window bytes of text (on word boundaries, "…" where cut).
  std::string Snippet(std::string_view text, size_t window = 200);

 private:
  bool Matches(const std::string& folded);
  std::unordered_set<std::string> words_, stems_, stem_starts_;
  std::vector<std::string> prefixes_;
  std::unordered_map<std::string, bool> memo_;
  Xapian::Stem french_, english_;
  std::string folded_;
};

}  // namespace scrm::index::internal

#endif  // SCRM_INDEX_SNIPPET_H_
