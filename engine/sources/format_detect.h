// `--format auto`: which input format a file is, from its first bytes (up to
// kDetectBytes). Pure and cheap: it looks, it does not parse the whole
// input, so a file recognised here may still be rejected by its parser.
// Names are the ones `scrm ingest --format` accepts.
#ifndef SCRM_SOURCES_FORMAT_DETECT_H_
#define SCRM_SOURCES_FORMAT_DETECT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace scrm::sources {

inline constexpr size_t kDetectBytes = 64 * 1024;

// One of:
//   "as2-outbox"   an AS2 collection (OrderedCollection/Collection or a page,
//                  or any object with orderedItems): a Mastodon outbox.json
//   "as2"          one AS2 object, activity or actor
//   "as2-jsonl"    JSON Lines of AS2 objects
//   "jsonl"        scrm's own JSON Lines (first object has "scrm": 1, a
//                  "scrm_version" key, or "type": "post" / "profile")
//   "rss"          RSS 0.9x/2.0 or RSS 1.0 (rdf:RDF)
//   "atom"         Atom 0.3/1.0
//   "jsonfeed"     JSON Feed 1.0/1.1
//   "twitter-archive"       a window.YTD.*.part0 = [...] file of an X/Twitter archive
//   "linkedin-connections"  LinkedIn's Connections.csv (with or without the Notes: preamble)
//   "linkedin-messages"     LinkedIn's messages.csv
// or InvalidArgument naming the file and what its start looks like.
// `head` is the input's first bytes (more than kDetectBytes are ignored);
// a UTF-8 or UTF-16 byte-order mark is allowed.
Result<std::string> DetectFormat(std::string_view head, std::string_view file_name);

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_FORMAT_DETECT_H_
