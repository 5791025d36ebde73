// What every parser of sources/ takes and gives back besides its records:
// ParseOptions (the input's name, hints) and ParseStats (counts and notes
// on what was skipped on purpose). A parser sends posts, profiles and
// rejects to a RecordSink in input order, returns a non-OK Status only when
// the input as a whole is not its format (or breaks off unreadably), and
// never lets one bad record stop the others. RecordEmitter is the shared
// plumbing parsers use to do that uniformly.
#ifndef SCRM_SOURCES_PARSE_H_
#define SCRM_SOURCES_PARSE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/post.h"

namespace scrm::sources {

struct ParseOptions {
  // Named in positions and messages: a file name, "-" for stdin, a URL.
  std::string file = "-";
  // ActivityStreams: force Post/Profile::platform ("mastodon",
  // "activitypub"); empty = "mastodon" when the record shows Mastodon's
  // marks, else "activitypub".
  std::string platform;
  // Feeds: the charset of an HTTP Content-Type header. It overrides the XML
  // declaration (RFC 7303) but not a byte-order mark.
  std::string charset;
  // Feeds: resolves relative URLs when the feed gives no base of its own
  // (the URL the feed was fetched from).
  std::string base_url;
};

struct ParseStats {
  int64_t records = 0;   // records read, whatever became of them
  int64_t posts = 0;
  int64_t profiles = 0;
  int64_t rejects = 0;
  int64_t deletions = 0;  // Deletes handed on (the pipeline applies them)
  int64_t skipped = 0;   // read and left out on purpose (Like, Follow...), see notes
  // Human-readable notes on skipped records and repaired input, at most
  // kMaxNotes of them ("record 3 (line 40): Delete skipped: ...").
  std::vector<std::string> notes;
  static constexpr size_t kMaxNotes = 100;
};

// Reject::raw and the raw bytes kept in notes are cut past this size.
inline constexpr size_t kMaxRawBytes = 1 << 20;

// Forwards records to a sink, counts them in stats and words reject reasons
// the same way in every parser: "record 12 (line 13): <reason>".
class RecordEmitter {
 public:
  RecordEmitter(RecordSink& sink, ParseStats& stats) : sink_(sink), stats_(stats) {}

  void EmitPost(Post post, const Position& where);
  void EmitProfile(Profile profile, const Position& where);
  void EmitDelete(Deletion deletion, const Position& where);
  void EmitReject(const Position& where, std::string_view reason, std::string_view raw);
  // A record read and left out on purpose: counted and noted, not rejected.
  void Skip(const Position& where, std::string_view why);
  // A note that is not about one skipped record (repaired encoding...).
  void Note(std::string note);
  // Every record read passes here once, whatever becomes of it.
  void CountRecord() { ++stats_.records; }

  static std::string Where(const Position& where);  // "record 12 (line 13)"

  ParseStats& stats() { return stats_; }

 private:
  RecordSink& sink_;
  ParseStats& stats_;
};

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_PARSE_H_
