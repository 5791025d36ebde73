// Least privilege, walked (issue 14; docs/security.md, "Who sees and does
// what"): the real `scrm serve` on a real MariaDB and index, holding posts,
// profiles and links in each visibility (public, internal, the partners'
// community), asked by every role. For each role, every route of the table
// answers as its access level says (allowed: never 401 or 403; refused:
// 403), and every answer that carries objects carries only the ones the
// role may see: search totals, facets, histogram, spelling, "more like
// this", exports, the Conversations page, links and their evidence, the
// Social panel and its profile finder (the page and its JSON API); deciding
// links needs a deciding role.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "http/auth.h"
#include "http/routes.h"
#include "ui/ui_fixture.h"

namespace scrm::http {
namespace {

using scrm::testing::Call;
using scrm::testing::CallOptions;
using scrm::testing::ClientResponse;
using scrm::testing::Engine;
using scrm::testing::RunResult;

bool Has(const std::string& s, const std::string& what) {
  return s.find(what) != std::string::npos;
}

// One row per role of docs/security.md's table.
struct RoleRow {
  const char* role;
  bool internal;  // sees internal posts and profiles
  bool partners;  // sees the community "partners"
  bool decide;    // may confirm, reject, unlink, link by hand
  bool admin;     // admin routes
};
constexpr RoleRow kRoles[] = {
    {"viewer", false, false, false, false},
    {"marketing", true, false, false, false},
    {"sales", true, false, true, false},
    {"support", true, false, true, false},
    {"community:partners", false, true, false, false},
    {"admin", true, true, true, true},
};

// What each visibility holds: a source, a profile with an e-mail address, a
// word found only in its posts, and the CRM record its profile is suggested for.
struct Corner {
  const char* visibility;
  const char* source;
  const char* person;
  const char* email;
  const char* word;
  const char* crm_id;
};
constexpr Corner kPublic{"public",  "opensrc", "Anne Opensource", "anne@open.example",
                         "ottoman", "c-anne"};
constexpr Corner kInternal{"internal",          "staffnotes", "Bob Staffer",
                           "bob@staff.example", "kestrelium", "c-bob"};
constexpr Corner kPartners{"community", "partnerforum", "Carla Partner", "carla@partners.example",
                           "zephyrine", "c-carla"};

bool Sees(const RoleRow& r, const Corner& c) {
  if (&c == &kInternal) return r.internal;
  if (&c == &kPartners) return r.partners;
  return true;
}

// Dana posts in public, but her profile, with her address, was read last
// from the internal source: the "Create lead" data of her public post must
// not carry it to roles that may not see internal profiles.
constexpr char kDana[] = "https://opensrc.example/users/dana";
constexpr char kDanaEmail[] = "dana@staff.example";

std::string Jsonl(const Corner& c, int posts) {
  const std::string author = std::string("https://") + c.source + ".example/users/" + c.crm_id;
  nlohmann::json profile = {
      {"type", "profile"},      {"id", author},
      {"platform", "mastodon"}, {"handle", std::string(c.crm_id) + "@" + c.source + ".example"},
      {"name", c.person},       {"emails", {c.email}}};
  std::string out = "{\"scrm\": 1}\n" + profile.dump() + "\n";
  for (int i = 1; i <= posts; ++i) {
    nlohmann::json post = {
        {"type", "post"},
        {"id", std::string(c.source) + std::to_string(i)},
        {"platform", "mastodon"},
        {"author", {{"id", author}, {"name", c.person}}},
        // "quokka": what ties the first post of each source for "more like this".
        {"text", std::string("The router firmware roadmap forecast, about ") + c.word +
                     (i == 1 ? " and the quokka" : "")},
        {"published", "2026-10-0" + std::to_string(i) + "T10:00:00Z"},
        {"language", "en"}};
    out += post.dump() + "\n";
  }
  if (&c == &kPublic) {
    out += nlohmann::json{{"type", "post"},
                          {"id", "dana1"},
                          {"platform", "mastodon"},
                          {"author", {{"id", kDana}, {"name", "Dana Both"}}},
                          {"text", "The router firmware roadmap forecast, from Dana"},
                          {"published", "2026-10-05T10:00:00Z"},
                          {"language", "en"}}
               .dump() +
           "\n";
  }
  if (&c == &kInternal) {
    out += nlohmann::json{{"type", "profile"},
                          {"id", kDana},
                          {"platform", "mastodon"},
                          {"name", "Dana Both"},
                          {"emails", {kDanaEmail}}}
               .dump() +
           "\n";
  }
  return out;
}

// Every {param} of a route template, made concrete with values that name
// nothing stored: the walk proves the access check, not the handlers.
std::string Concrete(const std::string& path_template) {
  std::string p = std::regex_replace(path_template, std::regex(R"(\{module\})"), "Contacts");
  p = std::regex_replace(p, std::regex(R"(\{id\})"), "999999");
  p = std::regex_replace(p, std::regex(R"(\{file\})"), "nosuchfile.jsonl");
  return std::regex_replace(p, std::regex(R"(\{[^}]+\})"), "nosuchname");
}

// A token for the role, as the CRM plugin signs it (a new nonce each time).
std::string Token(const RoleRow& row) {
  TokenClaims c;
  c.user_id = std::string("user-") + row.role;
  c.roles = {row.role};
  c.expires_at = 4000000000;
  return MintToken(c, scrm::testing::kSecret);
}

class Caller {
 public:
  Caller(int port, const RoleRow& row) : port_(port), bearer_("Bearer " + Token(row)) {}
  ClientResponse operator()(const std::string& method, const std::string& target,
                            const std::string& body = "") const {
    CallOptions o;
    o.headers["Authorization"] = bearer_;
    if (method != "GET" && method != "DELETE") {
      o.body = body.empty() ? "{}" : body;
      o.send_body = true;
      o.headers["Content-Type"] = "application/json";
    }
    return Call(port_, method, target, o);
  }
  nlohmann::json Json(const std::string& target) const {
    ClientResponse r = (*this)("GET", target);
    INFO(target << " -> " << r.status << " " << r.body);
    REQUIRE(r.status == 200);
    return nlohmann::json::parse(r.body);
  }

 private:
  int port_;
  std::string bearer_;
};

}  // namespace

TEST_CASE("every role, every route: only what the role may see and do", "[mysql][http][security]") {
  Engine e;
  e.env["SCRM_RATE_LIMIT_PER_ADDRESS"] = "0";
  e.env["SCRM_RATE_LIMIT_PER_CREDENTIAL"] = "0";
  REQUIRE(e.Scrm({"migrate", "--allow-empty-crm"}).exit_code == 0);
  std::map<const Corner*, std::set<int64_t>> posts;
  std::map<const Corner*, int64_t> links;
  store::LinkRepository link_repo(e.db.pool());
  for (const Corner* c : {&kPublic, &kInternal, &kPartners}) {
    std::vector<std::string> add = {"sources", "add",          c->source,    "--type",
                                    "file",    "--visibility", c->visibility};
    if (c == &kPartners) add.insert(add.end(), {"--community", "partners"});
    RunResult added = e.Scrm(add);
    INFO(added.err);
    REQUIRE(added.exit_code == 0);
    const std::string file = e.dir + "/" + c->source + ".jsonl";
    std::ofstream(file) << Jsonl(*c, c == &kPublic ? 2 : 1);
    RunResult in = e.Scrm({"ingest", "--source", c->source, file});
    INFO(in.err);
    REQUIRE(in.exit_code == 0);
    const std::string source_id =
        e.db.Scalar(std::string("SELECT id FROM scrm_sources WHERE name = '") + c->source + "'");
    for (int i = 1; i <= (c == &kPublic ? 2 : 1); ++i) {
      posts[c].insert(
          std::stoll(e.db.Scalar("SELECT id FROM scrm_posts WHERE source_id = " + source_id +
                                 " AND external_id = '" + c->source + std::to_string(i) + "'")));
    }
    if (c == &kPublic) {
      posts[c].insert(
          std::stoll(e.db.Scalar("SELECT id FROM scrm_posts WHERE external_id = 'dana1'")));
    }
    Customer customer;
    customer.module = CrmModule::kContacts;
    customer.crm_id = c->crm_id;
    customer.name = std::string("Customer ") + c->crm_id;
    store::CustomerRepository(e.db.pool()).Upsert(CrmModule::kContacts, {customer});
    const std::string author = std::string("https://") + c->source + ".example/users/" + c->crm_id;
    store::ProposedLink p;
    p.profile_id = std::stoll(
        e.db.Scalar("SELECT id FROM scrm_profiles WHERE external_id = '" + author + "'"));
    p.platform = "mastodon";
    p.external_id = author;
    p.module = CrmModule::kContacts;
    p.crm_id = c->crm_id;
    p.score = 0.7;
    p.evidence = nlohmann::json::array({{{"kind", "email"},
                                         {"detail", std::string("same address ") + c->email},
                                         {"weight", 0.7}}})
                     .dump();
    link_repo.ApplyMatches({{"mastodon", author}}, {p});
    links[c] = std::stoll(
        e.db.Scalar(std::string("SELECT id FROM scrm_links WHERE crm_id = '") + c->crm_id + "'"));
  }
  e.Serve();

  // The table the server answers from, for its access levels.
  Metrics metrics("test");
  const std::vector<Route> table = RouteTable(Services{}, metrics);
  REQUIRE(table.size() > 40);

  // "More like" a public post, as admin sees it: every visibility is in it.
  const std::string like_open = "/api/v1/search?like=" + std::to_string(*posts[&kPublic].begin());
  std::set<int64_t> like_all;
  const nlohmann::json like_as_admin = Caller(e.port, kRoles[5]).Json(like_open + "&limit=50");
  for (const auto& hit : like_as_admin["results"]) like_all.insert(hit["id"].get<int64_t>());
  for (const Corner* c : {&kInternal, &kPartners}) REQUIRE(like_all.count(*posts[c].begin()) == 1);

  std::map<std::string, int64_t> saved_searches;  // role -> its saved search
  for (const RoleRow& row : kRoles) {
    INFO("role " << row.role);
    const Caller as(e.port, row);
    std::vector<const Corner*> seen, hidden;
    for (const Corner* c : {&kPublic, &kInternal, &kPartners})
      (Sees(row, *c) ? seen : hidden).push_back(c);
    size_t visible_posts = 0;
    for (const Corner* c : seen) visible_posts += posts[c].size();

    // 1. The route table: allowed never meets 401 or 403, refused is 403.
    for (const Route& route : table) {
      INFO(route.method << " " << route.path << " (" << AccessName(route.access) << ")");
      if (route.access == Access::kPublic) continue;  // probes, static files, signed pushes
      const bool allowed = route.access == Access::kUser ||
                           (route.access == Access::kDecide && row.decide) ||
                           (route.access == Access::kAdmin && row.admin);
      const ClientResponse r = as(route.method, Concrete(route.path));
      INFO(r.status << " " << r.body.substr(0, 300));
      if (allowed) {
        CHECK(r.status != 401);
        CHECK(r.status != 403);
      } else {
        CHECK(r.status == 403);
      }
    }

    // 2. Search: totals, facets, histogram, snippets count visible posts only.
    nlohmann::json found = as.Json("/api/v1/search?q=router&limit=50");
    CHECK(found["total"] == visible_posts);
    CHECK(found["results"].size() == visible_posts);
    int64_t bucketed = 0;
    for (const auto& b : found["histogram"]["buckets"]) bucketed += b["count"].get<int64_t>();
    CHECK(bucketed == static_cast<int64_t>(visible_posts));
    const std::string facets = found["facets"].dump();
    for (const Corner* c : seen) CHECK(Has(facets, c->source));
    for (const Corner* c : hidden) {
      INFO("hidden " << c->source);
      CHECK_FALSE(Has(facets, c->source));
      CHECK_FALSE(Has(found.dump(), c->word));
      CHECK_FALSE(Has(found.dump(), c->person));
    }

    // 3. Spelling: a misspelt word is corrected from visible posts only.
    for (const Corner* c : {&kInternal, &kPartners}) {
      std::string misspelt = c->word;
      misspelt.erase(misspelt.size() - 2, 1);  // kestrelum, zephyrne
      const std::string suggestion = as.Json("/api/v1/search?q=" + misspelt)["suggestion"];
      INFO(misspelt << " -> " << suggestion);
      if (Sees(row, *c)) {
        CHECK(suggestion == c->word);
      } else {
        CHECK_FALSE(Has(suggestion, c->word));
      }
    }

    // 4. More like this: from a visible post, what everything-seeing admin
    // gets less the hidden posts, counted as such; a hidden post is unknown.
    nlohmann::json like = as.Json(like_open + "&limit=50");
    std::set<int64_t> like_ids, like_expected;
    for (const auto& hit : like["results"]) like_ids.insert(hit["id"].get<int64_t>());
    for (const int64_t id : like_all) {
      bool visible = true;
      for (const Corner* c : hidden) visible = visible && posts[c].count(id) == 0;
      if (visible) like_expected.insert(id);
    }
    CHECK(like_ids == like_expected);
    CHECK(like["total"] == like_expected.size());
    for (const Corner* c : hidden) {
      CHECK(as("GET", "/api/v1/search?like=" + std::to_string(*posts[c].begin())).status == 404);
    }

    // 5. Exports and the Conversations page: visible posts only.
    ClientResponse exported = as("GET", "/api/v1/search/export?q=router&format=jsonl");
    REQUIRE(exported.status == 200);
    ClientResponse conversations = as("GET", "/ui/conversations?q=router&embed=crm");
    REQUIRE(conversations.status == 200);
    CHECK(Has(conversations.body, "Create lead: Dana Both") == row.internal);
    CHECK(Has(conversations.body, kDanaEmail) == row.internal);
    for (const Corner* c : seen) {
      CHECK(Has(exported.body, c->word));
      CHECK(Has(conversations.body, c->word));
    }
    for (const Corner* c : hidden) {
      CHECK_FALSE(Has(exported.body, c->word));
      CHECK_FALSE(Has(conversations.body, c->word));
    }

    // 5b. A saved search runs with its owner's visibility, for its owner only.
    ClientResponse saved =
        as("POST", "/api/v1/saved-searches", R"({"name": "routers", "params": {"q": "router"}})");
    REQUIRE(saved.status == 201);
    const int64_t saved_id = nlohmann::json::parse(saved.body)["id"];
    nlohmann::json ran = as.Json("/api/v1/saved-searches/" + std::to_string(saved_id));
    CHECK(ran["total"] == visible_posts);
    CHECK(ran["new"] <= visible_posts);
    for (const Corner* c : hidden) CHECK_FALSE(Has(ran.dump(), c->word));
    saved_searches[row.role] = saved_id;

    // 6. Links and their evidence: the links of visible profiles, counted as
    // such; a hidden one is as unknown as a missing one, to read or decide.
    nlohmann::json listed = as.Json("/api/v1/links?limit=500");
    std::set<int64_t> ids;
    for (const auto& l : listed["links"]) ids.insert(l["id"].get<int64_t>());
    CHECK(listed["total"] == seen.size());
    CHECK(ids.size() == seen.size());
    for (const Corner* c : seen) {
      CHECK(ids.count(links[c]) == 1);
      ClientResponse one = as("GET", "/api/v1/links/" + std::to_string(links[c]));
      CHECK(one.status == 200);
      CHECK(Has(one.body, c->email));
    }
    for (const Corner* c : hidden) {
      INFO("hidden link of " << c->source);
      CHECK_FALSE(Has(listed.dump(), c->email));
      const std::string link = "/api/v1/links/" + std::to_string(links[c]);
      ClientResponse one = as("GET", link);
      CHECK(one.status == 404);
      CHECK(Has(one.body, "no link " + std::to_string(links[c])));  // as an unknown id says
      CHECK_FALSE(Has(one.body, c->email));
      for (const std::string& decide : {link + "/confirm", link + "/reject"}) {
        CHECK(as("POST", decide).status == (row.decide ? 404 : 403));
      }
      CHECK(as("DELETE", link).status == (row.decide ? 404 : 403));
      CHECK(as("POST", "/api/v1/links",
               nlohmann::json{{"profile_id", std::stoll(e.db.Scalar(
                                                 "SELECT profile_id FROM scrm_links WHERE id = " +
                                                 std::to_string(links[c])))},
                              {"crm_module", "Contacts"},
                              {"crm_id", "c-anne"}}
                   .dump())
                .status == (row.decide ? 404 : 403));
    }

    // 7. The Social panel, signed on as from the CRM: a hidden profile's
    // link, evidence and e-mail are not on its record's page, the forms are
    // for deciding roles; the profile finder offers visible profiles.
    scrm::testing::Browser crm{e.port, ""};
    crm.SignOn("/ui/records/Contacts/c-anne", Token(row));
    for (const Corner* c : {&kPublic, &kInternal, &kPartners}) {
      ClientResponse panel = crm.Send("GET", std::string("/ui/records/Contacts/") + c->crm_id);
      REQUIRE(panel.status == 200);
      CHECK(Has(panel.body, c->email) == Sees(row, *c));
      CHECK(Has(panel.body, c->person) == Sees(row, *c));
      CHECK(Has(panel.body, "/ui/api/v1/links/" + std::to_string(links[c]) + "/confirm") ==
            (Sees(row, *c) && row.decide));
    }
    ClientResponse finder = as("GET", "/ui/records/Contacts/c-anne?find=example");
    REQUIRE(finder.status == 200);
    for (const Corner* c : {&kPublic, &kInternal, &kPartners}) {
      CHECK(Has(finder.body, c->person) == Sees(row, *c));
    }

    // 7b. The same panel as JSON (GET /api/v1/customers/{module}/{id}/social):
    // the same omissions, the finder included; the timeline the role's posts.
    for (const Corner* c : {&kPublic, &kInternal, &kPartners}) {
      const nlohmann::json api = as.Json(std::string("/api/v1/customers/Contacts/") + c->crm_id +
                                         "/social?find=example");
      INFO("panel of " << c->crm_id);
      CHECK(api["suggested"].size() == (Sees(row, *c) ? 1u : 0u));
      CHECK(api["can_decide"] == row.decide);
      std::string found_names;
      for (const auto& p : api["found"]) found_names += p["name"].get<std::string>() + ";";
      for (const Corner* other : {&kPublic, &kInternal, &kPartners}) {
        CHECK(Has(found_names, other->person) == Sees(row, *other));
        if (other != c) continue;
        const std::string suggested = api["suggested"].dump();
        CHECK(Has(suggested, c->email) == Sees(row, *c));
        CHECK(Has(suggested, c->person) == Sees(row, *c));
      }
      for (const Corner* h : hidden) CHECK_FALSE(Has(api["timeline"].dump(), h->word));
    }
  }

  // Another user's saved search does not exist for the viewer.
  CHECK(Caller(e.port, kRoles[0])(
            "GET", "/api/v1/saved-searches/" + std::to_string(saved_searches["admin"]))
            .status == 404);

  // Nothing above changed a link; deciding works for a deciding role, and
  // the viewer of the issue can no longer unlink.
  const std::string open_link = "/api/v1/links/" + std::to_string(links[&kPublic]);
  const auto status = [&] {
    return e.db.Scalar("SELECT status FROM scrm_links WHERE id = " +
                       std::to_string(links[&kPublic]));
  };
  CHECK(status() == "suggested");
  CHECK(e.db.Count("SELECT COUNT(*) FROM scrm_links WHERE status <> 'suggested'") == 0);
  const Caller sales(e.port, kRoles[2]), viewer(e.port, kRoles[0]);
  CHECK(sales("POST", open_link + "/confirm").status == 200);
  CHECK(viewer("DELETE", open_link).status == 403);
  CHECK(status() == "confirmed");
  CHECK(sales("DELETE", open_link).status == 200);
  CHECK(status() == "rejected");
}

}  // namespace scrm::http
