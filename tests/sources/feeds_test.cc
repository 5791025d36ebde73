#include "sources/feeds.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "parsers_test_util.h"
#include "support/test_db.h"

namespace scrm::sources {
namespace {

namespace fs = std::filesystem;
using scrm::testing::CollectingSink;

Status ParseXml(const std::string& text, CollectingSink& sink, ParseStats* stats = nullptr,
                const std::string& charset = "") {
  std::istringstream in(text);
  ParseOptions options;
  options.file = "feed.xml";
  options.charset = charset;
  return ParseXmlFeed(in, options, sink, stats);
}

TEST_CASE("RSS 2.0 items become articles", "[sources][feeds]") {
  CollectingSink sink;
  REQUIRE(ParseXml(R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
     xmlns:wfw="http://wellformedweb.org/CommentAPI/">
<channel>
  <title>Blog &amp; Co</title>
  <link>https://blog.example/</link>
  <description>A &lt;b&gt;blog&lt;/b&gt;</description>
  <managingEditor>editor@blog.example (The Editor)</managingEditor>
  <item>
    <title>First &amp; best</title>
    <link>/posts/1</link>
    <guid isPermaLink="false">post-1</guid>
    <pubDate>Sun, 06 Jul 2014 12:56:00 GMT</pubDate>
    <dc:creator>Anne Author</dc:creator>
    <category>News</category><category>news</category><category>News</category>
    <description><![CDATA[<p>Short &eacute; <a href="/more">more</a></p>]]></description>
    <content:encoded>&lt;p&gt;Full text with &lt;a href="https://x.example/"&gt;a link&lt;/a&gt;&lt;/p&gt;</content:encoded>
    <slash:comments>7</slash:comments>
    <wfw:commentRss>https://blog.example/posts/1/comments.rss</wfw:commentRss>
    <enclosure url="https://blog.example/a.mp3" type="audio/mpeg" length="1"/>
  </item>
  <item>
    <title>No guid</title>
    <link>https://blog.example/posts/2</link>
    <author>bob@blog.example (Bob)</author>
    <description>Caf&eacute; &nbsp; &amp; fish & chips</description>
  </item>
</channel>
</rss>)",
                   sink)
              .ok());
  REQUIRE(sink.posts.size() == 2);
  const Post& a = sink.posts[0];
  CHECK(a.platform == "rss");
  CHECK(a.kind == "article");
  CHECK(a.external_id == "post-1");
  CHECK(a.title == "First & best");
  CHECK(a.url == "https://blog.example/posts/1");
  CHECK(a.text == "Full text with a link");
  CHECK(a.published == 1404651360);
  CHECK(a.author_name == "Anne Author");
  CHECK(a.author_id == "https://blog.example/");
  CHECK(a.hashtags == std::vector<std::string>{"News", "news"});
  CHECK(a.replies == 7);
  CHECK(a.links == std::vector<std::string>{"https://blog.example/posts/1",
                                            "https://blog.example/posts/1/comments.rss",
                                            "https://blog.example/a.mp3", "https://x.example/"});
  CHECK(a.raw.find("<item>") == 0);
  CHECK(a.raw.find("Anne Author") != std::string::npos);
  const Post& b = sink.posts[1];
  CHECK(b.external_id == "https://blog.example/posts/2");
  CHECK(b.author_name == "Bob");
  CHECK(b.author_id == "mailto:bob@blog.example");
  CHECK(b.text == "Caf\xC3\xA9 \xC2\xA0 & fish & chips");
  REQUIRE(sink.profiles.size() == 1);
  CHECK(sink.order == "PPR");
  const Profile& feed = sink.profiles[0];
  CHECK(feed.external_id == "https://blog.example/");
  CHECK(feed.display_name == "Blog & Co");
  CHECK(feed.bio == "A blog");
  CHECK(feed.emails == std::vector<std::string>{"editor@blog.example"});
}

TEST_CASE("Atom entries: xml:base, types, threading, inherited author", "[sources][feeds]") {
  CollectingSink sink;
  REQUIRE(ParseXml(R"(<feed xmlns="http://www.w3.org/2005/Atom"
      xmlns:thr="http://purl.org/syndication/thread/1.0" xml:base="https://site.example/blog/">
  <title type="text">Site</title>
  <id>tag:site.example,2020:feed</id>
  <link rel="alternate" href="https://site.example/"/>
  <author><name>Feed Author</name><email>fa@site.example</email></author>
  <entry xml:base="entries/">
    <title type="html">&lt;b&gt;Bold&lt;/b&gt; title</title>
    <id>tag:site.example,2020:1</id>
    <link href="one.html"/>
    <published>2020-01-02T03:04:05+01:00</published>
    <updated>2020-01-03T00:00:00Z</updated>
    <category term="c1"/><category term="c2" label="Label"/>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <a href="x.html">x</a></p><p>bye</p></div></content>
  </entry>
  <entry>
    <title>A &lt; B</title>
    <id>tag:site.example,2020:2</id>
    <thr:in-reply-to ref="tag:site.example,2020:1"/>
    <author><name>Commenter</name><uri>https://c.example/</uri></author>
    <summary>plain &lt;not a tag&gt;</summary>
  </entry>
</feed>)",
                   sink)
              .ok());
  REQUIRE(sink.posts.size() == 2);
  const Post& a = sink.posts[0];
  CHECK(a.platform == "atom");
  CHECK(a.external_id == "tag:site.example,2020:1");
  CHECK(a.title == "Bold title");
  CHECK(a.url == "https://site.example/blog/entries/one.html");
  CHECK(a.text == "Hello x\n\nbye");
  CHECK(a.published == 1577930645);
  CHECK(a.updated == 1578009600);
  CHECK(a.author_name == "Feed Author");
  CHECK(a.author_id == "mailto:fa@site.example");
  CHECK(a.hashtags == std::vector<std::string>{"c1", "c2"});
  CHECK(std::find(a.links.begin(), a.links.end(), "https://site.example/blog/entries/x.html") !=
        a.links.end());
  const Post& b = sink.posts[1];
  CHECK(b.kind == "comment");
  CHECK(b.in_reply_to == "tag:site.example,2020:1");
  CHECK(b.title == "A < B");
  CHECK(b.text == "plain <not a tag>");
  CHECK(b.author_id == "https://c.example/");
  REQUIRE(sink.profiles.size() == 1);
  CHECK(sink.profiles[0].external_id == "https://site.example/");
}

TEST_CASE("feed encodings", "[sources][feeds]") {
  const std::string body =
      "<rss version=\"2.0\"><channel><item><guid>1</guid><title>Caf\xE9 \x80 na\xEFve</title>"
      "</item></channel></rss>";
  const std::string expected = "Caf\xC3\xA9 \xE2\x82\xAC na\xC3\xAFve";
  SECTION("ISO-8859-1 declared (read as windows-1252)") {
    CollectingSink sink;
    REQUIRE(ParseXml("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + body, sink).ok());
    REQUIRE(sink.posts.size() == 1);
    CHECK(sink.posts[0].title == expected);
  }
  SECTION("windows-1252 from the HTTP charset, no declaration") {
    CollectingSink sink;
    REQUIRE(ParseXml(body, sink, nullptr, "windows-1252").ok());
    REQUIRE(sink.posts.size() == 1);
    CHECK(sink.posts[0].title == expected);
  }
  SECTION("Latin-1 bytes in a feed declared UTF-8 are repaired and noted") {
    CollectingSink sink;
    ParseStats stats;
    REQUIRE(ParseXml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + body, sink, &stats).ok());
    REQUIRE(sink.posts.size() == 1);
    CHECK(sink.posts[0].title == expected);
    REQUIRE_FALSE(stats.notes.empty());
    CHECK(stats.notes[0].find("3 bytes were not UTF-8") != std::string::npos);
  }
  SECTION("ISO-8859-15 through Poco's encodings") {
    CollectingSink sink;
    REQUIRE(ParseXml("<?xml version=\"1.0\" encoding=\"ISO-8859-15\"?><rss><channel><item>"
                     "<guid>1</guid><title>\xA4</title></item></channel></rss>",
                     sink)
                .ok());
    REQUIRE(sink.posts.size() == 1);
    CHECK(sink.posts[0].title == "\xE2\x82\xAC");
  }
  SECTION("UTF-16 with a byte-order mark") {
    std::string utf8 = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss><channel><item><guid>1"
                       "</guid><title>Hi \xC3\xA9</title></item></channel></rss>";
    std::string utf16 = "\xFF\xFE";
    for (size_t i = 0; i < utf8.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(utf8[i]);
      if (c == 0xC3) {
        utf16 += std::string("\xE9\x00", 2);
        ++i;
      } else {
        utf16.push_back(static_cast<char>(c));
        utf16.push_back('\0');
      }
    }
    CollectingSink sink;
    REQUIRE(ParseXml(utf16, sink).ok());
    REQUIRE(sink.posts.size() == 1);
    CHECK(sink.posts[0].title == "Hi \xC3\xA9");
  }
  SECTION("an encoding we do not read is a clear Status") {
    CollectingSink sink;
    Status s = ParseXml("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>" + body, sink);
    CHECK_FALSE(s.ok());
    CHECK(s.message().find("shift_jis") != std::string::npos);
  }
}

TEST_CASE("feed dates that do not parse reject their item only", "[sources][feeds]") {
  CollectingSink sink;
  REQUIRE(ParseXml("<rss><channel><item><guid>1</guid><pubDate>yesterday</pubDate></item>"
                   "<item><guid>2</guid><pubDate>Tue, 04 Dec 2012 00:00:00 +0000</pubDate></item>"
                   "</channel></rss>",
                   sink)
              .ok());
  REQUIRE(sink.rejects.size() == 1);
  CHECK(sink.rejects[0].reason == "record 0 (line 1): 'pubDate' is not an RFC 822 date: 'yesterday'");
  REQUIRE(sink.posts.size() == 1);
  CHECK(sink.posts[0].published == 1354579200);
}

TEST_CASE("JSON Feed items", "[sources][feeds]") {
  std::istringstream in(R"({"version":"https://jsonfeed.org/version/1.1","title":"J",
    "home_page_url":"https://j.example/","items":[
      {"id":"1","url":"https://j.example/1","title":"One","content_html":"<p>Hello <a href=\"/x\">x</a></p>",
       "date_published":"2019-10-12T07:20:50.52Z","tags":["a","b"],"authors":[{"name":"Jay","url":"https://jay.example/"}]},
      {"id":2,"content_text":"Two","date_published":"not a date"},
      {"url":"https://j.example/3","content_text":"Three"}]})");
  CollectingSink sink;
  ParseOptions options;
  options.file = "feed.json";
  REQUIRE(ParseJsonFeed(in, options, sink).ok());
  REQUIRE(sink.posts.size() == 2);
  CHECK(sink.posts[0].platform == "jsonfeed");
  CHECK(sink.posts[0].text == "Hello x");
  CHECK(sink.posts[0].published == 1570864850);
  CHECK(sink.posts[0].hashtags == std::vector<std::string>{"a", "b"});
  CHECK(sink.posts[0].author_id == "https://jay.example/");
  CHECK(std::find(sink.posts[0].links.begin(), sink.posts[0].links.end(), "https://j.example/x") !=
        sink.posts[0].links.end());
  CHECK(sink.posts[1].external_id == "https://j.example/3");
  REQUIRE(sink.rejects.size() == 1);
  CHECK(sink.rejects[0].reason.find("'date_published' is not an RFC 3339 date") != std::string::npos);
  REQUIRE(sink.profiles.size() == 1);
  CHECK(sink.profiles[0].display_name == "J");
}

TEST_CASE("granary feeds parse", "[sources][feeds]") {
  std::string dir = scrm::testing::ConformanceDir();
  if (dir.empty()) {
    WARN("skipped: no shared conformance data");
    return;
  }
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir + "/feeds/granary")) {
    std::string name = e.path().filename().string();
    bool rss = name.size() > 8 && name.substr(name.size() - 8) == ".rss.xml";
    bool jf = name.size() > 10 && name.substr(name.size() - 10) == ".feed.json";
    if (!rss && !jf) continue;
    std::ifstream in(e.path(), std::ios::binary);
    ParseOptions options;
    options.file = name;
    CollectingSink sink;
    Status s = rss ? ParseXmlFeed(in, options, sink) : ParseJsonFeed(in, options, sink);
    INFO(name << ": " << s.ToString());
    CHECK(s.ok());
    CHECK_FALSE(sink.posts.empty());
    CHECK(sink.rejects.empty());
    ++n;
  }
  CHECK(n >= 5);
}

}  // namespace
}  // namespace scrm::sources
