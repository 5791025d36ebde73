// The security log from the command line (issue 14): what the operator's
// commands record (sources, API keys, thresholds, exports), as whom, with
// no secret, and `scrm audit list` with its filters, as text and JSON.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/app_instance.h"

using namespace scrm;
using namespace scrm::testing;
using nlohmann::json;

TEST_CASE("the operator's commands are in the security log, listed by scrm audit list",
          "[mysql][app][audit][security]") {
  AppInstance a;
  a.env["USER"] = "opal";
  a.Migrate();
  REQUIRE(a.Scrm({"sources", "add", "forum", "--type", "url", "--location",
                  "https://reader:feed-password@forum.example/feed.xml?key=feed-query-key",
                  "--visibility", "public"})
              .exit_code == 0);
  REQUIRE(a.Scrm({"sources", "add", "hook", "--type", "push", "--secret", "push-secret-one"})
              .exit_code == 0);
  REQUIRE(a.Scrm({"sources", "set", "forum", "--visibility", "internal"}).exit_code == 0);
  REQUIRE(a.Scrm({"sources", "set", "hook", "--secret", "push-secret-two"}).exit_code == 0);
  REQUIRE(a.Scrm({"sources", "remove", "hook"}).exit_code == 0);
  const json key = a.ScrmJson({"apikey", "create", "nightly", "--roles", "marketing"});
  REQUIRE(a.Scrm({"apikey", "revoke", "nightly"}).exit_code == 0);
  REQUIRE(a.Scrm({"thresholds", "--auto", "0.95"}).exit_code == 0);
  const std::filesystem::path out =
      std::filesystem::temp_directory_path() / ("scrm-audit-cli-" + std::to_string(::getpid()));
  std::filesystem::remove_all(out);
  REQUIRE(a.Scrm({"export", "--out", out.string()}).exit_code == 0);
  std::filesystem::remove_all(out);

  const json all = a.ScrmJson({"audit", "list"});
  REQUIRE(all.is_array());
  std::vector<std::string> kinds;
  for (const json& e : all) {
    kinds.push_back(e["kind"]);
    CHECK(e["actor"] == "cli:opal");
    CHECK(e["address"] == "");
    CHECK(e["count"] == 1);
    CHECK(e["at"].get<std::string>().size() == 20);  // 2026-12-05T07:52:02Z
  }
  // Newest first.
  CHECK(kinds == std::vector<std::string>{"export", "settings", "api_key_revoked",
                                          "api_key_created", "source_removed", "source_changed",
                                          "source_changed", "source_added", "source_added"});
  CHECK(all[0]["object"] == "all");
  CHECK(all[1]["object"] == "setting:matching");
  CHECK(all[2]["object"] == "api-key:nightly");
  CHECK(all[3]["detail"]["roles"] == json({"marketing"}));
  CHECK(all[4]["object"] == "source:hook");
  // What changed: the visibility with its values, the secret by name only.
  CHECK(all[5]["detail"]["changed_too"] == json({"push_secret"}));
  CHECK(all[5]["detail"]["changed"].empty());
  CHECK(all[6]["detail"]["changed"]["visibility"] ==
        json({{"from", "public"}, {"to", "internal"}}));
  // A feed's URL without its user, password or query.
  CHECK(all[8]["detail"]["location"] == "https://forum.example/feed.xml");

  // No secret anywhere: push secrets, the key, a URL's credentials.
  const std::string table = a.db.Scalar(
      "SELECT GROUP_CONCAT(CONCAT_WS('|', kind, actor, address, object, subject_hash, "
      "COALESCE(detail, ''))) FROM scrm_audit");
  INFO(table);
  for (const std::string& secret : {std::string("push-secret-one"), std::string("push-secret-two"),
                                    key["key"].get<std::string>(), std::string("feed-password"),
                                    std::string("feed-query-key"), std::string("enc:v1:")}) {
    CHECK(table.find(secret) == std::string::npos);
  }

  // Filters.
  const json changed = a.ScrmJson({"audit", "list", "--kind", "source_changed,source_removed"});
  CHECK(changed.size() == 3);
  CHECK(a.ScrmJson({"audit", "list", "--limit", "2"}).size() == 2);
  CHECK(a.ScrmJson({"audit", "list", "--since", "1h"}).size() == all.size());
  CHECK(a.ScrmJson({"audit", "list", "--since", "2000-01-01"}).size() == all.size());
  CHECK(a.ScrmJson({"audit", "list", "--since", "2999-01-01 00:00:00"}).empty());
  CHECK(a.ScrmJson({"audit", "list", "--actor", "cli:someone-else"}).empty());
  RunResult bad_kind = a.Scrm({"audit", "list", "--kind", "coffee"});
  CHECK(bad_kind.exit_code == 2);
  CHECK(bad_kind.err.find("'coffee' is not a kind") != std::string::npos);
  CHECK(a.Scrm({"audit", "list", "--since", "yesterday"}).exit_code == 2);
  CHECK(a.Scrm({"audit", "list", "--limit", "0"}).exit_code == 2);
  // As text, a line each.
  RunResult text = a.Scrm({"audit", "list", "--kind", "source_added"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("source_added  by cli:opal  on source:forum") != std::string::npos);
  RunResult help = a.Scrm({"audit", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("sign_on, unauthenticated, forbidden, rate_limited") != std::string::npos);
}
