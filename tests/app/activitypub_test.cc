// ActivityPub through the real `scrm` binary: authors embedded in Mastodon
// activities become profiles that matching links to CRM records.
#include <catch2/catch.hpp>

#include "app_instance.h"
#include "core/customer.h"

namespace scrm::testing {
namespace {

TEST_CASE("scrm ingest stores embedded actors and scrm match links them by the e-mail in their bio",
          "[mysql][app][activitypub]") {
  AppInstance in;
  in.Migrate();
  REQUIRE(in.Scrm({"sources", "add", "fedi", "--type", "file", "--visibility", "public"}).exit_code ==
          0);
  nlohmann::json ingest =
      in.ScrmJson({"ingest", "--source", "fedi", DataFile("sources/activitypub/embedded_actors.json")});
  CHECK(ingest["rejected"] == 0);
  CHECK(in.db.Scalar("SELECT COUNT(*) FROM scrm_profiles") == "2");  // Amélie (updated) and Bruno
  CHECK(in.db.Scalar("SELECT display_name FROM scrm_profiles WHERE external_id = "
                     "'https://social.example/users/amelie'") == "Amélie P.-D.");

  Customer c;
  c.crm_id = "c-amelie";
  c.first_name = "Amélie";
  c.last_name = "Poulain";
  c.name = "Amélie Poulain";
  c.emails.push_back(CustomerEmail{"amelie.poulain@moulins.example", true, false});
  store::CustomerRepository(in.db.pool()).Upsert(CrmModule::kContacts, {c});
  RunResult match = in.Scrm({"match", "--json"});
  INFO(match.err << match.out);
  REQUIRE(match.exit_code == 0);
  CHECK(in.db.Scalar("SELECT p.external_id FROM scrm_links l JOIN scrm_profiles p ON p.id = "
                     "l.profile_id WHERE l.crm_id = 'c-amelie'") ==
        "https://social.example/users/amelie");
  CHECK(in.db.Scalar("SELECT status FROM scrm_links WHERE crm_id = 'c-amelie'") == "auto");
  CHECK(in.db.Scalar("SELECT COUNT(*) FROM scrm_links WHERE crm_id = 'c-amelie'") == "1");
}

}  // namespace
}  // namespace scrm::testing
