// GET /ap/actor: the engine's ActivityPub actor, public, with the public key
// that verifies the signatures of its fetches; 404 naming the setting when
// activitypub.base_url is not set.
#include "service/activitypub_actor.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "http/server.h"
#include "http_client.h"
#include "secrets/actor_key.h"

namespace scrm::http {
namespace {

using scrm::testing::Call;

TEST_CASE("GET /ap/actor serves the actor whose key verifies the engine's signed fetches",
          "[http][activitypub]") {
  const std::string key_file = (std::filesystem::temp_directory_path() /
                                ("scrm-ap-actor-" + std::to_string(::getpid()) + ".pem"))
                                   .string();
  std::filesystem::remove(key_file);
  bool created = false;
  auto actor = service::LoadActivityPubActor("https://crm.example/scrm/", key_file, &created);
  REQUIRE(actor.ok());
  CHECK(created);
  CHECK(actor->actor_id == "https://crm.example/scrm/ap/actor");
  CHECK(actor->key_id == "https://crm.example/scrm/ap/actor#main-key");

  ServerOptions any_port;
  any_port.port = 0;
  Services services;
  services.activitypub_actor = actor->document;
  Server server(any_port, services);
  REQUIRE(server.Start().ok());
  auto r = Call(server.port(), "GET", "/ap/actor");  // no credentials
  REQUIRE(r.status == 200);
  CHECK(r.Header("Content-Type").find("application/activity+json") == 0);
  auto doc = nlohmann::json::parse(r.body);
  CHECK(doc["id"] == actor->actor_id);
  CHECK(doc["type"] == "Application");
  CHECK(doc["publicKey"]["id"] == actor->key_id);
  CHECK(doc["publicKey"]["owner"] == actor->actor_id);

  // What a server requiring authorized fetch does: rebuild the signed text
  // from the request it got and verify it with the key the actor shows.
  auto headers = actor->Signer()("social.example", "/users/alice/outbox");
  REQUIRE(headers.size() == 2);
  const std::string text =
      "(request-target): get /users/alice/outbox\nhost: social.example\ndate: " + headers[0].second;
  CHECK(secrets::SignatureParam(headers[1].second, "keyId") == actor->key_id);
  CHECK(secrets::VerifyRsaSha256(doc["publicKey"]["publicKeyPem"].get<std::string>(), text,
                                 secrets::SignatureParam(headers[1].second, "signature")));
  server.Stop();

  Server none(any_port, Services{});
  REQUIRE(none.Start().ok());
  auto missing = Call(none.port(), "GET", "/ap/actor");
  CHECK(missing.status == 404);
  CHECK(missing.body.find("activitypub.base_url") != std::string::npos);
  none.Stop();

  CHECK(service::LoadActivityPubActor("crm.example", key_file, nullptr).status().code() ==
        Status::Code::kInvalidArgument);
  std::filesystem::remove(key_file);
}

}  // namespace
}  // namespace scrm::http
