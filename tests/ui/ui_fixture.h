// The engine the /ui/ tests talk to: a fresh database with posts
// (tests/data/ui/posts.jsonl), a customer "Anne Martin" (Contacts/c-anne)
// and a suggestion linking Anne's profile to it, served by the real `scrm
// serve` on port 0 with matching off; and a Browser that keeps the session
// cookie. Shared by tests/ui/pages_test.cc and tests/browser/.
#ifndef SCRM_TESTS_UI_UI_FIXTURE_H_
#define SCRM_TESTS_UI_UI_FIXTURE_H_

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "http/http_client.h"
#include "store/customer_repository.h"
#include "store/link_repository.h"
#include "support/process.h"
#include "support/test_db.h"

namespace scrm::testing {

inline constexpr char kSecret[] = "ui-test-secret";
inline constexpr char kCrmOrigin[] = "https://crm.example.test";

struct Engine {
  TestDatabase db;
  std::string dir;
  std::map<std::string, std::string> env;
  std::string config;
  std::unique_ptr<Child> serve;
  int port = 0;

  Engine() {
    dir = std::filesystem::temp_directory_path() /
          ("scrm-ui-test-" + std::to_string(::getpid()) + "-" + db.url().database);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    env = {{"SCRM_DB_URL", db.url_string()},      {"SCRM_HTTP_PORT", "0"},
           {"SCRM_INDEX_DIR", dir + "/index"},    {"SCRM_SECRET", kSecret},
           {"SCRM_CRM_SYNC_INTERVAL", "0"},       {"SCRM_CRM_ORIGIN", kCrmOrigin}};
    // Matching stays off: the test sets the links it needs itself.
    config = dir + "/scrm.properties";
    std::ofstream(config) << "match.interval_seconds = 0\nui.session_minutes = 5\nui.session_max_hours = 7\n";
  }
  ~Engine() {
    serve.reset();
    std::filesystem::remove_all(dir);
  }

  RunResult Scrm(std::vector<std::string> args) const {
    args.insert(args.begin(), {ScrmBinary(), "--config", config});
    return Run(args, env);
  }

  // Posts of tests/data/ui/posts.jsonl (one holds <script>, one a javascript: link), a
  // customer, and a suggestion linking Anne's profile to it.
  int64_t Setup() {
    REQUIRE(Scrm({"migrate", "--allow-empty-crm"}).exit_code == 0);
    REQUIRE(Scrm({"sources", "add", "community", "--type", "file", "--visibility", "public"})
                .exit_code == 0);
    RunResult in = Scrm({"ingest", "--source", "community",
                         std::string(SCRM_SOURCE_DIR) + "/tests/data/ui/posts.jsonl"});
    INFO(in.err);
    REQUIRE(in.exit_code == 0);
    Customer anne;
    anne.module = CrmModule::kContacts;
    anne.crm_id = "c-anne";
    anne.first_name = "Anne";
    anne.last_name = "Martin";
    anne.name = "Anne Martin";
    store::CustomerRepository(db.pool()).Upsert(CrmModule::kContacts, {anne});
    return Suggest("https://social.example/users/anne", "c-anne", 0.62,
                   R"([{"kind":"name","detail":"Anne Martin = Anne Martin","weight":0.6}])");
  }

  // Suggests the stored mastodon profile `author` for Contacts/crm_id, as
  // matching would; the link's id.
  int64_t Suggest(const std::string& author, const std::string& crm_id, double score,
                  const std::string& evidence) {
    store::ProposedLink p;
    p.profile_id =
        std::stoll(db.Scalar("SELECT id FROM scrm_profiles WHERE external_id = '" + author + "'"));
    p.platform = "mastodon";
    p.external_id = author;
    p.module = CrmModule::kContacts;
    p.crm_id = crm_id;
    p.score = score;
    p.evidence = evidence;
    store::LinkRepository(db.pool()).ApplyMatches({{"mastodon", author}}, {p});
    return std::stoll(db.Scalar("SELECT id FROM scrm_links WHERE crm_id = '" + crm_id + "'"));
  }

  void Serve() {
    serve = std::make_unique<Child>(
        std::vector<std::string>{ScrmBinary(), "--config", config, "serve"}, env);
    const std::string line = serve->WaitForLine("listening on", 15000);
    port = std::atoi(line.c_str() + line.rfind(':') + 1);
    REQUIRE(port > 0);
  }

  std::string Token(const std::string& user, const std::string& roles,
                    const std::string& lang = "en") const {
    RunResult r = Scrm({"token", "--user", user, "--roles", roles, "--lang", lang,
                        "--name", "User " + user});
    REQUIRE(r.exit_code == 0);
    return r.out.substr(0, r.out.find('\n'));
  }
};

struct Browser {
  int port;
  std::string cookie;  // "scrm_session=..."

  ClientResponse Send(const std::string& method, const std::string& target,
                      std::map<std::string, std::string> headers = {},
                      const std::string& body = "") {
    CallOptions o;
    o.headers = std::move(headers);
    if (!cookie.empty()) o.headers["Cookie"] = cookie;
    if (!body.empty()) {
      o.body = body;
      o.send_body = true;
    }
    return Call(port, method, target, o);
  }
  // Opens page?sso=TOKEN, keeps the cookie, follows the redirect.
  ClientResponse SignOn(const std::string& page, const std::string& token) {
    const std::string sep = page.find('?') == std::string::npos ? "?" : "&";
    ClientResponse r = Send("GET", page + sep + "sso=" + token);
    INFO(r.body);
    REQUIRE(r.status == 303);
    const std::string set = r.Header("Set-Cookie");
    REQUIRE(set.rfind("scrm_session=", 0) == 0);
    cookie = set.substr(0, set.find(';'));
    CHECK(r.Header("Location") == page);
    return Send("GET", r.Header("Location"));
  }
};

}  // namespace scrm::testing

#endif  // SCRM_TESTS_UI_UI_FIXTURE_H_
