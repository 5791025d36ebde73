// Twitter/X archive files: the real archive samples of the shared
// conformance data (twoo's tweets.js and manifest.js, twitter-to-sqlite's
// account/follower/following files and API v1.1 tweets.json) and scrm's own
// files under tests/data/sources/twitter (genuine "key" : value spacing,
// profile.js, a trailing ';', bad records, a truncated file, a wrong prefix).
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "parsers_test_util.h"
#include "sources/dates.h"
#include "sources/twitter_archive.h"
#include "support/test_db.h"

namespace scrm::sources {
namespace {

using scrm::testing::CollectingSink;
using scrm::testing::ReadFileBytes;
using scrm::testing::SourcesDataDir;

std::string TwitterData() { return SourcesDataDir() + "/twitter"; }

Status ParseText(const std::string& text, CollectingSink& sink, ParseStats* stats = nullptr,
                 TwitterArchiveOwner* owner = nullptr, const std::string& file = "test.js") {
  std::istringstream in(text);
  ParseOptions options;
  options.file = file;
  return ParseTwitterArchiveFile(in, options, sink, stats, owner);
}

Status ParsePath(const std::string& path, CollectingSink& sink, ParseStats* stats = nullptr,
                 TwitterArchiveOwner* owner = nullptr) {
  return ParseText(ReadFileBytes(path), sink, stats, owner, path);
}

const Post* FindPost(const CollectingSink& sink, const std::string& id) {
  for (const Post& p : sink.posts) {
    if (p.external_id == id) return &p;
  }
  return nullptr;
}

TEST_CASE("archive data types come from the window.YTD prefix", "[sources][twitter]") {
  struct Case {
    const char* head;
    const char* type;  // "" = not an archive file
  };
  const Case cases[] = {
      {"window.YTD.tweets.part0 = [", "tweets"},
      {"window.YTD.tweet.part0 = [ {", "tweet"},
      {"\xEF\xBB\xBF  window.YTD.follower.part0 = [", "follower"},
      {"window.YTD.account_suspension.part0 = []", "account_suspension"},
      {"window.YTD.tweets.part12=[", "tweets"},
      {"window.__THAR_CONFIG = {", "manifest"},
      {"  [ {\"id_str\": \"1\"} ]", "api-tweets"},
      {"window.YTD.tweets = [", ""},
      {"window.YTD.tweets.partX = [", ""},
      {"window.twitterData = [", ""},
      {"{\"tweet\": {}}", ""},
      {"", ""},
  };
  for (const Case& c : cases) {
    INFO(c.head);
    std::optional<std::string> type = TwitterArchiveDataType(c.head);
    if (*c.type) {
      REQUIRE(type.has_value());
      CHECK(*type == c.type);
    } else {
      CHECK_FALSE(type.has_value());
    }
  }
}

TEST_CASE("Twitter created_at dates", "[sources][twitter]") {
  CHECK(ParseTwitterDate("Wed Oct 10 20:19:24 +0000 2018") ==
        UnixSecondsFromCivil(2018, 10, 10, 20, 19, 24));
  CHECK(ParseTwitterDate("Thu Oct 11 08:00:00 +0200 2018") ==
        UnixSecondsFromCivil(2018, 10, 11, 6, 0, 0));
  CHECK(ParseTwitterDate("Fri Feb 24 06:58:32 -0130 2023") ==
        UnixSecondsFromCivil(2023, 2, 24, 8, 28, 32));
  for (const char* bad : {"", "hier", "Wed Oct 10 20:19:24 2018", "Wed Foo 10 20:19:24 +0000 2018",
                          "Wed Oct 32 20:19:24 +0000 2018", "Wed Oct 10 25:19:24 +0000 2018",
                          "2018-10-10T20:19:24Z"}) {
    INFO(bad);
    CHECK_FALSE(ParseTwitterDate(bad).has_value());
  }
}

TEST_CASE("real archive: twoo's tweets.js, 28 tweets", "[sources][twitter][conformance]") {
  std::string dir = scrm::testing::ConformanceDir();
  if (dir.empty()) {
    WARN("skipped: no shared conformance folder");
    return;
  }
  std::string path = dir + "/archives/twitter/twoo/data/tweets.js";
  CollectingSink sink;
  ParseStats stats;
  TwitterArchiveOwner owner;
  owner.account_id = "15942882";
  owner.username = "darkliquid";
  owner.display_name = "darkliquid";
  REQUIRE(ParsePath(path, sink, &stats, &owner).ok());
  CHECK(stats.records == 28);
  CHECK(stats.posts == 28);
  CHECK(stats.rejects == 0);
  REQUIRE(sink.posts.size() == 28);

  size_t hashtags = 0, mentions = 0, replies = 0, shares = 0;
  for (const Post& p : sink.posts) {
    hashtags += p.hashtags.size();
    mentions += p.mentions.size();
    replies += p.kind == "reply";
    shares += p.kind == "share";
    CHECK(p.platform == "twitter");
    CHECK(p.author_id == "15942882");
    CHECK(p.author_handle == "darkliquid");
    CHECK(p.url == "https://twitter.com/darkliquid/status/" + p.external_id);
    // t.co links are expanded wherever `entities` lists them; the retweet's
    // link, cut off by "RT @x:", has no entity and stays as written.
    if (p.kind != "share") CHECK(p.text.find("https://t.co/") == std::string::npos);
    CHECK(p.published > 0);
    CHECK(!p.raw.empty());
    CHECK(p.raw.front() == '{');
    CHECK(p.raw.back() == '}');
  }
  CHECK(hashtags == 5);
  CHECK(mentions == 37);
  CHECK(replies == 23);
  CHECK(shares == 1);

  const Post& first = sink.posts[0];
  CHECK(first.external_id == "1629012888185610242");
  CHECK(first.kind == "reply");
  CHECK(first.in_reply_to == "1628894722889601024");
  CHECK(first.text == "@RPDeshaies Pretty much anything by Bal-Sagoth");
  CHECK(first.mentions == std::vector<std::string>{"RPDeshaies"});
  CHECK(first.language == "en");
  CHECK(first.published == UnixSecondsFromCivil(2023, 2, 24, 6, 58, 32));
  CHECK(sink.post_positions[0].line == 2);
  CHECK(sink.post_positions[0].record == 0);
  CHECK(sink.post_positions[1].record == 1);

  // Position offsets point at the record's '{' in the original file.
  std::string bytes = ReadFileBytes(path);
  for (const Position& where : sink.post_positions) {
    REQUIRE(where.offset < static_cast<int64_t>(bytes.size()));
    CHECK(bytes[static_cast<size_t>(where.offset)] == '{');
  }

  const Post* rt = FindPost(sink, "1584110055259279360");
  REQUIRE(rt);
  CHECK(rt->kind == "share");
  CHECK(rt->mentions == std::vector<std::string>{"boondaburrah"});

  const Post* link = FindPost(sink, "1560185144006295552");
  REQUIRE(link);
  CHECK(link->text ==
        "Today is a day for listening to Jinx by Isidor on repeat forever. "
        "https://music.youtube.com/watch?v=9PWQvhwdDyY&feature=share");
  CHECK(link->links == std::vector<std::string>{
                           "https://music.youtube.com/watch?v=9PWQvhwdDyY&feature=share"});

  const Post* amp = FindPost(sink, "1607434750175715329");
  REQUIRE(amp);
  CHECK(amp->text == "@SEGA Sonic 3 & Knuckles");

  const Post* media = FindPost(sink, "1541752634348019715");
  REQUIRE(media);
  CHECK(media->text == "@symatt Monocycle https://twitter.com/darkliquid/status/1541752634348019715/photo/1");
  CHECK(media->links == std::vector<std::string>{"https://pbs.twimg.com/media/FWVnxzyWIAIEZU3.png"});

  const Post* hashtag = FindPost(sink, "1609828443029491714");
  REQUIRE(hashtag);
  CHECK(hashtag->text.find("http://dice.camp/@darkliquid") != std::string::npos);
  CHECK(hashtag->hashtags.size() >= 3);
  CHECK(hashtag->hashtags[0] == "dungeon23");

  // Twitter's private codes ("qme": media only) are no language; "in" is Indonesian.
  const Post* qme = FindPost(sink, "1603463121561128960");
  REQUIRE(qme);
  CHECK(qme->language.empty());
  CHECK(qme->likes == 9);
  CHECK(qme->shares == 1);
  bool saw_indonesian = false;
  for (const Post& p : sink.posts) saw_indonesian |= p.language == "id";
  CHECK(saw_indonesian);
}

TEST_CASE("real archive: manifest.js names the owner", "[sources][twitter][conformance]") {
  std::string dir = scrm::testing::ConformanceDir();
  if (dir.empty()) {
    WARN("skipped: no shared conformance folder");
    return;
  }
  CollectingSink sink;
  TwitterArchiveOwner owner;
  REQUIRE(ParsePath(dir + "/archives/twitter/twoo/data/manifest.js", sink, nullptr, &owner).ok());
  CHECK(sink.order.empty());
  CHECK(owner.account_id == "15942882");
  CHECK(owner.username == "darkliquid");

  // Then the tweets know their author without account.js.
  CollectingSink tweets;
  REQUIRE(ParsePath(dir + "/archives/twitter/twoo/data/tweets.js", tweets, nullptr, &owner).ok());
  REQUIRE(!tweets.posts.empty());
  CHECK(tweets.posts[0].author_handle == "darkliquid");
}

TEST_CASE("real archive: twitter-to-sqlite account, follower, following",
          "[sources][twitter][conformance]") {
  std::string dir = scrm::testing::ConformanceDir();
  if (dir.empty()) {
    WARN("skipped: no shared conformance folder");
    return;
  }
  std::string zip = dir + "/archives/twitter/twitter-to-sqlite/zip_contents/";

  CollectingSink account;
  TwitterArchiveOwner owner;
  REQUIRE(ParsePath(zip + "account.js", account, nullptr, &owner).ok());
  REQUIRE(account.profiles.size() == 1);
  const Profile& me = account.profiles[0];
  CHECK(me.platform == "twitter");
  CHECK(me.external_id == "12497");
  CHECK(me.handle == "simonw");
  CHECK(me.display_name == "Simon Willison");
  CHECK(me.url == "https://twitter.com/simonw");
  CHECK(me.emails == std::vector<std::string>{"swillison@example.com"});
  CHECK(owner.created == UnixSecondsFromCivil(2006, 11, 15, 13, 18, 50));

  for (const char* name : {"follower", "following"}) {
    CollectingSink sink;
    ParseStats stats;
    REQUIRE(ParsePath(zip + name + ".js", sink, &stats).ok());
    REQUIRE(sink.profiles.size() == 2);
    CHECK(stats.profiles == 2);
    for (const Profile& p : sink.profiles) {
      CHECK(p.platform == "twitter");
      CHECK(!p.external_id.empty());
      CHECK(p.url == "https://twitter.com/intent/user?user_id=" + p.external_id);
      CHECK(p.handle.empty());
      CHECK(p.raw.find(name) != std::string::npos);
    }
  }
  CollectingSink followers;
  REQUIRE(ParsePath(zip + "follower.js", followers).ok());
  CHECK(followers.profiles[0].external_id == "73747798");
  CHECK(followers.profiles[1].external_id == "386025404");

  // Data types scrm does not read are skipped, counted, not rejected.
  for (const char* name : {"app.js", "saved-search.js", "account-suspension.js"}) {
    CollectingSink sink;
    ParseStats stats;
    INFO(name);
    REQUIRE(ParsePath(zip + name, sink, &stats).ok());
    CHECK(sink.order.empty());
    CHECK(stats.skipped == stats.records);
  }
}

TEST_CASE("real API v1.1 tweets: a bare JSON array", "[sources][twitter][conformance]") {
  std::string dir = scrm::testing::ConformanceDir();
  if (dir.empty()) {
    WARN("skipped: no shared conformance folder");
    return;
  }
  CollectingSink sink;
  ParseStats stats;
  REQUIRE(ParsePath(dir + "/archives/twitter/twitter-to-sqlite/tweets.json", sink, &stats).ok());
  REQUIRE(sink.posts.size() == 3);
  CHECK(stats.rejects == 0);
  const Post& rt = sink.posts[0];
  CHECK(rt.kind == "share");
  CHECK(!rt.shared_id.empty());
  CHECK(rt.author_handle == "simonw");
  CHECK(rt.url == "https://twitter.com/simonw/status/" + rt.external_id);
  CHECK(rt.text.find("&amp;") == std::string::npos);
  CHECK(rt.text.find("carbon capture & utilization") != std::string::npos);
  const Post& links = sink.posts[1];
  CHECK(links.links == std::vector<std::string>{
                           "http://www.owlsnearme.com",
                           "https://24ways.org/2018/observable-notebooks-and-inaturalist/",
                           "https://pbs.twimg.com/media/BwEmlDHCMAEGwu_.jpg"});  // its photo
  CHECK(links.text.find("We used it to build http://www.owlsnearme.com - see") != std::string::npos);
  CHECK(links.mentions.size() == 7);
}

TEST_CASE("scrm's tweets.js: genuine spacing, a trailing semicolon, bad records",
          "[sources][twitter]") {
  CollectingSink sink;
  ParseStats stats;
  TwitterArchiveOwner owner;
  owner.account_id = "1000000001";
  owner.username = "camille_test";
  owner.display_name = "Camille Testé";
  REQUIRE(ParsePath(TwitterData() + "/tweets.js", sink, &stats, &owner).ok());
  CHECK(stats.records == 6);
  CHECK(stats.posts == 4);
  CHECK(stats.rejects == 2);
  CHECK(sink.order == "PPPXXP");

  const Post& fr = sink.posts[0];
  CHECK(fr.external_id == "1500000000000000001");
  CHECK(fr.url == "https://twitter.com/camille_test/status/1500000000000000001");
  CHECK(fr.text == "#boulangerie Nouveau pain & viennoiseries <3 https://exemple.fr/pain-au-levain");
  CHECK(fr.hashtags == std::vector<std::string>{"boulangerie"});
  CHECK(fr.links == std::vector<std::string>{"https://exemple.fr/pain-au-levain"});
  CHECK(fr.likes == 12);
  CHECK(fr.shares == 3);
  CHECK(fr.language == "fr");
  CHECK(fr.kind == "post");
  CHECK(fr.author_name == "Camille Testé");
  CHECK(fr.published == UnixSecondsFromCivil(2018, 10, 10, 20, 19, 24));

  const Post& rt = sink.posts[1];
  CHECK(rt.kind == "share");
  CHECK(rt.language.empty());  // "und"
  CHECK(rt.published == UnixSecondsFromCivil(2018, 10, 11, 6, 0, 0));

  const Post& reply = sink.posts[2];
  CHECK(reply.kind == "reply");
  CHECK(reply.in_reply_to == "1400000000000000000");
  CHECK(reply.language == "id");

  const Post& plain = sink.posts[3];
  CHECK(plain.hashtags == std::vector<std::string>{"velo"});
  CHECK(plain.mentions == std::vector<std::string>{"paul"});
  CHECK(plain.links == std::vector<std::string>{"https://exemple.fr"});

  CHECK(sink.rejects[0].reason.find("'id_str' is missing") != std::string::npos);
  CHECK(sink.rejects[0].reason.find("record 3") != std::string::npos);
  CHECK(sink.rejects[0].position.file == TwitterData() + "/tweets.js");
  CHECK(sink.rejects[1].reason.find("'created_at' is not a Twitter date") != std::string::npos);
  CHECK(sink.rejects[1].reason.find("'hier'") != std::string::npos);
  CHECK(sink.rejects[1].raw.find("bad date") != std::string::npos);
}

TEST_CASE("without an owner, tweet URLs use the i/web form", "[sources][twitter]") {
  CollectingSink sink;
  REQUIRE(ParsePath(TwitterData() + "/tweets.js", sink).ok());
  REQUIRE(!sink.posts.empty());
  CHECK(sink.posts[0].url == "https://twitter.com/i/web/status/1500000000000000001");
  CHECK(sink.posts[0].author_id.empty());
}

TEST_CASE("profile.js needs to know its account", "[sources][twitter]") {
  CollectingSink alone;
  REQUIRE(ParsePath(TwitterData() + "/profile.js", alone).ok());
  REQUIRE(alone.rejects.size() == 1);
  CHECK(alone.rejects[0].reason.find("account.js") != std::string::npos);

  CollectingSink sink;
  TwitterArchiveOwner owner;
  REQUIRE(ParsePath(TwitterData() + "/account.js", sink, nullptr, &owner).ok());
  REQUIRE(ParsePath(TwitterData() + "/profile.js", sink, nullptr, &owner).ok());
  REQUIRE(sink.profiles.size() == 2);
  const Profile& p = sink.profiles[1];
  CHECK(p.external_id == "1000000001");
  CHECK(p.handle == "camille_test");
  CHECK(p.display_name == "Camille Testé");
  CHECK(p.bio == "Artisan boulangère à Lyon 🥖 & amatrice de vélo");
  CHECK(p.websites == std::vector<std::string>{"https://t.co/AbCdEf1234"});
  CHECK(p.location == "Lyon, France");
  CHECK(p.avatar_url == "https://pbs.twimg.com/profile_images/1/avatar.jpg");
  CHECK(p.emails == std::vector<std::string>{"camille.test@exemple.fr"});
}

TEST_CASE("a whole archive: owner merged once, then tweets and followers", "[sources][twitter]") {
  std::map<std::string, std::string> files = {
      {"account.js", TwitterData() + "/account.js"},
      {"profile.js", TwitterData() + "/profile.js"},
      {"tweets.js", TwitterData() + "/tweets.js"},
      {"follower.js", TwitterData() + "/follower.js"},
  };
  TwitterArchiveOpener open = [&](const std::string& name) -> std::unique_ptr<std::istream> {
    auto it = files.find(name);
    if (it == files.end()) return nullptr;
    return std::make_unique<std::ifstream>(it->second, std::ios::binary);
  };
  CollectingSink sink;
  ParseStats stats;
  ParseOptions options;
  options.file = "archive";
  REQUIRE(ParseTwitterArchive(open, options, sink, &stats).ok());
  // The owner, 6 tweets (2 rejected), 2 followers (1 without accountId).
  CHECK(sink.order == "RPPPXXPRX");
  const Profile& owner = sink.profiles[0];
  CHECK(owner.external_id == "1000000001");
  CHECK(owner.handle == "camille_test");
  CHECK(owner.bio.find("boulangère") != std::string::npos);
  CHECK(owner.raw.find("\"account\"") != std::string::npos);
  CHECK(owner.raw.find("\"profile\"") != std::string::npos);
  CHECK(sink.posts[0].author_handle == "camille_test");
  CHECK(sink.posts[0].url == "https://twitter.com/camille_test/status/1500000000000000001");
  CHECK(sink.post_positions[0].file == "archive/tweets.js");
  CHECK(sink.profiles[1].external_id == "2000000002");
  CHECK(sink.rejects.back().reason.find("'follower.accountId' is missing") != std::string::npos);
}

TEST_CASE("bad archive files", "[sources][twitter][bad]") {
  SECTION("truncated: the first tweet is kept, the cut one rejected, the Status says so") {
    CollectingSink sink;
    ParseStats stats;
    Status s = ParsePath(TwitterData() + "/truncated_tweets.js", sink, &stats);
    CHECK_FALSE(s.ok());
    CHECK(s.message().find("syntax error") != std::string::npos);
    CHECK(sink.order == "PX");
    CHECK(sink.rejects[0].raw.find("\"id_str\" : \"2\"") != std::string::npos);
    CHECK(sink.rejects[0].position.line == 7);  // "}, {"
  }
  SECTION("wrong prefix") {
    CollectingSink sink;
    Status s = ParsePath(TwitterData() + "/wrong_prefix.js", sink);
    CHECK_FALSE(s.ok());
    CHECK(s.message().find("not a Twitter archive file") != std::string::npos);
    CHECK(s.message().find("window.twitterData") != std::string::npos);
    CHECK(sink.order.empty());
  }
  SECTION("empty input") {
    CollectingSink sink;
    Status s = ParsePath(SourcesDataDir() + "/empty.json", sink);
    CHECK_FALSE(s.ok());
    CHECK(s.message().find("empty") != std::string::npos);
  }
  SECTION("binary garbage") {
    CollectingSink sink;
    Status s = ParsePath(SourcesDataDir() + "/binary_garbage.bin", sink);
    CHECK_FALSE(s.ok());
    CHECK(sink.order.empty());
  }
  SECTION("a prefix and no array") {
    CollectingSink sink;
    CHECK_FALSE(ParseText("window.YTD.tweets.part0 = ", sink).ok());
    CHECK_FALSE(ParseText("window.YTD.tweets.part0 = {\"a\": 1}", sink).ok());
    CHECK_FALSE(ParseText("window.YTD.tweets.part0 = [] garbage", sink).ok());
    CHECK(sink.order.empty());
  }
  SECTION("an element that is not an object") {
    CollectingSink sink;
    REQUIRE(ParseText("window.YTD.tweets.part0 = [ 42, {\"tweet\": 7} ]", sink).ok());
    CHECK(sink.order == "XX");
  }
  SECTION("unread data types are skipped") {
    CollectingSink sink;
    ParseStats stats;
    REQUIRE(ParsePath(TwitterData() + "/like.js", sink, &stats).ok());
    CHECK(sink.order.empty());
    CHECK(stats.skipped == 2);
    REQUIRE(!stats.notes.empty());
    CHECK(stats.notes[0].find("YTD.like") != std::string::npos);
  }
}

TEST_CASE("a large tweets.js streams record by record", "[sources][twitter][slow]") {
  // ~50,000 tweets (~12 MB) generated in memory; each record is handed over
  // as it is read (the sink sees the first before the parser reaches the end).
  constexpr int kTweets = 50000;
  std::string text = "window.YTD.tweets.part0 = [";
  for (int i = 0; i < kTweets; ++i) {
    if (i) text += ",";
    text += "{\"tweet\":{\"id_str\":\"" + std::to_string(i + 1) +
            "\",\"created_at\":\"Wed Oct 10 20:19:24 +0000 2018\",\"full_text\":\"tweet " +
            std::to_string(i) + " " + std::string(200, 'x') + "\",\"lang\":\"en\"}}";
  }
  text += "]";
  CollectingSink sink;
  ParseStats stats;
  REQUIRE(ParseText(text, sink, &stats).ok());
  CHECK(stats.posts == kTweets);
  CHECK(sink.posts.back().external_id == std::to_string(kTweets));
  CHECK(sink.post_positions.back().record == kTweets - 1);
}

}  // namespace
}  // namespace scrm::sources
