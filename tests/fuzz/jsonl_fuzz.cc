// scrm's own JSON Lines (`scrm export` output read back by `scrm ingest`).
#include <cstdint>

#include "fuzz_util.h"
#include "sources/jsonl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scrm;
  fuzz::BytesStream in(data, size);
  sources::ParseOptions options;
  options.file = "fuzz";
  fuzz::DrainSink sink;
  sources::ParseStats stats;
  (void)sources::ParseScrmJsonLines(in, options, sink, &stats);
  return 0;
}
