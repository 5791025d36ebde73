// The RFC 4180 reader and LinkedIn's Connections.csv / messages.csv, on
// scrm's own sample exports (tests/data/sources/linkedin: written from the
// format facts of the shared FORMAT-NOTES.md, no real person's data).
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "parsers_test_util.h"
#include "sources/csv.h"
#include "sources/dates.h"
#include "sources/linkedin.h"

namespace scrm::sources {
namespace {

using scrm::testing::CollectingSink;
using scrm::testing::ReadFileBytes;
using scrm::testing::SourcesDataDir;

std::string LinkedInData() { return SourcesDataDir() + "/linkedin"; }

std::vector<CsvRecord> ReadCsv(const std::string& text) {
  std::istringstream in(text);
  CsvReader reader(in);
  std::vector<CsvRecord> out;
  CsvRecord r;
  while (reader.Next(&r)) out.push_back(r);
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

Rows Fields(const std::vector<CsvRecord>& records) {
  Rows rows;
  for (const CsvRecord& r : records) rows.push_back(r.fields);
  return rows;
}

TEST_CASE("CSV: RFC 4180 cases", "[sources][csv]") {
  struct Case {
    const char* name;
    std::string text;
    Rows rows;
  };
  const Case cases[] = {
      {"plain", "a,b,c\n1,2,3\n", {{"a", "b", "c"}, {"1", "2", "3"}}},
      {"no final line break", "a,b\n1,2", {{"a", "b"}, {"1", "2"}}},
      {"CRLF", "a,b\r\n1,2\r\n", {{"a", "b"}, {"1", "2"}}},
      {"lone CR", "a,b\r1,2\r", {{"a", "b"}, {"1", "2"}}},
      {"quoted comma", "\"Dupont, Fils\",x\n", {{"Dupont, Fils", "x"}}},
      {"doubled quotes", "\"The \"\"Good\"\" Co\",\"\"\"\"\n", {{"The \"Good\" Co", "\""}}},
      {"line breaks in quotes", "\"a\r\nb\nc\",d\n", {{"a\nb\nc", "d"}}},
      {"empty fields", ",,\n\"\",x,\n", {{"", "", ""}, {"", "x", ""}}},
      {"BOM dropped", "\xEF\xBB\xBF" "a,b\n", {{"a", "b"}}},
      {"not a BOM", "\xEF\xBB" "x,b\n", {{"\xEF\xBB" "x", "b"}}},
      {"blank line", "a\n\nb\n", {{"a"}, {""}, {"b"}}},
      {"accents", "Amélie,Łukasz,Zoë\n", {{"Amélie", "Łukasz", "Zoë"}}},
      {"spaces kept", " a , b \n", {{" a ", " b "}}},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    std::vector<CsvRecord> records = ReadCsv(c.text);
    CHECK(Fields(records) == c.rows);
    for (const CsvRecord& r : records) CHECK(r.error.empty());
  }
}

TEST_CASE("CSV: lines, offsets and raw bytes", "[sources][csv]") {
  std::vector<CsvRecord> r = ReadCsv("\xEF\xBB\xBF" "h1,h2\r\n\"multi\nline\",x\r\nlast,y");
  REQUIRE(r.size() == 3);
  CHECK(r[0].line == 1);
  CHECK(r[0].offset == 3);
  CHECK(r[0].raw == "h1,h2");
  CHECK(r[1].line == 2);
  CHECK(r[1].end_line == 3);
  CHECK(r[1].offset == 10);
  CHECK(r[1].raw == "\"multi\nline\",x");
  CHECK(r[2].line == 4);
  CHECK(r[2].raw == "last,y");
}

TEST_CASE("CSV: malformed records name line and column, reading goes on", "[sources][csv]") {
  std::vector<CsvRecord> r = ReadCsv("ok,1\nab\"c,2\n\"x\"y,3\nfine,4\n\"never closed,5\nlost,6\n");
  REQUIRE(r.size() == 5);
  CHECK(r[0].error.empty());
  CHECK(r[1].error == "line 2, column 3: '\"' inside an unquoted field; quote the field and "
                      "double the quote");
  CHECK(r[2].error.find("line 3, column 4: text after the closing quote") == 0);
  CHECK(r[3].error.empty());
  CHECK(r[3].fields == std::vector<std::string>{"fine", "4"});
  CHECK(r[4].error == "line 5, column 1: a quoted field is never closed (the input ends inside it)");
  CHECK(r[4].raw.find("lost,6") != std::string::npos);
}

TEST_CASE("CSV: a 10 MB field", "[sources][csv]") {
  std::string big(10 * 1024 * 1024, 'x');
  std::vector<CsvRecord> r = ReadCsv("a,\"" + big + "\"\nb,c\n");
  REQUIRE(r.size() == 2);
  CHECK(r[0].fields[1].size() == big.size());
  CHECK(r[0].raw.size() == kMaxRawBytes);
  CHECK(r[1].fields == std::vector<std::string>{"b", "c"});
}

TEST_CASE("LinkedIn profile URLs are normalised", "[sources][linkedin]") {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"https://www.linkedin.com/in/jfdupont", "https://www.linkedin.com/in/jfdupont"},
      {"http://fr.linkedin.com/in/Jean-Dupont-12345/?trk=x",
       "https://www.linkedin.com/in/jean-dupont-12345"},
      {"linkedin.com/in/anne#about", "https://www.linkedin.com/in/anne"},
      {"https://www.linkedin.com/in/lukasz-wi%c5%9bniewski",
       "https://www.linkedin.com/in/lukasz-wi%C5%9Bniewski"},
      {"https://www.linkedin.com/in/%41nne", "https://www.linkedin.com/in/anne"},
      {"https://www.linkedin.com/in/ACoAABcDeFgHiJkLmNoP",
       "https://www.linkedin.com/in/ACoAABcDeFgHiJkLmNoP"},
      {"  https://WWW.LINKEDIN.COM/in/Zoe-OBrien/  ", "https://www.linkedin.com/in/zoe-obrien"},
      {"https://Example.com/Profile?x=1", "https://example.com/Profile?x=1"},
      {"", ""},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    CHECK(NormalizeLinkedInProfileUrl(c.in) == c.out);
  }
}

TEST_CASE("LinkedIn dates", "[sources][linkedin]") {
  CHECK(ParseLinkedInDate("22 Dec 2025") == UnixSecondsFromCivil(2025, 12, 22, 0, 0, 0));
  CHECK(ParseLinkedInDate("7 Jun 2022") == UnixSecondsFromCivil(2022, 6, 7, 0, 0, 0));
  CHECK(ParseLinkedInDate("2024-06-15 10:30:00 UTC") ==
        UnixSecondsFromCivil(2024, 6, 15, 10, 30, 0));
  CHECK(ParseLinkedInDate("2024-06-15 10:30:00") == UnixSecondsFromCivil(2024, 6, 15, 10, 30, 0));
  CHECK(ParseLinkedInDate("2024-06-15T10:30:00+02:00") ==
        UnixSecondsFromCivil(2024, 6, 15, 8, 30, 0));
  for (const char* bad : {"", "hier", "32 Dec 2025", "22 Foo 2025", "not a date"}) {
    INFO(bad);
    CHECK_FALSE(ParseLinkedInDate(bad).has_value());
  }
}

Status ParseFile(const std::string& name, CollectingSink& sink, ParseStats* stats = nullptr) {
  std::istringstream in(ReadFileBytes(LinkedInData() + "/" + name));
  ParseOptions options;
  options.file = name;
  return ParseLinkedInFile(in, options, sink, stats);
}

TEST_CASE("Connections.csv: preamble, BOM, CRLF, accents, quoting", "[sources][linkedin]") {
  CollectingSink sink;
  ParseStats stats;
  REQUIRE(ParseFile("Connections.csv", sink, &stats).ok());
  CHECK(stats.records == 6);
  CHECK(stats.profiles == 6);
  CHECK(stats.rejects == 0);
  REQUIRE(sink.profiles.size() == 6);

  const Profile& amelie = sink.profiles[0];
  CHECK(amelie.platform == "linkedin");
  CHECK(amelie.external_id == "https://www.linkedin.com/in/amelie-lefevre-3a1b2c");
  CHECK(amelie.url == amelie.external_id);
  CHECK(amelie.handle == "amelie-lefevre-3a1b2c");
  CHECK(amelie.display_name == "Amélie Lefèvre");
  CHECK(amelie.company == "Société Générale");
  CHECK(amelie.position == "Chargée de clientèle");
  CHECK(amelie.emails.empty());
  CHECK(amelie.updated == UnixSecondsFromCivil(2025, 12, 22, 0, 0, 0));
  CHECK(sink.profile_positions[0].line == 5);  // after the 3-line preamble and the header
  CHECK(sink.profile_positions[0].record == 0);

  const Profile& jf = sink.profiles[1];
  CHECK(jf.display_name == "Jean-François Dupont");
  CHECK(jf.company == "Dupont, Fils & Cie");
  CHECK(jf.position == "Directeur commercial, grands comptes");
  CHECK(jf.emails == std::vector<std::string>{"jf.dupont@exemple.fr"});

  const Profile& zoe = sink.profiles[2];
  CHECK(zoe.display_name == "Zoë O'Brien");
  CHECK(zoe.company == "The \"Good\" Company");
  CHECK(zoe.external_id == "https://www.linkedin.com/in/zoe-obrien");

  const Profile& lukasz = sink.profiles[3];
  CHECK(lukasz.external_id == "https://www.linkedin.com/in/lukasz-wi%C5%9Bniewski");
  CHECK(lukasz.position == "Senior Engineer\n(Platform)");
  CHECK(sink.profile_positions[4].line == 10);  // the quoted line break counts

  const Profile& hidden = sink.profiles[4];
  CHECK(hidden.display_name.empty());
  CHECK(hidden.external_id == "https://www.linkedin.com/in/ACoAABcDeFgHiJkLmNoP");

  const Profile& soren = sink.profiles[5];
  CHECK(soren.updated == 0);
  bool noted = false;
  for (const std::string& n : stats.notes) {
    noted |= n.find("'Connected On'") != std::string::npos && n.find("not a date") != std::string::npos;
  }
  CHECK(noted);
  CHECK(soren.raw == "Søren,Kierkegaard,https://www.linkedin.com/in/soren-k,,,,not a date");
}

TEST_CASE("older Connections.csv: no preamble, no URL column, LF", "[sources][linkedin]") {
  CollectingSink sink;
  REQUIRE(ParseFile("Connections_old.csv", sink).ok());
  CHECK(sink.order == "RX");
  CHECK(sink.profiles[0].external_id == "mailto:helene.martin@exemple.fr");
  CHECK(sink.profiles[0].display_name == "Hélène Martin");
  CHECK(sink.profiles[0].company == "Mairie de Lyon");
  CHECK(sink.rejects[0].reason.find("nothing identifies this connection") != std::string::npos);
  CHECK(sink.rejects[0].position.line == 3);
}

TEST_CASE("messages.csv: threads, multi-line quoted content, HTML, drafts", "[sources][linkedin]") {
  CollectingSink sink;
  ParseStats stats;
  REQUIRE(ParseFile("messages.csv", sink, &stats).ok());
  CHECK(sink.order == "PPPXX");
  CHECK(stats.skipped == 1);  // the draft
  REQUIRE(sink.posts.size() == 3);

  const Post& m1 = sink.posts[0];
  CHECK(m1.platform == "linkedin");
  CHECK(m1.kind == "message");
  CHECK(m1.in_reply_to == "2-YmQ3ZjE0==");
  CHECK(m1.external_id.rfind("2-YmQ3ZjE0==/", 0) == 0);
  CHECK(m1.external_id.size() == std::string("2-YmQ3ZjE0==/").size() + 16);
  CHECK(m1.url == "https://www.linkedin.com/messaging/thread/2-YmQ3ZjE0==/");
  CHECK(m1.author_name == "Amélie Lefèvre");
  CHECK(m1.author_id == "https://www.linkedin.com/in/amelie-lefevre-3a1b2c");
  CHECK(m1.author_handle == "amelie-lefevre-3a1b2c");
  CHECK(m1.title == "Votre devis");
  CHECK(m1.text ==
        "Bonjour Jean,\nMerci pour le devis. Pouvez-vous ajouter la ligne \"formation\" ? "
        "#CRM\nCordialement,\nAmélie");
  CHECK(m1.hashtags == std::vector<std::string>{"CRM"});
  CHECK(m1.published == UnixSecondsFromCivil(2024, 6, 15, 10, 30, 0));
  CHECK(sink.post_positions[0].line == 2);
  CHECK(sink.post_positions[1].line == 6);

  const Post& m2 = sink.posts[1];
  CHECK(m2.in_reply_to == m1.in_reply_to);
  CHECK(m2.external_id != m1.external_id);
  CHECK(m2.title == "Projet CRM");  // no SUBJECT: the conversation's title
  CHECK(m2.links == std::vector<std::string>{"https://exemple.fr/devis/42"});

  const Post& html = sink.posts[2];
  CHECK(html.text == "Hi Jean, meet Jean-François.\n\nBest, Zoë");
  CHECK(html.links == std::vector<std::string>{"https://www.linkedin.com/in/jfdupont"});

  CHECK(sink.rejects[0].reason.find("column 'DATE' (column 7) is not a date") != std::string::npos);
  CHECK(sink.rejects[0].reason.find("'hier'") != std::string::npos);
  CHECK(sink.rejects[1].reason.find("column 'CONVERSATION ID' (column 1) is empty") !=
        std::string::npos);

  // Re-reading gives the same ids.
  CollectingSink again;
  REQUIRE(ParseFile("messages.csv", again).ok());
  CHECK(again.posts[0].external_id == m1.external_id);
}

TEST_CASE("bad CSV rows are rejected with line and column", "[sources][linkedin][bad]") {
  CollectingSink sink;
  ParseStats stats;
  REQUIRE(ParseFile("bad_quoting.csv", sink, &stats).ok());
  CHECK(sink.order == "XXXXXRX");
  CHECK(stats.records == 7);
  const std::vector<Reject>& r = sink.rejects;
  CHECK(r[0].reason == "record 0 (line 2): malformed CSV: line 2, column 9: '\"' inside an "
                       "unquoted field; quote the field and double the quote");
  CHECK(r[1].reason.find("line 3, column 13: text after the closing quote") != std::string::npos);
  CHECK(r[2].reason.find("8 fields where the header has 7: column 8 ('01 Jan 2020') is beyond the header") !=
        std::string::npos);
  CHECK(r[3].reason.find("5 fields where the header has 7: column 'Position' (column 6) and "
                         "after are missing") != std::string::npos);
  CHECK(r[4].reason.find("column 'URL' (column 3) is empty and so is 'Email Address'") !=
        std::string::npos);
  CHECK(sink.profiles[0].display_name == "Eve Fine");
  CHECK(r[5].reason.find("line 8, column 48: a quoted field is never closed") != std::string::npos);
  CHECK(r[5].position.line == 8);
  CHECK(r[5].raw.find("Gus,Lost") != std::string::npos);
}

TEST_CASE("LinkedIn files that are not what they should be", "[sources][linkedin][bad]") {
  struct Case {
    const char* name;
    std::string text;
    const char* message;
  };
  const Case cases[] = {
      {"empty", "", "empty input"},
      {"no header", ReadFileBytes(LinkedInData() + "/no_header.csv"), "no LinkedIn header line"},
      {"missing column", ReadFileBytes(LinkedInData() + "/missing_column.csv"),
       "the header has no 'DATE' column"},
      {"binary garbage", ReadFileBytes(SourcesDataDir() + "/binary_garbage.bin"),
       "no LinkedIn header line"},
      {"a tweets.js", "window.YTD.tweets.part0 = [ {\n\"tweet\": {}\n} ]\n",
       "no LinkedIn header line"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    std::istringstream in(c.text);
    CollectingSink sink;
    ParseOptions options;
    options.file = c.name;
    Status s = ParseLinkedInFile(in, options, sink, nullptr);
    CHECK_FALSE(s.ok());
    CHECK(s.message().find(c.message) != std::string::npos);
    CHECK(sink.order.empty());
  }
}

}  // namespace
}  // namespace scrm::sources
