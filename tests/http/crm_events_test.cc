// POST /api/v1/crm/events against a real SuiteCRM schema in MariaDB: the
// handler's answers (202, 401, 400 naming the field, 403), its effect (the
// record re-read into scrm_customers, the event kept in scrm_crm_events),
// and the whole path from the PHP plugin (ScrmClient::sendEvent over curl)
// to a server on port 0.
#include "http/crm_events.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http/push.h"
#include "http/server.h"
#include "store/crm_event_repository.h"
#include "store/customer_repository.h"
#include "store/migrator.h"
#include "support/process.h"
#include "support/test_db.h"

using namespace scrm;
using namespace scrm::http;

namespace {

const char kSecret[] = "crm-shared-secret";

class CrmDb {
 public:
  CrmDb() {
    db.LoadSuiteCrmSchema(false);
    REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), {}).ok());
  }
  void Contact(const std::string& id, const std::string& last, int deleted = 0) {
    db.Exec("INSERT INTO contacts (id, first_name, last_name, date_entered, date_modified, deleted) "
            "VALUES ('" + id + "', 'Anne', '" + last + "', '2025-01-01 00:00:00', "
            "'2026-01-01 10:00:00', " + std::to_string(deleted) + ");\n");
  }
  std::optional<Customer> Get(const std::string& id) {
    return store::CustomerRepository(db.pool()).Get(CrmModule::kContacts, id);
  }
  testing::TestDatabase db;
};

Request Signed(const std::string& body, const std::string& secret = kSecret) {
  Request r;
  r.method = "POST";
  r.path = "/api/v1/crm/events";
  r.body = body;
  r.headers["x-scrm-signature"] = PushSignature(secret, body);
  return r;
}

std::string Event(const std::string& module, const std::string& id, const std::string& event) {
  return nlohmann::json{{"module", module}, {"id", id}, {"event", event},
                        {"at", "2026-11-22T10:00:00Z"}}.dump();
}

nlohmann::json Body(const Response& r) { return nlohmann::json::parse(r.body); }

}  // namespace

TEST_CASE("a signed CRM event re-reads the record and is kept", "[mysql][http][crm]") {
  CrmDb crm;
  crm.Contact("c1", "Martin");
  store::Pool* pool = &crm.db.pool();

  int changed = 0;  // scrm serve wakes its matching there
  Response saved = HandleCrmEvent(pool, kSecret, Signed(Event("Contacts", "c1", "save")),
                                  [&changed] { ++changed; });
  REQUIRE(saved.status == 202);
  CHECK(changed == 1);
  CHECK(HandleCrmEvent(pool, kSecret, Signed(Event("Contacts", "c1", "save"), "wrong"),
                       [&changed] { ++changed; }).status == 401);
  CHECK(changed == 1);  // a refused event wakes nothing
  CHECK(Body(saved) == nlohmann::json{{"module", "Contacts"}, {"id", "c1"}, {"event", "save"},
                                      {"outcome", "inserted"}});
  std::optional<Customer> c = crm.Get("c1");
  REQUIRE(c.has_value());
  CHECK(c->name == "Anne Martin");

  // Saved again with a new name: the engine's copy follows at once.
  crm.db.Exec("UPDATE contacts SET last_name = 'Martin-Durand' WHERE id = 'c1';\n");
  CHECK(Body(HandleCrmEvent(pool, kSecret, Signed(Event("Contacts", "c1", "save"))))["outcome"] ==
        "changed");
  CHECK(crm.Get("c1")->name == "Anne Martin-Durand");
  CHECK(Body(HandleCrmEvent(pool, kSecret, Signed(Event("Contacts", "c1", "save"))))["outcome"] ==
        "unchanged");

  // Deleted in the CRM (soft delete), then restored.
  crm.db.Exec("UPDATE contacts SET deleted = 1 WHERE id = 'c1';\n");
  CHECK(Body(HandleCrmEvent(pool, kSecret, Signed(Event("Contacts", "c1", "delete"))))["outcome"] ==
        "removed");
  CHECK_FALSE(crm.Get("c1").has_value());
  crm.db.Exec("UPDATE contacts SET deleted = 0 WHERE id = 'c1';\n");
  CHECK(Body(HandleCrmEvent(pool, kSecret, Signed(Event("Contacts", "c1", "restore"))))["outcome"] ==
        "inserted");
  CHECK(crm.Get("c1").has_value());

  std::optional<store::CrmEvent> kept = store::CrmEventRepository(*pool).Get("Contacts", "c1");
  REQUIRE(kept.has_value());
  CHECK(kept->event == "restore");
  CHECK(kept->event_at == "2026-11-22 10:00:00");
  CHECK(kept->outcome == "inserted");
  CHECK(kept->events == 5);
  CHECK_FALSE(kept->received_at.empty());

  // A record the CRM does not have.
  CHECK(Body(HandleCrmEvent(pool, kSecret, Signed(Event("Leads", "nope", "save"))))["outcome"] ==
        "absent");
}

TEST_CASE("CRM events: a bad signature is 401, a bad body 400 naming the field",
          "[mysql][http][crm]") {
  CrmDb crm;
  crm.Contact("c1", "Martin");
  store::Pool* pool = &crm.db.pool();

  Request unsigned_r = Signed(Event("Contacts", "c1", "save"));
  unsigned_r.headers.clear();
  CHECK(HandleCrmEvent(pool, kSecret, unsigned_r).status == 401);
  Response wrong = HandleCrmEvent(pool, kSecret, Signed(Event("Contacts", "c1", "save"), "wrong"));
  CHECK(wrong.status == 401);
  CHECK(Body(wrong)["error"]["message"].get<std::string>().find(
            "the secret shared with the CRM plugin (SCRM_SECRET)") != std::string::npos);
  Request altered = Signed(Event("Contacts", "c1", "save"));
  altered.body = Event("Contacts", "c2", "save");
  CHECK(HandleCrmEvent(pool, kSecret, altered).status == 401);
  CHECK_FALSE(crm.Get("c1").has_value());  // nothing was read for a refused event

  // No secret configured on the engine: refused with the fix.
  Response none = HandleCrmEvent(pool, "", Signed(Event("Contacts", "c1", "save"), ""));
  CHECK(none.status == 403);
  CHECK(Body(none)["error"]["message"].get<std::string>().find("SCRM_SECRET") != std::string::npos);

  struct Bad {
    std::string body;
    std::string field;
  };
  const std::vector<Bad> bad = {
      {"not json", "body"},
      {"[1,2]", "body"},
      {R"({"id":"c1","event":"save","at":"2026-11-22T10:00:00Z"})", "module"},
      {R"({"module":"Opportunities","id":"c1","event":"save","at":"2026-11-22T10:00:00Z"})", "module"},
      {R"({"module":"Contacts","event":"save","at":"2026-11-22T10:00:00Z"})", "id"},
      {R"({"module":"Contacts","id":7,"event":"save","at":"2026-11-22T10:00:00Z"})", "id"},
      {R"({"module":"Contacts","id":"0123456789012345678901234567890123456","event":"save","at":"2026-11-22T10:00:00Z"})", "id"},
      {R"({"module":"Contacts","id":"c1","event":"merge","at":"2026-11-22T10:00:00Z"})", "event"},
      {R"({"module":"Contacts","id":"c1","event":"save"})", "at"},
      {R"({"module":"Contacts","id":"c1","event":"save","at":"yesterday"})", "at"},
  };
  for (const Bad& b : bad) {
    INFO(b.body);
    Response r = HandleCrmEvent(pool, kSecret, Signed(b.body));
    CHECK(r.status == 400);
    CHECK(Body(r)["error"]["code"] == "invalid_argument");
    CHECK(Body(r)["error"]["field"] == b.field);
  }
  CHECK(crm.db.Count("SELECT COUNT(*) FROM scrm_crm_events") == 0);
}

TEST_CASE("the PHP plugin's hook event reaches a running engine", "[mysql][http][crm][plugin]") {
  CrmDb crm;
  crm.Contact("c9", "Lefèvre");
  Services services;
  services.pool = &crm.db.pool();
  services.secret = kSecret;
  ServerOptions options;
  options.port = 0;
  options.threads = 2;
  Server server(options, services);
  REQUIRE(server.Start().ok());
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  const std::string script =
      std::string(SCRM_SOURCE_DIR) + "/plugin/suitecrm/tests/send_event.php";

  testing::RunResult sent = testing::Run({SCRM_PHP, script, url, kSecret, "Contacts", "c9", "save"}, {});
  INFO(sent.err);
  CHECK(sent.exit_code == 0);
  CHECK(sent.out == "accepted\n");
  std::optional<Customer> c = crm.Get("c9");
  REQUIRE(c.has_value());
  CHECK(c->name == "Anne Lefèvre");

  testing::RunResult refused =
      testing::Run({SCRM_PHP, script, url, "not-the-secret", "Contacts", "c9", "delete"}, {});
  CHECK(refused.out == "refused\n");
  CHECK(refused.err.find("HTTP 401") != std::string::npos);
  CHECK(crm.Get("c9").has_value());
  server.Stop();
}
