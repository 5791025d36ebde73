// The date parsers of feeds and AS2 (RFC 3339, W3C-DTF, RFC 822 and the
// lenient ParseFeedDate over all of them).
#include <cstdint>

#include "fuzz_util.h"
#include "sources/dates.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scrm;
  const std::string_view s = fuzz::View(data, size);
  (void)sources::ParseRfc3339(s);
  (void)sources::ParseW3cDate(s);
  (void)sources::ParseRfc822(s);
  (void)sources::ParseFeedDate(s);
  return 0;
}
