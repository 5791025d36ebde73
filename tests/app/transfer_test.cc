// scrm export and scrm import end to end, through the real binary and real
// MariaDB databases: an export restored into an empty instance exports
// byte for byte the same and searches the same after the index rebuild;
// secrets never leave; a damaged file, a bad record and a non-empty
// database are refused, each naming what and where.
#include <signal.h>

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/app_instance.h"
#include "http/http_client.h"
#include "secrets/key_file.h"
#include "secrets/seal.h"

using namespace scrm;
using namespace scrm::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void Spit(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string Sha256(const std::string& bytes) {
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  sha.update(bytes);
  return Poco::DigestEngine::digestToHex(sha.digest());
}

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() / ("scrm-transfer-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

json Manifest(const fs::path& dir) { return json::parse(Slurp(dir / "manifest.json")); }

// The security log records each export and import: a later export's
// audit.jsonl is an earlier one's and more rows after it.
void CheckLogGrew(const fs::path& earlier, const fs::path& later) {
  const std::string before = Slurp(earlier / "audit.jsonl"), after = Slurp(later / "audit.jsonl");
  CHECK(after.size() > before.size());
  CHECK(after.compare(0, before.size(), before) == 0);
}

json WithoutFile(json manifest, const std::string& file) {
  manifest.erase("created_at");
  json kept = json::array();
  for (const json& f : manifest["files"]) {
    if (f["file"] != file) kept.push_back(f);
  }
  manifest["files"] = kept;
  return manifest;
}

}  // namespace

TEST_CASE("an export imported into an empty instance exports byte for byte the same",
          "[mysql][app][transfer]") {
  AppInstance a;
  a.LoadPeople();
  TempDir first("first"), second("second");
  json exported = a.ScrmJson({"export", "--out", first.path.string()});
  const json manifest = Manifest(first.path);
  CHECK(manifest["format"] == "scrm-export");
  CHECK(manifest["format_version"] == 1);
  CHECK(manifest["schema_version"].get<int>() >= 8);
  std::map<std::string, int64_t> rows;
  for (const json& f : manifest["files"]) {
    rows[f["file"]] = f["rows"];
    CHECK(Sha256(Slurp(first.path / f["file"].get<std::string>())) == f["sha256"]);
  }
  CHECK(rows["posts.jsonl"] == 6);  // 5 people's posts and 1 staff post
  CHECK(rows["profiles.jsonl"] == 3);
  CHECK(rows["rejects.jsonl"] == 1);
  CHECK(rows["sources.jsonl"] == 2);
  CHECK(rows["customers.jsonl"] == 2);
  CHECK(rows["customer_emails.jsonl"] == 2);
  CHECK(rows["links.jsonl"] >= 3);
  CHECK(rows["link_decisions.jsonl"] >= 4);  // auto, suggest, confirm, link, unlink...
  CHECK(rows["saved_searches.jsonl"] == 1);
  CHECK(rows["posts.csv"] == 6);
  CHECK(rows.count("index_queue.jsonl") == 0);  // derived: rebuilt on import
  CHECK(exported["rows"].get<int64_t>() > 20);

  // Posts keep their raw record; the push secret never leaves, marked as left out.
  const std::string posts = Slurp(first.path / "posts.jsonl");
  CHECK(posts.find("\"raw\":\"{\\\"type\\\":\\\"post\\\"") != std::string::npos);
  // Neither in clear nor sealed (the database holds it sealed: enc:v1:...).
  const std::string sealed =
      a.db.Scalar("SELECT push_secret FROM scrm_sources WHERE name = 'community'");
  REQUIRE(sealed.rfind("enc:v1:", 0) == 0);
  for (const auto& entry : fs::directory_iterator(first.path)) {
    CHECK(Slurp(entry.path()).find("push-secret-do-not-export") == std::string::npos);
    CHECK(Slurp(entry.path()).find(sealed.substr(7)) == std::string::npos);
    CHECK(Slurp(entry.path()).find("enc:v1:") == std::string::npos);
  }
  CHECK(Slurp(first.path / "sources.jsonl").find("\"push_secret\":{\"omitted\":true}") !=
        std::string::npos);
  // The CSV view is a spreadsheet's: a header, quoted cells, the source's name.
  const std::string csv = Slurp(first.path / "posts.csv");
  CHECK(csv.rfind("\xEF\xBB\xBFid,source,platform,", 0) == 0);
  CHECK(csv.find(",community,mastodon,post,z1,") != std::string::npos);
  CHECK(csv.find("\"Kumquat jam, made by Bob, sold out\"") != std::string::npos);

  // The security log of the export: each source added, each export, by
  // the operator, no secret.
  const std::string log = Slurp(first.path / "audit.jsonl");
  CHECK(log.find("\"kind\":\"source_added\"") != std::string::npos);
  CHECK(log.find("\"object\":\"source:community\"") != std::string::npos);

  // The same data exported twice: the same bytes, but for the log, which
  // now records the first export.
  TempDir again("again");
  a.ScrmJson({"export", "--out", again.path.string()});
  for (const json& f : manifest["files"]) {
    const std::string name = f["file"];
    if (name == "audit.jsonl") continue;
    CHECK(Slurp(again.path / name) == Slurp(first.path / name));
  }
  CheckLogGrew(first.path, again.path);
  CHECK(Slurp(again.path / "audit.jsonl").find("\"kind\":\"export\"") != std::string::npos);
  // Pages of any size (a keyset over every kind of primary key): the same bytes.
  TempDir small("small-pages");
  a.ScrmJson({"export", "--out", small.path.string(), "--page-size", "2"});
  for (const json& f : manifest["files"]) {
    const std::string name = f["file"];
    INFO(name);
    if (name == "audit.jsonl") continue;
    CHECK(Slurp(small.path / name) == Slurp(first.path / name));
  }
  CheckLogGrew(again.path, small.path);
  // An export never overwrites.
  RunResult over = a.Scrm({"export", "--out", first.path.string()});
  CHECK(over.exit_code == 2);
  CHECK(over.err.find("not an empty directory") != std::string::npos);

  AppInstance b;
  RunResult unmigrated = b.Scrm({"import", first.path.string()});
  CHECK(unmigrated.exit_code == 1);
  CHECK(unmigrated.err.find("run scrm migrate") != std::string::npos);
  b.Migrate();
  json imported = b.ScrmJson({"import", first.path.string()});
  CHECK(imported["rows"] == exported["rows"]);
  CHECK(imported["index"]["posts"] == 6);
  b.ScrmJson({"export", "--out", second.path.string()});
  const json manifest2 = Manifest(second.path);
  REQUIRE(manifest2["files"].size() == manifest["files"].size());
  for (const json& f : manifest["files"]) {
    const std::string name = f["file"];
    INFO(name);
    if (name == "audit.jsonl") continue;
    CHECK(Slurp(second.path / name) == Slurp(first.path / name));
  }
  // The log comes back whole, with its ids, and the import after it.
  CheckLogGrew(first.path, second.path);
  const std::string restored_log = Slurp(second.path / "audit.jsonl");
  const json import_row = json::parse(restored_log.substr(restored_log.rfind('\n', restored_log.size() - 2) + 1));
  CHECK(import_row["kind"] == "import");
  CHECK(import_row["actor"].get<std::string>().rfind("cli:", 0) == 0);
  const std::string first_log = Slurp(first.path / "audit.jsonl");
  const int64_t last_exported =
      json::parse(first_log.substr(first_log.rfind('\n', first_log.size() - 2) + 1))["id"];
  CHECK(import_row["id"] == last_exported + 1);  // ids kept; the import right after them
  CHECK(WithoutFile(manifest, "audit.jsonl") == WithoutFile(manifest2, "audit.jsonl"));

  // The rebuilt index answers as the original one.
  for (const std::vector<std::string>& q : std::vector<std::vector<std::string>>{
           {"kumquat"}, {"quincunx"}, {"network"}, {"--platform", "twitter"},
           {"--from", "2026-10-01", "--to", "2026-10-06"}, {"--customer", "Contacts/c-oz"}, {"--linked", "true"}}) {
    INFO(q[0]);
    CHECK(b.Search(q) == a.Search(q));
  }
  CHECK(a.Search({"kumquat"}).second == 3);
  // Ids are kept: new rows continue after them.
  CHECK(b.db.Scalar("SELECT MAX(id) FROM scrm_posts") == a.db.Scalar("SELECT MAX(id) FROM scrm_posts"));

  // The push secret did not travel: pushes are refused until it is set again.
  CHECK(b.ScrmJson({"sources", "show", "community"})["push_secret"] == "");
  CHECK(b.ScrmJson({"sources", "set", "community", "--secret", "a-new-secret"})["push_secret"] == "(set)");
  // Set again, it is stored sealed with b's own key file.
  const std::string resealed =
      b.db.Scalar("SELECT push_secret FROM scrm_sources WHERE name = 'community'");
  CHECK(resealed.find("a-new-secret") == std::string::npos);
  Result<secrets::Key> b_key = secrets::ReadKeyFile(b.key_file);
  REQUIRE(b_key.ok());
  Result<std::string> opened =
      secrets::Open(*b_key, resealed, secrets::PushSecretAssociatedData("community"));
  REQUIRE(opened.ok());
  CHECK(*opened == "a-new-secret");
  // A visibility changed by set is queued for the index (the staff source's one post).
  CHECK(b.db.Count("SELECT COUNT(*) FROM scrm_index_queue") == 0);
  CHECK(b.ScrmJson({"sources", "set", "staff", "--visibility", "public"})["visibility"] == "public");
  CHECK(b.db.Count("SELECT COUNT(*) FROM scrm_index_queue") == 1);
  CHECK(b.Scrm({"sources", "set", "staff", "--visibility", "secret"}).exit_code == 2);
  CHECK(b.Scrm({"sources", "set", "staff"}).exit_code == 2);

  // A second import into the now full database is refused, naming the fix.
  RunResult full = b.Scrm({"import", first.path.string()});
  CHECK(full.exit_code == 1);
  CHECK(full.err.find("not empty") != std::string::npos);
  CHECK(full.err.find("scrm migrate") != std::string::npos);
}

TEST_CASE("scrm import refuses a damaged file and names a bad record's file and line",
          "[mysql][app][transfer]") {
  AppInstance a;
  a.LoadPeople();
  TempDir dir("damaged");
  a.ScrmJson({"export", "--out", dir.path.string()});
  const std::string profiles = Slurp(dir.path / "profiles.jsonl");

  // One byte changed: refused before anything is written.
  std::string damaged = profiles;
  damaged[damaged.find("Bob")] = 'R';
  Spit(dir.path / "profiles.jsonl", damaged);
  AppInstance b;
  b.Migrate();
  RunResult r = b.Scrm({"import", dir.path.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("profiles.jsonl does not match its SHA-256") != std::string::npos);
  CHECK(b.db.Count("SELECT COUNT(*) FROM scrm_sources") == 0);

  // A bad record whose checksum was updated: the file and line are named.
  std::istringstream lines(profiles);
  std::string line, rewritten;
  for (int n = 1; std::getline(lines, line); ++n) {
    if (n == 2) {
      json rec = json::parse(line);
      rec["id"] = "two";
      line = rec.dump();
    }
    rewritten += line + "\n";
  }
  Spit(dir.path / "profiles.jsonl", rewritten);
  json m = Manifest(dir.path);
  for (json& f : m["files"]) {
    if (f["file"] == "profiles.jsonl") f["sha256"] = Sha256(rewritten);
  }
  Spit(dir.path / "manifest.json", m.dump(2));
  r = b.Scrm({"import", dir.path.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("profiles.jsonl line 2: field 'id' must be an integer") != std::string::npos);

  // A manifest never makes an import write outside the engine's data tables.
  json crm_table = m;
  for (json& f : crm_table["files"]) {
    if (f["file"] == "profiles.jsonl") f["table"] = "contacts";
  }
  Spit(dir.path / "manifest.json", crm_table.dump(2));
  r = b.Scrm({"import", dir.path.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("names table 'contacts', which an import never writes") != std::string::npos);

  // Another format version is refused by name.
  m["format_version"] = 2;
  Spit(dir.path / "manifest.json", m.dump(2));
  r = b.Scrm({"import", dir.path.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("format_version 2") != std::string::npos);
}

TEST_CASE("the admin export API streams the same files as scrm export, to admins only",
          "[mysql][app][transfer]") {
  AppInstance a;
  a.LoadPeople();
  TempDir dir("api");
  a.ScrmJson({"export", "--out", dir.path.string()});
  Child serve({ScrmBinary(), "serve"}, a.env);
  const std::string listening = serve.WaitForLine("listening on", 15000);
  const int port = std::atoi(listening.c_str() + listening.rfind(':') + 1);
  REQUIRE(port > 0);
  auto token = [&](const std::string& roles) {
    RunResult r = a.Scrm({"token", "--user", "1", "--roles", roles});
    REQUIRE(r.exit_code == 0);
    return r.out.substr(0, r.out.find('\n'));
  };
  auto get = [&](const std::string& target, const std::string& bearer) {
    CallOptions o;
    if (!bearer.empty()) o.headers["Authorization"] = "Bearer " + bearer;
    return Call(port, "GET", target, o);
  };
  const std::string admin = token("admin"), sales = token("sales");
  CHECK(get("/api/v1/admin/export/posts.jsonl", "").status == 401);
  CHECK(get("/api/v1/admin/export/posts.jsonl", sales).status == 403);
  CHECK(get("/api/v1/admin/export", sales).status == 403);

  ClientResponse list = get("/api/v1/admin/export", admin);
  REQUIRE(list.status == 200);
  const json files = json::parse(list.body)["files"];
  CHECK(files[0] == "manifest.json");
  const json manifest = Manifest(dir.path);
  CHECK(files.size() == manifest["files"].size() + 1);
  // scrm serve's matcher records each run in scrm_sync_state: that file
  // changes while it runs; every other one is the same.
  // Likewise the security log, which records each export and refusal.
  auto live = [](const json& f) { return f["file"] == "sync_state.jsonl" || f["file"] == "audit.jsonl"; };
  for (const json& f : manifest["files"]) {
    const std::string name = f["file"];
    INFO(name);
    if (live(f)) continue;
    ClientResponse r = get("/api/v1/admin/export/" + name, admin);
    REQUIRE(r.status == 200);
    CHECK(r.body == Slurp(dir.path / name));
    CHECK(Sha256(r.body) == f["sha256"]);
  }
  CHECK(get("/api/v1/admin/export/posts.jsonl", admin).headers["content-type"] ==
        "application/x-ndjson");
  ClientResponse api_manifest = get("/api/v1/admin/export/manifest.json", admin);
  REQUIRE(api_manifest.status == 200);
  json m1 = json::parse(api_manifest.body), m2 = manifest;
  for (json* m : {&m1, &m2}) {
    m->erase("created_at");
    json kept = json::array();
    for (const json& f : (*m)["files"]) {
      if (!live(f)) kept.push_back(f);
    }
    (*m)["files"] = kept;
  }
  CHECK(m1 == m2);
  ClientResponse missing = get("/api/v1/admin/export/index_queue.jsonl", admin);
  CHECK(missing.status == 404);
  CHECK(missing.body.find("no export file named") != std::string::npos);
  serve.Signal(SIGTERM);
  CHECK(serve.Wait(10000) == 0);
}

// The import over the admin API (http/admin_import.h): each file of an
// export uploaded in pieces, one piece sent at the wrong offset refused with
// what is staged, then one POST restores an empty instance that exports the
// same bytes, and the running engine indexes the restored posts.
TEST_CASE("an export uploaded in pieces over the admin API restores an empty instance",
          "[mysql][app][transfer]") {
  AppInstance a;
  a.LoadPeople();
  TempDir dir("api-import"), staging("staging"), again("api-import-again");
  a.ScrmJson({"export", "--out", dir.path.string()});
  const json manifest = Manifest(dir.path);

  AppInstance b;
  b.Migrate();
  b.env["SCRM_TRANSFER_STAGING_DIR"] = staging.path.string();
  Child serve({ScrmBinary(), "serve"}, b.env);
  const std::string listening = serve.WaitForLine("listening on", 15000);
  const int port = std::atoi(listening.c_str() + listening.rfind(':') + 1);
  REQUIRE(port > 0);
  auto token = [&](const std::string& roles) {
    RunResult r = b.Scrm({"token", "--user", "1", "--roles", roles});
    REQUIRE(r.exit_code == 0);
    return r.out.substr(0, r.out.find('\n'));
  };
  const std::string admin = token("admin");
  auto call = [&](const std::string& method, const std::string& target, const std::string& body = "",
                  const std::string& bearer = "") {
    CallOptions o;
    o.headers["Authorization"] = "Bearer " + (bearer.empty() ? admin : bearer);
    if (method == "PUT" || method == "POST") {
      o.body = body;
      o.send_body = true;
    }
    return Call(port, method, target, o);
  };
  CHECK(call("PUT", "/api/v1/admin/import/posts.jsonl?offset=0", "x", token("sales")).status == 403);
  ClientResponse bad_name = call("PUT", "/api/v1/admin/import/notes.txt?offset=0", "x");
  CHECK(bad_name.status == 400);
  CHECK(bad_name.body.find("manifest.json, KIND.jsonl or VIEW.csv") != std::string::npos);
  CHECK(call("PUT", "/api/v1/admin/import/posts.jsonl", "x").status == 400);  // no offset

  // Every file in pieces of 1,000 bytes; one piece sent twice at a stale offset.
  std::vector<std::string> names = {"manifest.json"};
  for (const json& f : manifest["files"]) names.push_back(f["file"]);
  bool refused_once = false;
  for (const std::string& name : names) {
    const std::string bytes = Slurp(dir.path / name);
    for (size_t at = 0; at < bytes.size() || at == 0; at += 1000) {
      const std::string target = "/api/v1/admin/import/" + name + "?offset=" + std::to_string(at);
      ClientResponse put = call("PUT", target, bytes.substr(at, 1000));
      INFO(name << " at " << at << ": " << put.body);
      REQUIRE(put.status == 200);
      CHECK(json::parse(put.body)["bytes"] == std::min(bytes.size(), at + 1000));
      if (at > 0 && !refused_once) {
        ClientResponse stale = call("PUT", target, bytes.substr(at, 1000));  // already staged
        CHECK(stale.status == 409);
        CHECK(stale.body.find("send the piece that starts at offset") != std::string::npos);
        refused_once = true;
      }
      if (bytes.empty()) break;
    }
  }
  CHECK(refused_once);
  ClientResponse staged = call("GET", "/api/v1/admin/import");
  REQUIRE(staged.status == 200);
  CHECK(json::parse(staged.body)["files"].size() == names.size());
  CHECK(Slurp(staging.path / "posts.jsonl") == Slurp(dir.path / "posts.jsonl"));  // transfer.staging_dir

  ClientResponse restored = call("POST", "/api/v1/admin/import");
  INFO(restored.body);
  REQUIRE(restored.status == 200);
  const json summary = json::parse(restored.body);
  CHECK(summary["kinds"]["posts"] == 6);
  CHECK(summary["queued_for_index"] == 6);
  CHECK(json::parse(call("GET", "/api/v1/admin/import").body)["files"].empty());  // cleared
  ClientResponse nothing = call("POST", "/api/v1/admin/import");
  CHECK(nothing.status == 409);
  CHECK(nothing.body.find("no manifest.json staged") != std::string::npos);

  // The same bytes out again (scrm serve's matcher may have recorded a run in sync_state).
  b.ScrmJson({"export", "--out", again.path.string()});
  for (const json& f : manifest["files"]) {
    const std::string name = f["file"];
    INFO(name);
    if (name == "sync_state.jsonl" || name == "audit.jsonl") continue;
    CHECK(Slurp(again.path / name) == Slurp(dir.path / name));
  }
  // The log: the export's rows with their ids, then what b logged before
  // the import (its refusals), the import by the admin, the export.
  CheckLogGrew(dir.path, again.path);
  CHECK(b.db.Count("SELECT COUNT(*) FROM scrm_audit WHERE kind = 'import' AND actor = '1' AND "
                   "address = '127.0.0.1'") == 1);
  // The running engine indexes the restored posts (its feeder drains the queue).
  int64_t total = 0;
  for (int i = 0; i < 100 && total == 0; ++i) {
    ClientResponse found = call("GET", "/api/v1/search?q=kumquats");
    if (found.status == 200) total = json::parse(found.body)["total"];
    if (total == 0) ::usleep(100 * 1000);
  }
  CHECK(total >= 1);
  serve.Signal(SIGTERM);
  CHECK(serve.Wait(10000) == 0);
  // scrm serve wrote the refusals it counted, at the latest as it stopped:
  // the sales token's 403, with its reason, from the test's address.
  CHECK(b.db.Count("SELECT COUNT(*) FROM scrm_audit WHERE kind = 'forbidden' AND address = "
                   "'127.0.0.1' AND object = 'PUT /api/v1/admin/import/{file}' AND "
                   "JSON_VALUE(detail, '$.reason') = 'admin_role_needed'") == 1);
}
