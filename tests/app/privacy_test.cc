// scrm erase and scrm retention end to end, through the real binary, a real
// MariaDB and a real Xapian index: an erased person's posts, profiles and
// links are gone from the database and from search, everyone else's are
// intact, and the audit entry holds no name, handle or id in clear; old
// posts of a source with a retention go from both, by the command and by
// scrm serve.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/app_instance.h"
#include "http/http_client.h"

using namespace scrm;
using namespace scrm::testing;
using nlohmann::json;

namespace {

using Ids = std::vector<std::string>;

void CheckAuditFreeOfPersonalData(TestDatabase& db) {
  const std::string audit = db.Scalar(
      "SELECT GROUP_CONCAT(CONCAT_WS('|', kind, actor, address, object, subject_hash, detail)) FROM scrm_audit");
  INFO(audit);
  for (const char* personal : {"Zanzibar", "Ophélie", "oz@m.example", "m.example/users/oz",
                               "ophelie@", "c-oz", "Bob", "bobother", "555"}) {
    CHECK(audit.find(personal) == std::string::npos);
  }
}

}  // namespace

TEST_CASE("scrm erase --customer removes the person from the database and the index",
          "[mysql][app][privacy]") {
  AppInstance in;
  in.LoadPeople();
  REQUIRE(in.Search({"kumquat"}).first == (Ids{"b1", "z1", "z2"}));
  REQUIRE(in.Search({"quincunx"}).first == (Ids{"b2", "g1"}));

  // A dry run counts and changes nothing.
  json dry = in.ScrmJson({"erase", "--customer", "Contacts/c-oz", "--dry-run"});
  CHECK(dry["profiles"] == 1);
  CHECK(dry["posts"] == 2);
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_posts") == 6);

  json erased = in.ScrmJson({"erase", "--customer", "Contacts/c-oz", "--as", "dpo"});
  CHECK(erased["profiles"] == 1);
  CHECK(erased["posts"] == 2);
  CHECK(erased["links"] == 1);
  CHECK(erased["decisions"].get<int64_t>() >= 1);
  CHECK(erased["index"]["removed"] == 2);
  CHECK(erased["index"]["deferred"] == "");

  // Gone from search; Bob's kumquat and everything else stays.
  CHECK(in.Search({"kumquat"}).first == (Ids{"b1"}));
  CHECK(in.Search({"zanzibar"}).second == 0);
  CHECK(in.Search({"quincunx"}).first == (Ids{"b2", "g1"}));
  CHECK(in.Search({"network"}).second == 1);
  // Gone from the database.
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_posts WHERE author_id = 'https://m.example/users/oz'") == 0);
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_profiles WHERE handle = 'oz@m.example'") == 0);
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_links WHERE crm_id = 'c-oz'") == 0);
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_link_decisions WHERE crm_id = 'c-oz'") == 0);
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_posts") == 4);
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_profiles") == 2);
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_links WHERE crm_id = 'c-gq'") == 2);
  // A reindex from the database does not bring them back.
  REQUIRE(in.Scrm({"reindex"}).exit_code == 0);
  CHECK(in.Search({"kumquat"}).first == (Ids{"b1"}));

  // One audit entry: who acted, a hash of the subject, counts; nothing personal.
  REQUIRE(in.db.Count("SELECT COUNT(*) FROM scrm_audit WHERE kind = 'erase'") == 1);
  CHECK(in.db.Scalar("SELECT actor FROM scrm_audit WHERE kind = 'erase'") == "cli:dpo");
  CHECK(in.db.Scalar("SELECT subject_hash FROM scrm_audit WHERE kind = 'erase'") ==
        in.db.Scalar("SELECT SHA2('customer:Contacts/c-oz', 256)"));
  const json detail = json::parse(in.db.Scalar("SELECT detail FROM scrm_audit WHERE kind = 'erase'"));
  CHECK(detail["posts"] == 2);
  CHECK(detail["subject"] == "customer");
  CheckAuditFreeOfPersonalData(in.db);

  // Nothing left to erase: a clear error.
  RunResult again = in.Scrm({"erase", "--customer", "Contacts/c-nobody"});
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("nothing to erase") != std::string::npos);
  RunResult bad = in.Scrm({"erase", "--customer", "People/x"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("MODULE/ID") != std::string::npos);
}

TEST_CASE("scrm erase --profile removes one profile's posts and links only",
          "[mysql][app][privacy]") {
  AppInstance in;
  in.LoadPeople();
  const std::string bob = in.db.Scalar("SELECT id FROM scrm_profiles WHERE handle = 'bobother'");
  json erased = in.ScrmJson({"erase", "--profile", bob});
  CHECK(erased["profiles"] == 1);
  CHECK(erased["posts"] == 2);
  CHECK(erased["links"] == 1);  // the manual link, since unlinked
  CHECK(in.Search({"kumquat"}).first == (Ids{"z1", "z2"}));
  CHECK(in.Search({"quincunx"}).first == (Ids{"g1"}));
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_links WHERE crm_id = 'c-oz'") == 1);
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_link_decisions WHERE external_id = '555'") == 0);
  CheckAuditFreeOfPersonalData(in.db);
  CHECK(in.Scrm({"erase", "--profile", "999999"}).exit_code == 1);
}

TEST_CASE("retention per source removes old posts from the database and the index",
          "[mysql][app][privacy]") {
  AppInstance in;
  in.LoadPeople();
  RunResult bad = in.Scrm({"sources", "set", "community", "--retention-days", "-3"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--retention-days") != std::string::npos);
  json set = in.ScrmJson({"sources", "set", "community", "--retention-days", "365"});
  CHECK(set["retention_days"] == 365);

  // z2 and b2 were published in 2019: past a year's retention.
  json dry = in.ScrmJson({"retention", "--dry-run"});
  CHECK(dry["posts"] == 2);
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_posts") == 6);
  json done = in.ScrmJson({"retention"});
  REQUIRE(done["sources"].size() == 1);
  CHECK(done["sources"][0]["source"] == "community");
  CHECK(done["posts"] == 2);
  CHECK(done["index"]["removed"] == 2);
  CHECK(in.Search({"kumquat"}).first == (Ids{"b1", "z1"}));
  CHECK(in.Search({"quincunx"}).first == (Ids{"g1"}));
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_posts WHERE published < '2020-01-01'") == 0);
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_posts") == 4);
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_audit WHERE kind = 'retention'") == 1);
  // Nothing more to do: nothing removed, no new audit entry.
  CHECK(in.ScrmJson({"retention"})["posts"] == 0);
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_audit WHERE kind = 'retention'") == 1);

  // scrm serve applies it at start (then every retention.interval_hours),
  // and its feeder takes the posts out of the index.
  in.ScrmJson({"sources", "set", "community", "--retention-days", "30"});
  Child serve({ScrmBinary(), "serve"}, in.env);
  REQUIRE(!serve.WaitForLine("listening on", 15000).empty());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (in.db.Count("SELECT COUNT(*) FROM scrm_index_queue") > 0 ||
         in.db.Count("SELECT COUNT(*) FROM scrm_posts WHERE source_id = 1") > 0) {
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_posts WHERE source_id = 1") == 0);
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_index_queue") == 0);
  serve.Signal(SIGTERM);
  CHECK(serve.Wait(10000) == 0);
  CHECK(in.Search({"kumquat"}).second == 0);
  CHECK(in.Search({"network"}).second == 1);  // the staff source keeps everything
}

TEST_CASE("opted-out and invalid CRM addresses never make an automatic link",
          "[mysql][app][privacy]") {
  AppInstance in;
  in.db.LoadSuiteCrmSchema(false);
  REQUIRE(in.Scrm({"migrate"}).exit_code == 0);
  REQUIRE(in.Scrm({"sources", "add", "community", "--type", "file", "--visibility", "public"})
              .exit_code == 0);
  REQUIRE(in.Scrm({"ingest", "--source", "community", DataFile("privacy/people.jsonl")}).exit_code == 4);
  int n = 0;
  auto contact = [&](const std::string& id, const std::string& first, const std::string& last,
                     const std::string& address, int invalid, int opt_out) {
    const std::string eid = "e-" + std::to_string(++n);
    in.db.Exec(
        "INSERT INTO contacts (id, first_name, last_name, date_entered, date_modified, deleted) "
        "VALUES ('" + id + "', '" + first + "', '" + last + "', '2025-01-01 00:00:00', "
        "'2026-01-01 10:00:00', 0);\n"
        "INSERT INTO email_addresses (id, email_address, email_address_caps, invalid_email, "
        "opt_out, date_created, date_modified, deleted) VALUES ('" + eid + "', '" + address +
        "', UPPER('" + address + "'), " + std::to_string(invalid) + ", " + std::to_string(opt_out) +
        ", '2025-01-01 00:00:00', '2025-01-01 00:00:00', 0);\n"
        "INSERT INTO email_addr_bean_rel (id, email_address_id, bean_id, bean_module, "
        "primary_address, reply_to_address, date_created, date_modified, deleted) VALUES ('r-" +
        eid + "', '" + eid + "', '" + id + "', 'Contacts', 1, 0, '2025-01-01 00:00:00', "
        "'2025-01-01 00:00:00', 0);\n");
  };
  // The profiles carry these very addresses: valid and opted in, each would link on its own.
  contact("c-oz", "Ophélie", "Zanzibar", "ophelie@zanzibar.example", /*invalid=*/1, 0);
  contact("c-gq", "Gaspard", "Quincampoix", "gaspard@quincampoix.example", 0, /*opt_out=*/1);
  REQUIRE(in.Scrm({"crm-sync"}).exit_code == 0);
  REQUIRE(in.Scrm({"match"}).exit_code == 0);
  auto status = [&](const std::string& crm_id) {
    return in.db.Scalar("SELECT COALESCE(MAX(status), 'none') FROM scrm_links WHERE crm_id = '" +
                        crm_id + "'");
  };
  // An invalid address is not read from the CRM at all: no e-mail evidence, no auto link.
  CHECK(status("c-oz") != "auto");
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_customer_emails WHERE crm_id = 'c-oz'") == 0);
  // An opted-out address is shown as evidence for review, never an automatic link.
  CHECK(status("c-gq") == "suggested");
  CHECK(in.db.Scalar("SELECT evidence FROM scrm_links WHERE crm_id = 'c-gq'").find("opted out") !=
        std::string::npos);
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_links WHERE status = 'auto'") == 0);

  // The same address once valid again: linked automatically, so the flag was the cause.
  in.db.Exec("UPDATE email_addresses SET invalid_email = 0, date_modified = UTC_TIMESTAMP() "
             "WHERE email_address = 'ophelie@zanzibar.example';\n");
  REQUIRE(in.Scrm({"crm-sync"}).exit_code == 0);
  REQUIRE(in.Scrm({"match"}).exit_code == 0);
  CHECK(status("c-oz") == "auto");
  CHECK(status("c-gq") == "suggested");
}

TEST_CASE("POST /api/v1/admin/erase erases as scrm erase does, admins only, and serve's feeder "
          "takes the posts out of the index", "[mysql][app][privacy]") {
  AppInstance in;
  in.LoadPeople();
  Child serve({ScrmBinary(), "serve"}, in.env);
  const std::string listening = serve.WaitForLine("listening on", 15000);
  const int port = std::atoi(listening.c_str() + listening.rfind(':') + 1);
  REQUIRE(port > 0);
  auto token = [&](const std::string& user, const std::string& roles) {
    RunResult r = in.Scrm({"token", "--user", user, "--roles", roles});
    REQUIRE(r.exit_code == 0);
    return r.out.substr(0, r.out.find('\n'));
  };
  auto post = [&](const std::string& bearer, const std::string& body) {
    CallOptions o = WithBody(body);
    o.headers["Content-Type"] = "application/json";
    if (!bearer.empty()) o.headers["Authorization"] = "Bearer " + bearer;
    return Call(port, "POST", "/api/v1/admin/erase", o);
  };
  const std::string admin = token("1", "admin"), sales = token("7", "sales");
  const std::string body = json{{"customer", "Contacts/c-gq"}}.dump();
  CHECK(post("", body).status == 401);
  CHECK(post(sales, body).status == 403);
  ClientResponse bad = post(admin, json{{"customer", "Contacts"}}.dump());
  CHECK(bad.status == 400);
  CHECK(json::parse(bad.body)["error"]["field"] == "customer");
  CHECK(post(admin, json{{"profile_id", "x"}}.dump()).status == 400);
  CHECK(post(admin, "{}").status == 400);
  CHECK(post(admin, json{{"customer", "Contacts/c-none"}}.dump()).status == 404);

  ClientResponse dry = post(admin, json{{"customer", "Contacts/c-gq"}, {"dry_run", true}}.dump());
  REQUIRE(dry.status == 200);
  CHECK(json::parse(dry.body)["posts"] == 1);
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_audit WHERE kind = 'erase'") == 0);

  ClientResponse done = post(admin, body);
  INFO(done.body);
  REQUIRE(done.status == 200);
  const json counts = json::parse(done.body);
  CHECK(counts["profiles"] == 1);
  CHECK(counts["posts"] == 1);
  CHECK(counts["links"] == 2);  // Gaspard's own link and Bob's unlinked one to his record
  // The running server's feeder removes the document.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (in.db.Count("SELECT COUNT(*) FROM scrm_index_queue") > 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  serve.Signal(SIGTERM);
  CHECK(serve.Wait(10000) == 0);
  CHECK(in.Search({"quincunx"}).first == (Ids{"b2"}));
  CHECK(in.Search({"kumquat"}).first == (Ids{"b1", "z1", "z2"}));
  CHECK(in.db.Scalar("SELECT CONCAT_WS('|', actor, address, object) FROM scrm_audit WHERE kind = "
                     "'erase'") == "1|127.0.0.1|customer");
  CHECK(in.db.Scalar("SELECT subject_hash FROM scrm_audit WHERE kind = 'erase'") ==
        in.db.Scalar("SELECT SHA2('customer:Contacts/c-gq', 256)"));
  const std::string audit = in.db.Scalar("SELECT CONCAT(subject_hash, detail) FROM scrm_audit WHERE kind = 'erase'");
  for (const char* personal : {"Gaspard", "Quincampoix", "gq@m.example", "c-gq", "gaspard@"}) {
    CHECK(audit.find(personal) == std::string::npos);
  }
}
