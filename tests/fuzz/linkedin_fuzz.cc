// LinkedIn exports (Connections.csv with or without its Notes: preamble,
// messages.csv; the header line says which), and the helpers they use on
// single fields: dates and profile URLs.
#include <cstdint>

#include "fuzz_util.h"
#include "sources/linkedin.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scrm;
  const std::string_view bytes = fuzz::View(data, size);
  (void)sources::ParseLinkedInDate(bytes.substr(0, 64));
  (void)sources::NormalizeLinkedInProfileUrl(bytes.substr(0, 512));
  fuzz::BytesStream in(data, size);
  sources::ParseOptions options;
  options.file = "fuzz";
  fuzz::DrainSink sink;
  sources::ParseStats stats;
  (void)sources::ParseLinkedInFile(in, options, sink, &stats);
  return 0;
}
