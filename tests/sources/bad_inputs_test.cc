// Deliberately bad inputs (tests/data/sources, see its README.md): every
// parser answers each with records, rejects or a clear Status; none crashes.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "parsers_test_util.h"
#include "sources/activitystreams.h"
#include "sources/feeds.h"
#include "sources/format_detect.h"

namespace scrm::sources {
namespace {

namespace fs = std::filesystem;
using scrm::testing::CollectingSink;
using scrm::testing::SourcesDataDir;

enum class Parser { kAs2, kAs2Lines, kXmlFeed, kJsonFeed };

Status Parse(Parser parser, const std::string& path, CollectingSink& sink,
             ParseStats* stats = nullptr) {
  std::ifstream in(path, std::ios::binary);
  ParseOptions options;
  options.file = fs::path(path).filename().string();
  switch (parser) {
    case Parser::kAs2: return ParseActivityStreams(in, options, sink, stats);
    case Parser::kAs2Lines: return ParseActivityStreamsLines(in, options, sink, stats);
    case Parser::kXmlFeed: return ParseXmlFeed(in, options, sink, stats);
    case Parser::kJsonFeed: return ParseJsonFeed(in, options, sink, stats);
  }
  return Status::Internal("unreachable");
}

TEST_CASE("every parser survives every bad file", "[sources][bad]") {
  int runs = 0;
  for (const auto& e : fs::directory_iterator(SourcesDataDir())) {
    if (e.path().extension() == ".md") continue;
    for (Parser p : {Parser::kAs2, Parser::kAs2Lines, Parser::kXmlFeed, Parser::kJsonFeed}) {
      CollectingSink sink;
      ParseStats stats;
      Status s = Parse(p, e.path().string(), sink, &stats);
      INFO(e.path().filename() << " parser " << static_cast<int>(p) << ": " << s.ToString());
      if (!s.ok()) CHECK(s.message().find(e.path().filename().string()) == 0);
      CHECK(stats.posts == static_cast<int64_t>(sink.posts.size()));
      CHECK(stats.rejects == static_cast<int64_t>(sink.rejects.size()));
      ++runs;
    }
    (void)DetectFormat(scrm::testing::ReadFileBytes(e.path().string()), "x");
  }
  CHECK(runs >= 40);
}

TEST_CASE("a truncated outbox keeps the records before the cut", "[sources][bad]") {
  CollectingSink sink;
  Status s = Parse(Parser::kAs2, SourcesDataDir() + "/truncated_outbox.json", sink);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("truncated_outbox.json: JSON syntax error") == 0);
  CHECK(s.message().find("after 2 records") != std::string::npos);
  CHECK(sink.posts.size() == 2);
  REQUIRE(sink.rejects.size() == 1);
  CHECK(sink.rejects[0].position.record == 2);
  CHECK(sink.rejects[0].reason.find("record 2 (line ") == 0);
  CHECK(sink.rejects[0].raw.find("\"https://ex.org/a/2\"") != std::string::npos);
}

TEST_CASE("missing required fields reject their records", "[sources][bad]") {
  CollectingSink sink;
  REQUIRE(Parse(Parser::kAs2, SourcesDataDir() + "/missing_fields_outbox.json", sink).ok());
  REQUIRE(sink.rejects.size() == 4);
  CHECK(sink.rejects[0].reason.find("'id' must be a string") != std::string::npos);
  CHECK(sink.rejects[1].reason.find("'object' is missing") != std::string::npos);
  CHECK(sink.rejects[2].reason.find("'object' is missing") != std::string::npos);
  CHECK(sink.rejects[3].reason.find("'id' is missing") != std::string::npos);
  REQUIRE(sink.posts.size() == 1);
  CHECK(sink.posts[0].text == "fine");

  CollectingSink feed;
  REQUIRE(Parse(Parser::kXmlFeed, SourcesDataDir() + "/missing_fields.xml", feed).ok());
  REQUIRE(feed.rejects.size() == 1);
  CHECK(feed.rejects[0].reason.find("record 0 (line 2): an empty item") == 0);
  REQUIRE(feed.posts.size() == 2);
  CHECK(feed.posts[0].external_id.rfind("feed:", 0) == 0);
  CHECK(feed.posts[1].external_id == "https://t.example/3");
}

TEST_CASE("wrong encoding: Latin-1 bytes in a UTF-8 feed", "[sources][bad]") {
  CollectingSink sink;
  ParseStats stats;
  REQUIRE(Parse(Parser::kXmlFeed, SourcesDataDir() + "/latin1_declared_utf8.xml", sink, &stats).ok());
  REQUIRE(sink.posts.size() == 2);
  CHECK(sink.posts[0].title == "Cr\xC3\xA8me br\xC3\xBBl\xC3\xA9" "e");
  CHECK(sink.posts[0].text == "D\xC3\xA9licieux \xE2\x80\x93 \xC2\xA9 2020");
  REQUIRE(sink.profiles.size() == 1);
  CHECK(sink.profiles[0].display_name == "Caf\xC3\xA9 du coin");
  REQUIRE_FALSE(stats.notes.empty());
  CHECK(stats.notes[0].find("were not UTF-8") != std::string::npos);
}

TEST_CASE("empty, garbage and non-feed inputs are a clear Status", "[sources][bad]") {
  struct Case {
    Parser parser;
    const char* file;
    const char* message;
  };
  const Case cases[] = {
      {Parser::kAs2, "empty.json", "empty.json: empty input"},
      {Parser::kXmlFeed, "empty.xml", "empty.xml: empty input"},
      {Parser::kJsonFeed, "empty.json", "empty.json: not a JSON Feed"},
      {Parser::kAs2, "binary_garbage.bin", "binary_garbage.bin: not JSON"},
      {Parser::kAs2Lines, "binary_garbage.bin", "binary_garbage.bin: not JSON Lines"},
      {Parser::kXmlFeed, "binary_garbage.bin", "binary_garbage.bin: not an RSS or Atom feed"},
      {Parser::kXmlFeed, "not_a_feed.xml", "not_a_feed.xml: not an RSS or Atom feed: the root element is <html>"},
      {Parser::kXmlFeed, "truncated_feed.xml", "truncated_feed.xml: XML error at line"},
  };
  for (const auto& c : cases) {
    CollectingSink sink;
    Status s = Parse(c.parser, SourcesDataDir() + "/" + c.file, sink);
    INFO(c.file << ": " << s.ToString());
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().find(c.message) == 0);
  }
  CollectingSink sink;
  Parse(Parser::kXmlFeed, SourcesDataDir() + "/truncated_feed.xml", sink);
  CHECK(sink.posts.size() == 1);
  REQUIRE(sink.rejects.size() == 1);
  CHECK(sink.rejects[0].raw.find("cut in the mid") != std::string::npos);
}

TEST_CASE("a duplicate id with other content: both records are emitted", "[sources][bad]") {
  CollectingSink sink;
  REQUIRE(Parse(Parser::kAs2Lines, SourcesDataDir() + "/duplicate_ids.jsonl", sink).ok());
  REQUIRE(sink.posts.size() == 2);
  CHECK(sink.posts[0].external_id == sink.posts[1].external_id);
  CHECK(sink.posts[0].text != sink.posts[1].text);
}

TEST_CASE("a 10 MB single line", "[sources][bad]") {
  std::string big(10 * 1024 * 1024, 'a');
  std::string line = "{\"type\":\"Note\",\"id\":\"https://ex.org/n/big\",\"content\":\"<p>" + big +
                     "</p>\"}";
  SECTION("as one AS2 document") {
    std::istringstream in(line);
    CollectingSink sink;
    REQUIRE(ParseActivityStreams(in, ParseOptions(), sink).ok());
    REQUIRE(sink.posts.size() == 1);
    CHECK(sink.posts[0].text.size() == big.size());
  }
  SECTION("as JSON Lines, between two small lines") {
    std::istringstream in("{\"type\":\"Note\",\"id\":\"a\"}\n" + line + "\n{\"type\":\"Note\",\"id\":\"b\"}\n");
    CollectingSink sink;
    REQUIRE(ParseActivityStreamsLines(in, ParseOptions(), sink).ok());
    CHECK(sink.posts.size() == 3);
  }
  SECTION("as one RSS description") {
    std::istringstream in("<rss><channel><item><guid>1</guid><description>" + big +
                          " &amp; more</description></item></channel></rss>");
    CollectingSink sink;
    REQUIRE(ParseXmlFeed(in, ParseOptions(), sink).ok());
    REQUIRE(sink.posts.size() == 1);
    CHECK(sink.posts[0].text.size() == big.size() + 7);
  }
  SECTION("a 10 MB line of garbage") {
    std::istringstream in(std::string(10 * 1024 * 1024, '\x01'));
    CollectingSink sink;
    CHECK_FALSE(ParseActivityStreams(in, ParseOptions(), sink).ok());
    std::istringstream in2(std::string(10 * 1024 * 1024, '<'));
    CHECK_FALSE(ParseXmlFeed(in2, ParseOptions(), sink).ok());
  }
}

}  // namespace
}  // namespace scrm::sources
