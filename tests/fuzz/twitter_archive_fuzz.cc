// X/Twitter archive files (tweets.js with its window.YTD prefix, account.js,
// profile.js, follower.js, manifest.js...) one at a time, then the input as
// every file of a whole archive, and Twitter's created_at dates.
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include "fuzz_util.h"
#include "sources/twitter_archive.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scrm;
  const std::string_view bytes = fuzz::View(data, size);
  (void)sources::TwitterArchiveDataType(bytes);
  (void)sources::ParseTwitterDate(bytes.substr(0, 64));
  sources::ParseOptions options;
  options.file = "fuzz";
  {
    fuzz::BytesStream in(data, size);
    fuzz::DrainSink sink;
    sources::ParseStats stats;
    sources::TwitterArchiveOwner owner;
    (void)sources::ParseTwitterArchiveFile(in, options, sink, &stats, &owner);
  }
  {
    // Every file of the archive is this input (tweets-part1.js and on only
    // once, or the archive would never end).
    fuzz::DrainSink sink;
    sources::ParseStats stats;
    (void)sources::ParseTwitterArchive(
        [&](const std::string& name) -> std::unique_ptr<std::istream> {
          if (name.find("-part") != std::string::npos && name != "tweets-part1.js") return nullptr;
          return std::make_unique<std::istringstream>(std::string(bytes));
        },
        options, sink, &stats);
  }
  return 0;
}
