// Every parser of sources/ the way `scrm ingest --format auto` reaches it:
// the format detected from the input's first bytes, then that format's
// parser over the whole input.
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "sources/dispatch.h"
#include "sources/format_detect.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scrm;
  const std::string_view bytes = fuzz::View(data, size);
  Result<std::string> format =
      sources::ResolveFormat("auto", bytes.substr(0, sources::kDetectBytes), "fuzz");
  if (!format.ok()) return 0;
  fuzz::BytesStream in(data, size);
  sources::ParseOptions options;
  options.file = "fuzz";
  fuzz::DrainSink sink;
  sources::ParseStats stats;
  (void)sources::ParseAs(format.value(), in, options, sink, &stats);
  SCRM_FUZZ_CHECK(stats.notes.size() <= sources::ParseStats::kMaxNotes);
  return 0;
}
