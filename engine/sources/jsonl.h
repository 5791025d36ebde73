// scrm's own JSON Lines format, for sources no other parser reads (forums,
// internal communities, exports of in-house tools): one JSON object per
// line, {"type": "post", ...} or {"type": "profile", ...}, specified in
// docs/formats/scrm-jsonl.md. Each line is read, checked and emitted alone,
// so a file of any size (and a line of many megabytes) reads in the memory
// of one line; a bad line is a Reject naming its line and field and never
// stops the others. Pure: a stream in, records to a RecordSink; safe to
// call from several threads on different inputs.
#ifndef SCRM_SOURCES_JSONL_H_
#define SCRM_SOURCES_JSONL_H_

#include <istream>

#include "core/post.h"
#include "core/status.h"
#include "sources/parse.h"

namespace scrm::sources {

// Reads every line of `in`. Blank lines are ignored; a line holding only a
// marker object ({"scrm": 1}, no "type") is skipped with a note. Post and
// Profile fields are mapped as docs/formats/scrm-jsonl.md says; platform
// defaults to options.platform, else "other". A second record with an id
// already seen (same type and platform) is emitted too, with a note saying
// whether its content differs. A non-OK Status only for an empty input.
Status ParseScrmJsonLines(std::istream& in, const ParseOptions& options, RecordSink& sink,
                          ParseStats* stats);

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_JSONL_H_
