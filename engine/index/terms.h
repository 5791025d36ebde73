// A post as a Xapian document: the text terms (folded, stemmed by the post's
// language), the boolean terms, the values and the stored data of
// docs/index-terms.md; and the way back from the stored data to a hit.
#ifndef SCRM_INDEX_TERMS_H_
#define SCRM_INDEX_TERMS_H_

#include <xapian.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "index/index.h"

namespace scrm::index::internal {

// The stemmer of a post's language: French for "fr", English for every other
// language and for none (docs/index-terms.md says why).
bool IsFrench(std::string_view language);

// What the document data keeps: enough for a SearchHit and its snippet.
struct StoredPost {
  int64_t id = 0;
  int64_t date = 0;
  std::string external_id, platform, source, language, kind, url, title;
  std::string author_name, author_handle, author_id;
  std::vector<std::string> customers;
  std::string text;  // the post's text, cut to kStoredTextBytes
};
std::string EncodeData(const IndexedPost& post);
bool DecodeData(std::string_view data, StoredPost* out);

// At most max_bytes of s, cut on a UTF-8 boundary.
std::string_view TruncateBytes(std::string_view s, size_t max_bytes);

// The packed facet record of kSlotFacets: the date key (DateKey), then
// platform, source, language, tags and accounts separated by 0x1f, the tags
// and accounts each joined with 0x1e.
std::string PackFacets(const IndexedPost& post);
// 8 bytes that sort as the published date: big-endian (published XOR
// 2^63); all zero when the post has no date (published 0), sorting first.
inline constexpr size_t kDateKeyBytes = 8;
uint64_t DateKeyOf(int64_t published);
struct FacetRecord {
  uint64_t date_key = 0;
  bool has_day = false;
  int32_t day = 0;  // days since 1970-01-01, UTC
  std::string_view platform, source, language, tags, accounts;
};
bool UnpackFacets(std::string_view packed, FacetRecord* out);

// Whether a word gets a stem: it starts with a letter (Xapian's rule).
bool ShouldStem(const std::string& word);
// Words worth suggesting: 4 to 24 bytes, letters only, not stop words.
bool IsSpellingWord(const std::string& word);

// Builds documents; one per writer thread (the TermGenerator and the
// stemmers are not thread-safe). The text's words are indexed with
// positions; a word's stem is added as "Z"+stem only when it differs from
// the word ("reseaux" gives Zreseau, "data" gives no Zdata): a query word
// then matches Zstem OR the plain stem (query.cc), and the index holds and
// writes about a third fewer stemmed terms.
class DocumentBuilder {
 public:
  DocumentBuilder();
  // Makes TermGenerator add every indexed word to db's spelling data
  // (Xapian's own FLAG_SPELLING; see docs/index-terms.md for the cost).
  void EnableFullSpelling(Xapian::WritableDatabase* db);
  // spelling: when given, counts the words worth suggesting (IsSpellingWord)
  // with their frequency in the post.
  Xapian::Document Build(const IndexedPost& post,
                         std::unordered_map<std::string, Xapian::termcount>* spelling = nullptr);

 private:
  Xapian::TermGenerator generator_;
  Xapian::Stem french_, english_;
  std::string folded_;
  std::vector<std::pair<std::string, Xapian::termcount>> stems_;
};

}  // namespace scrm::index::internal

#endif  // SCRM_INDEX_TERMS_H_
