// Erasure (service/erasure.h) over a real database: a dry run counts what an
// erasure removes and changes nothing, the erasure removes exactly that and
// one audit row, and a subject the engine does not hold is NotFound (the
// commands and the API end to end are tests/app/privacy_test.cc).
#include "service/erasure.h"

#include <catch2/catch.hpp>

#include "store/content_repository.h"
#include "store/migrator.h"
#include "store/source_repository.h"
#include "support/test_db.h"

using namespace scrm;

namespace {

Post PostBy(const std::string& author, const std::string& id) {
  Post p;
  p.external_id = "https://m.example/" + id;
  p.platform = "mastodon";
  p.kind = "post";
  p.author_id = author;
  p.text = "about kumquats " + id;
  p.published = 1772359200;
  p.raw = "{}";
  return p;
}

Profile ProfileOf(const std::string& author) {
  Profile p;
  p.platform = "mastodon";
  p.external_id = author;
  p.raw = "{}";
  return p;
}

}  // namespace

TEST_CASE("an erasure's dry run counts what the erasure then removes",
          "[mysql][service][erasure]") {
  testing::TestDatabase db;
  store::MigrateOptions allow;
  allow.allow_empty_crm = true;
  REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), allow).ok());
  Source source;
  source.name = "forum";
  Result<Source> added = store::SourceRepository(db.pool()).Add(source);
  REQUIRE(added.ok());
  const std::string oz = "https://m.example/users/oz", bob = "https://m.example/users/bob";
  store::ContentRepository content(db.pool());
  content.UpsertProfiles(added->id, {ProfileOf(oz), ProfileOf(bob)});
  content.UpsertPosts(added->id, {PostBy(oz, "1"), PostBy(oz, "2"), PostBy(bob, "3")});
  const int64_t oz_id = db.Count("SELECT id FROM scrm_profiles WHERE external_id = '" + oz + "'");
  service::ErasureSubject subject;
  subject.profile_id = oz_id;

  Result<store::EraseCounts> dry = service::Erase(db.pool(), subject, {"test", ""}, true);
  REQUIRE(dry.ok());
  CHECK(dry->profiles == 1);
  CHECK(dry->posts == 2);
  CHECK(dry->links == 0);
  CHECK(dry->audit_id == 0);
  CHECK(service::ErasureJson(*dry, true)["dry_run"] == true);
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_posts") == 3);
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_profiles") == 2);
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_audit WHERE kind = 'erase'") == 0);

  Result<store::EraseCounts> done =
      service::Erase(db.pool(), subject, {"test", "192.0.2.9"}, false);
  REQUIRE(done.ok());
  CHECK(done->profiles == dry->profiles);
  CHECK(done->posts == dry->posts);
  CHECK(done->audit_id > 0);
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_posts") == 1);
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_posts WHERE author_id = '" + bob + "'") == 1);
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_profiles") == 1);
  CHECK(db.Scalar("SELECT address FROM scrm_audit WHERE kind = 'erase'") == "192.0.2.9");

  // Nothing of the subject left, or never held: NotFound.
  CHECK(service::Erase(db.pool(), subject, {"test", ""}, true).status().code() ==
        Status::Code::kNotFound);
  service::ErasureSubject stranger;
  stranger.customer = std::make_pair(CrmModule::kContacts, std::string("c-none"));
  CHECK(service::Erase(db.pool(), stranger, {"test", ""}, true).status().code() ==
        Status::Code::kNotFound);
}
