// Search end to end, through the real `scrm` binary and a real MariaDB:
// ingest indexes, `scrm search` finds across accents and forms, a deleted
// index rebuilt by `scrm reindex` answers the same, and `scrm serve` serves
// /api/v1/search with each caller's visibility, indexes a pushed post within
// a second, and keeps saved searches with their new matches.
#include <signal.h>
#include <unistd.h>

#include <Poco/URI.h>

#include <catch2/catch.hpp>
#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <chrono>
#include <fstream>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "secrets/crypto.h"
#include "http/health.h"
#include "http/http_client.h"
#include "index/index.h"
#include "support/process.h"
#include "support/test_db.h"

using namespace scrm;
using namespace scrm::testing;
using nlohmann::json;

namespace {

std::string Data(const std::string& name) {
  return std::string(SCRM_SOURCE_DIR) + "/tests/data/search/" + name;
}

struct Instance {
  TestDatabase db;
  std::string index_dir;
  std::map<std::string, std::string> env;

  Instance() {
    index_dir = std::filesystem::temp_directory_path() /
                ("scrm-search-test-" + std::to_string(::getpid()) + "-" + db.url().database);
    std::filesystem::remove_all(index_dir);
    std::filesystem::remove(index_dir + ".secrets.key");
    env = {{"SCRM_DB_URL", db.url_string()},
           {"SCRM_HTTP_PORT", "0"},
           {"SCRM_INDEX_DIR", index_dir},
           {"SCRM_SECRET", "test-secret"},
           {"SCRM_CRM_SYNC_INTERVAL", "0"},
           {"SCRM_SECRETS_KEY_FILE", index_dir + ".secrets.key"}};
  }
  ~Instance() {
    std::filesystem::remove_all(index_dir);
    std::filesystem::remove(index_dir + ".secrets.key");
  }

  RunResult Scrm(std::vector<std::string> args) const {
    args.insert(args.begin(), ScrmBinary());
    return Run(args, env);
  }
  json SearchJson(std::vector<std::string> args) const {
    args.insert(args.begin(), "search");
    args.push_back("--json");
    RunResult r = Scrm(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }

  void Setup() {
    REQUIRE(Scrm({"migrate", "--allow-empty-crm"}).exit_code == 0);
    REQUIRE(Scrm({"sources", "add", "community", "--type", "push", "--visibility", "public",
                  "--secret", "push-secret"}).exit_code == 0);
    // Stored sealed (secrets.key_file): the pushes below verify through it.
    REQUIRE(db.Scalar("SELECT push_secret FROM scrm_sources WHERE name = 'community'")
                .rfind("enc:v1:", 0) == 0);
    REQUIRE(Scrm({"sources", "add", "staff", "--type", "file", "--visibility", "internal"})
                .exit_code == 0);
    REQUIRE(Scrm({"sources", "add", "partners", "--type", "file", "--visibility", "community",
                  "--community", "partners"}).exit_code == 0);
    for (auto [source, file] : std::vector<std::pair<std::string, std::string>>{
             {"community", "public.jsonl"}, {"staff", "internal.jsonl"},
             {"partners", "partners.jsonl"}}) {
      RunResult r = Scrm({"ingest", "--source", source, "--json", Data(file)});
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
      json summary = json::parse(r.out);
      CHECK(summary["index"]["deferred"] == "");
      CHECK(summary["index"]["indexed"] == summary["new"]);
    }
  }
};

std::vector<std::string> Ids(const json& answer) {
  std::vector<std::string> ids;
  for (const json& r : answer["results"]) ids.push_back(r["external_id"].get<std::string>());
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::string Token(const Instance& in, const std::string& user, const std::string& roles) {
  RunResult r = in.Scrm({"token", "--user", user, "--roles", roles});
  REQUIRE(r.exit_code == 0);
  return r.out.substr(0, r.out.find('\n'));
}

index::IndexConfig IndexOf(const Instance& in) {
  index::IndexConfig config;
  config.dir = in.index_dir;
  return config;
}

int PortOf(const std::string& line) {
  size_t colon = line.rfind(':');
  return colon == std::string::npos ? 0 : std::atoi(line.c_str() + colon + 1);
}

}  // namespace

TEST_CASE("scrm search finds across accents, forms and elisions, with facets", "[mysql][app][search]") {
  Instance in;
  in.Setup();
  // "reseau" finds "réseaux", "eric" finds "Éric", "entreprise" finds "l'entreprise".
  CHECK(Ids(in.SearchJson({"reseau"})) == std::vector<std::string>{"p1"});
  CHECK(Ids(in.SearchJson({"author:eric@social.example"})) == std::vector<std::string>{"p1"});
  CHECK(Ids(in.SearchJson({"eric"})) == std::vector<std::string>{"p1"});
  CHECK(Ids(in.SearchJson({"entreprise"})) == std::vector<std::string>{"p1"});
  // English stemming: "network" finds "networks"; the operator sees every visibility.
  json outage = in.SearchJson({"network"});
  CHECK(Ids(outage) == std::vector<std::string>{"c1", "i1", "p3"});
  CHECK(outage["total"] == 3);
  CHECK(outage["total_exact"] == true);
  json facets = outage["facets"];
  REQUIRE(facets["source"].is_array());
  CHECK(facets["source"].size() == 3);
  // Filters and prefixes.
  CHECK(Ids(in.SearchJson({"network", "--platform", "twitter"})) == std::vector<std::string>{"p3"});
  CHECK(Ids(in.SearchJson({"tag:outage", "--source", "staff"})) == std::vector<std::string>{"i1"});
  CHECK(Ids(in.SearchJson({"--language", "fr"})) == std::vector<std::string>{"p1", "p4"});
  CHECK(Ids(in.SearchJson({"--from", "2026-10-15", "--to", "2026-10-16"})) ==
        std::vector<std::string>{"i1", "p3"});
  // Snippets are escaped, with marks.
  json billing = in.SearchJson({"billing"});
  REQUIRE(billing["results"].size() == 1);
  const std::string snippet = billing["results"][0]["snippet"];
  CHECK(snippet.find("<script>") == std::string::npos);
  CHECK(snippet.find("&lt;script&gt;") != std::string::npos);
  CHECK(snippet.find("<mark>billing</mark>") != std::string::npos);
  RunResult bad_filter = in.Scrm({"search", "x", "--limit", "0"});
  CHECK(bad_filter.exit_code == 2);
  CHECK(bad_filter.err.find("--limit") != std::string::npos);
}

TEST_CASE("a deleted index rebuilt by scrm reindex gives the same results", "[mysql][app][search]") {
  Instance in;
  in.Setup();
  const std::vector<std::vector<std::string>> queries = {
      {"network"}, {"reseau"}, {"facture"}, {"--platform", "mastodon"}, {"tag:outage"}};
  std::vector<json> before;
  for (const auto& q : queries) before.push_back(in.SearchJson(q));

  std::filesystem::remove_all(in.index_dir);
  CHECK(in.SearchJson({"network"})["total"] == 0);  // an empty index is not an error
  {  // but /readyz says what happened and how to fix it
    Status problem;
    Result<std::unique_ptr<index::Searcher>> opened = index::Searcher::Open(IndexOf(in), &problem);
    REQUIRE(opened.ok());
    std::unique_ptr<index::Searcher> searcher = std::move(*opened);
    http::Response ready = http::Readyz(&in.db.pool(), searcher.get());
    CHECK(ready.status == 503);
    CHECK(json::parse(ready.body)["reason"].get<std::string>().find("run `scrm reindex`") !=
          std::string::npos);
  }
  RunResult r = in.Scrm({"reindex", "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  json stats = json::parse(r.out);
  CHECK(stats["posts"] == 6);
  CHECK(stats["removed"] == 0);
  for (size_t i = 0; i < queries.size(); ++i) {
    json after = in.SearchJson(queries[i]);
    CHECK(after["total"] == before[i]["total"]);
    CHECK(Ids(after) == Ids(before[i]));
    CHECK(after["facets"] == before[i]["facets"]);
  }
  // Reindexing again changes nothing and removes nothing.
  RunResult again = in.Scrm({"reindex", "--json"});
  REQUIRE(again.exit_code == 0);
  CHECK(json::parse(again.out)["posts"] == 6);

  // A damaged shard: every file of the index overwritten with garbage.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(in.index_dir)) {
    if (!entry.is_regular_file()) continue;
    std::ofstream(entry.path(), std::ios::binary | std::ios::trunc) << std::string(8192, '\x5a');
  }
  {
    Status problem;
    Result<std::unique_ptr<index::Searcher>> opened = index::Searcher::Open(IndexOf(in), &problem);
    REQUIRE(opened.ok());
    std::unique_ptr<index::Searcher> searcher = std::move(*opened);
    http::Response ready = http::Readyz(&in.db.pool(), searcher.get());
    CHECK(ready.status == 503);
    INFO(ready.body);
    CHECK(json::parse(ready.body)["reason"].get<std::string>().find("scrm reindex") !=
          std::string::npos);
  }
  RunResult repaired = in.Scrm({"reindex", "--json"});
  INFO(repaired.err);
  REQUIRE(repaired.exit_code == 0);
  for (size_t i = 0; i < queries.size(); ++i) {
    json after = in.SearchJson(queries[i]);
    CHECK(Ids(after) == Ids(before[i]));
    CHECK(after["facets"] == before[i]["facets"]);
  }
}

// A bulk load into an empty index is built as `scrm reindex` builds (staged
// runs, from every stored post); small ingests, or ingests into an index
// that holds posts, are drained batch by batch.
TEST_CASE("scrm ingest into an empty index builds it from every stored post", "[mysql][app][search]") {
  Instance in;
  in.Setup();  // 6 posts, indexed the usual way
  const json reseau = in.SearchJson({"reseau"});
  REQUIRE(reseau["total"].get<int64_t>() > 0);
  std::filesystem::remove_all(in.index_dir);  // the index is gone; the posts stay

  // 12,000 posts: more than one drain's commit (10,000 queue rows).
  const std::string file = in.index_dir + ".bulk.jsonl";
  {
    std::ofstream out(file);
    out << "{\"scrm\": 1}\n";
    for (int i = 0; i < 12000; ++i) {
      out << json{{"type", "post"},
                  {"id", "bulk-" + std::to_string(i)},
                  {"platform", "forum"},
                  {"author", {{"id", "member-" + std::to_string(i % 40)}}},
                  {"text", "Bulk post " + std::to_string(i) + " about the warehouse inventory"},
                  {"published", "2026-10-02T10:00:00Z"},
                  {"language", "en"}}
                 .dump()
          << "\n";
    }
  }
  REQUIRE(in.Scrm({"sources", "add", "bulk", "--type", "file", "--visibility", "public"}).exit_code ==
          0);
  RunResult bulk = in.Scrm({"ingest", "--source", "bulk", "--json", file});
  INFO(bulk.err);
  REQUIRE(bulk.exit_code == 0);
  json summary = json::parse(bulk.out);
  CHECK(summary["new"] == 12000);
  CHECK(summary["index"]["rebuilt"] == true);
  CHECK(summary["index"]["indexed"] == 12006);  // the 6 stored before, whose queue rows were gone
  CHECK(in.db.Scalar("SELECT COUNT(*) FROM scrm_index_queue") == "0");
  CHECK(in.SearchJson({"warehouse"})["total"] == 12000);
  CHECK(Ids(in.SearchJson({"reseau"})) == Ids(reseau));  // Setup's posts, found again

  // Into an index that holds posts: drained, not rebuilt.
  std::ofstream(file, std::ios::trunc)
      << "{\"scrm\": 1}\n"
      << json{{"type", "post"}, {"id", "late-1"}, {"platform", "forum"},
              {"author", {{"id", "member-1"}}}, {"text", "A late warehouse question"},
              {"published", "2026-10-03T10:00:00Z"}, {"language", "en"}}
             .dump()
      << "\n";
  RunResult late = in.Scrm({"ingest", "--source", "bulk", "--json", file});
  INFO(late.err);
  REQUIRE(late.exit_code == 0);
  json late_summary = json::parse(late.out);
  CHECK(late_summary["index"]["rebuilt"] == false);
  CHECK(late_summary["index"]["indexed"] == 1);
  CHECK(in.SearchJson({"warehouse"})["total"] == 12001);
  std::filesystem::remove(file);
}

TEST_CASE("the search API applies each caller's visibility and indexes pushes within a second",
          "[mysql][app][search]") {
  Instance in;
  in.Setup();
  Child serve({ScrmBinary(), "serve"}, in.env);
  const int port = PortOf(serve.WaitForLine("listening on", 15000));
  REQUIRE(port > 0);

  // No token: 401; a bad one: 401.
  CHECK(Call(port, "GET", "/api/v1/search?q=network").status == 401);
  CHECK(Authed(port, "GET", "/api/v1/search?q=network", "v1.x.y").status == 401);

  auto search = [&](const std::string& token, const std::string& query) {
    ClientResponse r = Authed(port, "GET", "/api/v1/search?" + query, token);
    INFO(r.body);
    REQUIRE(r.status == 200);
    return json::parse(r.body);
  };
  const std::string staff = Token(in, "7", "sales");
  const std::string partner = Token(in, "8", "community:partners");
  const std::string outsider = Token(in, "9", "viewer");
  const std::string admin = Token(in, "1", "admin");

  // Staff: public + internal; the partner: public + its community; others: public.
  CHECK(Ids(search(staff, "q=network")) == std::vector<std::string>{"i1", "p3"});
  CHECK(Ids(search(partner, "q=network")) == std::vector<std::string>{"c1", "p3"});
  json pub = search(outsider, "q=network");
  CHECK(Ids(pub) == std::vector<std::string>{"p3"});
  CHECK(pub["total"] == 1);
  // Facets never count what the caller may not see.
  for (const json& f : pub["facets"]["source"]) CHECK(f["value"] == "community");
  json all_tags = search(outsider, "q=&facets=true");
  for (const json& f : all_tags["facets"]["source"]) CHECK(f["value"] == "community");
  CHECK(all_tags["total"] == 4);
  CHECK(search(admin, "q=network")["total"] == 3);
  // A bad parameter names itself.
  ClientResponse bad = Authed(port, "GET", "/api/v1/search?q=x&limit=0", staff);
  CHECK(bad.status == 400);
  CHECK(json::parse(bad.body)["error"]["field"] == "limit");

  // Saved search: nothing new yet.
  ClientResponse created = Authed(port, "POST", "/api/v1/saved-searches", staff,
                                  R"({"name":"outages","params":{"q":"outage","language":["en"]}})");
  INFO(created.body);
  REQUIRE(created.status == 201);
  const int64_t saved_id = json::parse(created.body)["id"];
  const std::string saved_path = "/api/v1/saved-searches/" + std::to_string(saved_id);
  CHECK(json::parse(Authed(port, "GET", saved_path, staff).body)["new"] == 0);
  // Another user does not see it.
  CHECK(Authed(port, "GET", saved_path, partner).status == 404);
  // The same name twice: 409.
  CHECK(Authed(port, "POST", "/api/v1/saved-searches", staff,
               R"({"name":"outages","params":{"q":"x"}})").status == 409);
  // Bad params: 400 naming the field.
  ClientResponse bad_saved = Authed(port, "POST", "/api/v1/saved-searches", staff,
                                    R"({"name":"bad","params":{"sort":"random"}})");
  CHECK(bad_saved.status == 400);
  CHECK(json::parse(bad_saved.body)["error"]["field"] == "params.sort");

  // A pushed post is searchable within a second (the feeder runs every 250 ms).
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // "new since" has 1 s resolution
  std::ifstream later(Data("later.jsonl"));
  const std::string body((std::istreambuf_iterator<char>(later)), std::istreambuf_iterator<char>());
  CallOptions push;
  push.body = body;
  push.send_body = true;
  push.headers["X-Scrm-Signature"] = "sha256=" + secrets::HmacSha256Hex("push-secret", body);
  const auto pushed_at = std::chrono::steady_clock::now();
  REQUIRE(Call(port, "POST", "/api/v1/ingest/community", push).status == 200);
  double seconds = -1;
  while (std::chrono::steady_clock::now() - pushed_at < std::chrono::seconds(10)) {
    if (search(outsider, "q=gone")["total"] == 1) {
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - pushed_at).count();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  WARN("pushed post searchable after " << seconds << " s");
  REQUIRE(seconds >= 0);

  // The saved search now has one new match, until marked seen.
  json run = json::parse(Authed(port, "GET", saved_path, staff).body);
  CHECK(run["new"] == 1);
  json list = json::parse(Authed(port, "GET", "/api/v1/saved-searches", staff).body);
  REQUIRE(list["saved_searches"].size() == 1);
  CHECK(list["saved_searches"][0]["new"] == 1);
  CHECK(Authed(port, "POST", saved_path + "/seen", staff, "{}").status == 200);
  CHECK(json::parse(Authed(port, "GET", saved_path, staff).body)["new"] == 0);

  // Export: CSV with a header, only visible posts.
  ClientResponse csv = Authed(port, "GET", "/api/v1/search/export?format=csv&q=network", outsider);
  REQUIRE(csv.status == 200);
  CHECK(csv.Header("content-type").find("text/csv") == 0);
  CHECK(csv.body.rfind("id,published,platform", 0) == 0);
  CHECK(csv.body.find("Partners only") == std::string::npos);
  CHECK(csv.body.find("network is gone") != std::string::npos);
  ClientResponse jsonl = Authed(port, "GET", "/api/v1/search/export?q=network", staff);
  REQUIRE(jsonl.status == 200);
  size_t lines = 0;
  std::istringstream rows(jsonl.body);
  for (std::string line; std::getline(rows, line);) {
    CHECK(json::parse(line).contains("text"));
    ++lines;
  }
  CHECK(lines == 3);  // p3, i1, p5

  CHECK(Authed(port, "DELETE", saved_path, staff).status == 200);
  CHECK(Authed(port, "GET", saved_path, staff).status == 404);

  // SQL injection payloads in every kind of input: answered (200 or 400,
  // never 500), taken literally, and the tables are intact.
  const std::string sqli = "' OR '1'='1' -- ";
  const std::string drop = "x'); DROP TABLE scrm_posts; -- ";
  std::string encoded_sqli, encoded_drop;
  Poco::URI::encode(sqli, "&=+#%'", encoded_sqli);
  Poco::URI::encode(drop, "&=+#%'", encoded_drop);
  for (const std::string& target :
       {"/api/v1/links?module=" + encoded_sqli + "&crm_id=" + encoded_drop,
        "/api/v1/links?status=" + encoded_sqli,
        "/api/v1/search?q=" + encoded_drop + "&platform=" + encoded_sqli,
        "/api/v1/search/export?format=csv&customer=" + encoded_sqli,
        "/api/v1/links/" + encoded_sqli, "/api/v1/saved-searches/" + encoded_drop}) {
    ClientResponse r = Authed(port, "GET", target, admin);
    INFO(target << " -> " << r.status << " " << r.body);
    CHECK((r.status == 200 || r.status == 400 || r.status == 404));
  }
  ClientResponse named = Authed(port, "POST", "/api/v1/saved-searches", staff,
                                json{{"name", drop}, {"params", {{"q", sqli}}}}.dump());
  REQUIRE(named.status == 201);
  CHECK(json::parse(named.body)["name"] == drop);  // stored as written
  CHECK(search(admin, "q=")["total"] == 7);         // every post still there

  // A push with a wrong signature, a forged token: refused and logged
  // without any secret.
  CallOptions forged_push;
  forged_push.body = body;
  forged_push.headers["X-Scrm-Signature"] = "sha256=" + secrets::HmacSha256Hex("wrong", body);
  CHECK(Call(port, "POST", "/api/v1/ingest/community", forged_push).status == 401);
  serve.Signal(SIGTERM);
  CHECK(serve.Wait(15000) == 0);
  const std::string log = serve.Stderr();
  for (const std::string& secret : {std::string("test-secret"), std::string("push-secret"), staff, admin}) {
    CHECK(log.find(secret) == std::string::npos);
  }
}

TEST_CASE("linking an author tags their posts with the customer, account and owner",
          "[mysql][app][search]") {
  Instance in;
  in.Setup();
  int64_t profile_id = 0;
  {
    store::Pool::Lease conn = in.db.pool().Acquire();
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    st->execute(
        "INSERT INTO scrm_customers (module, crm_id, first_name, last_name, name, owner_id, "
        "fingerprint, synced_at) VALUES ('Contacts', 'c-eric', 'Éric', 'Lefèvre', 'Éric Lefèvre', "
        "'u-owner', '0', UTC_TIMESTAMP()), ('Accounts', 'a-acme', '', '', 'ACME', 'u-boss', '0', "
        "UTC_TIMESTAMP())");
    st->execute("INSERT INTO scrm_customer_accounts (contact_id, account_id) VALUES ('c-eric', 'a-acme')");
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
        "SELECT id FROM scrm_profiles WHERE external_id = 'https://social.example/users/eric'"));
    REQUIRE(rs->next());
    profile_id = rs->getInt64(1);
  }
  CHECK(in.SearchJson({"--linked", "true"})["total"] == 0);
  RunResult linked = in.Scrm({"links", "link", "--profile", std::to_string(profile_id), "--module",
                              "Contacts", "--crm-id", "c-eric", "--json"});
  INFO(linked.err);
  REQUIRE(linked.exit_code == 0);
  // The decision re-indexed the author's post.
  CHECK(Ids(in.SearchJson({"--linked", "true"})) == std::vector<std::string>{"p1"});
  CHECK(Ids(in.SearchJson({"--customer", "Contacts/c-eric"})) == std::vector<std::string>{"p1"});
  CHECK(Ids(in.SearchJson({"--account", "a-acme"})) == std::vector<std::string>{"p1"});
  CHECK(Ids(in.SearchJson({"--owner", "u-owner"})) == std::vector<std::string>{"p1"});
  json hit = in.SearchJson({"reseau"});
  REQUIRE(hit["results"].size() == 1);
  CHECK(hit["results"][0]["customers"] == json::array({"Contacts/c-eric"}));
  CHECK(hit["facets"]["account"][0]["value"] == "a-acme");
  CHECK(in.SearchJson({"--linked", "false"})["total"] == 5);
  // Unlinking takes the tags away again.
  const int64_t link_id = json::parse(linked.out)["id"];
  REQUIRE(in.Scrm({"links", "unlink", std::to_string(link_id)}).exit_code == 0);
  CHECK(in.SearchJson({"--linked", "true"})["total"] == 0);
}
