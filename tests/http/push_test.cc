// POST /api/v1/ingest/{source}: signed pushes, one result per record.
#include "http/crypto.h"
#include "http/push.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "store/content_repository.h"
#include "store/migrator.h"
#include "store/source_repository.h"
#include "support/test_db.h"

using namespace scrm;
using namespace scrm::http;

TEST_CASE("the push signature is HMAC-SHA256 in hex, compared in constant time", "[http]") {
  // RFC 4231 test case 2.
  CHECK(PushSignature("Jefe", "what do ya want for nothing?") ==
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abcd"));
}

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

  Response unsigned_r = HandlePush(&db.pool(), r);
  CHECK(unsigned_r.status == 401);
  r.headers["x-scrm-signature"] = PushSignature("wrong", r.body);
  CHECK(HandlePush(&db.pool(), r).status == 401);

  r.headers["x-scrm-signature"] = PushSignature("s3cret", r.body);
  Response ok = HandlePush(&db.pool(), r);
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

  Request other = r;
  other.params["source"] = "nope";
  CHECK(HandlePush(&db.pool(), other).status == 404);
  Request junk = r;
  junk.body = "not json, not xml";
  junk.headers["x-scrm-signature"] = PushSignature("s3cret", junk.body);
  CHECK(HandlePush(&db.pool(), junk).status == 400);
}
