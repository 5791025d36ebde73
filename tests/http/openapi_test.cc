// The OpenAPI description (engine/http/openapi.json, served at
// /api/v1/openapi.json) held to the code: the route table itself is walked
// (RouteTable, not a copy of it), so a route, a method, a path parameter or an
// access level missing from the description or differing fails here, naming
// the route and what to add; each handler is run with its query reads
// recorded, so a query parameter read and not described (or described and
// never read) fails; and real answers of the real `scrm serve`, one call at
// least for every /api/v1 route, are validated against the schemas by
// tests/http/openapi_check.py (Debian's python3-jsonschema), objects closed:
// an answer field the description does not name fails.
#include "http/openapi.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "http/auth.h"
#include "secrets/crypto.h"
#include "http/push.h"
#include "http/routes.h"
#include "http/server.h"
#include "store/migrator.h"
#include "store/saved_search_repository.h"
#include "ui/ui_fixture.h"

namespace scrm::http {
namespace {

using nlohmann::json;
using scrm::testing::CallOptions;
using scrm::testing::ClientResponse;

constexpr char kDescription[] = "engine/http/openapi.json";

// The routes the description covers.
bool Described(const std::string& path) { return path.rfind("/api/v1/", 0) == 0; }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

json Description() { return json::parse(OpenApiJson()); }

std::vector<Route> Table(const Services& services = Services{}) {
  static Metrics metrics("openapi-test");
  return RouteTable(services, metrics);
}

// The {names} of a route template, in order.
std::set<std::string> TemplateParams(const std::string& path) {
  std::set<std::string> names;
  const std::regex param(R"(\{([^}]+)\})");
  for (auto it = std::sregex_iterator(path.begin(), path.end(), param);
       it != std::sregex_iterator(); ++it) {
    names.insert((*it)[1]);
  }
  return names;
}

// The parameters of an operation in one location ("path", "query"), those of
// its path item included, $ref resolved: name -> parameter.
std::map<std::string, json> Params(const json& doc, const std::string& path,
                                   const std::string& method, const std::string& in) {
  std::map<std::string, json> out;
  const json& item = doc["paths"][path];
  for (const json* list : {&item, &item[method]}) {
    if (!list->contains("parameters")) continue;
    for (json p : (*list)["parameters"]) {
      if (p.contains("$ref"))
        p = doc.at(json::json_pointer(p["$ref"].get<std::string>().substr(1)));
      if (p["in"] == in) out[p["name"].get<std::string>()] = p;
    }
  }
  return out;
}

std::string Names(const std::set<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

// Concrete values for a route's {params}, good enough to reach the handler's
// reading of its query (a known export file name, a number for ids).
std::map<std::string, std::string> ConcreteParams(const std::string& path_template) {
  std::map<std::string, std::string> values;
  for (const std::string& name : TemplateParams(path_template)) {
    values[name] = name == "id"       ? "1"
                   : name == "module" ? "Contacts"
                   : name == "file"   ? "manifest.json"
                                      : "x";
  }
  return values;
}

std::string Concrete(const std::string& path_template) {
  std::string path = path_template;
  for (const auto& [name, value] : ConcreteParams(path_template)) {
    path = std::regex_replace(path, std::regex("\\{" + name + "\\}"), value);
  }
  return path;
}

// A searcher over nothing: the handlers get past their "no index" check.
class EmptySearcher : public index::Searcher {
 public:
  Result<index::SearchResult> Search(const index::SearchRequest&) override {
    return index::SearchResult{};
  }
  Result<int64_t> DocCount() override { return int64_t{0}; }
};

}  // namespace

TEST_CASE("every /api/v1 route of the table is described, with its path parameters and access",
          "[http][openapi]") {
  const json doc = Description();
  REQUIRE(doc["openapi"].get<std::string>().rfind("3.1.", 0) == 0);
  std::set<std::pair<std::string, std::string>> served;  // (path, method)
  for (const Route& route : Table()) {
    if (!Described(route.path)) continue;
    const std::string method = Lower(route.method);
    served.insert({route.path, method});
    INFO(route.method << " " << route.path);
    if (!doc["paths"].contains(route.path) || !doc["paths"][route.path].contains(method)) {
      FAIL_CHECK(route.method
                 << " " << route.path << " is served (engine/http/routes.cc) but not in "
                 << kDescription << ": add paths[\"" << route.path << "\"][\"" << method
                 << "\"] with \"x-scrm-access\": \"" << AccessName(route.access)
                 << "\", its parameters and its answers' schemas (docs/api.md#openapi), and a call "
                    "of it to the answers test in tests/http/openapi_test.cc");
      continue;
    }
    const json& op = doc["paths"][route.path][method];
    CHECK(op.value("x-scrm-access", "") == AccessName(route.access));
    // A public route needs no credentials; every other one a Bearer token or API key.
    CHECK(op["security"] == (route.access == Access::kPublic
                                 ? json::array()
                                 : json::array({{{"bearer", json::array()}}})));
    std::set<std::string> described;
    for (const auto& [name, p] : Params(doc, route.path, method, "path")) {
      described.insert(name);
      CHECK(p.value("required", false));
    }
    INFO("path parameters: the template has " << Names(TemplateParams(route.path)) << ", "
                                              << kDescription << " describes " << Names(described));
    CHECK(described == TemplateParams(route.path));
    // A successful answer with its content, and errors as the Error schema.
    bool success = false;
    for (const auto& [status, response] : op["responses"].items()) {
      if (status.size() == 3 && status[0] == '2') success = true;
    }
    CHECK(success);
    CHECK(op["responses"]["default"] == json{{"$ref", "#/components/responses/Error"}});
    // A route that reads JSON only is marked so (JsonBody: 415 for any other
    // Content-Type), and a marked route describes a JSON body, nothing else.
    const bool json_only = op.contains("requestBody") &&
                           op["requestBody"]["content"].size() == 1 &&
                           op["requestBody"]["content"].contains("application/json");
    INFO("its requestBody is " << (op.contains("requestBody") ? op["requestBody"].dump() : "absent")
                               << ": wrap the route in JsonBody(...) in engine/http/routes.cc "
                                  "exactly when the body is application/json only");
    CHECK(route.json_body == json_only);
  }
  // A /ui/api/v1 twin reads its body as its /api/v1 route does.
  std::map<std::pair<std::string, std::string>, bool> json_body;
  for (const Route& route : Table()) json_body[{route.method, route.path}] = route.json_body;
  for (const auto& [key, marked] : json_body) {
    if (key.second.rfind("/ui/api/v1/", 0) != 0) continue;
    const auto api = json_body.find({key.first, key.second.substr(3)});
    if (api == json_body.end()) continue;
    INFO(key.first << " " << key.second << " and its /api/v1 twin");
    CHECK(marked == api->second);
  }
  // Nothing described that the engine does not serve.
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters" || method.rfind("x-", 0) == 0) continue;
      INFO(method << " " << path);
      if (served.count({path, method}) == 0) {
        FAIL_CHECK(kDescription
                   << " describes " << method << " " << path
                   << ", which engine/http/routes.cc does not serve: remove it, or add the route");
      }
    }
  }
  CHECK(served.size() >= 25);  // the table was walked, not skipped
}

TEST_CASE("GET /api/v1/openapi.json serves the committed description, to anyone",
          "[http][openapi]") {
  ServerOptions o;
  o.port = 0;
  o.per_address = {};
  Server server(o, Services{});  // no authorizer: only public routes answer
  REQUIRE(server.Start().ok());
  ClientResponse r = scrm::testing::Call(server.port(), "GET", "/api/v1/openapi.json");
  CHECK(r.status == 200);
  CHECK(r.Header("Content-Type").rfind("application/json", 0) == 0);
  std::ifstream committed(std::string(SCRM_SOURCE_DIR) + "/" + kDescription);
  REQUIRE(committed);
  // The binary's copy is the file as committed (embedded at build time).
  CHECK(json::parse(r.body) == json::parse(committed));
}

TEST_CASE("every query parameter a handler reads is described, and every one described is read",
          "[mysql][http][openapi]") {
  scrm::testing::TestDatabase db;
  store::MigrateOptions migrate;
  migrate.allow_empty_crm = true;
  REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), migrate).ok());
  // What the handlers look up first, so that they go on to read their query:
  // saved search 1 of user 1 (the ids below are "1").
  REQUIRE(store::SavedSearchRepository(db.pool()).Add("1", "walk", "q=billing").ok());
  const std::string staging =
      std::filesystem::temp_directory_path() / ("scrm-openapi-" + std::to_string(::getpid()));
  EmptySearcher searcher;
  Services services;
  services.pool = &db.pool();
  services.searcher = &searcher;
  services.import_staging_dir = staging;
  services.secret = "openapi-test-secret";
  const json doc = Description();
  int walked = 0;
  for (const Route& route : Table(services)) {
    if (!Described(route.path)) continue;
    const std::string method = Lower(route.method);
    if (!doc["paths"].contains(route.path) || !doc["paths"][route.path].contains(method))
      continue;  // failed above
    INFO(route.method << " " << route.path);
    std::set<std::string> read;
    Request r;
    r.method = route.method;
    r.path = Concrete(route.path);
    r.params = ConcreteParams(route.path);
    r.principal.user_id = "1";
    r.principal.roles = {"admin"};
    if (route.method != "GET" && route.method != "DELETE") r.body = "{}";
    r.query_names_read = &read;
    const Response answer = route.handler(r);
    INFO("answered " << answer.status << " " << answer.body.substr(0, 200));
    read.erase("sso");  // the authorizer's (it refuses ?sso= on API routes), not the handler's
    std::set<std::string> described;
    for (const auto& [name, p] : Params(doc, route.path, method, "query")) described.insert(name);
    for (const std::string& name : read) {
      if (described.count(name) == 0) {
        FAIL_CHECK(route.method
                   << " " << route.path << " reads the query parameter '" << name << "', which "
                   << kDescription << " does not describe: add {\"name\": \"" << name
                   << "\", \"in\": \"query\", \"schema\": ..., \"description\": ...} to paths[\""
                   << route.path << "\"][\"" << method << "\"].parameters");
      }
    }
    for (const std::string& name : described) {
      if (read.count(name) == 0) {
        FAIL_CHECK(kDescription << " describes the query parameter '" << name << "' of "
                                << route.method << " " << route.path
                                << ", which its handler never reads: remove it");
      }
    }
    ++walked;
  }
  CHECK(walked >= 25);
  std::filesystem::remove_all(staging);
}

namespace {

// Calls of the real scrm serve, each recorded with the route the router
// matched and the answer, for openapi_check.py.
class Recorder {
 public:
  Recorder(int port, std::string bearer)
      : port_(port), bearer_(std::move(bearer)), router_(Table()) {}

  ClientResponse operator()(const std::string& method, const std::string& target, int expected,
                            const std::string& body = "", CallOptions o = {}) {
    // No Authorization given: the admin's token; given empty: none at all.
    if (o.headers.count("Authorization") == 0) o.headers["Authorization"] = bearer_;
    if (o.headers["Authorization"].empty()) o.headers.erase("Authorization");
    if (!body.empty() || (method != "GET" && method != "DELETE")) {
      o.body = body;
      o.send_body = true;
      if (o.headers.count("Content-Type") == 0) o.headers["Content-Type"] = "application/json";
    }
    ClientResponse r = scrm::testing::Call(port_, method, target, o);
    INFO(method << " " << target << " -> " << r.status << " " << r.body.substr(0, 500));
    CHECK(r.status == expected);
    const Router::Match m = router_.Find(method, target.substr(0, target.find('?')));
    REQUIRE(m.kind == Router::Match::Kind::kFound);
    called_.insert({m.label, Lower(method)});
    calls_.push_back({{"method", method},
                      {"route", m.label},
                      {"status", r.status},
                      {"content_type", r.Header("Content-Type")},
                      {"body", r.body},
                      {"request_content_type", o.headers["Content-Type"]},
                      {"request_body", o.send_body ? json(o.body) : json(nullptr)}});
    return r;
  }
  json Json(const std::string& method, const std::string& target, int expected,
            const std::string& body = "") {
    const ClientResponse r = (*this)(method, target, expected, body);
    return json::parse(r.body, nullptr, false);
  }

  const json& calls() const { return calls_; }
  bool Called(const std::string& path, const std::string& method) const {
    return called_.count({path, method}) > 0;
  }

 private:
  int port_;
  std::string bearer_;
  Router router_;
  json calls_ = json::array();
  std::set<std::pair<std::string, std::string>> called_;
};

std::string Signed(const std::string& secret, const std::string& body) {
  return PushSignature(secret, body);
}

}  // namespace

TEST_CASE("real answers of scrm serve match the description's schemas, for every /api/v1 route",
          "[mysql][http][openapi]") {
  scrm::testing::Engine e;
  e.env["SCRM_RATE_LIMIT_PER_ADDRESS"] = "0";
  e.env["SCRM_RATE_LIMIT_PER_CREDENTIAL"] = "0";
  e.db.LoadSuiteCrmSchema(false);  // POST /api/v1/crm/events reads the CRM's tables
  const int64_t suggestion = e.Setup();
  // A second suggestion (Éric for a customer of his own), and a push source.
  Customer eric;
  eric.module = CrmModule::kContacts;
  eric.crm_id = "c-eric";
  eric.name = "Eric Lefevre";
  store::CustomerRepository(e.db.pool()).Upsert(CrmModule::kContacts, {eric});
  const std::string eric_id = "https://social.example/users/eric";
  const int64_t eric_profile =
      std::stoll(e.db.Scalar("SELECT id FROM scrm_profiles WHERE external_id = '" + eric_id + "'"));
  const std::string second = std::to_string(
      e.Suggest(eric_id, "c-eric", 0.55,
                R"([{"kind":"name","detail":"Eric Lefevre = Éric Lefèvre","weight":0.55}])"));
  REQUIRE(
      e.Scrm({"sources", "add", "pushed", "--type", "push", "--secret", "push-secret"}).exit_code ==
      0);
  e.Serve();

  TokenClaims admin;
  admin.user_id = "1";
  admin.user_name = "Admin";
  admin.roles = {"admin"};
  admin.expires_at = 4000000000;
  Recorder call(e.port, "Bearer " + MintToken(admin, scrm::testing::kSecret));

  // The description itself, without a token.
  CallOptions anonymous;
  anonymous.headers["Authorization"] = "";
  const ClientResponse described = call("GET", "/api/v1/openapi.json", 200, "", anonymous);
  const std::string doc_path = e.dir + "/openapi.json";
  std::ofstream(doc_path) << described.body;

  // Pushes and CRM events, signed.
  const std::string pushed =
      "{\"scrm\": 1}\n"
      "{\"type\":\"post\",\"id\":\"p1\",\"platform\":\"mastodon\",\"author\":{\"id\":\"https://"
      "social.example/users/zoe\",\"name\":\"Zoe\"},"
      "\"text\":\"pushed billing question\",\"published\":\"2026-10-01T10:00:00Z\"}\n"
      "{\"type\":\"post\",\"id\":\"p2\"}\n";
  CallOptions push;
  push.headers["X-Scrm-Signature"] = Signed("push-secret", pushed);
  push.headers["Content-Type"] = "application/x-ndjson";
  call("POST", "/api/v1/ingest/pushed", 200, pushed, push);
  call("POST", "/api/v1/ingest/nosuch", 401, pushed, push);
  const std::string event =
      R"({"module":"Contacts","id":"c-none","event":"save","at":"2026-11-22T10:00:00Z"})";
  CallOptions hook;
  hook.headers["X-Scrm-Signature"] = Signed(scrm::testing::kSecret, event);
  call("POST", "/api/v1/crm/events", 202, event, hook);

  // Search and its export.
  call("GET", "/api/v1/search?q=billing&limit=5", 200);
  call("GET", "/api/v1/search?q=nothingmatchesthis&facets=false&histogram=false", 200);
  call("GET", "/api/v1/search?limit=0", 400);
  call("GET", "/api/v1/search/export?q=billing&format=csv", 200);
  call("GET", "/api/v1/search/export?format=jsonl&platform=mastodon", 200);

  // Saved searches.
  const json saved = call.Json(
      "POST", "/api/v1/saved-searches", 201,
      R"({"name":"billing","params":{"q":"billing","platform":["mastodon"],"linked":false}})");
  const std::string saved_path = "/api/v1/saved-searches/" + std::to_string(saved.value("id", 0));
  call("GET", "/api/v1/saved-searches", 200);
  call("GET", saved_path + "?limit=5&sort=date", 200);
  call("POST", saved_path + "/seen", 200);
  call("DELETE", saved_path, 200);
  call("GET", saved_path, 404);

  // Links: the review queue, one link, decisions.
  const std::string link = "/api/v1/links/" + std::to_string(suggestion);
  call("GET", "/api/v1/links?status=suggested&limit=10", 200);
  call("GET", link, 200);
  call("POST", link + "/confirm", 200);
  call("POST", "/api/v1/links/" + second + "/reject", 200);
  call("DELETE", link, 200);
  call("POST", "/api/v1/links", 201,
       R"({"profile_id":)" + std::to_string(eric_profile) +
           R"(,"crm_module":"Contacts","crm_id":"c-anne"})");
  call("GET", "/api/v1/links/999999", 404);

  // The Social panel as JSON: Éric's suggestion and the profile finder, Anne's timeline paged.
  call("GET", "/api/v1/customers/Contacts/c-eric/social?find=eric", 200);
  call("GET", "/api/v1/customers/Contacts/c-anne/social?page=1&per_page=1", 200);
  call("GET", "/api/v1/customers/Opportunities/c-anne/social", 404);

  // Admin: sources.
  call("POST", "/api/v1/admin/sources", 201,
       R"({"name":"forum","type":"url","location":"https://forum.example/feed","poll_interval_seconds":900,"visibility":"community","community":"partners"})");
  call("GET", "/api/v1/admin/sources", 200);
  call("GET", "/api/v1/admin/sources/forum", 200);
  call("PATCH", "/api/v1/admin/sources/pushed", 200, R"({"push_secret":"new-secret","retention_days":"30"})");
  call("PATCH", "/api/v1/admin/sources/forum", 400, R"({"type":"file"})");
  call("POST", "/api/v1/admin/sources/pushed/poll", 409);
  call("DELETE", "/api/v1/admin/sources/forum", 200);

  // Admin: following on open networks.
  call("PATCH", "/api/v1/admin/networks/atproto", 200, R"({"on":true})");
  call("PATCH", "/api/v1/admin/networks/myspace", 400, R"({"on":true})");
  call("GET", "/api/v1/admin/networks", 200);

  // Admin: API keys, export, import, erasure, matching.
  call("POST", "/api/v1/admin/api-keys", 201, R"({"name":"bi","roles":["marketing"]})");
  call("GET", "/api/v1/admin/api-keys", 200);
  call("DELETE", "/api/v1/admin/api-keys/bi", 200);
  const json files = call.Json("GET", "/api/v1/admin/export", 200);
  call("GET", "/api/v1/admin/export/manifest.json", 200);
  for (const json& f : files["files"]) {
    const std::string name = f.get<std::string>();
    if (name == "posts.jsonl" || name.find(".csv") != std::string::npos) {
      call("GET", "/api/v1/admin/export/" + name, 200);
      break;
    }
  }
  CallOptions octets;
  octets.headers["Content-Type"] = "application/octet-stream";
  call("PUT", "/api/v1/admin/import/manifest.json?offset=0", 200, R"({"format": "not an export"})",
       octets);
  call("GET", "/api/v1/admin/import", 200);
  // A restore needs an empty database and a whole export: here its refusal is checked.
  call("POST", "/api/v1/admin/import", 400);
  call("DELETE", "/api/v1/admin/import", 200);
  call("POST", "/api/v1/admin/erase", 200, R"({"customer":"Contacts/c-anne","dry_run":true})");
  call("GET", "/api/v1/admin/matching", 200);
  call("PUT", "/api/v1/admin/matching", 200, R"({"auto":0.9,"suggest":0.5})");

  // Every /api/v1 route of the table was called: a new route needs a call here.
  for (const Route& route : Table()) {
    if (!Described(route.path)) continue;
    if (!call.Called(route.path, Lower(route.method))) {
      FAIL_CHECK(
          route.method << " " << route.path
                       << " has no call in this test (tests/http/openapi_test.cc): "
                          "add one whose answer is a success, so that its schemas are checked");
    }
  }

  const std::string calls_path = e.dir + "/calls.json";
  std::ofstream(calls_path) << call.calls().dump(1);
  const scrm::testing::RunResult checked = scrm::testing::Run(
      {SCRM_DEBIAN_PYTHON, std::string(SCRM_SOURCE_DIR) + "/tests/http/openapi_check.py", doc_path,
       calls_path},
      {});
  INFO(checked.out << checked.err);
  CHECK(checked.exit_code == 0);
  CHECK(checked.out.find(" 0 problems") != std::string::npos);
}

}  // namespace scrm::http
