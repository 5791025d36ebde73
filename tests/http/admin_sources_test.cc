// /api/v1/admin/sources: the sources as JSON for admins, against the real
// `scrm serve` (the pages' fixture, tests/ui/ui_fixture.h): add, read,
// change, poll, remove, with the forms' checks and errors, the security
// log's rows, a push secret stored sealed and never answered back.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <nlohmann/json.hpp>

#include "ui/ui_fixture.h"

namespace scrm::testing {
namespace {

struct Api {
  const Engine& e;
  std::string token;
  ClientResponse operator()(const std::string& method, const std::string& target,
                            const std::string& body = "") const {
    return Authed(e.port, method, target, token, body);
  }
};

std::string FieldOf(const ClientResponse& r) {
  const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("error") && j["error"]["field"].is_string()
             ? j["error"]["field"].get<std::string>()
             : "";
}

}  // namespace

TEST_CASE("admins manage sources over JSON with the forms' checks, secrets never come back",
          "[mysql][http][admin]") {
  Engine e;
  e.Setup();  // the source "community", added by the CLI
  e.Serve();
  const Api admin{e, e.Token("1", "admin")};
  const std::string sources = "/api/v1/admin/sources";

  ClientResponse added = admin("POST", sources,
                               R"({"name": "hook", "type": "push", "visibility": "community",
                                   "community": "partners", "retention_days": 30,
                                   "push_secret": "s3cret-value"})");
  INFO(added.body);
  REQUIRE(added.status == 201);
  nlohmann::json hook = nlohmann::json::parse(added.body);
  CHECK(hook["name"] == "hook");
  CHECK(hook["type"] == "push");
  CHECK(hook["visibility"] == "community");
  CHECK(hook["community"] == "partners");
  CHECK(hook["retention_days"] == 30);
  CHECK(hook["push_secret"] == "(set)");
  CHECK(e.db.Scalar("SELECT LEFT(push_secret, 7) FROM scrm_sources WHERE name = 'hook'") == "enc:v1:");

  ClientResponse listed = admin("GET", sources);
  REQUIRE(listed.status == 200);
  const nlohmann::json list = nlohmann::json::parse(listed.body)["sources"];
  REQUIRE(list.size() == 2);
  CHECK(list[0]["name"] == "community");
  CHECK(list[1]["name"] == "hook");
  CHECK(admin("GET", sources + "/hook").body == added.body);

  // A change of visibility: stored, and the source's posts queued for the index.
  const Api viewer{e, e.Token("8", "viewer")};
  const ClientResponse before = viewer("GET", "/api/v1/search?q=billing");
  REQUIRE(before.status == 200);
  REQUIRE(nlohmann::json::parse(before.body)["total"].get<int64_t>() > 0);
  ClientResponse changed = admin("PATCH", sources + "/community", R"({"visibility": "internal"})");
  INFO(changed.body);
  REQUIRE(changed.status == 200);
  CHECK(nlohmann::json::parse(changed.body)["visibility"] == "internal");
  CHECK(e.db.Scalar("SELECT visibility FROM scrm_sources WHERE name = 'community'") == "internal");
  // The index follows: a viewer's search no longer finds the now internal posts.
  int64_t seen = -1;
  for (int i = 0; i < 300 && seen != 0; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ClientResponse found = viewer("GET", "/api/v1/search?q=billing");
    REQUIRE(found.status == 200);
    seen = nlohmann::json::parse(found.body)["total"].get<int64_t>();
  }
  CHECK(seen == 0);
  ClientResponse secret = admin("PATCH", sources + "/hook", R"({"push_secret": "other-secret"})");
  REQUIRE(secret.status == 200);
  CHECK(secret.body.find("other-secret") == std::string::npos);

  // Bad input: the field named, nothing stored.
  struct Bad {
    const char* method;
    std::string target, body;
    int status;
    const char* field;
  };
  for (const Bad& bad : std::vector<Bad>{
           {"PATCH", sources + "/hook", R"({"type": "url"})", 400, "type"},
           {"PATCH", sources + "/hook", R"({"poll_interval_seconds": "often"})", 400,
            "poll_interval_seconds"},
           {"PATCH", sources + "/hook", R"({"visibility": "everyone"})", 400, "visibility"},
           {"PATCH", sources + "/hook", R"({"colour": "blue"})", 400, "colour"},
           {"PATCH", sources + "/hook", R"({"push_secret": 12})", 400, "push_secret"},
           {"PATCH", sources + "/hook", "[1]", 400, "body"},
           {"PATCH", sources + "/nosuch", R"({"visibility": "public"})", 404, ""},
           {"POST", sources, R"({"type": "file"})", 400, "name"},
           {"POST", sources, R"({"name": "Bad Name!", "type": "file"})", 400, "name"},
           {"POST", sources, R"({"name": "long", "type": "push", "push_secret": ")" +
                                 std::string(256, 's') + "\"}",
            400, "push_secret"},
           {"POST", sources, R"({"name": "hook", "type": "file"})", 409, ""},
       }) {
    ClientResponse r = admin(bad.method, bad.target, bad.body);
    INFO(bad.method << " " << bad.target << " " << bad.body.substr(0, 80) << " -> " << r.body);
    CHECK(r.status == bad.status);
    if (*bad.field != '\0') CHECK(FieldOf(r) == bad.field);
  }
  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_sources") == "2");
  CHECK(e.db.Scalar("SELECT CONCAT_WS('|', type, visibility) FROM scrm_sources WHERE name = 'hook'") ==
        "push|community");

  // Poll now: a push source is not polled; an unknown one is not found.
  ClientResponse poll = admin("POST", sources + "/hook/poll", "{}");
  INFO(poll.body);
  CHECK(poll.status == 409);
  CHECK(admin("POST", sources + "/nosuch/poll", "{}").status == 404);

  ClientResponse removed = admin("DELETE", sources + "/hook");
  REQUIRE(removed.status == 200);
  CHECK(nlohmann::json::parse(removed.body) == nlohmann::json{{"removed", "hook"}});
  CHECK(admin("GET", sources + "/hook").status == 404);
  CHECK(admin("DELETE", sources + "/hook").status == 404);

  // Admins only.
  const Api sales{e, e.Token("7", "sales")};
  CHECK(sales("GET", sources).status == 403);
  CHECK(sales("POST", sources, R"({"name": "x", "type": "file"})").status == 403);

  // The security log: each change by user 1, from the client's address; the
  // secret by name only.
  const auto logged = [&](const std::string& kind) {
    return e.db.Scalar("SELECT GROUP_CONCAT(CONCAT_WS('|', actor, address, object) ORDER BY id) "
                       "FROM scrm_audit WHERE kind = '" + kind + "' AND actor = '1'");
  };
  CHECK(logged("source_added") == "1|127.0.0.1|source:hook");
  CHECK(logged("source_changed") == "1|127.0.0.1|source:community,1|127.0.0.1|source:hook");
  CHECK(logged("source_removed") == "1|127.0.0.1|source:hook");
  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_audit WHERE COALESCE(detail, '') LIKE '%s3cret%' "
                    "OR COALESCE(detail, '') LIKE '%other-secret%' OR detail LIKE '%enc:v1:%'") == "0");
}

}  // namespace scrm::testing
