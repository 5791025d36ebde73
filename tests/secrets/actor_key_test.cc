// secrets: the ActivityPub actor key (created once 0600, read back the same,
// refused when too open or not a key) and the HTTP Signatures made with it
// (verified with the public half, over exactly the signed text).
#include "secrets/actor_key.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

using namespace scrm;
using namespace scrm::secrets;

namespace {

std::filesystem::path ScratchDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("scrm-actor-key-test-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("the actor key is created once, 0600, and read back the same", "[secrets][activitypub]") {
  auto dir = ScratchDir("create");
  const std::string path = (dir / "sub" / "activitypub.key").string();
  bool created = false;
  auto key = ActorKey::ReadOrCreate(path, &created);
  REQUIRE(key.ok());
  CHECK(created);
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(key->public_pem().find("-----BEGIN PUBLIC KEY-----") == 0);

  auto again = ActorKey::ReadOrCreate(path, &created);
  REQUIRE(again.ok());
  CHECK_FALSE(created);
  CHECK(again->public_pem() == key->public_pem());

  ::chmod(path.c_str(), 0644);
  auto open = ActorKey::ReadOrCreate(path, nullptr);
  CHECK(open.status().code() == Status::Code::kFailedPrecondition);
  CHECK(open.status().message().find("chmod 600 " + path) != std::string::npos);

  const std::string junk = (dir / "junk.key").string();
  std::ofstream(junk) << "not a key";
  ::chmod(junk.c_str(), 0600);
  auto bad = ActorKey::ReadOrCreate(junk, nullptr);
  CHECK(bad.status().code() == Status::Code::kFailedPrecondition);
  CHECK(bad.status().message().find("not an unencrypted RSA private key") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("HTTP Signatures sign (request-target), host and date with rsa-sha256",
          "[secrets][activitypub]") {
  auto dir = ScratchDir("sign");
  auto key = ActorKey::ReadOrCreate((dir / "k.pem").string(), nullptr);
  REQUIRE(key.ok());
  auto headers = SignedGetHeaders(*key, "https://crm.example/ap/actor#main-key", "social.example",
                                  "/users/alice/outbox?page=1", 1772359200);
  REQUIRE(headers.size() == 2);
  CHECK(headers[0].first == "Date");
  CHECK(headers[0].second == "Sun, 01 Mar 2026 10:00:00 GMT");
  CHECK(headers[1].first == "Signature");
  const std::string& sig = headers[1].second;
  CHECK(SignatureParam(sig, "keyId") == "https://crm.example/ap/actor#main-key");
  CHECK(SignatureParam(sig, "algorithm") == "rsa-sha256");
  CHECK(SignatureParam(sig, "headers") == "(request-target) host date");
  const std::string text =
      "(request-target): get /users/alice/outbox?page=1\nhost: social.example\n"
      "date: Sun, 01 Mar 2026 10:00:00 GMT";
  CHECK(VerifyRsaSha256(key->public_pem(), text, SignatureParam(sig, "signature")));
  // Another target, host or key does not verify.
  CHECK_FALSE(VerifyRsaSha256(key->public_pem(),
                              "(request-target): get /users/bob/outbox\nhost: social.example\n"
                              "date: Sun, 01 Mar 2026 10:00:00 GMT",
                              SignatureParam(sig, "signature")));
  auto other = ActorKey::ReadOrCreate((dir / "other.pem").string(), nullptr);
  REQUIRE(other.ok());
  CHECK_FALSE(VerifyRsaSha256(other->public_pem(), text, SignatureParam(sig, "signature")));
  std::filesystem::remove_all(dir);
}
