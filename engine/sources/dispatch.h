// One entry point over every parser of sources/: resolve `--format auto`
// from an input's first bytes, then parse with the parser of that format.
// The names are those of KnownFormats() (core/source.h).
#ifndef SCRM_SOURCES_DISPATCH_H_
#define SCRM_SOURCES_DISPATCH_H_

#include <istream>
#include <string>
#include <string_view>

#include "core/post.h"
#include "core/status.h"
#include "sources/parse.h"

namespace scrm::sources {

// `requested` itself when it names a known format; for "auto", the format
// DetectFormat() recognises in `head`. InvalidArgument naming the file and
// the known formats otherwise.
Result<std::string> ResolveFormat(const std::string& requested, std::string_view head,
                                  std::string_view file_name);

// Parses all of `in` as `format` (a resolved name, not "auto").
Status ParseAs(const std::string& format, std::istream& in, const ParseOptions& options,
               RecordSink& sink, ParseStats* stats);

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_DISPATCH_H_
