// The /api/v1/links handlers, called as the router calls them (a Request
// in, a Response out), against a real MariaDB: the caller is recorded as
// decided_by, errors are the API's JSON errors.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http/links.h"
#include "http/request.h"
#include "service/matching.h"
#include "store/content_repository.h"
#include "store/customer_repository.h"
#include "store/migrator.h"
#include "store/source_repository.h"
#include "support/test_db.h"

using namespace scrm;
using namespace scrm::http;

namespace {

Request As(const std::string& method, const std::string& id = "", const std::string& body = "") {
  Request r;
  r.method = method;
  if (!id.empty()) r.params["id"] = id;
  r.body = body;
  r.principal.user_id = "42";
  r.principal.user_name = "sally";
  r.principal.roles = {"sales"};
  return r;
}

nlohmann::json Body(const Response& r) { return nlohmann::json::parse(r.body); }

}  // namespace

TEST_CASE("links API: review queue, confirm, reject, manual link, unlink", "[mysql][identity][http]") {
  testing::TestDatabase db;
  store::MigrateOptions allow;
  allow.allow_empty_crm = true;
  REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), allow).ok());
  auto contact = [](const std::string& id, const std::string& first, const std::string& last) {
    Customer c;
    c.crm_id = id;
    c.first_name = first;
    c.last_name = last;
    c.name = first + " " + last;
    return c;
  };
  store::CustomerRepository(db.pool()).Upsert(
      CrmModule::kContacts, {contact("c1", "Ophélie", "Zanzibar"), contact("c2", "Gaspard", "Quincampoix")});
  auto profile = [](const std::string& id, const std::string& name) {
    Profile p;
    p.platform = "mastodon";
    p.external_id = id;
    p.url = id;
    p.display_name = name;
    return p;
  };
  // The profiles' source: internal, which sales may see (a profile of no
  // known source is for admins only).
  Source staff;
  staff.name = "staff";
  staff.type = "file";
  Result<Source> added = store::SourceRepository(db.pool()).Add(staff);
  REQUIRE(added.ok());
  store::ContentRepository(db.pool()).UpsertProfiles(
      added->id, {profile("https://m.example/@oz", "Ophelie Zanzibar"), profile("https://m.example/@gq", "Gaspard Quincampoix"),
          profile("https://m.example/@x", "X")});
  REQUIRE(service::MatchAll(db.pool(), service::RunOptions{}).ok());

  Request list = As("GET");
  list.query.emplace("status", "suggested");
  Response queue = ListLinks(&db.pool(), list);
  REQUIRE(queue.status == 200);
  nlohmann::json q = Body(queue);
  REQUIRE(q["links"].size() == 2);
  CHECK(q["total"] == 2);
  Request outsider = list;
  outsider.principal.roles = {"viewer"};  // public only: these links do not exist for it
  CHECK(Body(ListLinks(&db.pool(), outsider))["links"].empty());
  CHECK(Body(ListLinks(&db.pool(), outsider))["total"] == 0);
  CHECK(q["links"][0]["evidence"].size() >= 1);
  const std::string first = std::to_string(q["links"][0]["id"].get<int64_t>());
  const std::string second = std::to_string(q["links"][1]["id"].get<int64_t>());

  Response confirmed = ConfirmLink(&db.pool(), As("POST", first));
  REQUIRE(confirmed.status == 200);
  CHECK(Body(confirmed)["status"] == "confirmed");
  CHECK(Body(confirmed)["decided_by"] == "42");
  CHECK(Body(confirmed)["decided_by_name"] == "sally");
  CHECK(Body(confirmed)["history"].back()["action"] == "confirm");

  Response rejected = RejectLink(&db.pool(), As("POST", second));
  REQUIRE(rejected.status == 200);
  CHECK(Body(rejected)["status"] == "rejected");

  const int64_t x = std::stoll(db.Scalar("SELECT id FROM scrm_profiles WHERE display_name = 'X'"));
  Response made = CreateLink(&db.pool(), As("POST", "", nlohmann::json{{"profile_id", x}, {"crm_module", "Contacts"}, {"crm_id", "c2"}}.dump()));
  REQUIRE(made.status == 201);
  CHECK(Body(made)["status"] == "manual");
  const std::string manual = std::to_string(Body(made)["id"].get<int64_t>());

  Response again = CreateLink(&db.pool(), As("POST", "", nlohmann::json{{"profile_id", x}, {"crm_module", "Contacts"}, {"crm_id", "c1"}}.dump()));
  CHECK(again.status == 409);
  CHECK(Body(again)["error"]["code"] == "conflict");
  CHECK(CreateLink(&db.pool(), As("POST", "", "{\"profile_id\": 1}")).status == 400);
  CHECK(CreateLink(&db.pool(), As("POST", "", "not json")).status == 400);

  Response gone = DeleteLink(&db.pool(), As("DELETE", manual));
  REQUIRE(gone.status == 200);
  CHECK(Body(gone)["status"] == "rejected");
  CHECK(Body(gone)["history"].back()["action"] == "unlink");
  CHECK(DeleteLink(&db.pool(), As("DELETE", manual)).status == 409);
  CHECK(ConfirmLink(&db.pool(), As("POST", "99999")).status == 404);
  CHECK(ConfirmLink(&db.pool(), As("POST", "abc")).status == 400);
  Response one = GetLink(&db.pool(), As("GET", first));
  CHECK(one.status == 200);
  Request bad = As("GET");
  bad.query.emplace("status", "maybe");
  CHECK(ListLinks(&db.pool(), bad).status == 400);
  CHECK(ListLinks(nullptr, As("GET")).status == 503);
}
