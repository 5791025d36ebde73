// The fediverse client signs its fetches with the engine's actor key, and a
// server that requires authorized fetch (as Mastodon does with
// AUTHORIZED_FETCH) verifies them with the key the engine's actor document
// shows: after the engine's key file is replaced, the server fetches the
// actor again and answers; when it cannot get the new key, the round fails
// with a message saying what to check.
#include "service/activitypub_actor.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "../sources/parsers_test_util.h"
#include "../sources/scripted_fetcher.h"
#include "secrets/actor_key.h"
#include "sources/activitypub.h"

namespace scrm::service {
namespace {

using nlohmann::json;
using scrm::testing::CollectingSink;
using scrm::testing::HostAndTarget;
using scrm::testing::ScriptedFetcher;

// A server requiring authorized fetch: each request must carry a Signature
// over "(request-target) host date" that verifies with the public key of
// the keyId's actor. Keys are cached by keyId; when one no longer verifies,
// the actor is fetched again once (`actor_at`: the document the engine
// serves at that URL now) before the request is refused with 401.
class AuthorizedFetchServer : public sources::Fetcher {
 public:
  AuthorizedFetchServer(ScriptedFetcher& content,
                        std::function<std::string(const std::string& url)> actor_at)
      : content_(content), actor_at_(std::move(actor_at)) {}

  Result<sources::FetchResult> Fetch(const sources::FetchRequest& request) override {
    auto [host, target] = HostAndTarget(request.url);
    std::string date, signature;
    if (request.headers_for) {
      for (const auto& [name, value] : request.headers_for(host, target)) {
        if (name == "Date") date = value;
        if (name == "Signature") signature = value;
      }
    }
    const std::string key_id = secrets::SignatureParam(signature, "keyId");
    const std::string text =
        "(request-target): get " + target + "\nhost: " + host + "\ndate: " + date;
    const std::string base64 = secrets::SignatureParam(signature, "signature");
    bool ok = !key_id.empty() &&
              secrets::SignatureParam(signature, "headers") == "(request-target) host date";
    if (ok && !(keys_.count(key_id) && secrets::VerifyRsaSha256(keys_[key_id], text, base64))) {
      ++key_fetches;
      json actor = json::parse(actor_at_(key_id.substr(0, key_id.find('#'))), nullptr, false);
      ok = actor.is_object() && actor["publicKey"]["id"] == key_id;
      if (ok) keys_[key_id] = actor["publicKey"]["publicKeyPem"].get<std::string>();
      ok = ok && secrets::VerifyRsaSha256(keys_[key_id], text, base64);
    }
    if (!ok) {
      ++refused;
      return Status::FailedPrecondition("fetching " + request.url + ": server answered 401");
    }
    return content_.Fetch(request);
  }

  int key_fetches = 0;
  int refused = 0;

 private:
  ScriptedFetcher& content_;
  std::function<std::string(const std::string&)> actor_at_;
  std::map<std::string, std::string> keys_;
};

const char* kAlice = "https://social.example/users/alice";

void ServeAlice(ScriptedFetcher& f, const std::string& etag) {
  f.Answer(kAlice,
           {{"id", kAlice},
            {"type", "Person"},
            {"preferredUsername", "alice"},
            {"name", "Alice Éluard"},
            {"outbox", std::string(kAlice) + "/outbox"}},
           etag);
  f.Answer(std::string(kAlice) + "/outbox",
           {{"id", std::string(kAlice) + "/outbox"},
            {"type", "OrderedCollection"},
            {"orderedItems", json::array({{{"id", std::string(kAlice) + "/statuses/1"},
                                           {"type", "Note"},
                                           {"attributedTo", kAlice},
                                           {"content", "<p>Été à Lyon</p>"},
                                           {"published", "2026-03-01T10:00:00Z"}}})}});
}

TEST_CASE("signed fetches verify with the engine's actor, also after its key was replaced",
          "[service][activitypub]") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("scrm-signed-fetch-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string key_file = (dir / "activitypub.key").string();
  auto actor = LoadActivityPubActor("https://crm.example/scrm", key_file, nullptr);
  REQUIRE(actor.ok());

  ScriptedFetcher content;
  ServeAlice(content, "\"k1\"");
  std::string served = actor->document;  // what GET /ap/actor answers now
  AuthorizedFetchServer server(content, [&](const std::string& url) {
    return url == actor->actor_id ? served : std::string();
  });
  const sources::RemoteAccount alice{"activitypub", kAlice, "alice@social.example", "", "mastodon", {}};

  // Without activitypub.base_url the client does not sign: refused, and
  // the message says which setting signs.
  const sources::ActivityPubOptions plain = ActivityPubClientOptions(nullptr);
  CHECK_FALSE(plain.sign);
  sources::ActivityPubNetwork unsigned_client(server, plain);
  CollectingSink nothing;
  auto refused = unsigned_client.Follow(alice, "", sources::FollowLimits{}, nothing);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("requires signed fetches") != std::string::npos);
  CHECK(refused.status().message().find("activitypub.base_url") != std::string::npos);
  CHECK(nothing.posts.empty());

  // With it, signed with the actor key: the server fetches the actor once
  // and verifies.
  const sources::ActivityPubOptions configured = ActivityPubClientOptions(&*actor);
  REQUIRE(configured.sign);
  sources::ActivityPubNetwork client(server, configured);
  CollectingSink sink;
  auto first = client.Follow(alice, "", sources::FollowLimits{}, sink);
  INFO(first.status().ToString());
  REQUIRE(first.ok());
  CHECK(first->posts == 1);
  CHECK(server.key_fetches == 1);
  REQUIRE(content.sent.size() == 2);  // the actor and its outbox, both signed
  for (const auto& sent : content.sent) {
    REQUIRE(sent.headers.size() == 2);
    CHECK(secrets::SignatureParam(sent.headers[1].second, "keyId") ==
          "https://crm.example/scrm/ap/actor#main-key");
  }

  // The key file is replaced: the cached key fails, the server fetches the
  // actor again and the round goes on. Alice's own key changed too: her
  // document's ETag changed, so it is read again and her profile kept.
  std::filesystem::remove(key_file);
  bool created = false;
  auto renewed = LoadActivityPubActor("https://crm.example/scrm", key_file, &created);
  REQUIRE(renewed.ok());
  REQUIRE(created);
  REQUIRE(renewed->key->public_pem() != actor->key->public_pem());
  served = renewed->document;
  ServeAlice(content, "\"k2\"");
  sources::ActivityPubOptions options;
  options.sign = renewed->Signer();
  sources::ActivityPubNetwork renewed_client(server, options);
  CollectingSink again;
  auto second = renewed_client.Follow(alice, first->state, sources::FollowLimits{}, again);
  INFO(second.status().ToString());
  REQUIRE(second.ok());
  CHECK(second->profile);
  CHECK(again.profiles.size() == 1);
  CHECK(server.key_fetches == 2);

  // A server that cannot get the new key (the actor it fetches is stale):
  // refused, and the message names the host and what to check.
  std::filesystem::remove(key_file);
  auto third_key = LoadActivityPubActor("https://crm.example/scrm", key_file, nullptr);
  REQUIRE(third_key.ok());
  options.sign = third_key->Signer();
  sources::ActivityPubNetwork stale_client(server, options);
  CollectingSink none;
  auto stale = stale_client.Follow(alice, second->state, sources::FollowLimits{}, none);
  REQUIRE_FALSE(stale.ok());
  const std::string& why = stale.status().message();
  CHECK(why.find(kAlice) != std::string::npos);
  CHECK(why.find("social.example did not accept the engine's signature") != std::string::npos);
  CHECK(why.find("/ap/actor") != std::string::npos);
  CHECK(none.posts.empty());
  CHECK(none.profiles.empty());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace scrm::service
