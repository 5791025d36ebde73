#include "store/source_repository.h"

#include <catch2/catch.hpp>
#include <utility>
#include <vector>

#include "store/migrator.h"
#include "support/test_db.h"

using namespace scrm;

TEST_CASE("sources are validated, unique by name, listed, updated and removed",
          "[mysql][store]") {
  testing::TestDatabase db;
  store::MigrateOptions allow;
  allow.allow_empty_crm = true;
  REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), allow).ok());
  store::SourceRepository repo(db.pool());

  Source s;
  s.name = "blog-fr";
  s.type = "url";
  s.format = "rss";
  s.location = "https://blog.exemple.fr/feed.xml";
  s.poll_interval_seconds = 600;
  s.visibility = "community";
  s.community = "partners";
  auto added = repo.Add(s);
  REQUIRE(added.ok());
  CHECK(added->id > 0);
  CHECK(repo.Get("blog-fr")->community == "partners");

  auto dup = repo.Add(s);
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.status().code() == Status::Code::kConflict);

  Source bad = s;
  bad.name = "Bad Name";
  CHECK(repo.Add(bad).status().field() == "name");
  bad = s;
  bad.name = "x";
  bad.format = "yaml";
  CHECK(repo.Add(bad).status().field() == "format");
  bad = s;
  bad.name = "y";
  bad.location = "ftp://x";
  CHECK(repo.Add(bad).status().field() == "location");
  bad = s;
  bad.name = "z";
  bad.community = "";
  CHECK(repo.Add(bad).status().field() == "community");

  s.visibility = "public";
  s.community = "";
  REQUIRE(repo.Update(s).ok());
  CHECK(repo.Get("blog-fr")->visibility == "public");

  repo.RecordSuccess(added->id, 12, "\"etag-1\"", "Sun, 22 Nov 2026 05:00:00 GMT");
  repo.RecordFailure(added->id, "timeout after 10 s");
  auto health = repo.Get("blog-fr");
  CHECK(health->items_total == 12);
  CHECK(health->etag == "\"etag-1\"");
  CHECK(health->last_error == "timeout after 10 s");
  CHECK_FALSE(health->last_success_at.empty());

  CHECK(repo.List().size() == 1);
  CHECK(repo.Remove("blog-fr").ok());
  CHECK(repo.Remove("blog-fr").code() == Status::Code::kNotFound);
}

TEST_CASE("push secrets are rewritten in one transaction, or not at all", "[mysql][store]") {
  testing::TestDatabase db;
  store::MigrateOptions allow;
  allow.allow_empty_crm = true;
  REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), allow).ok());
  store::SourceRepository repo(db.pool());
  for (auto [name, secret] : std::vector<std::pair<std::string, std::string>>{
           {"a", "one"}, {"b", "two"}, {"c", ""}, {"d", "sealed-already"}}) {
    Source s;
    s.name = name;
    s.type = "push";
    s.push_secret = secret;
    REQUIRE(repo.Add(s).ok());
  }
  // The column holds a sealed 255-byte secret (385 characters).
  Source big = *repo.Get("c");
  big.push_secret = std::string(385, 'x');
  REQUIRE(repo.Update(big).ok());
  CHECK(repo.Get("c")->push_secret.size() == 385);
  big.push_secret = "";
  REQUIRE(repo.Update(big).ok());

  std::vector<std::string> seen;
  Result<int64_t> changed = repo.RewritePushSecrets(
      [&](const std::string& name, const std::string& stored) -> Result<std::string> {
        seen.push_back(name + "=" + stored);
        if (stored == "sealed-already") return stored;
        return "<" + stored + ">";
      });
  REQUIRE(changed.ok());
  CHECK(*changed == 2);
  // Sources without a secret are not offered; the rest in name order.
  CHECK(seen == std::vector<std::string>{"a=one", "b=two", "d=sealed-already"});
  CHECK(repo.Get("a")->push_secret == "<one>");
  CHECK(repo.Get("b")->push_secret == "<two>");
  CHECK(repo.Get("c")->push_secret == "");

  // The first error rolls back the rows already rewritten.
  Result<int64_t> failed = repo.RewritePushSecrets(
      [](const std::string& name, const std::string& stored) -> Result<std::string> {
        if (name == "b") return Status::FailedPrecondition("b does not open");
        return stored + "!";
      });
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().message() == "b does not open");
  CHECK(repo.Get("a")->push_secret == "<one>");
  CHECK(repo.Get("d")->push_secret == "sealed-already");
}
