// Test support for end-to-end tests of the `scrm` binary: a fresh database
// and index directory, the environment that points scrm at them, and the
// privacy fixture (tests/data/privacy): three people's profiles and posts,
// two of them CRM contacts, matched and linked, a saved search, a reject.
#ifndef SCRM_TESTS_APP_APP_INSTANCE_H_
#define SCRM_TESTS_APP_APP_INSTANCE_H_

#include <unistd.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/customer_repository.h"
#include "store/saved_search_repository.h"
#include "support/process.h"
#include "support/test_db.h"

namespace scrm::testing {

inline std::string DataFile(const std::string& name) {
  return std::string(SCRM_SOURCE_DIR) + "/tests/data/" + name;
}

struct AppInstance {
  TestDatabase db;
  std::string index_dir;
  std::string key_file;  // secrets.key_file: beside the index, of this instance only
  std::map<std::string, std::string> env;

  AppInstance() {
    index_dir = std::filesystem::temp_directory_path() /
                ("scrm-app-test-" + std::to_string(::getpid()) + "-" + db.url().database);
    key_file = index_dir + ".secrets.key";
    std::filesystem::remove_all(index_dir);
    std::filesystem::remove(key_file);
    env = {{"SCRM_DB_URL", db.url_string()}, {"SCRM_HTTP_PORT", "0"},
           {"SCRM_INDEX_DIR", index_dir},    {"SCRM_SECRET", "test-secret"},
           {"SCRM_CRM_SYNC_INTERVAL", "0"},  {"SCRM_SECRETS_KEY_FILE", key_file}};
  }
  ~AppInstance() {
    std::filesystem::remove_all(index_dir);
    std::filesystem::remove(key_file);
  }

  RunResult Scrm(std::vector<std::string> args) const {
    args.insert(args.begin(), ScrmBinary());
    return Run(args, env);
  }
  // Runs and requires exit 0; returns stdout parsed as JSON.
  nlohmann::json ScrmJson(std::vector<std::string> args) const {
    args.push_back("--json");
    RunResult r = Scrm(args);
    INFO(args[0] << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
  }
  // Ids (external) of a search's results, sorted, and its total.
  std::pair<std::vector<std::string>, int64_t> Search(std::vector<std::string> args) const {
    args.insert(args.begin(), "search");
    nlohmann::json answer = ScrmJson(args);
    std::vector<std::string> ids;
    for (const auto& r : answer["results"]) ids.push_back(r["external_id"].get<std::string>());
    std::sort(ids.begin(), ids.end());
    return {ids, answer["total"].get<int64_t>()};
  }

  void Migrate() { REQUIRE(Scrm({"migrate", "--allow-empty-crm"}).exit_code == 0); }

  // The privacy fixture: sources community (push, with a secret) and staff;
  // Ophélie (auto-linked by her e-mail), Gaspard (opted out: suggested, then
  // confirmed), Bob (no CRM record; linked by hand to Gaspard's record, then
  // unlinked); a saved search; one reject.
  void LoadPeople() {
    Migrate();
    REQUIRE(Scrm({"sources", "add", "community", "--type", "push", "--visibility", "public",
                  "--secret", "push-secret-do-not-export"}).exit_code == 0);
    REQUIRE(Scrm({"sources", "add", "staff", "--type", "file", "--visibility", "internal"})
                .exit_code == 0);
    RunResult people = Scrm({"ingest", "--source", "community", DataFile("privacy/people.jsonl")});
    INFO(people.err);
    REQUIRE(people.exit_code == 4);  // the last line is a reject, kept for review
    REQUIRE(Scrm({"ingest", "--source", "staff", DataFile("search/internal.jsonl")}).exit_code == 0);

    auto contact = [](const std::string& id, const std::string& first, const std::string& last,
                      const std::string& email, bool opt_out) {
      Customer c;
      c.crm_id = id;
      c.first_name = first;
      c.last_name = last;
      c.name = first + " " + last;
      c.emails.push_back(CustomerEmail{email, true, opt_out});
      return c;
    };
    store::CustomerRepository(db.pool()).Upsert(
        CrmModule::kContacts,
        {contact("c-oz", "Ophélie", "Zanzibar", "ophelie@zanzibar.example", false),
         contact("c-gq", "Gaspard", "Quincampoix", "gaspard@quincampoix.example", true)});
    RunResult match = Scrm({"match"});
    INFO(match.err);
    REQUIRE(match.exit_code == 0);
    REQUIRE(db.Scalar("SELECT status FROM scrm_links WHERE crm_id = 'c-oz'") == "auto");
    const std::string gq_link = db.Scalar("SELECT id FROM scrm_links WHERE crm_id = 'c-gq' "
                                          "AND external_id = 'https://m.example/users/gq'");
    REQUIRE(db.Scalar("SELECT status FROM scrm_links WHERE id = " + gq_link) == "suggested");
    REQUIRE(Scrm({"links", "confirm", gq_link, "--as", "sally"}).exit_code == 0);
    const std::string bob = db.Scalar("SELECT id FROM scrm_profiles WHERE external_id = '555'");
    REQUIRE(Scrm({"links", "link", "--profile", bob, "--module", "Contacts", "--crm-id", "c-gq"})
                .exit_code == 0);
    const std::string bob_link = db.Scalar("SELECT id FROM scrm_links WHERE profile_id = " + bob);
    REQUIRE(Scrm({"links", "unlink", bob_link, "--as", "sally"}).exit_code == 0);
    REQUIRE(store::SavedSearchRepository(db.pool()).Add("7", "kumquats", "q=kumquat").ok());
  }
};

}  // namespace scrm::testing

#endif  // SCRM_TESTS_APP_APP_INSTANCE_H_
