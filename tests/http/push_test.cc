// POST /api/v1/ingest/{source}: signed pushes, one result per record.
#include "secrets/crypto.h"
#include "http/push.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "store/content_repository.h"
#include "store/migrator.h"
#include "store/source_repository.h"
#include "secrets/key_file.h"
#include "secrets/seal.h"
#include "support/test_db.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace scrm;
using namespace scrm::http;

TEST_CASE("the push signature is HMAC-SHA256 in hex, compared in constant time", "[http]") {
  // RFC 4231 test case 2.
  CHECK(PushSignature("Jefe", "what do ya want for nothing?") ==
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(secrets::ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(secrets::ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(secrets::ConstantTimeEquals("abc", "abcd"));
}

// The secret here is stored in clear, as before sealing (scrm migrate seals
// it): it still verifies, with no key file at all.
TEST_CASE("a signed push stores its records and answers one result per record",
          "[mysql][http]") {
  testing::TestDatabase db;
  store::MigrateOptions allow;
  allow.allow_empty_crm = true;
  REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), allow).ok());
  Source s;
  s.name = "community";
  s.type = "push";
  s.push_secret = "s3cret";
  auto added = store::SourceRepository(db.pool()).Add(s);
  REQUIRE(added.ok());

  Request r;
  r.method = "POST";
  r.params["source"] = "community";
  r.body =
      R"({"type":"Note","id":"https://c.example/1","content":"un","published":"2026-01-01T00:00:00Z"})"
      "\n{oops\n"
      R"({"type":"Note","id":"https://c.example/2","content":"deux","published":"2026-01-01T00:00:00Z"})"
      "\n";

  Response unsigned_r = HandlePush(&db.pool(), nullptr, r);
  CHECK(unsigned_r.status == 401);
  r.headers["x-scrm-signature"] = PushSignature("wrong", r.body);
  CHECK(HandlePush(&db.pool(), nullptr, r).status == 401);

  r.headers["x-scrm-signature"] = PushSignature("s3cret", r.body);
  Response ok = HandlePush(&db.pool(), nullptr, r);
  REQUIRE(ok.status == 200);
  auto j = nlohmann::json::parse(ok.body);
  CHECK(j["new"] == 2);
  CHECK(j["rejected"] == 1);
  REQUIRE(j["results"].size() == 3);
  CHECK(j["results"][0]["status"] == "accepted");
  CHECK(j["results"][1]["status"] == "rejected");
  CHECK(j["results"][1]["index"] == 1);
  CHECK_FALSE(j["results"][1]["error"].get<std::string>().empty());
  CHECK(store::ContentRepository(db.pool()).CountPosts(added->id) == 2);

  Request junk = r;
  junk.body = "not json, not xml";
  junk.headers["x-scrm-signature"] = PushSignature("s3cret", junk.body);
  CHECK(HandlePush(&db.pool(), nullptr, junk).status == 400);
}

TEST_CASE("an unknown source, a source taking no pushes and a bad signature answer one same 401",
          "[mysql][http][security]") {
  testing::TestDatabase db;
  store::MigrateOptions allow;
  allow.allow_empty_crm = true;
  REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), allow).ok());
  store::SourceRepository repo(db.pool());
  Source pushed;
  pushed.name = "pushed";
  pushed.type = "push";
  pushed.push_secret = "s3cret";
  REQUIRE(repo.Add(pushed).ok());
  Source quiet;
  quiet.name = "quiet";
  quiet.type = "file";
  REQUIRE(repo.Add(quiet).ok());

  Request r;
  r.method = "POST";
  r.body = R"({"type":"Note","id":"https://c.example/1","content":"un","published":"2026-01-01T00:00:00Z"})"
           "\n";
  // An outsider guessing names signs with a secret of its own, or not at all.
  std::vector<Response> answers;
  for (const char* name : {"nope", "quiet", "pushed"}) {
    for (const std::string& signature : {std::string(), PushSignature("guess", r.body)}) {
      INFO(name << " signed: " << !signature.empty());
      Request guess = r;
      guess.params["source"] = name;
      if (!signature.empty()) guess.headers["x-scrm-signature"] = signature;
      answers.push_back(HandlePush(&db.pool(), nullptr, guess));
      CHECK(answers.back().status == 401);
      CHECK(answers.back().body == answers.front().body);
      CHECK(answers.back().headers == answers.front().headers);
    }
  }
  const std::string message = nlohmann::json::parse(answers.front().body)["error"]["message"];
  CHECK(message.find("X-Scrm-Signature") != std::string::npos);
  CHECK(message.find("nope") == std::string::npos);
  // The source's own secret still opens it.
  Request good = r;
  good.params["source"] = "pushed";
  good.headers["x-scrm-signature"] = PushSignature("s3cret", r.body);
  CHECK(HandlePush(&db.pool(), nullptr, good).status == 200);
}

TEST_CASE("a push to a source with a sealed secret verifies it with the key file",
          "[mysql][http][secrets]") {
  testing::TestDatabase db;
  store::MigrateOptions allow;
  allow.allow_empty_crm = true;
  REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), allow).ok());
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("scrm-push-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string key_path = (dir / "secrets.key").string();
  Result<secrets::Key> key = secrets::ReadOrCreateKeyFile(key_path, nullptr);
  REQUIRE(key.ok());

  store::SourceRepository repo(db.pool());
  for (const char* name : {"community", "other"}) {
    Source s;
    s.name = name;
    s.type = "push";
    s.push_secret = secrets::Seal(*key, std::string("s3cret-") + name,
                                  secrets::PushSecretAssociatedData(name));
    REQUIRE(repo.Add(s).ok());
  }
  // What the table holds is sealed: the clear secret is nowhere in it.
  const std::string raw =
      db.Scalar("SELECT push_secret FROM scrm_sources WHERE name = 'community'");
  CHECK(raw.rfind("enc:v1:", 0) == 0);
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_sources WHERE push_secret LIKE '%s3cret%'") == 0);

  Request r;
  r.method = "POST";
  r.params["source"] = "community";
  r.body = R"({"type":"Note","id":"https://c.example/1","content":"un","published":"2026-01-01T00:00:00Z"})"
           "\n";
  r.headers["x-scrm-signature"] = PushSignature("s3cret-community", r.body);
  secrets::CachedKeyFile key_file(key_path);

  Response ok = HandlePush(&db.pool(), &key_file, r);
  CHECK(ok.status == 200);
  CHECK(nlohmann::json::parse(ok.body)["new"] == 1);
  Request forged = r;
  forged.headers["x-scrm-signature"] = PushSignature(raw, r.body);  // the stored text is no key
  CHECK(HandlePush(&db.pool(), &key_file, forged).status == 401);

  auto refused = [&](secrets::CachedKeyFile* kf, const std::string& says) {
    Response res = HandlePush(&db.pool(), kf, r);
    CHECK(res.status == 503);
    const std::string message = nlohmann::json::parse(res.body)["error"]["message"];
    CHECK(message.find("source 'community'") != std::string::npos);
    CHECK(message.find(says) != std::string::npos);
    CHECK(message.find("s3cret") == std::string::npos);
    CHECK(message.find(key_path) == std::string::npos);  // paths go to the log only
  };
  SECTION("no key file configured") { refused(nullptr, "no key file"); }
  SECTION("the key file is gone") {
    std::filesystem::remove(key_path);
    refused(&key_file, "missing");
  }
  SECTION("the key file is too open") {
    REQUIRE(::chmod(key_path.c_str(), 0644) == 0);
    refused(&key_file, "refused");
  }
  SECTION("another key") {
    std::filesystem::remove(key_path);
    REQUIRE(secrets::ReadOrCreateKeyFile(key_path, nullptr).ok());
    refused(&key_file, "does not open");
  }
  SECTION("a sealed value copied from another source's row") {
    db.Exec("UPDATE scrm_sources SET push_secret = (SELECT push_secret FROM "
               "(SELECT push_secret FROM scrm_sources WHERE name = 'other') o) "
               "WHERE name = 'community';");
    refused(&key_file, "does not open");
    // Even signed with the other source's secret.
    r.headers["x-scrm-signature"] = PushSignature("s3cret-other", r.body);
    CHECK(HandlePush(&db.pool(), &key_file, r).status == 503);
  }
  SECTION("an altered value") {
    std::string tampered = raw;
    tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
    db.Exec("UPDATE scrm_sources SET push_secret = '" + tampered + "' WHERE name = 'community';");
    refused(&key_file, "does not open");
  }
  std::filesystem::remove_all(dir);
}
