#include "sources/dispatch.h"

#include <algorithm>

#include "core/source.h"
#include "sources/activitystreams.h"
#include "sources/feeds.h"
#include "sources/format_detect.h"
#include "sources/jsonl.h"
#include "sources/linkedin.h"
#include "sources/twitter_archive.h"

namespace scrm::sources {

Result<std::string> ResolveFormat(const std::string& requested, std::string_view head,
                                  std::string_view file_name) {
  if (requested != "auto") {
    const auto& known = KnownFormats();
    if (std::find(known.begin(), known.end(), requested) != known.end()) return requested;
    std::string list = "auto";
    for (const std::string& f : known) list += ", " + f;
    return Status::InvalidArgument("unknown format '" + requested + "' (known: " + list + ")",
                                   "format");
  }
  return DetectFormat(head, file_name);
}

Status ParseAs(const std::string& format, std::istream& in, const ParseOptions& options,
               RecordSink& sink, ParseStats* stats) {
  if (format == "as2" || format == "as2-outbox") {
    return ParseActivityStreams(in, options, sink, stats);
  }
  if (format == "as2-jsonl") return ParseActivityStreamsLines(in, options, sink, stats);
  if (format == "rss" || format == "atom") return ParseXmlFeed(in, options, sink, stats);
  if (format == "jsonfeed") return ParseJsonFeed(in, options, sink, stats);
  if (format == "jsonl") return ParseScrmJsonLines(in, options, sink, stats);
  if (format == "twitter-archive") return ParseTwitterArchiveFile(in, options, sink, stats);
  if (format == "linkedin-connections" || format == "linkedin-messages") {
    return ParseLinkedInFile(in, options, sink, stats);  // the header line says which
  }
  return Status::InvalidArgument("format '" + format + "' has no parser in this build", "format");
}

}  // namespace scrm::sources
