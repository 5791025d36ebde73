// Listening for a hashtag on a fediverse server (sources/fediverse_listen.h)
// against a scripted server: statuses of Mastodon's client API
// (GET /api/v1/timelines/tag/TAG, as Mastodon documents its Status and
// Account entities) to posts and profiles, paging, what a poll leaves for
// the next, and refusals. The real server is in tests/activitypub/ (ctest
// activitypub:follow).
#include "sources/fediverse_listen.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "parsers_test_util.h"
#include "scripted_fetcher.h"

namespace scrm::sources {
namespace {

using nlohmann::json;
using scrm::testing::CollectingSink;
using scrm::testing::ScriptedFetcher;

const std::string kTimeline = "https://social.example/api/v1/timelines/tag/caf%C3%A9";

json Account(const std::string& who, const std::string& host) {
  return {{"id", "1" + who},
          {"username", who},
          {"acct", host == "social.example" ? who : who + "@" + host},
          {"display_name", who == "chloe" ? "Chloé Petit" : "Bob Martin"},
          {"note", "<p>Barista à Lyon</p>"},
          {"url", "https://" + host + "/@" + who},
          {"uri", "https://" + host + "/users/" + who},
          {"avatar", "https://" + host + "/avatars/" + who + ".png"},
          {"bot", false},
          {"fields",
           json::array({{{"name", "Courriel"},
                         {"value", "<a href=\"mailto:" + who + "@cafe.example\">" + who +
                                       "@cafe.example</a>"}}})}};
}

// The actor document of `who` on `host`, as its server gives it: a profile
// field with the e-mail address `email`.
json ActorDoc(const std::string& who, const std::string& host, const std::string& email) {
  return {{"@context", "https://www.w3.org/ns/activitystreams"},
          {"id", "https://" + host + "/users/" + who},
          {"type", "Person"},
          {"preferredUsername", who},
          {"name", who == "chloe" ? "Chloé Petit" : "Bob Martin"},
          {"icon", {{"type", "Image"}, {"url", "https://" + host + "/avatars/" + who + ".png"}}},
          {"attachment", json::array({{{"type", "PropertyValue"}, {"name", "E-mail"},
                                       {"value", email}}})}};
}

// A status of the tag #café, by chloe (remote) unless `who` says bob (local).
json Status(int id, const std::string& who = "chloe") {
  const std::string host = who == "chloe" ? "other.example" : "social.example";
  const std::string uri = "https://" + host + "/users/" + who + "/statuses/" + std::to_string(id);
  return {{"id", std::to_string(id)},
          {"uri", uri},
          {"url", "https://" + host + "/@" + who + "/" + std::to_string(id)},
          {"created_at", "2026-11-0" + std::to_string(1 + id % 9) + "T10:00:00.000Z"},
          {"edited_at", nullptr},
          {"content", "<p>Dégustation n°" + std::to_string(id) + " <a href=\"https://social.example/tags/caf%C3%A9\" class=\"mention hashtag\" rel=\"tag\">#<span>café</span></a></p>"},
          {"spoiler_text", ""},
          {"language", "fr"},
          {"visibility", "public"},
          {"in_reply_to_id", nullptr},
          {"reblog", nullptr},
          {"account", Account(who, host)},
          {"tags", json::array({{{"name", "café"}, {"url", "https://social.example/tags/caf%C3%A9"}}})},
          {"mentions", json::array()},
          {"media_attachments", json::array()}};
}

FollowLimits Limits(int max_posts = 100, int max_pages = 3) {
  FollowLimits l;
  l.max_posts = max_posts;
  l.max_pages = max_pages;
  return l;
}

}  // namespace

TEST_CASE("fediverse listening: a hashtag timeline's statuses become posts and their authors "
          "profiles",
          "[sources][fediverse]") {
  ScriptedFetcher f;
  json withMore = Status(12);
  withMore["spoiler_text"] = "Café";
  withMore["edited_at"] = "2026-11-04T11:00:00.000Z";
  withMore["mentions"] = json::array(
      {{{"acct", "bob"}, {"username", "bob"}, {"url", "https://social.example/@bob"}}});
  withMore["media_attachments"] =
      json::array({{{"type", "image"}, {"url", "https://social.example/media/1.jpg"},
                    {"remote_url", nullptr}, {"description", "Une tasse"}}});
  json reblog = Status(11, "bob");
  reblog["reblog"] = Status(5);
  json no_uri = Status(10);
  no_uri.erase("uri");
  f.Answer(kTimeline + "?limit=40", json::array({withMore, reblog, no_uri, Status(9), Status(8, "bob")}));
  // The authors' profiles come from their actor documents, on their own
  // servers, not from what social.example says of their accounts.
  f.Answer("https://other.example/users/chloe",
           ActorDoc("chloe", "other.example", "chloe.petit@other.example"));
  f.Answer("https://social.example/users/bob", ActorDoc("bob", "social.example", "bob@cafe.example"));
  FediverseListener listener(f);
  CHECK(listener.Takes("#café@social.example"));
  CHECK_FALSE(listener.Takes("#café"));

  CollectingSink sink;
  Result<ListenReport> r = listener.Listen("#café@social.example", "", Limits(), sink);
  REQUIRE(r.ok());
  REQUIRE(f.sent.size() == 3);
  CHECK(f.sent[0].url == kTimeline + "?limit=40");
  CHECK(f.sent[0].headers.empty());  // the client API is read unsigned
  CHECK(f.sent[1].url == "https://other.example/users/chloe");  // once, for two posts
  CHECK(f.sent[1].accept.find("application/activity+json") == 0);
  CHECK(f.sent[2].url == "https://social.example/users/bob");
  CHECK(r->requests == 3);
  CHECK(r->posts == 3);
  CHECK(r->profiles == 2);
  CHECK(json::parse(r->state) == json{{"newest", "12"}});

  REQUIRE(sink.posts.size() == 3);
  const Post& p = sink.posts[0];
  CHECK(p.external_id == "https://other.example/users/chloe/statuses/12");  // its ActivityPub id
  CHECK(p.platform == "mastodon");
  CHECK(p.url == "https://other.example/@chloe/12");
  CHECK(p.author_id == "https://other.example/users/chloe");
  CHECK(p.language == "fr");
  CHECK(p.text.rfind("Café\n", 0) == 0);  // the content warning first
  CHECK(p.text.find("Dégustation n°12") != std::string::npos);
  CHECK(p.hashtags == std::vector<std::string>{"café"});
  CHECK(p.mentions == std::vector<std::string>{"bob@social.example"});
  CHECK(p.links == std::vector<std::string>{"https://social.example/media/1.jpg"});
  CHECK(p.updated > p.published);
  CHECK(json::parse(p.raw)["id"] == "12");  // the status as the server gave it

  REQUIRE(sink.profiles.size() == 2);
  const Profile& chloe = sink.profiles[0];
  CHECK(chloe.external_id == "https://other.example/users/chloe");
  CHECK(chloe.handle == "@chloe@other.example");
  CHECK(chloe.display_name == "Chloé Petit");
  CHECK(chloe.emails == std::vector<std::string>{"chloe.petit@other.example"});  // not the hearsay
  CHECK(chloe.avatar_url == "https://other.example/avatars/chloe.png");
  CHECK(json::parse(chloe.raw)["type"] == "Person");  // her actor document
  CHECK(sink.profiles[1].handle == "@bob@social.example");
  CHECK(sink.order == "RPXPRP");  // each author's profile before their first post; the reject in its place

  // The status without a uri is kept for review, naming the field.
  REQUIRE(sink.rejects.size() == 1);
  CHECK(sink.rejects[0].reason.find("'uri'") != std::string::npos);
  CHECK(json::parse(sink.rejects[0].raw)["id"] == "10");
}

TEST_CASE("fediverse listening: the next poll asks for what is newer, page by page within the "
          "limits",
          "[sources][fediverse]") {
  ScriptedFetcher f;
  // 45 statuses newer than 12: 57 down to 13, 40 a page, by a local user.
  auto statuses = [](int from, int to) {
    json list = json::array();
    for (int id = from; id >= to; --id) list.push_back(Status(id, "bob"));
    return list;
  };
  const std::string since = kTimeline + "?limit=40&since_id=12";
  f.Answer("https://social.example/users/bob", ActorDoc("bob", "social.example", "bob@cafe.example"));
  f.Answer(since, statuses(57, 18));
  f.Answer(since + "&max_id=18", statuses(17, 13));
  FediverseListener listener(f);
  CollectingSink sink;
  Result<ListenReport> r =
      listener.Listen("#café@social.example", R"({"newest":"12"})", Limits(100, 3), sink);
  REQUIRE(r.ok());
  CHECK(r->posts == 45);
  CHECK(r->requests == 3);  // 2 pages (the second shorter than 40: the last), bob's actor once
  CHECK(r->profiles == 1);
  CHECK(json::parse(r->state) == json{{"newest", "57"}});
  CHECK(f.sent[2].url == since + "&max_id=18");

  // Within the limits: posts per poll (the page's size follows), pages per poll.
  f.Answer(kTimeline + "?limit=2&since_id=12", statuses(57, 56));
  r = listener.Listen("#café@social.example", R"({"newest":"12"})", Limits(2, 3), sink);
  REQUIRE(r.ok());
  CHECK(r->posts == 2);
  CHECK(r->requests == 2);
  CHECK(json::parse(r->state) == json{{"newest", "57"}});
  r = listener.Listen("#café@social.example", R"({"newest":"12"})", Limits(100, 1), sink);
  REQUIRE(r.ok());
  CHECK(r->posts == 40);
  CHECK(r->requests == 2);

  // A server that ignores since_id: the poll stops at the newest seen before.
  f.Answer(kTimeline + "?limit=40&since_id=55", statuses(57, 54));
  r = listener.Listen("#café@social.example", R"({"newest":"55"})", Limits(), sink);
  REQUIRE(r.ok());
  CHECK(r->posts == 2);
  CHECK(json::parse(r->state) == json{{"newest", "57"}});

  // Nothing new: one request, and the state stays.
  f.Answer(kTimeline + "?limit=40&since_id=57", json::array());
  r = listener.Listen("#café@social.example", R"({"newest":"57"})", Limits(), sink);
  REQUIRE(r.ok());
  CHECK(r->posts == 0);
  CHECK(r->requests == 1);
  CHECK(json::parse(r->state) == json{{"newest", "57"}});
}

TEST_CASE("fediverse listening: an author whose own server does not confirm them gets no profile",
          "[sources][fediverse]") {
  ScriptedFetcher f;
  // Two posts by chloe@other.example, whose actor cannot be read (404), and
  // one by dan@forged.example, whose server answers another actor's document.
  json dan = Status(7);
  dan["uri"] = "https://forged.example/users/dan/statuses/7";
  dan["account"] = Account("dan", "forged.example");
  f.Answer(kTimeline + "?limit=40", json::array({Status(9), Status(8), dan}));
  f.Answer("https://forged.example/users/dan", {{"id", "https://forged.example/users/someone"},
                                                {"type", "Person"}});
  FediverseListener listener(f);
  CollectingSink sink;
  Result<ListenReport> r = listener.Listen("#café@social.example", "", Limits(), sink);
  REQUIRE(r.ok());
  CHECK(r->posts == 3);  // the posts are kept
  CHECK(r->profiles == 0);
  CHECK(sink.profiles.empty());
  CHECK(r->requests == 3);  // the timeline, chloe's actor once, dan's
  CHECK(sink.posts[0].author_id == "https://other.example/users/chloe");
}

TEST_CASE("fediverse listening: a reply keeps its thread by its parent's ActivityPub id",
          "[sources][fediverse]") {
  ScriptedFetcher f;
  // 9 replies to 8 (on the page); 7 and 6 reply to 3, not on it (asked of
  // the server once); 5 replies to 2, which is not public (404).
  auto reply = [](int id, int parent) {
    json s = Status(id);
    s["in_reply_to_id"] = std::to_string(parent);
    return s;
  };
  f.Answer(kTimeline + "?limit=40",
           json::array({reply(9, 8), Status(8, "bob"), reply(7, 3), reply(6, 3), reply(5, 2)}));
  json parent = Status(3, "bob");
  parent["tags"] = json::array();
  f.Answer("https://social.example/api/v1/statuses/3", parent);
  FediverseListener listener(f);
  CollectingSink sink;
  Result<ListenReport> r = listener.Listen("#café@social.example", "", Limits(), sink);
  REQUIRE(r.ok());
  REQUIRE(sink.posts.size() == 5);
  CHECK(sink.posts[0].in_reply_to == "https://social.example/users/bob/statuses/8");
  CHECK(sink.posts[1].in_reply_to.empty());
  CHECK(sink.posts[2].in_reply_to == "https://social.example/users/bob/statuses/3");
  CHECK(sink.posts[3].in_reply_to == "https://social.example/users/bob/statuses/3");
  CHECK(sink.posts[4].in_reply_to.empty());  // kept, without its parent
  int asked_3 = 0, asked_2 = 0;
  for (const auto& s : f.sent) {
    asked_3 += s.url == "https://social.example/api/v1/statuses/3";
    asked_2 += s.url == "https://social.example/api/v1/statuses/2";
  }
  CHECK(asked_3 == 1);
  CHECK(asked_2 == 1);
  CHECK(r->requests == 5);  // the timeline, 2 actors, 2 statuses
}

TEST_CASE("fediverse listening: refusals say what the admin can do", "[sources][fediverse]") {
  ScriptedFetcher f;
  FediverseListener listener(f);
  CollectingSink sink;
  // Not in the table: the scripted server answers 404.
  Result<ListenReport> r = listener.Listen("#café@social.example", "", Limits(), sink);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kNotFound);
  CHECK(r.status().message().find("Mastodon client API") != std::string::npos);

  f.answers.clear();
  f.Answer(kTimeline + "?limit=40", json{{"error", "not a list"}});
  r = listener.Listen("#café@social.example", "", Limits(), sink);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("not a JSON array of statuses") != std::string::npos);

  CHECK(listener.Listen("#café", "", Limits(), sink).status().code() ==
        Status::Code::kInvalidArgument);
}

TEST_CASE("fediverse listening: a loopback server allowed for tests is read over http",
          "[sources][fediverse]") {
  ScriptedFetcher f;
  f.Answer("http://127.0.0.1:3000/api/v1/timelines/tag/caf%C3%A9?limit=40", json::array());
  FediverseListener listener(f, {{"127.0.0.1"}});
  CollectingSink sink;
  Result<ListenReport> r = listener.Listen("#café@127.0.0.1:3000", "", Limits(), sink);
  REQUIRE(r.ok());
  CHECK(r->requests == 1);
  CHECK(r->state == R"({"newest":""})");
}

}  // namespace scrm::sources
