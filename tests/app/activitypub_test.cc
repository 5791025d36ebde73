// ActivityPub through the real `scrm` binary: authors embedded in Mastodon
// activities become profiles that matching links to CRM records.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "app/open_networks.h"
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
TEST_CASE("scrm follow and scrm serve follow the fediverse beside the AT Protocol", "[app][activitypub]") {
  app::Config config;
  app::OpenNetworks unsigned_networks(config);
  std::vector<std::string> names;
  for (const sources::OpenNetwork* n : unsigned_networks.all()) names.emplace_back(n->network());
  CHECK(names == std::vector<std::string>{"atproto", "activitypub"});
  CHECK(unsigned_networks.problems().empty());
  CHECK(unsigned_networks.all()[1]->Recognises("@alice@social.example"));
  CHECK(unsigned_networks.all()[1]->Recognises("https://social.example/@alice"));

  // Signed fetches need the actor key: one that cannot be read leaves the
  // fediverse out, named, and the AT Protocol still followed.
  const std::string key_file =
      (std::filesystem::temp_directory_path() / ("scrm-bad-actor-" + std::to_string(::getpid()) + ".key"))
          .string();
  { std::ofstream(key_file) << "not a PEM key\n"; }
  std::filesystem::permissions(key_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  config.activitypub_base_url = "https://scrm.example.com";
  config.activitypub_key_file = key_file;
  app::OpenNetworks without_key(config);
  REQUIRE(without_key.all().size() == 1);
  CHECK(without_key.all()[0]->network() == "atproto");
  REQUIRE(without_key.problems().size() == 1);
  CHECK(without_key.problems()[0].rfind("activitypub: ", 0) == 0);
  std::filesystem::remove(key_file);
}

TEST_CASE("Only the loopback hosts of net.allow_hosts are reached over http", "[app][activitypub]") {
  CHECK(app::ActivityPubHttpHosts({"localhost", "feeds.intranet", "127.0.0.1", "10.0.0.5", "::1",
                                   "127.example.com"}) ==
        std::vector<std::string>{"localhost", "127.0.0.1", "::1"});
  CHECK(app::ActivityPubHttpHosts({}).empty());
}

}  // namespace scrm::testing
