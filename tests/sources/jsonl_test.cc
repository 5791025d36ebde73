// scrm's JSON Lines (docs/formats/scrm-jsonl.md): every field of the
// specification, one Reject per bad line naming line and field, duplicates,
// CRLF, and a 10 MB line.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "parsers_test_util.h"
#include "sources/dates.h"
#include "sources/jsonl.h"

namespace scrm::sources {
namespace {

using scrm::testing::CollectingSink;
using scrm::testing::ReadFileBytes;
using scrm::testing::SourcesDataDir;

Status ParseText(const std::string& text, CollectingSink& sink, ParseStats* stats = nullptr,
                 const std::string& platform = "") {
  std::istringstream in(text);
  ParseOptions options;
  options.file = "test.jsonl";
  options.platform = platform;
  return ParseScrmJsonLines(in, options, sink, stats);
}

Status ParseData(const std::string& name, CollectingSink& sink, ParseStats* stats = nullptr,
                 const std::string& platform = "") {
  return ParseText(ReadFileBytes(SourcesDataDir() + "/jsonl/" + name), sink, stats, platform);
}

TEST_CASE("scrm JSON Lines: a forum export", "[sources][jsonl]") {
  CollectingSink sink;
  ParseStats stats;
  REQUIRE(ParseData("forum.jsonl", sink, &stats, "intranet").ok());
  CHECK(sink.order == "RPPP");
  CHECK(stats.skipped == 1);  // the {"scrm": 1} marker line
  CHECK(stats.records == 5);

  const Profile& p = sink.profiles[0];
  CHECK(p.external_id == "u42");
  CHECK(p.platform == "forum");
  CHECK(p.handle == "amelie");
  CHECK(p.display_name == "Amélie Lefèvre");
  CHECK(p.url == "https://forum.exemple.fr/u/amelie");
  CHECK(p.bio == "Boulangère à Lyon");
  CHECK(p.websites == std::vector<std::string>{"https://boulangerie.exemple.fr"});
  CHECK(p.emails == std::vector<std::string>{"amelie@exemple.fr"});
  CHECK(p.company == "Boulangerie Lefèvre");
  CHECK(p.position == "Gérante");
  CHECK(p.location == "Lyon");
  CHECK(p.avatar_url == "https://forum.exemple.fr/a/42.png");
  CHECK(p.updated == UnixSecondsFromCivil(2024, 5, 1, 10, 0, 0));
  CHECK(sink.profile_positions[0].line == 2);

  const Post& q = sink.posts[0];
  CHECK(q.external_id == "t1-p1");
  CHECK(q.platform == "forum");
  CHECK(q.kind == "post");
  CHECK(q.author_id == "u42");
  CHECK(q.author_name == "Amélie Lefèvre");
  CHECK(q.author_handle == "amelie");
  CHECK(q.title == "Four à pain en panne");
  CHECK(q.url == "https://forum.exemple.fr/t/1#p1");
  CHECK(q.published == UnixSecondsFromCivil(2024, 6, 15, 8, 30, 0));
  CHECK(q.updated == UnixSecondsFromCivil(2024, 6, 15, 11, 0, 0));
  CHECK(q.language == "fr");
  CHECK(q.likes == 3);
  CHECK(q.replies == 1);
  CHECK(q.shares == 0);
  // Entities from the text when not given.
  CHECK(q.hashtags == std::vector<std::string>{"four"});
  CHECK(q.mentions == std::vector<std::string>{"support"});
  CHECK(q.links == std::vector<std::string>{"https://exemple.fr/manuel"});
  // Unknown fields stay in raw.
  CHECK(q.raw.find("\"custom_field\"") != std::string::npos);

  const Post& a = sink.posts[1];
  CHECK(a.kind == "reply");
  CHECK(a.in_reply_to == "t1-p1");
  CHECK(a.author_id == "u7");
  CHECK(a.text == "Essayez de réinitialiser le four\u00a0: procédure.");
  CHECK(a.links == std::vector<std::string>{"https://exemple.fr/reset"});
  CHECK(a.hashtags == std::vector<std::string>{"four", "sav"});  // as given, '#' dropped
  CHECK(a.mentions.empty());                                     // given empty
  CHECK(a.shares == 2);

  const Post& n = sink.posts[2];
  CHECK(n.external_id == "1234");
  CHECK(n.platform == "intranet");  // from ParseOptions
  CHECK(n.kind == "question");
}

TEST_CASE("platform defaults to \"other\"", "[sources][jsonl]") {
  CollectingSink sink;
  REQUIRE(ParseText(R"({"type":"post","id":"1","text":"x","published":"2024-01-01T00:00:00Z"})",
                    sink)
              .ok());
  REQUIRE(sink.posts.size() == 1);
  CHECK(sink.posts[0].platform == "other");
}

TEST_CASE("each bad line is a Reject naming its line and field", "[sources][jsonl][bad]") {
  CollectingSink sink;
  ParseStats stats;
  REQUIRE(ParseData("bad_lines.jsonl", sink, &stats).ok());
  CHECK(sink.order == "PXXXXXXXXXXXXXXP");
  CHECK(stats.records == 16);
  CHECK(stats.rejects == 14);
  struct Expect {
    int64_t line;
    const char* reason;
  };
  const Expect expected[] = {
      {2, "'published' is not an RFC 3339 date: 'hier'"},
      {3, "'id' is missing"},
      {4, "neither 'text' nor 'html' is given"},
      {5, "'published' is missing"},
      {6, "'type' is \"comment\": expected \"post\" or \"profile\""},
      {7, "'type' is missing"},
      {8, "not JSON: "},
      {9, "a line must hold one JSON object, found array"},
      {10, "'likes' must be a non-negative integer, found -3"},
      {11, "'tags[0]' must be a string, found number"},
      {12, "'language' is not a language tag"},
      {13, "'id' is missing"},
      {14, "'emails' holds something that is not an address: 'not an address'"},
      {15, "'text' must be a string, found number"},
  };
  REQUIRE(sink.rejects.size() == std::size(expected));
  for (size_t i = 0; i < std::size(expected); ++i) {
    const Reject& r = sink.rejects[i];
    INFO(r.reason);
    CHECK(r.position.line == expected[i].line);
    CHECK(r.reason.find("(line " + std::to_string(expected[i].line) + "): ") != std::string::npos);
    CHECK(r.reason.find(expected[i].reason) != std::string::npos);
    CHECK(!r.raw.empty());
  }
  CHECK(sink.rejects[0].reason == "record 1 (line 2): 'published' is not an RFC 3339 date: 'hier' "
                                  "(write e.g. \"2024-06-15T10:30:00Z\")");
  // The blank line 16 is no record; line 17 reads fine.
  CHECK(sink.post_positions.back().line == 17);
  CHECK(sink.post_positions.back().record == 15);
}

TEST_CASE("duplicate ids: both emitted, noted with whether content differs",
          "[sources][jsonl][bad]") {
  CollectingSink sink;
  ParseStats stats;
  REQUIRE(ParseData("duplicate_ids.jsonl", sink, &stats).ok());
  REQUIRE(sink.posts.size() == 4);
  CHECK(sink.posts[0].text == "first version");
  CHECK(sink.posts[1].text == "other content, same id");
  REQUIRE(stats.notes.size() == 2);  // the other platform's d1 is another post
  CHECK(stats.notes[0].find("(line 2): post id 'd1' already on line 1 with other content") !=
        std::string::npos);
  CHECK(stats.notes[1].find("(line 3): post id 'd1' already on line 2 (same content)") !=
        std::string::npos);
}

TEST_CASE("CRLF line ends, a BOM, offsets", "[sources][jsonl]") {
  CollectingSink sink;
  std::string text = "\xEF\xBB\xBF" + ReadFileBytes(SourcesDataDir() + "/jsonl/crlf.jsonl");
  REQUIRE(ParseText(text, sink).ok());
  REQUIRE(sink.posts.size() == 2);
  CHECK(sink.posts[0].external_id == "crlf-1");
  CHECK(sink.posts[0].raw.back() == '}');
  CHECK(sink.post_positions[1].line == 2);
  CHECK(text[static_cast<size_t>(sink.post_positions[1].offset)] == '{');
}

TEST_CASE("a 10 MB line", "[sources][jsonl]") {
  std::string body;
  body.reserve(10 * 1024 * 1024);
  while (body.size() < 10 * 1024 * 1024) body += "Un très long message du forum. ";
  std::string text = R"({"type":"post","id":"big","text":")" + body +
                     R"(","published":"2024-01-01T00:00:00Z"})" + "\n" +
                     R"({"type":"post","id":"after","text":"x","published":"2024-01-01T00:00:00Z"})";
  CollectingSink sink;
  ParseStats stats;
  REQUIRE(ParseText(text, sink, &stats).ok());
  REQUIRE(sink.posts.size() == 2);
  CHECK(sink.posts[0].text.size() == body.size());
  CHECK(sink.posts[1].external_id == "after");
  CHECK(sink.post_positions[1].line == 2);
}

TEST_CASE("inputs that are not scrm JSON Lines", "[sources][jsonl][bad]") {
  SECTION("empty") {
    CollectingSink sink;
    Status s = ParseText("", sink);
    CHECK_FALSE(s.ok());
    CHECK(s.message().find("empty input") != std::string::npos);
  }
  SECTION("binary garbage: rejected line by line, nothing lost") {
    CollectingSink sink;
    ParseStats stats;
    REQUIRE(ParseText(ReadFileBytes(SourcesDataDir() + "/binary_garbage.bin"), sink, &stats).ok());
    CHECK(sink.posts.empty());
    CHECK(stats.rejects == stats.records);
    CHECK(stats.rejects > 0);
  }
  SECTION("a truncated last line") {
    CollectingSink sink;
    REQUIRE(ParseText("{\"type\":\"post\",\"id\":\"1\",\"text\":\"x\",\"published\":"
                      "\"2024-01-01T00:00:00Z\"}\n{\"type\":\"post\",\"id\":\"2\",\"te",
                      sink)
                .ok());
    CHECK(sink.order == "PX");
    CHECK(sink.rejects[0].reason.find("(line 2): not JSON") != std::string::npos);
  }
}

}  // namespace
}  // namespace scrm::sources
