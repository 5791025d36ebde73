// The streaming JSON reader, and what fuzzing found in it
// (tests/data/fuzz-regressions/json_stream/).
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "parsers_test_util.h"
#include "sources/feeds.h"
#include "sources/json_stream.h"

namespace scrm::sources {
namespace {

// Found by fuzz_json_stream: a JSON Feed whose "items" key is written
// twice. Elements are numbered across both arrays (the header once said
// "index in its array" while the count went on), so records never share
// a Position::record.
TEST_CASE("json stream: elements of two streamed arrays are numbered without repeats",
          "[sources][json_stream][fuzz]") {
  const std::string doc = testing::ReadFileBytes(std::string(SCRM_SOURCE_DIR) +
      "/tests/data/fuzz-regressions/json_stream/two-items-arrays.json");
  REQUIRE(!doc.empty());
  std::istringstream in(doc);
  std::vector<int64_t> indexes;
  std::vector<std::string> arrays;
  JsonStreamCallbacks cb;
  cb.on_items_begin = [&](const nlohmann::json&, const std::string& key) { arrays.push_back(key); };
  cb.on_item = [&](JsonItem item) { indexes.push_back(item.index); };
  JsonStreamResult r = StreamJson(in, {"items"}, cb);
  CHECK_FALSE(r.syntax_error);
  CHECK(arrays == std::vector<std::string>{"items", "items"});
  CHECK(indexes == std::vector<int64_t>{0, 1});
  CHECK(r.items == 2);

  // Through a parser: two records, two record numbers.
  std::istringstream feed(R"({"version": "https://jsonfeed.org/version/1.1", "title": "t",
    "items": [{"id": "a", "content_text": "first"}],
    "items": [{"id": "b", "content_text": "second"}]})");
  testing::CollectingSink sink;
  ParseOptions options;
  options.file = "two-items-arrays.json";
  (void)ParseJsonFeed(feed, options, sink, nullptr);
  std::vector<int64_t> records;
  for (const Position& p : sink.post_positions) records.push_back(p.record);
  for (const Reject& x : sink.rejects) records.push_back(x.position.record);
  std::sort(records.begin(), records.end());
  CHECK(records == std::vector<int64_t>{0, 1});
}

}  // namespace
}  // namespace scrm::sources
