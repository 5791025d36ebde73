// `--format auto`: format detection from an input's first bytes, under
// each file name whose extension it looks at.
#include <cstdint>
#include <iterator>

#include "fuzz_util.h"
#include "sources/format_detect.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scrm;
  static const char* const kNames[] = {"-", "outbox.json", "feed.xml", "tweets.js",
                                       "Connections.csv", "posts.jsonl", "messages.csv"};
  const std::string_view head = fuzz::View(data, size);
  Result<std::string> format = sources::DetectFormat(head, kNames[size % std::size(kNames)]);
  if (!format.ok()) SCRM_FUZZ_CHECK(!format.status().message().empty());
  return 0;
}
