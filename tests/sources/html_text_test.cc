#include "sources/html_text.h"

#include <catch2/catch.hpp>

namespace scrm::sources {
namespace {

TEST_CASE("HtmlToText drops tags and keeps the text of links", "[sources][html]") {
  struct Case {
    const char* html;
    const char* text;
  };
  const Case cases[] = {
      {"<p>Hello world!</p>", "Hello world!"},
      {"<p>one</p><p>two</p>", "one\n\ntwo"},
      {"a<br>b<br/>c<br><br>d", "a\nb\nc\n\nd"},
      {"<p>a   b\n\t c</p>", "a b c"},
      {"x <a href=\"https://e.com/\">the link</a> y", "x the link y"},
      {"caf&eacute; &amp; th&eacute; &#233; &#xE9; &hellip; &nbsp;!", "caf\xC3\xA9 & th\xC3\xA9 \xC3\xA9 \xC3\xA9 \xE2\x80\xA6 \xC2\xA0!"},
      {"legacy &eacute &amp no semicolon", "legacy \xC3\xA9 & no semicolon"},
      {"?page=1&copy=2 stays", "?page=1&copy=2 stays"},
      {"&#128512; &#x1F600; &#150; &#0; &unknown;", "\xF0\x9F\x98\x80 \xF0\x9F\x98\x80 \xE2\x80\x93 \xEF\xBF\xBD &unknown;"},
      {"<script>alert('x')</script>kept<style>p{}</style>", "kept"},
      {"<!-- comment -->a<![CDATA[<b>]]>", "a<b>"},
      {"a < b and c > d", "a < b and c > d"},
      {"<ul><li>one</li><li>two</li></ul>", "one\ntwo"},
      {"unclosed <b", "unclosed"},
      {"<p>truncated <a href='x", "truncated"},
      {"", ""},
  };
  for (const auto& c : cases) {
    INFO(c.html);
    CHECK(HtmlToText(c.html).text == c.text);
  }
}

TEST_CASE("HtmlToText returns the links with their kind", "[sources][html]") {
  HtmlText t = HtmlToText(
      "<p><span class=\"h-card\"><a href=\"https://m.s/@bob\" class=\"u-url mention\">@<span>bob"
      "</span></a></span> see <a href=\"https://ex.com/a?x=1&amp;y=2\" rel=\"nofollow\">"
      "<span class=\"invisible\">https://</span>ex.com/a</a> <a href=\"https://m.s/tags/cats\" "
      "class=\"mention hashtag\" rel=\"tag\">#<span>cats</span></a></p>");
  REQUIRE(t.links.size() == 3);
  CHECK(t.links[0].IsMentionOrHashtag());
  CHECK(t.links[0].text == "@bob");
  CHECK(t.links[1].href == "https://ex.com/a?x=1&y=2");
  CHECK(t.links[1].text == "https://ex.com/a");
  CHECK_FALSE(t.links[1].IsMentionOrHashtag());
  CHECK(t.links[2].IsMentionOrHashtag());
  CHECK(t.text == "@bob see https://ex.com/a #cats");
}

TEST_CASE("HtmlToText survives malformed and hostile input", "[sources][html]") {
  std::string garbage;
  for (int i = 0; i < 100000; ++i) garbage.push_back(static_cast<char>((i * 7919) % 256));
  (void)HtmlToText(garbage);
  (void)HtmlToText(std::string(50000, '<'));
  (void)HtmlToText(std::string(50000, '&'));
  (void)HtmlToText("<a href=\"" + std::string(100000, 'x'));
  (void)HtmlToText("<script>" + std::string(100000, 'x'));
  (void)HtmlToText("&#99999999999999999999;&#x;&#;");
  SUCCEED("no crash");
}

TEST_CASE("the entity table holds HTML4 and HTML5 names", "[sources][html]") {
  CHECK(LookupHtmlEntity("amp;") == std::optional<std::string_view>("&"));
  CHECK(LookupHtmlEntity("amp") == std::optional<std::string_view>("&"));
  CHECK(LookupHtmlEntity("thetasym;").has_value());  // HTML4
  CHECK(LookupHtmlEntity("NotNestedGreaterGreater;").has_value());  // HTML5
  CHECK(LookupHtmlEntity("apos;") == std::optional<std::string_view>("'"));
  CHECK_FALSE(LookupHtmlEntity("hellip").has_value());  // needs its ';'
  CHECK(DecodeHtmlEntities("a &lt;b&gt; &quot;c&quot;") == "a <b> \"c\"");
}

}  // namespace
}  // namespace scrm::sources
