// A ~200 MB outbox is read in constant memory: peak RSS (VmHWM) grows by
// less than 64 MB while every item is read. Tagged [slow]; the file is
// written to the temp directory and removed.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "parsers_test_util.h"
#include "sources/activitystreams.h"

namespace scrm::sources {
namespace {

namespace fs = std::filesystem;

int64_t PeakRssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

// Counts without keeping anything.
class CountingSink : public RecordSink {
 public:
  void OnPost(Post post, const Position&) override {
    ++posts;
    bytes += static_cast<int64_t>(post.raw.size());
  }
  void OnProfile(Profile, const Position&) override {}
  void OnDelete(Deletion, const Position&) override {}
  void OnReject(Reject) override { ++rejects; }
  int64_t posts = 0, rejects = 0, bytes = 0;
};

TEST_CASE("a 200 MB outbox streams in constant memory", "[sources][as2][slow]") {
  fs::path path = fs::temp_directory_path() /
                  ("scrm_outbox_" + std::to_string(::getpid()) + ".json");
  const std::string filler(1500, 'x');
  int64_t items = 0;
  {
    std::ofstream out(path, std::ios::binary);
    out << "{\"@context\":\"https://www.w3.org/ns/activitystreams\",\"type\":\"OrderedCollection\","
           "\"orderedItems\":[\n";
    int64_t written = 0;
    while (written < 200LL * 1024 * 1024) {
      std::string item = std::string(items ? ",\n" : "") +
                         "{\"type\":\"Create\",\"id\":\"https://ex.org/users/a/statuses/" +
                         std::to_string(items) +
                         "/activity\",\"actor\":\"https://ex.org/users/a\",\"published\":"
                         "\"2020-01-01T00:00:00Z\",\"object\":{\"type\":\"Note\",\"id\":"
                         "\"https://ex.org/users/a/statuses/" + std::to_string(items) +
                         "\",\"content\":\"<p>" + filler + " #" + std::to_string(items) +
                         "</p>\",\"tag\":[{\"type\":\"Hashtag\",\"name\":\"#t\"}]}}";
      out << item;
      written += static_cast<int64_t>(item.size());
      ++items;
    }
    out << "\n]}\n";
  }
  REQUIRE(fs::file_size(path) > 200ULL * 1024 * 1024);
  int64_t before = PeakRssKiB();
  CountingSink sink;
  ParseStats stats;
  Status s;
  {
    std::ifstream in(path, std::ios::binary);
    ParseOptions options;
    options.file = path.string();
    s = ParseActivityStreams(in, options, sink, &stats);
  }
  int64_t after = PeakRssKiB();
  fs::remove(path);
  REQUIRE(s.ok());
  CHECK(sink.posts == items);
  CHECK(sink.rejects == 0);
  INFO("VmHWM before " << before << " KiB, after " << after << " KiB, items " << items);
  REQUIRE(before > 0);
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer keeps freed blocks in a quarantine of 256 MB by default:
  // peak RSS measures the quarantine, not the parser.
  WARN("RSS bound not checked under AddressSanitizer (grew " << (after - before) / 1024 << " MB)");
#else
  CHECK(after - before < 64 * 1024);
#endif
  WARN("streamed " << items << " items (" << sink.bytes / (1024 * 1024) << " MB of raw records); peak RSS grew "
                   << (after - before) / 1024 << " MB");
}

}  // namespace
}  // namespace scrm::sources
