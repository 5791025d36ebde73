// RSS, Atom (ParseXmlFeed) and JSON Feed over the same input. The charset an
// HTTP header would give (which overrides the XML declaration) and the base
// URL vary with the input's length, so encodings are fuzzed too without
// spending input bytes on them.
#include <cstdint>
#include <iterator>

#include "fuzz_util.h"
#include "sources/feeds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scrm;
  static const char* const kCharsets[] = {"", "utf-8", "iso-8859-1", "windows-1252", "utf-16",
                                          "utf-16le", "iso-8859-15", "x-unknown"};
  sources::ParseOptions options;
  options.file = "fuzz";
  options.charset = kCharsets[size % std::size(kCharsets)];
  if (size % 3 == 0) options.base_url = "https://example.com/blog/feed.xml";
  {
    fuzz::BytesStream in(data, size);
    fuzz::DrainSink sink;
    sources::ParseStats stats;
    (void)sources::ParseXmlFeed(in, options, sink, &stats);
  }
  {
    fuzz::BytesStream in(data, size);
    fuzz::DrainSink sink;
    sources::ParseStats stats;
    (void)sources::ParseJsonFeed(in, options, sink, &stats);
  }
  return 0;
}
