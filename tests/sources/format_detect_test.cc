#include "sources/format_detect.h"

#include <catch2/catch.hpp>

#include "parsers_test_util.h"
#include "support/test_db.h"

namespace scrm::sources {
namespace {

TEST_CASE("format detection from the first bytes", "[sources][detect]") {
  struct Case {
    std::string head;
    const char* format;
  };
  const Case cases[] = {
      {"{\"@context\":\"https://www.w3.org/ns/activitystreams\",\"id\":\"outbox.json\","
       "\"type\":\"OrderedCollection\",\"totalItems\":3,\"orderedItems\":[{\"type\":\"Cre",
       "as2-outbox"},
      {"{\n  \"orderedItems\": [", "as2-outbox"},
      {"{\"@context\":[\"https://www.w3.org/ns/activitystreams\"],\"type\":\"Person\"}", "as2"},
      {"{\"type\":\"Note\",\"id\":\"x\"}\n{\"type\":\"Note\",\"id\":\"y\"}\n", "as2-jsonl"},
      {"{\"scrm\":1,\"kind\":\"post\"}\n{\"scrm\":1}\n", "jsonl"},
      {"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c -->\n<rss version=\"2.0\">", "rss"},
      {"<?xml version=\"1.0\"?><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">",
       "rss"},
      {"  \n<!DOCTYPE rss [<!ENTITY x \"y\">]>\n<rss>", "rss"},
      {"<feed xmlns=\"http://www.w3.org/2005/Atom\">", "atom"},
      {"<atom:feed xmlns:atom=\"http://www.w3.org/2005/Atom\">", "atom"},
      {std::string("\xFF\xFE<\0f\0e\0e\0d\0>\0", 14), "atom"},
      {"{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"x\"", "jsonfeed"},
      {"window.YTD.tweets.part0 = [", "twitter-archive"},
      {"Notes:\n\"When exporting your connection data...\"\n\nFirst Name,Last Name,URL", "linkedin-connections"},
      {"First Name,Last Name,Email Address,Company,Position,Connected On\r\n", "linkedin-connections"},
  };
  for (const auto& c : cases) {
    INFO(c.head);
    Result<std::string> r = DetectFormat(c.head, "in");
    REQUIRE(r.ok());
    CHECK(*r == c.format);
  }
}

TEST_CASE("unknown inputs get a message naming the file", "[sources][detect]") {
  for (const std::string& head : {std::string(""), std::string("   \n"), std::string("hello world"),
                                 std::string("<html><head>"), std::string("<svg>"),
                                 std::string("[1,2,3]"), std::string("{\"a\":1}"),
                                 std::string("\x00\x01\x02garbage", 10)}) {
    INFO(head);
    Result<std::string> r = DetectFormat(head, "input.bin");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find("input.bin: ") == 0);
  }
}

TEST_CASE("detection of the shared samples", "[sources][detect]") {
  std::string dir = scrm::testing::ConformanceDir();
  if (dir.empty()) {
    WARN("skipped: no shared conformance data");
    return;
  }
  struct Case {
    const char* path;
    const char* format;
  };
  const Case cases[] = {
      {"activitystreams/fossilizer-mastodon/export/outbox.json", "as2-outbox"},
      {"activitystreams/fossilizer-mastodon/export/actor.json", "as2"},
      {"activitystreams/fossilizer-mastodon/activity-with-attachment.json", "as2"},
      {"feeds/gofeed/parser/universal/rss_feed.xml", "rss"},
      {"feeds/gofeed/parser/universal/rss_feed_bom.xml", "rss"},
      {"feeds/gofeed/parser/universal/rss_feed_leading_spaces.xml", "rss"},
      {"feeds/gofeed/parser/universal/rdf_feed.xml", "rss"},
      {"feeds/gofeed/parser/universal/atom03_feed.xml", "atom"},
      {"feeds/gofeed/parser/universal/atom10_feed.xml", "atom"},
      {"feeds/gofeed/parser/universal/json11_feed.json", "jsonfeed"},
  };
  for (const auto& c : cases) {
    INFO(c.path);
    std::string bytes = scrm::testing::ReadFileBytes(dir + "/" + c.path);
    REQUIRE_FALSE(bytes.empty());
    Result<std::string> r = DetectFormat(bytes, c.path);
    REQUIRE(r.ok());
    CHECK(*r == c.format);
  }
  CHECK_FALSE(DetectFormat(scrm::testing::ReadFileBytes(
                               dir + "/feeds/gofeed/parser/universal/unknown_feed.xml"),
                           "unknown_feed.xml")
                  .ok());
}

}  // namespace
}  // namespace scrm::sources

TEST_CASE("scrm's own JSON Lines and LinkedIn messages are recognised", "[sources][detect]") {
  using scrm::sources::DetectFormat;
  auto jsonl = DetectFormat(
      "{\"type\":\"post\",\"id\":\"1\",\"text\":\"a\",\"published\":\"2026-01-01T00:00:00Z\"}\n"
      "{\"type\":\"profile\",\"id\":\"u1\"}\n",
      "f.jsonl");
  REQUIRE(jsonl.ok());
  CHECK(*jsonl == "jsonl");
  auto single = DetectFormat("{\"type\":\"post\",\"id\":\"1\",\"text\":\"a\"}", "one.json");
  REQUIRE(single.ok());
  CHECK(*single == "jsonl");
  auto as2 = DetectFormat("{\"type\":\"Note\",\"id\":\"1\"}\n{\"type\":\"Note\",\"id\":\"2\"}\n", "x");
  REQUIRE(as2.ok());
  CHECK(*as2 == "as2-jsonl");
  auto messages = DetectFormat(
      "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,FOLDER\n",
      "messages.csv");
  REQUIRE(messages.ok());
  CHECK(*messages == "linkedin-messages");
}
