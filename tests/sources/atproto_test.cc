// The AT Protocol client: parsing recorded XRPC answers (facets, replies,
// bad records, DID documents, profiles) and reading an account through a
// fake Fetcher (which requests, in which order, with which state).
#include "sources/atproto.h"

#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "parsers_test_util.h"

namespace scrm {
namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using testing::CollectingSink;
using testing::ReadFileBytes;

const char kDid[] = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";

std::string Data(const std::string& name) {
  return ReadFileBytes(std::string(SCRM_SOURCE_DIR) + "/tests/data/atproto/" + name);
}

sources::RemoteAccount Amelie() {
  sources::RemoteAccount a;
  a.network = "atproto";
  a.id = kDid;
  a.handle = "amelie.test";
  a.profile_url = "https://bsky.app/profile/amelie.test";
  a.platform = "bluesky";
  return a;
}

// Answers by URL; anything else is a 404. Remembers what was asked.
class FakeFetcher : public sources::Fetcher {
 public:
  Result<sources::FetchResult> Fetch(const sources::FetchRequest& request) override {
    asked.push_back(request.url);
    auto it = answers.find(request.url);
    if (it == answers.end()) {
      return Status::FailedPrecondition("fetching " + request.url + ": server answered 404");
    }
    if (static_cast<int64_t>(it->second.size()) > request.max_bytes) {
      return Status::FailedPrecondition("fetching " + request.url + ": larger than the limit");
    }
    sources::FetchResult r;
    r.status = 200;
    r.body = it->second;
    r.final_url = request.url;
    return r;
  }
  std::map<std::string, std::string> answers;
  std::vector<std::string> asked;
};

TEST_CASE("a page of post records: text, facets, language, replies, rejects", "[atproto]") {
  Result<sources::PostPage> page =
      sources::ParsePostPage(Data("list_records.json"), Amelie(), "https://bsky.app");
  REQUIRE(page.ok());
  CHECK(page->cursor == "3kxxxxxxxxx2d");
  REQUIRE(page->posts.size() == 2);
  const Post& reply = page->posts[0];
  CHECK(reply.external_id == std::string("at://") + kDid + "/app.bsky.feed.post/3kzzzzzzzzz2b");
  CHECK(reply.kind == "reply");
  CHECK(reply.in_reply_to == "at://did:plc:bobbobbobbobbobbobbobbob/app.bsky.feed.post/3kaaaaaaaaa2a");
  CHECK(reply.url == "https://bsky.app/profile/amelie.test/post/3kzzzzzzzzz2b");
  CHECK(reply.platform == "bluesky");
  CHECK(reply.author_id == kDid);
  CHECK(reply.author_handle == "amelie.test");
  CHECK(reply.published == 1796032800);  // 2026-11-30T10:00:00Z

  const Post& post = page->posts[1];
  CHECK_THAT(post.text, Contains("café à Lyon"));
  CHECK(post.language == "fr");
  CHECK(post.kind == "post");
  CHECK(post.in_reply_to.empty());
  CHECK(post.mentions == std::vector<std::string>{"bob.test"});
  CHECK(post.hashtags == std::vector<std::string>{"réunion"});
  CHECK(post.links == std::vector<std::string>{"https://exemple.fr/caf%C3%A9"});
  CHECK_THAT(post.raw, Contains("3kyyyyyyyyy2c"));

  // Kept with their reason, never dropped: a record without a date, and one
  // of another repository slipped into this one's answer.
  REQUIRE(page->rejects.size() == 2);
  CHECK_THAT(page->rejects[0].reason, Contains("createdAt"));
  CHECK_THAT(page->rejects[1].reason, Contains("did:plc:someoneelse"));
  CHECK(page->rejects[1].position.record == 3);
}

TEST_CASE("answers that are not what they claim are refused with the reason", "[atproto]") {
  for (const char* bad : {"", "<html>oops</html>", "[]", "{\"records\": 3}", "{\"cursor\": \"x\"}"}) {
    INFO(bad);
    Result<sources::PostPage> page = sources::ParsePostPage(bad, Amelie(), "https://bsky.app");
    REQUIRE_FALSE(page.ok());
    CHECK(page.status().code() == Status::Code::kFailedPrecondition);
  }
  CHECK_FALSE(sources::ParseResolvedDid("{\"did\": \"alice\"}").ok());
  CHECK_FALSE(sources::ParseResolvedDid("{\"did\": \"did:plc:a b\"}").ok());
  CHECK(*sources::ParseResolvedDid(Data("resolve_handle.json")) == kDid);
  // A DID document without a PDS, or with one that is not http(s).
  CHECK_THAT(sources::ParseDidDocument("{\"id\": \"did:plc:abcdefgh\"}").status().message(),
             Contains("names no PDS"));
  CHECK_FALSE(sources::ParseDidDocument(
                  R"({"id":"did:plc:abcdefgh","service":[{"id":"#atproto_pds",)"
                  R"("type":"AtprotoPersonalDataServer","serviceEndpoint":"file:///etc/passwd"}]})")
                  .ok());
}

TEST_CASE("a DID document gives the PDS and the handle", "[atproto]") {
  Result<sources::DidDocument> doc = sources::ParseDidDocument(Data("did_document.json"));
  REQUIRE(doc.ok());
  CHECK(doc->did == kDid);
  CHECK(doc->pds == "https://pds.example.com");
  CHECK(doc->handle == "amelie.test");
}

TEST_CASE("the profile record: name, bio, e-mail and website from the bio, avatar", "[atproto]") {
  std::string cid;
  Result<Profile> p = sources::ParseProfileRecord(
      Data("profile_record.json"), Amelie(), "https://pds.example.com", &cid);
  REQUIRE(p.ok());
  CHECK(cid == "bafyreiprofile1");
  CHECK(p->platform == "bluesky");
  CHECK(p->external_id == kDid);
  CHECK(p->handle == "amelie.test");
  CHECK(p->display_name == "Amélie Durand");
  CHECK(p->url == "https://bsky.app/profile/amelie.test");
  CHECK(p->emails == std::vector<std::string>{"amelie.durand@exemple.fr"});
  CHECK(p->websites == std::vector<std::string>{"https://cafe-lumiere.fr"});
  CHECK(p->avatar_url == std::string("https://pds.example.com/xrpc/com.atproto.sync.getBlob?did=") +
                             kDid + "&cid=bafkreiavatar");
}

TEST_CASE("what a person types, as the AT Protocol reads it", "[atproto]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"alice.test", "alice.test"},
      {"@Alice.Bsky.Social", "alice.bsky.social"},
      {"at://alice.test", "alice.test"},
      {"at://did:plc:ewvi7nxzyoun6zhxrhs64oiz", kDid},
      {"at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3k", kDid},
      {"did:web:example.com", "did:web:example.com"},
      {"https://bsky.app/profile/alice.test", "alice.test"},
      {"https://bsky.app/profile/alice.test/post/3kabc", "alice.test"},
      {"@alice@mastodon.social", ""},
      {"https://mastodon.social/@alice", ""},
      {"alice", ""},
      {"10.0.0.1", ""},
      {"", ""},
  };
  for (const auto& [typed, id] : cases) {
    INFO(typed);
    CHECK(sources::AtprotoIdentifierOf(typed) == id);
  }
}

struct Network {
  Network() {
    sources::AtprotoOptions o;
    o.plc_url = "https://plc.example";
    o.handle_resolver_url = "https://resolver.example/";
    net = std::make_unique<sources::AtprotoNetwork>(fetcher, o);
    fetcher.answers["https://resolver.example/xrpc/com.atproto.identity.resolveHandle?handle=amelie.test"] =
        Data("resolve_handle.json");
    fetcher.answers[std::string("https://plc.example/") + kDid] = Data("did_document.json");
    fetcher.answers[std::string("https://pds.example.com/xrpc/com.atproto.repo.getRecord?repo=") +
                    kDid + "&collection=app.bsky.actor.profile&rkey=self"] = Data("profile_record.json");
    fetcher.answers[Page("")] = Data("list_records.json");
    fetcher.answers[Page("3kxxxxxxxxx2d")] = Data("list_records_end.json");
  }
  static std::string Page(const std::string& cursor, int limit = 100) {
    return std::string("https://pds.example.com/xrpc/com.atproto.repo.listRecords?repo=") + kDid +
           "&collection=app.bsky.feed.post&limit=" + std::to_string(limit) +
           (cursor.empty() ? "" : "&cursor=" + cursor);
  }
  FakeFetcher fetcher;
  std::unique_ptr<sources::AtprotoNetwork> net;
};

TEST_CASE("resolving a handle: well-known first, then the resolver, then the DID document",
          "[atproto]") {
  Network n;
  Result<sources::RemoteAccount> a = n.net->Resolve("@amelie.test");
  REQUIRE(a.ok());
  CHECK(a->id == kDid);
  CHECK(a->handle == "amelie.test");
  CHECK(a->platform == "bluesky");
  CHECK(a->profile_url == "https://bsky.app/profile/amelie.test");
  CHECK(n.fetcher.asked == std::vector<std::string>{
                               "https://amelie.test/.well-known/atproto-did",
                               "https://resolver.example/xrpc/com.atproto.identity.resolveHandle?handle=amelie.test",
                               std::string("https://plc.example/") + kDid});
  // A handle whose DID document claims another is not trusted.
  n.fetcher.answers["https://resolver.example/xrpc/com.atproto.identity.resolveHandle?handle=mallory.test"] =
      Data("resolve_handle.json");
  CHECK_THAT(n.net->Resolve("mallory.test").status().message(), Contains("not verified"));
  // No such handle: the resolver's 400.
  CHECK(n.net->Resolve("nobody.test").status().code() == Status::Code::kFailedPrecondition);
}

TEST_CASE("following an account: profile and pages, then only what is new", "[atproto]") {
  Network n;
  CollectingSink sink;
  sources::FollowLimits limits;
  Result<sources::FollowReport> first = n.net->Follow(Amelie(), "", limits, sink);
  REQUIRE(first.ok());
  CHECK(first->profile);
  CHECK(first->posts == 2);
  CHECK(first->requests == 4);  // DID document, profile, two pages
  CHECK(sink.profiles.size() == 1);
  CHECK(sink.posts.size() == 2);
  CHECK(sink.rejects.size() == 2);
  CHECK_THAT(first->state, Contains("\"newest\":\"3kzzzzzzzzz2b\""));
  CHECK_THAT(first->state, Contains("\"profile_cid\":\"bafyreiprofile1\""));

  // The next round: the PDS is known, the profile unchanged, the newest
  // page read again (edits there are seen), no older page.
  n.fetcher.asked.clear();
  CollectingSink again;
  Result<sources::FollowReport> second = n.net->Follow(Amelie(), first->state, limits, again);
  REQUIRE(second.ok());
  CHECK_FALSE(second->profile);
  CHECK(again.profiles.empty());
  CHECK(second->requests == 2);
  CHECK(n.fetcher.asked.back() == Network::Page(""));
}

TEST_CASE("following takes a new handle once it resolves back to the DID", "[atproto]") {
  Network n;
  // The account was followed as amelie-old.test; its DID document now says amelie.test.
  sources::RemoteAccount renamed = Amelie();
  renamed.handle = "amelie-old.test";
  renamed.profile_url = "https://bsky.app/profile/amelie-old.test";
  CollectingSink sink;
  Result<sources::FollowReport> r = n.net->Follow(renamed, "", sources::FollowLimits{}, sink);
  REQUIRE(r.ok());
  CHECK(r->handle == "amelie.test");
  CHECK(r->profile_url == "https://bsky.app/profile/amelie.test");
  REQUIRE(sink.profiles.size() == 1);
  CHECK(sink.profiles[0].handle == "amelie.test");
  CHECK_THAT(sink.posts[0].url, StartsWith("https://bsky.app/profile/amelie.test/post/"));

  // A document that claims a handle which resolves to another DID changes nothing.
  n.fetcher.answers["https://resolver.example/xrpc/com.atproto.identity.resolveHandle?handle=amelie.test"] =
      R"({"did": "did:plc:someoneelse"})";
  CollectingSink forged;
  r = n.net->Follow(renamed, "", sources::FollowLimits{}, forged);
  REQUIRE(r.ok());
  CHECK(r->handle.empty());
  REQUIRE(forged.profiles.size() == 1);
  CHECK(forged.profiles[0].handle == "amelie-old.test");

  // The handle unchanged: no resolution asked.
  n.fetcher.asked.clear();
  r = n.net->Follow(Amelie(), "", sources::FollowLimits{}, sink);
  REQUIRE(r.ok());
  CHECK(r->handle.empty());
  for (const std::string& url : n.fetcher.asked) CHECK(url.find("resolveHandle") == std::string::npos);
}

TEST_CASE("following is bounded: pages, posts, a cursor that never ends", "[atproto]") {
  Network n;
  // Every page points to itself under a new cursor, forever.
  for (int i = 0; i < 50; ++i) {
    std::string body = Data("list_records.json");
    body.replace(body.find("\"cursor\": \"3kxxxxxxxxx2d\""), 25,
                 "\"cursor\": \"c" + std::to_string(i + 1) + "\"");
    n.fetcher.answers[Network::Page(i == 0 ? "" : "c" + std::to_string(i))] = body;
  }
  CollectingSink sink;
  sources::FollowLimits limits;
  limits.max_pages = 3;
  Result<sources::FollowReport> r = n.net->Follow(Amelie(), "", limits, sink);
  REQUIRE(r.ok());
  CHECK(r->requests == 2 + 3);
  CHECK(sink.posts.size() == 6);
  limits.max_posts = 3;  // pages of 3 asked, at most 3 posts handed over
  n.fetcher.answers[Network::Page("", 3)] = Data("list_records.json");
  n.fetcher.answers[Network::Page("3kxxxxxxxxx2d", 3)] = Data("list_records.json");
  CollectingSink few;
  r = n.net->Follow(Amelie(), "", limits, few);
  REQUIRE(r.ok());
  CHECK(few.posts.size() == 3);
}

TEST_CASE("following reports the span read in full: rejected records listed, a cut page not",
          "[atproto]") {
  Network n;
  CollectingSink sink;
  sources::FollowLimits limits;
  Result<sources::FollowReport> r = n.net->Follow(Amelie(), "", limits, sink);
  REQUIRE(r.ok());
  const std::string prefix = std::string("at://") + kDid + "/app.bsky.feed.post/";
  CHECK(r->span.order == sources::ReadSpan::Order::kRecordKey);
  // The page's oldest record of the account is a rejected one: listed all the same.
  CHECK(r->span.oldest_key == "3kxxxxxxxxx2d");
  CHECK(r->span.seen == std::set<std::string>{prefix + "3kzzzzzzzzz2b", prefix + "3kyyyyyyyyy2c",
                                              prefix + "3kxxxxxxxxx2d"});

  // One post a round: the first page is cut off, nothing was read in full.
  limits.max_posts = 1;
  n.fetcher.answers[Network::Page("", 1)] = Data("list_records.json");
  CollectingSink one;
  r = n.net->Follow(Amelie(), "", limits, one);
  REQUIRE(r.ok());
  CHECK(one.posts.size() == 1);
  CHECK(r->span.order == sources::ReadSpan::Order::kNone);
}

TEST_CASE("a gigantic page is refused, and the failure names the URL", "[atproto]") {
  Network n;
  n.fetcher.answers[Network::Page("")] = std::string(8 * 1024 * 1024, ' ');
  CollectingSink sink;
  Result<sources::FollowReport> r = n.net->Follow(Amelie(), "", sources::FollowLimits{}, sink);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Contains("listRecords"));
  CHECK(sink.posts.empty());
}

// Listening: searchPosts answers (a page, then the last one) and getProfiles.
struct Search {
  static constexpr char kBob[] = "did:plc:bobbobbobbobbobbobbobbob";
  Search() {
    sources::AtprotoOptions o;
    o.appview_url = "https://appview.example/";
    net = std::make_unique<sources::AtprotoNetwork>(fetcher, o);
    fetcher.answers[Page("")] = Data("search_posts.json");
    fetcher.answers[Page("1796032700000%3A%3Abafyreis2")] = Data("search_posts_end.json");
    fetcher.answers[Profiles({kDid, kBob})] = Data("get_profiles.json");
  }
  static std::string Page(const std::string& cursor, int limit = 100) {
    return "https://appview.example/xrpc/app.bsky.feed.searchPosts?q=%23suitecrm&sort=latest&limit=" +
           std::to_string(limit) + (cursor.empty() ? "" : "&cursor=" + cursor);
  }
  static std::string Profiles(const std::vector<std::string>& dids) {
    std::string url = "https://appview.example/xrpc/app.bsky.actor.getProfiles?";
    for (size_t i = 0; i < dids.size(); ++i) url += (i == 0 ? "actors=" : "&actors=") + dids[i];
    return url;
  }
  FakeFetcher fetcher;
  std::unique_ptr<sources::AtprotoNetwork> net;
};

TEST_CASE("a page of searchPosts: posts of any author, facets, order keys, rejects", "[atproto]") {
  Result<sources::SearchPage> page =
      sources::ParseSearchPage(Data("search_posts.json"), "https://bsky.app");
  REQUIRE(page.ok());
  CHECK(page->cursor == "1796032700000::bafyreis2");
  REQUIRE(page->posts.size() == 2);
  REQUIRE(page->authors.size() == 2);
  const Post& first = page->posts[0];
  CHECK(first.external_id == std::string("at://") + kDid + "/app.bsky.feed.post/3lsearch0003");
  CHECK(first.author_id == kDid);
  CHECK(first.author_handle == "amelie.test");  // handles compare lowercased
  CHECK(first.url == "https://bsky.app/profile/amelie.test/post/3lsearch0003");
  CHECK(first.hashtags == std::vector<std::string>{"SuiteCRM"});
  CHECK(first.language == "fr");
  CHECK(page->sort_keys[0] == 1796032800);  // createdAt, earlier than indexedAt
  CHECK(page->posts[1].author_id == Search::kBob);
  CHECK(page->authors[1].profile_url == "https://bsky.app/profile/bob.test");
  // A post whose author has no DID is kept with its reason.
  REQUIRE(page->rejects.size() == 1);
  CHECK_THAT(page->rejects[0].reason, Contains("did"));
  CHECK(page->rejects[0].position.record == 2);

  CHECK_FALSE(sources::ParseSearchPage("{\"cursor\": \"x\"}", "https://bsky.app").ok());
  CHECK_FALSE(sources::ParseSearchPage("<html></html>", "https://bsky.app").ok());
}

TEST_CASE("the profiles of getProfiles: name, bio's e-mail and website, avatar", "[atproto]") {
  Result<std::vector<Profile>> profiles =
      sources::ParseProfileViews(Data("get_profiles.json"), "https://bsky.app");
  REQUIRE(profiles.ok());
  REQUIRE(profiles->size() == 2);  // the one without a DID is nobody's
  const Profile& p = (*profiles)[0];
  CHECK(p.platform == "bluesky");
  CHECK(p.external_id == kDid);
  CHECK(p.display_name == "Amélie Durand");
  CHECK(p.url == "https://bsky.app/profile/amelie.test");
  CHECK(p.emails == std::vector<std::string>{"amelie.durand@exemple.fr"});
  CHECK(p.websites == std::vector<std::string>{"https://cafe-lumiere.fr"});
  CHECK(p.avatar_url == "https://cdn.example/avatar/amelie.jpg");
}

TEST_CASE("listening: every match and its author once, then only what is new", "[atproto]") {
  Search n;
  CollectingSink sink;
  sources::FollowLimits limits;
  Result<sources::ListenReport> first = n.net->Listen("#suitecrm", "", limits, sink);
  REQUIRE(first.ok());
  CHECK(first->requests == 3);  // two pages, one getProfiles for both authors
  CHECK(first->posts == 3);
  CHECK(first->profiles == 2);
  CHECK(sink.posts.size() == 3);
  CHECK(sink.profiles.size() == 2);
  CHECK(sink.rejects.size() == 1);
  CHECK_THAT(first->state, Contains("\"newest\":1796032800"));
  CHECK_THAT(first->state, Contains("3lsearch0003"));

  // Nothing new: one request, which stops at the newest match seen.
  n.fetcher.asked.clear();
  CollectingSink again;
  Result<sources::ListenReport> second = n.net->Listen("#suitecrm", first->state, limits, again);
  REQUIRE(second.ok());
  CHECK(n.fetcher.asked == std::vector<std::string>{Search::Page("")});
  CHECK(second->posts == 0);
  CHECK(again.posts.empty());
  CHECK(again.profiles.empty());
  CHECK(second->state == first->state);

  // A new match on top: only it, and its author's profile.
  std::string body = Data("search_posts.json");
  body.insert(body.find("[") + 1, R"({"uri": "at://did:plc:bobbobbobbobbobbobbobbob/app.bsky.feed.post/3lsearch0004",
    "cid": "bafyreis4", "author": {"did": "did:plc:bobbobbobbobbobbobbobbob", "handle": "bob.test"},
    "record": {"$type": "app.bsky.feed.post", "text": "Still happy with #suitecrm",
               "createdAt": "2026-12-01T08:00:00Z"},
    "indexedAt": "2026-12-01T08:00:01Z"},)");
  n.fetcher.answers[Search::Page("")] = body;
  n.fetcher.answers[Search::Profiles({Search::kBob})] = Data("get_profiles.json");
  CollectingSink third;
  Result<sources::ListenReport> r = n.net->Listen("#suitecrm", first->state, limits, third);
  REQUIRE(r.ok());
  REQUIRE(third.posts.size() == 1);
  CHECK_THAT(third.posts[0].external_id, Contains("3lsearch0004"));
  CHECK(r->requests == 2);
  CHECK_THAT(r->state, Contains("3lsearch0004"));
}

TEST_CASE("listening is bounded: pages per poll, and a cursor that never ends", "[atproto]") {
  Search n;
  for (int i = 0; i < 20; ++i) {
    std::string body = Data("search_posts.json");
    body.replace(body.find("1796032700000::bafyreis2"), 24, "c" + std::to_string(i + 1));
    n.fetcher.answers[Search::Page(i == 0 ? "" : "c" + std::to_string(i))] = body;
  }
  CollectingSink sink;
  sources::FollowLimits limits;
  limits.max_pages = 3;
  Result<sources::ListenReport> r = n.net->Listen("#suitecrm", "", limits, sink);
  REQUIRE(r.ok());
  CHECK(r->requests == 3 + 1);  // three pages, the authors' profiles once
  // The same posts on every page: handed over again (the store tells they
  // are unchanged), the newest kept.
  CHECK(sink.posts.size() == 6);
  CHECK(sink.profiles.size() == 2);

  // A failing AppView: the failure names the URL.
  n.fetcher.answers.clear();
  CollectingSink none;
  Result<sources::ListenReport> failed = n.net->Listen("#suitecrm", "", limits, none);
  REQUIRE_FALSE(failed.ok());
  CHECK_THAT(failed.status().message(), Contains("searchPosts"));
}

}  // namespace
}  // namespace scrm
