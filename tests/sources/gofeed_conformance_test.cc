// gofeed's parser and translator cases (../shared/conformance/feeds/gofeed):
// each XML or JSON feed has the JSON gofeed makes of it. We compare the
// fields scrm maps (item title, link, id, dates, first author's name, text,
// categories; the feed's title, link and description) after reducing both
// sides to clean text. Cases where gofeed keeps something scrm deliberately
// does otherwise are listed below with the reason; the list is kept honest:
// an unlisted mismatch fails, and so does a listed case that now matches.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "parsers_test_util.h"
#include "sources/dates.h"
#include "sources/feeds.h"
#include "sources/html_text.h"
#include "support/test_db.h"

namespace scrm::sources {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using scrm::testing::CollectingSink;

// Known differences: case (dir/name) -> why scrm differs from gofeed.
const std::map<std::string, std::string>& KnownMismatches() {
  static const std::map<std::string, std::string> known = {
      {"parser/atom/atom10_feed_entry_content_html_div_escaped_markup",
       "type=\"html\" content holding an XHTML <div> whose text is escaped markup: gofeed unescapes it twice, scrm once (the text reads \"<p>Entry Content</p>\")"},
      {"parser/atom/atom10_feed_entry_source_logo",
       "not well-formed XML (a mismatched end tag): expat stops with a Status, gofeed's lenient tokenizer recovers"},
      {"parser/atom/atom10_feed_entry_source_title_html_escaped_markup",
       "not well-formed XML (a mismatched end tag): expat stops with a Status, gofeed's lenient tokenizer recovers"},
      {"parser/atom/atom10_feed_entry_source_title_text",
       "not well-formed XML (a mismatched end tag): expat stops with a Status, gofeed's lenient tokenizer recovers"},
      {"parser/atom/atom10_feed_title_xhtml_escaped_markup",
       "not well-formed XML (a mismatched end tag): expat stops with a Status, gofeed's lenient tokenizer recovers"},
      {"parser/atom/atom10_feed_title_xhtml_inline_markup",
       "not well-formed XML (a mismatched end tag): expat stops with a Status, gofeed's lenient tokenizer recovers"},
      {"parser/atom/issue_275_extensions_and_source",
       "content typed application/xml: gofeed keeps the markup (\"<x/>\"), scrm keeps the text inside it (none)"},
      {"parser/rss/rdf_channel_links",
       "several <link> elements: scrm keeps the first, gofeed the last"},
      {"parser/rss/rdf_item_links",
       "several <link> elements: scrm keeps the first, gofeed the last"},
      {"parser/rss/rss_channel_item_links",
       "several <link> elements: scrm keeps the first, gofeed the last"},
      {"parser/rss/rss_channel_language",
       "not well-formed XML (a mismatched end tag): expat stops with a Status, gofeed's lenient tokenizer recovers"},
      {"parser/rss/rss_channel_links",
       "several <link> elements: scrm keeps the first, gofeed the last"},
      {"translator/atom/feed_categories_-_atom_feed_categories",
       "an Atom category with term and label: scrm keeps the term (the tag itself), gofeed's translator the label"},
      {"translator/rss/feed_item_links_-_rss_channel_item_links",
       "several <link> elements: scrm keeps the first, gofeed the last"},
      {"translator/rss/feed_links_-_rdf_channel_links",
       "several <link> elements: scrm keeps the first, gofeed the last"},
      {"translator/rss/feed_links_-_rss_channel_links",
       "several <link> elements: scrm keeps the first, gofeed the last"},
  };
  return known;
}

std::string Collapse(const std::string& s) {
  std::string out;
  bool space = false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      ws = true;
      ++i;
    }
    if (ws) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

std::string Clean(const std::string& html) { return Collapse(HtmlToText(html).text); }

std::string Str(const json& o, const char* key) {
  if (!o.is_object() || !o.contains(key)) return "";
  const json& v = o[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("value") && v["value"].is_string()) return v["value"].get<std::string>();
  return "";
}

std::string AlternateHref(const json& o) {
  if (!o.contains("links") || !o["links"].is_array()) return "";
  for (const auto& l : o["links"]) {
    if (!l.is_object()) continue;
    std::string rel = Str(l, "rel");
    if (rel.empty() || rel == "alternate") return Str(l, "href");
  }
  return "";
}

struct Comparison {
  std::vector<std::string> diffs;
  int fields = 0;
  void Check(const std::string& what, const std::string& expected, const std::string& got) {
    ++fields;
    if (expected != got) diffs.push_back(what + ": expected '" + expected + "', got '" + got + "'");
  }
};

void CompareItem(const json& e, const Post& p, size_t i, bool rss_parser_model, Comparison& c) {
  std::string at = "item " + std::to_string(i) + " ";
  if (e.contains("title") && e["title"].is_string()) c.Check(at + "title", Clean(Str(e, "title")), Collapse(p.title));
  std::string link = Str(e, "link");
  if (link.empty()) link = AlternateHref(e);
  if (!link.empty()) c.Check(at + "link", link, p.url);
  std::string id = Str(e, "guid");
  if (id.empty()) id = Str(e, "id");
  if (!id.empty()) c.Check(at + "id", Collapse(id), p.external_id);
  for (const char* key : {"publishedParsed", "pubDateParsed"}) {
    std::string d = Str(e, key);
    if (d.empty()) continue;
    auto t = ParseRfc3339(d);
    c.Check(at + key, std::to_string(t.value_or(-1)), std::to_string(p.published));
  }
  if (std::string d = Str(e, "updatedParsed"); !d.empty()) {
    c.Check(at + "updatedParsed", std::to_string(ParseRfc3339(d).value_or(-1)),
            std::to_string(p.updated));
  }
  if (e.contains("authors") && e["authors"].is_array() && !e["authors"].empty()) {
    std::string name = Str(e["authors"][0], "name");
    if (!name.empty()) c.Check(at + "author", Collapse(name), Collapse(p.author_name));
  } else if (rss_parser_model && e.contains("author") && e["author"].is_string()) {
    std::string raw = e["author"].get<std::string>();
    ++c.fields;
    if (p.author_name.empty() || Clean(raw).find(Collapse(p.author_name)) == std::string::npos) {
      c.diffs.push_back(at + "author: '" + p.author_name + "' not in '" + raw + "'");
    }
  }
  std::string text = Str(e, "content");
  if (Collapse(text).empty()) text = Str(e, "content_html");  // JSON Feed parser model
  if (Collapse(text).empty()) text = Str(e, "description");
  if (Collapse(text).empty()) text = Str(e, "summary");
  if (!Collapse(text).empty()) c.Check(at + "text", Clean(text), Collapse(p.text));
  if (e.contains("categories") && e["categories"].is_array()) {
    std::vector<std::string> cats;
    for (const auto& cat : e["categories"]) {
      std::string v = cat.is_string() ? cat.get<std::string>() : Str(cat, "term");
      if (v.empty()) v = Str(cat, "value");
      if (v.empty()) v = Str(cat, "label");
      v = Clean(v);
      if (!v.empty() && std::find(cats.begin(), cats.end(), v) == cats.end()) cats.push_back(v);
    }
    std::string want, got;
    for (const auto& x : cats) want += x + "|";
    for (const auto& x : p.hashtags) got += Collapse(x) + "|";
    c.Check(at + "categories", want, got);
  }
}

Comparison CompareCase(const json& expected, const CollectingSink& sink, bool rss_parser_model) {
  Comparison c;
  const json* items = nullptr;
  if (expected.contains("items") && expected["items"].is_array()) items = &expected["items"];
  if (expected.contains("entries") && expected["entries"].is_array()) items = &expected["entries"];
  if (items) {
    if (items->size() != sink.posts.size()) {
      c.Check("item count", std::to_string(items->size()), std::to_string(sink.posts.size()));
    }
    for (size_t i = 0; i < std::min(items->size(), sink.posts.size()); ++i) {
      CompareItem((*items)[i], sink.posts[i], i, rss_parser_model, c);
    }
  }
  std::string title = Str(expected, "title");
  std::string link = Str(expected, "link");
  if (link.empty()) link = AlternateHref(expected);
  std::string description = Str(expected, "description");
  if (description.empty()) description = Str(expected, "subtitle");
  if (!Collapse(title).empty() || !link.empty() || !Collapse(description).empty()) {
    if (sink.profiles.empty()) {
      c.Check("feed profile", "present", "absent");
      return c;
    }
    const Profile& pr = sink.profiles[0];
    if (!Collapse(title).empty()) c.Check("feed title", Clean(title), Collapse(pr.display_name));
    if (!link.empty()) c.Check("feed link", link, pr.url);
    if (!Collapse(description).empty()) {
      c.Check("feed description", Clean(description), Collapse(pr.bio));
    }
  }
  return c;
}

bool StartsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

struct Case {
  std::string name;  // dir/file without extension
  fs::path input;
  fs::path expected;
  bool json_feed = false;
  bool rss_parser_model = false;
};

std::vector<Case> Cases(const fs::path& root) {
  std::vector<Case> cases;
  for (const char* dir : {"parser/rss", "parser/atom", "translator/rss", "translator/atom",
                          "extensions/dublincore", "extensions/itunes", "extensions/media"}) {
    if (!fs::exists(root / dir)) continue;
    for (const auto& e : fs::directory_iterator(root / dir)) {
      if (e.path().extension() != ".xml") continue;
      fs::path exp = e.path();
      exp.replace_extension(".json");
      if (!fs::exists(exp)) continue;
      Case c;
      c.name = std::string(dir) + "/" + e.path().stem().string();
      c.input = e.path();
      c.expected = exp;
      c.rss_parser_model = std::string(dir) == "parser/rss" || StartsWith(dir, "extensions");
      cases.push_back(c);
    }
  }
  for (const char* dir : {"parser/json", "translator/json"}) {
    if (!fs::exists(root / dir)) continue;
    for (const auto& e : fs::directory_iterator(root / dir)) {
      std::string stem = e.path().stem().string();
      if (e.path().extension() != ".json" || stem.find("_expected") != std::string::npos) continue;
      fs::path exp = e.path().parent_path() / (stem + "_expected.json");
      if (!fs::exists(exp)) continue;
      Case c;
      c.name = std::string(dir) + "/" + stem;
      c.input = e.path();
      c.expected = exp;
      c.json_feed = true;
      cases.push_back(c);
    }
  }
  std::sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
  return cases;
}

TEST_CASE("gofeed conformance: the fields scrm maps match gofeed's", "[sources][feeds][gofeed]") {
  std::string conf = scrm::testing::ConformanceDir();
  if (conf.empty()) {
    WARN("skipped: no shared conformance data (../shared/conformance or SCRM_CONFORMANCE_DIR)");
    return;
  }
  std::vector<Case> cases = Cases(fs::path(conf) / "feeds/gofeed");
  REQUIRE(cases.size() > 400);
  int compared = 0, matched = 0, nothing_mapped = 0;
  std::vector<std::string> unexpected, stale;
  for (const Case& c : cases) {
    json expected = json::parse(scrm::testing::ReadFileBytes(c.expected.string()), nullptr, false);
    if (expected.is_discarded()) continue;
    std::ifstream in(c.input, std::ios::binary);
    ParseOptions options;
    options.file = c.input.filename().string();
    CollectingSink sink;
    Status s = c.json_feed ? ParseJsonFeed(in, options, sink) : ParseXmlFeed(in, options, sink);
    Comparison cmp;
    if (!s.ok()) {
      cmp.fields = 1;
      cmp.diffs.push_back("parse failed: " + s.ToString());
    } else {
      cmp = CompareCase(expected, sink, c.rss_parser_model);
    }
    if (cmp.fields == 0) {
      ++nothing_mapped;
      continue;
    }
    ++compared;
    bool ok = cmp.diffs.empty();
    if (ok) ++matched;
    bool listed = KnownMismatches().count(c.name) > 0;
    std::string detail;
    for (const auto& d : cmp.diffs) detail += "\n    " + d;
    if (!ok && !listed) unexpected.push_back(c.name + detail);
    if (ok && listed) stale.push_back(c.name);
  }
  std::cout << "gofeed: " << matched << "/" << compared << " cases match (" << nothing_mapped
            << " cases hold only fields scrm does not map)" << std::endl;
  for (const auto& u : unexpected) FAIL_CHECK("unlisted mismatch: " << u);
  for (const auto& s : stale) FAIL_CHECK("listed as a known mismatch but matches now: " << s);
  CHECK(matched * 100 >= compared * 90);
}

}  // namespace
}  // namespace scrm::sources
