// ActivityStreams 2.0: the input read both as one document (an outbox, an
// object, an actor) and as JSON Lines of objects.
#include <cstdint>

#include "fuzz_util.h"
#include "sources/activitystreams.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scrm;
  sources::ParseOptions options;
  options.file = "fuzz";
  {
    fuzz::BytesStream in(data, size);
    fuzz::DrainSink sink;
    sources::ParseStats stats;
    (void)sources::ParseActivityStreams(in, options, sink, &stats);
  }
  {
    fuzz::BytesStream in(data, size);
    fuzz::DrainSink sink;
    sources::ParseStats stats;
    (void)sources::ParseActivityStreamsLines(in, options, sink, &stats);
  }
  (void)sources::IsWellFormedLanguageTag(fuzz::View(data, size));
  return 0;
}
