// What the files of engine/index share and nothing outside it sees: term
// prefixes, value slots, the folding helpers and the error mapping. Every
// prefix and slot here is documented in docs/index-terms.md; a change to any
// of them changes kIndexFormat, so that old shards ask for `scrm reindex`.
#ifndef SCRM_INDEX_INTERNAL_H_
#define SCRM_INDEX_INTERNAL_H_

#include <xapian.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace scrm::index::internal {

// Recorded in every shard ("scrm.format"); bumped when terms, values or the
// document data change meaning.
inline constexpr const char kIndexFormat[] = "1";
inline constexpr const char kMetaFormat[] = "scrm.format";
inline constexpr const char kMetaLayout[] = "scrm.layout";  // "<shard>/<total>"

// Boolean term prefixes (docs/index-terms.md).
inline constexpr const char kPrefixId[] = "Q";
inline constexpr const char kPrefixTag[] = "K";
inline constexpr const char kPrefixMention[] = "XM";
inline constexpr const char kPrefixDomain[] = "H";
inline constexpr const char kPrefixPlatform[] = "XP";
inline constexpr const char kPrefixSource[] = "XS";
inline constexpr const char kPrefixVisibility[] = "XV";
inline constexpr const char kPrefixCommunity[] = "XG";
inline constexpr const char kPrefixLanguage[] = "L";
inline constexpr const char kPrefixKind[] = "XK";
inline constexpr const char kPrefixAuthor[] = "A";
inline constexpr const char kPrefixHandle[] = "XH";
inline constexpr const char kPrefixCustomer[] = "XCU";
inline constexpr const char kPrefixAccount[] = "XAC";
inline constexpr const char kPrefixOwner[] = "XO";
inline constexpr const char kPrefixLinked[] = "XL";

// Value slots.
inline constexpr Xapian::valueno kSlotDate = 0;        // sortable_serialise(published)
inline constexpr Xapian::valueno kSlotEngagement = 1;  // sortable_serialise(likes+shares+replies)
inline constexpr Xapian::valueno kSlotIngested = 2;    // sortable_serialise(ingested_at)
inline constexpr Xapian::valueno kSlotFacets = 3;      // packed facet record (terms.h)
// The stored post (EncodeData) is a value rather than the document data:
// Xapian compresses document data with zlib, values it does not (7% of the
// indexing time, measured), and the record is read only for the hits.
inline constexpr Xapian::valueno kSlotData = 4;

// Stored text is cut to this many bytes (on a UTF-8 boundary) for snippets.
inline constexpr size_t kStoredTextBytes = 2000;

// terms.cc. A boolean term: prefix + value, a ':' between them when a multi-letter
// prefix meets a value starting with a capital (Xapian's convention, which
// its QueryParser follows), and "#<FNV-64 hex>" in place of a value longer
// than kMaxValueBytes (Xapian refuses terms past 245 bytes).
inline constexpr size_t kMaxValueBytes = 200;
std::string BooleanTerm(std::string_view prefix, std::string_view value);
std::string IdTerm(int64_t id);

// Folding (fold.cc). FoldAppend appends FoldText(in) to *out.
void FoldAppend(std::string_view in, std::string* out);
// A value for a boolean term: folded, trimmed, controls removed.
std::string FoldValue(std::string_view value);
// ASCII lower case, trimmed: platforms, languages, kinds and CRM ids.
std::string LowerValue(std::string_view value);
// Stop words (French and English) dropped from queries and from "more like
// this"; never from the index, so phrases keep them.
bool IsStopWord(std::string_view folded_word);
const Xapian::Stopper& QueryStopper();

// Shard 0..total-1 of a post id, and its document id in that shard: id + 1,
// so that writing needs no look-up of the unique term (the Q term stays, for
// finding a post by id), and a shard's document id tells the post and the
// shard (what a MatchSpy sees of a match is its shard's document id).
// DocIdOf is 0 when the id does not fit (1 <= id < 2^32 - 1).
int ShardOf(int64_t id, int total);
Xapian::docid DocIdOf(int64_t id);
int64_t PostIdOf(Xapian::docid did);

// shards.cc. Maps a Xapian exception to a Status naming `what` (a shard, "search"):
// lock → Unavailable ("index locked by another process"), network →
// Unavailable, opening or corruption → FailedPrecondition or Internal.
Status FromXapian(const Xapian::Error& e, const std::string& what);

}  // namespace scrm::index::internal

#endif  // SCRM_INDEX_INTERNAL_H_
