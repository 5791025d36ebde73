// The ActivityPub client against a scripted server (a Fetcher that answers
// from a table and records every request): resolution, following, paging,
// conditional requests and where it stops. The real server is in
// tests/activitypub/ (a Fedify instance, ctest activitypub:follow).
#include "sources/activitypub.h"

#include <map>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "parsers_test_util.h"
#include "scripted_fetcher.h"
#include "sources/dates.h"
#include "sources/url_util.h"

namespace scrm::sources {
namespace {

using nlohmann::json;
using scrm::testing::CollectingSink;
using scrm::testing::ScriptedFetcher;

const char* kActor = "https://social.example/users/alice";

json Actor() {
  return {{"@context", json::array({"https://www.w3.org/ns/activitystreams"})},
          {"id", kActor},
          {"type", "Person"},
          {"preferredUsername", "alice"},
          {"name", "Alice Éluard"},
          {"summary", "<p>alice@eluard.example</p>"},
          {"url", "https://social.example/@alice"},
          {"outbox", std::string(kActor) + "/outbox"}};
}

json Create(int n, const std::string& by = kActor) {
  std::string id = std::string(kActor) + "/statuses/" + std::to_string(n);
  return {{"id", id + "/activity"},
          {"type", "Create"},
          {"actor", by},
          {"object",
           {{"id", id},
            {"type", "Note"},
            {"attributedTo", by},
            {"content", "<p>Note n°" + std::to_string(n) + " #été</p>"},
            {"published", "2026-03-0" + std::to_string(1 + n % 9) + "T10:00:00Z"},
            {"tag", json::array({{{"type", "Hashtag"}, {"name", "#été"}}})}}}};
}

std::string PageUrl(int p) { return std::string(kActor) + "/outbox?page=" + std::to_string(p); }

// An outbox of `pages` pages of two notes each, newest first (note 2*pages
// on the first page, down to 1).
void ServeOutbox(ScriptedFetcher& f, int pages) {
  f.Answer(std::string(kActor) + "/outbox", {{"id", std::string(kActor) + "/outbox"},
                                            {"type", "OrderedCollection"},
                                            {"totalItems", 2 * pages},
                                            {"first", PageUrl(1)}});
  for (int p = 1; p <= pages; ++p) {
    int top = 2 * (pages - p + 1);
    json page = {{"id", PageUrl(p)},
                 {"type", "OrderedCollectionPage"},
                 {"orderedItems", json::array({Create(top), Create(top - 1)})}};
    if (p < pages) page["next"] = PageUrl(p + 1);
    f.Answer(PageUrl(p), page);
  }
}

TEST_CASE("ActivityPub handles and URLs are recognised by their syntax", "[sources][activitypub]") {
  ScriptedFetcher f;
  ActivityPubNetwork ap(f);
  CHECK(ActivityPubAcct("@alice@social.example") == "alice@social.example");
  CHECK(ActivityPubAcct("alice@Social.Example") == "alice@social.example");
  CHECK(ActivityPubAcct("acct:alice@social.example") == "alice@social.example");
  CHECK(ActivityPubAcct("https://social.example/@alice") == "alice@social.example");
  CHECK(ActivityPubAcct("@alice@localhost:3000") == "alice@localhost:3000");
  CHECK(ActivityPubAcct("alice.bsky.social").empty());
  CHECK(ActivityPubAcct("alice@bob").empty());
  CHECK(ActivityPubAcct("https://social.example/users/alice").empty());
  CHECK(ap.Recognises("https://social.example/users/alice"));
  CHECK(ap.Recognises("@alice@social.example"));
  CHECK_FALSE(ap.Recognises("alice.bsky.social"));
  CHECK_FALSE(ap.Recognises("at://did:plc:abc"));
  CHECK_FALSE(ap.Recognises("https://bsky.app/profile/alice.test"));
  CHECK(f.sent.empty());
}

TEST_CASE("ActivityPub resolves a handle by WebFinger to the actor", "[sources][activitypub]") {
  ScriptedFetcher f;
  f.Answer("https://social.example/.well-known/webfinger?resource=acct:alice@social.example",
           {{"subject", "acct:alice@social.example"},
            {"links", json::array({{{"rel", "http://webfinger.net/rel/profile-page"},
                                    {"type", "text/html"},
                                    {"href", "https://social.example/@alice"}},
                                   {{"rel", "self"},
                                    {"type", "application/activity+json"},
                                    {"href", kActor}}})}});
  f.Answer(kActor, Actor());
  ActivityPubNetwork ap(f);
  for (const char* typed : {"@alice@social.example", "https://social.example/@alice"}) {
    f.sent.clear();
    auto account = ap.Resolve(typed);
    INFO(typed << ": " << account.status().ToString());
    REQUIRE(account.ok());
    CHECK(account->network == "activitypub");
    CHECK(account->id == kActor);
    CHECK(account->handle == "alice@social.example");
    CHECK(account->profile_url == "https://social.example/@alice");
    CHECK(account->platform == "mastodon");
    REQUIRE(f.sent.size() == 2);
    CHECK(f.sent[0].accept.find("application/jrd+json") == 0);
    CHECK(f.sent[1].url == kActor);
    CHECK(f.sent[1].accept.find("application/activity+json") == 0);
  }
  // An actor URL is fetched as it is.
  f.sent.clear();
  auto direct = ap.Resolve(kActor);
  REQUIRE(direct.ok());
  CHECK(direct->handle == "alice@social.example");
  CHECK(f.sent.size() == 1);

  auto missing = ap.Resolve("@nobody@social.example");
  CHECK(missing.status().code() == Status::Code::kNotFound);
  CHECK(missing.status().message().find("nobody@social.example") != std::string::npos);

  // A document that claims an id on another host is refused.
  json liar = Actor();
  liar["id"] = "https://bank.example/users/alice";
  f.Answer("https://evil.example/users/alice", liar);
  auto spoof = ap.Resolve("https://evil.example/users/alice");
  CHECK(spoof.status().code() == Status::Code::kFailedPrecondition);
  CHECK(spoof.status().message().find("another host") != std::string::npos);
}

TEST_CASE("ActivityPub follows the actor and its outbox's pages, then only what is new",
          "[sources][activitypub]") {
  ScriptedFetcher f;
  f.Answer(kActor, Actor(), "\"v1\"");
  ServeOutbox(f, 3);
  ActivityPubNetwork ap(f);
  RemoteAccount account{"activitypub", kActor, "alice@social.example",
                        "https://social.example/@alice", "mastodon", {}};
  FollowLimits limits;
  CollectingSink sink;
  auto first = ap.Follow(account, "", limits, sink);
  REQUIRE(first.ok());
  CHECK(first->profile);
  CHECK(first->posts == 6);
  CHECK(first->requests == 5);  // actor, outbox, three pages
  REQUIRE(sink.profiles.size() == 1);
  CHECK(sink.profiles[0].display_name == "Alice Éluard");
  REQUIRE(sink.posts.size() == 6);
  CHECK(sink.posts[0].external_id == std::string(kActor) + "/statuses/6");
  CHECK(sink.posts[0].text == "Note n°6 #été");
  CHECK(sink.posts[0].hashtags == std::vector<std::string>{"été"});
  CHECK(sink.posts[0].platform == "mastodon");

  // Two new notes on top; the actor unchanged (its ETag is sent: 304).
  ServeOutbox(f, 4);
  f.sent.clear();
  CollectingSink again;
  auto second = ap.Follow(account, first->state, limits, again);
  REQUIRE(second.ok());
  CHECK_FALSE(second->profile);
  CHECK(f.sent[0].etag == "\"v1\"");
  REQUIRE(again.posts.size() == 2);
  CHECK(again.posts[0].external_id == std::string(kActor) + "/statuses/8");
  CHECK(again.posts[1].external_id == std::string(kActor) + "/statuses/7");
  CHECK(second->requests == 4);  // actor (304), outbox, two pages: stops at what was seen

  // Nothing new: the round reads one page and gives nothing.
  CollectingSink nothing;
  auto third = ap.Follow(account, second->state, limits, nothing);
  REQUIRE(third.ok());
  CHECK(nothing.posts.empty());
}

// Alice's actor and an outbox of `pages` pages, and a client to follow her.
struct Followed {
  explicit Followed(int pages) {
    f.Answer(kActor, Actor());
    ServeOutbox(f, pages);
  }
  ScriptedFetcher f;
  ActivityPubNetwork ap{f};
  RemoteAccount account{"activitypub", kActor, "alice@social.example", "", "mastodon", {}};
};

TEST_CASE("ActivityPub following stops at its limits, at a looping next, and at strangers' posts",
          "[sources][activitypub]") {
  Followed t(5);
  ScriptedFetcher& f = t.f;
  ActivityPubNetwork& ap = t.ap;
  const RemoteAccount& account = t.account;
  FollowLimits limits;
  limits.max_pages = 2;
  CollectingSink sink;
  auto r = ap.Follow(account, "", limits, sink);
  REQUIRE(r.ok());
  CHECK(sink.posts.size() == 4);
  CHECK(r->requests == 4);  // actor, outbox, two pages

  limits.max_pages = 10;
  limits.max_posts = 3;
  CollectingSink capped;
  REQUIRE(ap.Follow(account, "", limits, capped).ok());
  CHECK(capped.posts.size() == 3);

  // Page 2's next points back at page 1: read once each, then stop.
  ServeOutbox(f, 2);
  json page2 = json::parse(f.answers[PageUrl(2)].body);
  page2["next"] = PageUrl(1);
  f.Answer(PageUrl(2), page2);
  f.sent.clear();
  CollectingSink looped;
  limits = FollowLimits{};
  limits.max_pages = 1000;
  auto loop = ap.Follow(account, "", limits, looped);
  REQUIRE(loop.ok());
  CHECK(looped.posts.size() == 4);
  CHECK(loop->requests == 4);

  // A page that carries another actor's note: not believed.
  json page = {{"id", PageUrl(1)},
               {"type", "OrderedCollectionPage"},
               {"orderedItems", json::array({Create(9, "https://social.example/users/mallory"),
                                             Create(1)})}};
  f.Answer(PageUrl(1), page);
  f.answers.erase(PageUrl(2));
  CollectingSink strangers;
  REQUIRE(ap.Follow(account, "", limits, strangers).ok());
  REQUIRE(strangers.posts.size() == 1);
  CHECK(strangers.posts[0].author_id == kActor);
}

TEST_CASE("ActivityPub reports the span it read in full, down to the last item's time",
          "[sources][activitypub]") {
  Followed t(3);
  ActivityPubNetwork& ap = t.ap;
  const RemoteAccount& account = t.account;
  auto note = [](int n) { return std::string(kActor) + "/statuses/" + std::to_string(n); };
  auto day = [](int n) { return *ParseW3cDate("2026-03-0" + std::to_string(1 + n % 9) + "T10:00:00Z"); };
  FollowLimits limits;
  CollectingSink sink;
  auto first = ap.Follow(account, "", limits, sink);
  REQUIRE(first.ok());
  CHECK(first->span.order == ReadSpan::Order::kPublished);
  CHECK(first->span.oldest_published == day(1));  // page 3's last item
  for (int n = 1; n <= 6; ++n) CHECK(first->span.seen.count(note(n)) == 1);

  // Nothing new: the first page is looked at to its end, nothing handed over.
  CollectingSink nothing;
  auto steady = ap.Follow(account, first->state, limits, nothing);
  REQUIRE(steady.ok());
  CHECK(nothing.posts.empty());
  CHECK(steady->span.order == ReadSpan::Order::kPublished);
  CHECK(steady->span.oldest_published == day(5));
  CHECK(steady->span.seen.count(note(6)) == 1);
  CHECK(steady->span.seen.count(note(5)) == 1);
  CHECK(steady->span.seen.count(note(4)) == 0);

  // Three posts a round: page 2 is cut off after note 4; the span ends with page 1.
  limits.max_posts = 3;
  CollectingSink capped;
  auto cut = ap.Follow(account, "", limits, capped);
  REQUIRE(cut.ok());
  CHECK(capped.posts.size() == 3);
  CHECK(cut->span.oldest_published == day(5));

  // The first page cut off: no span at all.
  limits.max_posts = 1;
  CollectingSink one;
  auto none = ap.Follow(account, "", limits, one);
  REQUIRE(none.ok());
  CHECK(none->span.order == ReadSpan::Order::kNone);

  // A Delete in the outbox goes to the sink with its actor; its object is not listed.
  json page = {{"id", PageUrl(1)},
               {"type", "OrderedCollectionPage"},
               {"orderedItems",
                json::array({{{"id", note(7) + "#delete"},
                              {"type", "Delete"},
                              {"actor", kActor},
                              {"published", "2026-03-09T10:00:00Z"},
                              {"object", {{"id", note(7)}, {"type", "Tombstone"}}}},
                             Create(6)})}};
  t.f.Answer(PageUrl(1), page);
  t.f.answers.erase(PageUrl(2));
  CollectingSink deleted;
  auto d = ap.Follow(account, "", FollowLimits{}, deleted);
  REQUIRE(d.ok());
  REQUIRE(deleted.deletions.size() == 1);
  CHECK(deleted.deletions[0].object_id == note(7));
  CHECK(deleted.deletions[0].actor_id == kActor);
  CHECK(d->span.seen.count(note(7)) == 0);
  CHECK(d->span.seen.count(note(6)) == 1);
}

TEST_CASE("ActivityPub errors name the account and the URL", "[sources][activitypub]") {
  ScriptedFetcher f;
  ActivityPubNetwork ap(f);
  RemoteAccount account{"activitypub", kActor, "alice@social.example", "", "mastodon", {}};
  CollectingSink sink;
  auto gone = ap.Follow(account, "", FollowLimits{}, sink);
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.status().message().find(kActor) != std::string::npos);

  FetchResult garbage;
  garbage.status = 200;
  garbage.body = "<html>not json</html>";
  f.answers[kActor] = garbage;
  auto bad = ap.Follow(account, "", FollowLimits{}, sink);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("not a JSON object") != std::string::npos);
  CHECK(sink.posts.empty());
  CHECK(sink.profiles.empty());

  json other = Actor();
  other["id"] = "https://social.example/users/bob";
  f.Answer(kActor, other);
  auto moved = ap.Follow(account, "", FollowLimits{}, sink);
  CHECK(moved.status().message().find("resolve the handle again") != std::string::npos);

  auto nonsense = ap.Resolve("not a handle");
  CHECK(nonsense.status().code() == Status::Code::kInvalidArgument);
}

// A signer whose "Signature" shows what it signed: "host target".
std::vector<std::pair<std::string, std::string>> EchoSigner(const std::string& host,
                                                             const std::string& target) {
  return {{"Signature", host + " " + target}};
}

TEST_CASE("ActivityPub requests carry the signer's headers", "[sources][activitypub]") {
  ScriptedFetcher f;
  f.Answer(kActor, Actor());
  ActivityPubOptions options;
  options.sign = EchoSigner;
  ActivityPubNetwork ap(f, options);
  RemoteAccount account{"activitypub", kActor, "", "", "mastodon", {}};
  CollectingSink sink;
  (void)ap.Follow(account, "", FollowLimits{}, sink);
  REQUIRE_FALSE(f.sent.empty());
  for (const auto& s : f.sent) {
    REQUIRE(s.headers.size() == 1);
    CHECK(s.headers[0].second == "social.example " + s.url.substr(s.url.find("/users/")));
  }
}

// A server that verifies "(request-target)" as the path without its query,
// as Fedify does: a signature over "/outbox?page=1" is refused (401).
class PathOnlyVerifier : public ScriptedFetcher {
 public:
  Result<FetchResult> Fetch(const FetchRequest& request) override {
    Result<FetchResult> r = ScriptedFetcher::Fetch(request);
    const auto& headers = sent.back().headers;
    if (!headers.empty() && headers[0].second.find('?') != std::string::npos) {
      ++refused;
      return Status::FailedPrecondition("fetching " + request.url + ": server answered 401 Unauthorized");
    }
    return r;
  }
  int refused = 0;
};

TEST_CASE("ActivityPub signs the path alone for servers that verify it so, and remembers",
          "[sources][activitypub]") {
  PathOnlyVerifier f;
  f.Answer(kActor, Actor());
  ServeOutbox(f, 2);
  ActivityPubOptions options;
  options.sign = EchoSigner;
  ActivityPubNetwork ap(f, options);
  RemoteAccount account{"activitypub", kActor, "", "", "mastodon", {}};
  CollectingSink sink;
  auto first = ap.Follow(account, "", FollowLimits{}, sink);
  REQUIRE(first.ok());
  CHECK(first->posts == 4);
  CHECK(f.refused == 1);  // the first page, signed with its query, then again without
  CHECK(first->requests == 5);  // actor, outbox, page 1 twice, page 2
  CHECK(json::parse(first->state)["sign_path_only"] == true);

  // The next round signs the path alone from the start: no refusal.
  ServeOutbox(f, 3);
  auto next = ap.Follow(account, first->state, FollowLimits{}, sink);
  REQUIRE(next.ok());
  CHECK(next->posts == 2);
  CHECK(f.refused == 1);
  CHECK(json::parse(next->state)["sign_path_only"] == true);

  // A server that refuses every signature: the refusal names it.
  PathOnlyVerifier strict;
  strict.Answer(kActor, Actor());
  ServeOutbox(strict, 1);
  options.sign = [](const std::string& host, const std::string&) {
    return std::vector<std::pair<std::string, std::string>>{{"Signature", host + " ?"}};
  };
  ActivityPubNetwork refused(strict, options);
  auto no = refused.Follow(account, "", FollowLimits{}, sink);
  REQUIRE_FALSE(no.ok());
  CHECK(no.status().message().find("did not accept the engine's signature") != std::string::npos);
}

TEST_CASE("ActivityPub reports an actor's move and reads an actor's aliases",
          "[sources][activitypub]") {
  ScriptedFetcher f;
  json moved = Actor();
  moved["movedTo"] = "https://new.example/users/alice";
  f.Answer(kActor, moved, "\"v1\"");
  ServeOutbox(f, 1);
  ActivityPubNetwork ap(f);
  RemoteAccount account{"activitypub", kActor, "alice@social.example", "", "mastodon", {}};
  CollectingSink sink;
  auto first = ap.Follow(account, "", FollowLimits{}, sink);
  REQUIRE(first.ok());
  CHECK(first->moved_to == "https://new.example/users/alice");
  // The actor not modified since (its ETag): the move is still reported.
  auto second = ap.Follow(account, first->state, FollowLimits{}, sink);
  REQUIRE(second.ok());
  CHECK(f.sent[f.sent.size() - 3].etag == "\"v1\"");
  CHECK(second->moved_to == "https://new.example/users/alice");
  // Nor is an actor's own id a move.
  moved["movedTo"] = kActor;
  f.Answer(kActor, moved, "\"v2\"");
  auto third = ap.Follow(account, second->state, FollowLimits{}, sink);
  REQUIRE(third.ok());
  CHECK(third->moved_to.empty());

  json successor = Actor();
  successor["id"] = "https://new.example/users/alice";
  successor["alsoKnownAs"] = json::array({kActor, 42, "not a url"});
  f.Answer("https://new.example/users/alice", successor);
  auto next = ap.Resolve("https://new.example/users/alice");
  REQUIRE(next.ok());
  CHECK(next->also_known_as == std::vector<std::string>{kActor});
  successor["alsoKnownAs"] = kActor;  // a single value, as JSON-LD allows
  f.Answer("https://new.example/users/alice", successor);
  next = ap.Resolve("https://new.example/users/alice");
  REQUIRE(next.ok());
  CHECK(next->also_known_as == std::vector<std::string>{kActor});
}

TEST_CASE("UrlHostPort keeps a port that is not the scheme's default", "[sources]") {
  CHECK(UrlHostPort("http://127.0.0.1:3000/users/amelie") == "127.0.0.1:3000");
  CHECK(UrlHostPort("https://Social.Example:8443/@a") == "social.example:8443");
  CHECK(UrlHostPort("https://social.example:443/users/a") == "social.example");
  CHECK(UrlHostPort("http://social.example:80") == "social.example");
  CHECK(UrlHostPort("https://u:pw@social.example/x") == "social.example");
  CHECK(UrlHostPort("http://[::1]:3000/x") == "[::1]:3000");
  CHECK(UrlHostPort("http://[::1]/x") == "[::1]");
  CHECK(UrlHostPort("not a url").empty());
}

TEST_CASE("An actor on a port keeps it in its handle", "[sources][activitypub]") {
  ScriptedFetcher f;
  json actor = Actor();
  const std::string id = "http://127.0.0.1:3000/users/alice";
  actor["id"] = id;
  actor.erase("outbox");
  f.Answer(id, actor);
  ActivityPubNetwork ap(f);
  RemoteAccount account{"activitypub", id, "", "", "mastodon", {}};
  CollectingSink sink;
  REQUIRE(ap.Follow(account, "", FollowLimits{}, sink).ok());
  REQUIRE(sink.profiles.size() == 1);
  CHECK(sink.profiles[0].handle == "@alice@127.0.0.1:3000");
}

TEST_CASE("PercentEncode keeps unreserved bytes and those asked, encodes the rest", "[sources]") {
  CHECK(PercentEncode("acct:anne@social.example", "@:") == "acct:anne@social.example");
  CHECK(PercentEncode("acct:anne@social.example") == "acct%3Aanne%40social.example");
  CHECK(PercentEncode("did:plc:abc", ":") == "did:plc:abc");
  CHECK(PercentEncode("a b&c=d/é~-._", ":") == "a%20b%26c%3Dd%2F%C3%A9~-._");
}

}  // namespace
}  // namespace scrm::sources
