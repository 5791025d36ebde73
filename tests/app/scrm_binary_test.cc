// End-to-end tests of the real `scrm` executable: its sub-commands, exit
// codes, one-line errors, and `scrm serve` as operators run it.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/process.h"
#include "support/test_db.h"

using namespace scrm;
using namespace scrm::testing;

namespace {

int PortFromListeningLine(const std::string& line) {
  size_t colon = line.rfind(':');
  return colon == std::string::npos ? 0 : std::atoi(line.c_str() + colon + 1);
}

bool WaitFor(const std::function<bool()>& ok, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return ok();
}

std::map<std::string, std::string> EnvFor(const TestDatabase& db) {
  return {{"SCRM_DB_URL", db.url_string()}, {"SCRM_HTTP_PORT", "0"}};
}

}  // namespace

TEST_CASE("scrm without a command prints usage and exits 2", "[app]") {
  RunResult r = Run({ScrmBinary()}, {});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("usage: scrm") != std::string::npos);
  RunResult help = Run({ScrmBinary(), "--help"}, {});
  CHECK(help.exit_code == 0);
  for (const char* cmd : {"serve", "migrate", "crm-sync"}) {
    INFO(cmd);
    CHECK(help.out.find(cmd) != std::string::npos);
    RunResult sub = Run({ScrmBinary(), cmd, "--help"}, {});
    CHECK(sub.exit_code == 0);
    CHECK(sub.out.find(std::string("usage: scrm ") + cmd) != std::string::npos);
  }
}

TEST_CASE("a bad configuration key stops scrm with one line naming it", "[app]") {
  std::string path = "/tmp/scrm_bad_" + std::to_string(getpid()) + ".properties";
  std::ofstream(path) << "db.url = mysql://a:b@127.0.0.1:1/x\nhttp.prot = 80\n";
  RunResult r = Run({ScrmBinary(), "--config", path, "serve"}, {});
  unlink(path.c_str());
  CHECK(r.exit_code == 2);
  CHECK(r.err == "scrm serve: " + path +
                     ":2: unknown key 'http.prot': did you mean http.port? (scrm "
                     "config lists every key; docs/configuration.md)\n");
}

TEST_CASE("an unreachable database stops scrm serve with one line naming the address", "[app]") {
  RunResult r = Run({ScrmBinary(), "serve"},
                    {{"SCRM_DB_URL", "mysql://scrm:pw@127.0.0.1:1/crm"}, {"SCRM_HTTP_PORT", "0"}});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("127.0.0.1:1") != std::string::npos);
  CHECK(r.err.find("SCRM_DB_URL") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.find(":pw@") == std::string::npos);
}

TEST_CASE("scrm migrate and crm-sync print JSON summaries", "[mysql][app]") {
  TestDatabase db;
  RunResult refused = Run({ScrmBinary(), "migrate"}, EnvFor(db));
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("--allow-empty-crm") != std::string::npos);

  db.LoadSuiteCrmSchema(true);
  db.Exec("INSERT INTO contacts (id, first_name, last_name, date_entered, date_modified, deleted) "
          "VALUES ('c1', 'Anne', 'Dubois', UTC_TIMESTAMP(), UTC_TIMESTAMP(), 0);\n");
  RunResult m = Run({ScrmBinary(), "migrate", "--json"}, EnvFor(db));
  REQUIRE(m.exit_code == 0);
  auto mj = nlohmann::json::parse(m.out);
  CHECK(mj["from_version"] == 0);
  CHECK(mj["to_version"].get<int>() >= 1);

  RunResult s = Run({ScrmBinary(), "crm-sync", "--json"}, EnvFor(db));
  REQUIRE(s.exit_code == 0);
  auto sj = nlohmann::json::parse(s.out);
  CHECK(sj["contacts"] == 1);
  CHECK(sj["updated"] == 1);
  CHECK(sj["deleted"] == 0);
  CHECK(sj.contains("seconds"));

  RunResult again = Run({ScrmBinary(), "crm-sync"}, EnvFor(db));
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("incremental sync:") == 0);
}

TEST_CASE("scrm serve answers health, readiness and metrics, syncs, and drains on SIGTERM",
          "[mysql][app]") {
  TestDatabase db;
  db.LoadSuiteCrmSchema(false);
  db.Exec("INSERT INTO contacts (id, first_name, last_name, date_entered, date_modified, deleted) "
          "VALUES ('c1', 'Anne', 'Dubois', UTC_TIMESTAMP(), UTC_TIMESTAMP(), 0);\n");
  auto env = EnvFor(db);
  env["SCRM_CRM_SYNC_INTERVAL"] = "1";

  {
    // Not migrated yet: alive, but not ready, and it says why.
    Child serve({ScrmBinary(), "serve"}, env);
    int port = PortFromListeningLine(serve.WaitForLine("listening on", 10000));
    REQUIRE(port > 0);
    CHECK(HttpGet(port, "/healthz") == 200);
    std::string body;
    CHECK(HttpGet(port, "/readyz", &body) == 503);
    CHECK(body.find("scrm migrate") != std::string::npos);
    serve.Signal(SIGTERM);
    CHECK(serve.Wait(15000) == 0);
  }

  REQUIRE(Run({ScrmBinary(), "migrate"}, env).exit_code == 0);
  Child serve({ScrmBinary(), "serve"}, env);
  int port = PortFromListeningLine(serve.WaitForLine("listening on", 10000));
  REQUIRE(port > 0);
  CHECK(HttpGet(port, "/readyz") == 200);
  // The background sync runs by itself.
  CHECK(WaitFor([&] { return db.Count("SELECT COUNT(*) FROM scrm_customers") == 1; }, 10000));
  std::string metrics;
  CHECK(WaitFor(
      [&] {
        HttpGet(port, "/metrics", &metrics);
        return metrics.find("scrm_crm_sync_runs_total{result=\"ok\"}") != std::string::npos;
      },
      10000));
  CHECK(metrics.find("scrm_http_requests_total{route=\"/readyz\",method=\"GET\",status=\"200\"} 1") !=
        std::string::npos);
  CHECK(metrics.find("scrm_crm_sync_lag_seconds") != std::string::npos);
  CHECK(metrics.find("scrm_db_pool_connections") != std::string::npos);
  serve.Signal(SIGTERM);
  CHECK(serve.Wait(15000) == 0);
}

TEST_CASE("scrm serve survives a MariaDB restart: 503 during the outage, back by itself",
          "[mysql][app]") {
  // A server of this test's own, so that stopping it disturbs no other test.
  std::string dir = "/tmp/scrm_restart_" + std::to_string(getpid());
  std::string db_script = std::string(SCRM_SOURCE_DIR) + "/scripts/db";
  std::map<std::string, std::string> db_env = {{"SCRM_DB_DIR", dir}, {"SCRM_DB_NAME", "crm"}};
  // Stopped and removed however the test ends (a failed REQUIRE included).
  struct Cleanup {
    const std::string& script;
    const std::string& dir;
    const std::map<std::string, std::string>& env;
    ~Cleanup() {
      Run({script, "destroy"}, env);
      Run({"/bin/rm", "-rf", dir}, {});
    }
  } cleanup{db_script, dir, db_env};
  RunResult started = Run({db_script, "start"}, db_env);
  REQUIRE(started.exit_code == 0);
  std::string url;
  std::getline(std::ifstream(dir + "/url"), url);
  std::string port_text;
  std::getline(std::ifstream(dir + "/port"), port_text);
  db_env["SCRM_DB_PORT"] = port_text;  // restart on the same port

  std::map<std::string, std::string> env = {
      {"SCRM_DB_URL", url}, {"SCRM_HTTP_PORT", "0"}, {"SCRM_CRM_SYNC_INTERVAL", "0"}};
  REQUIRE(Run({ScrmBinary(), "migrate", "--allow-empty-crm"}, env).exit_code == 0);
  Child serve({ScrmBinary(), "serve"}, env);
  int port = PortFromListeningLine(serve.WaitForLine("listening on", 10000));
  REQUIRE(port > 0);
  CHECK(HttpGet(port, "/readyz") == 200);

  REQUIRE(Run({db_script, "stop"}, db_env).exit_code == 0);
  std::string body;
  CHECK(HttpGet(port, "/readyz", &body) == 503);
  CHECK(body.find("database") != std::string::npos);
  CHECK(HttpGet(port, "/healthz") == 200);  // the process itself is fine

  REQUIRE(Run({db_script, "start"}, db_env).exit_code == 0);
  CHECK(WaitFor([&] { return HttpGet(port, "/readyz") == 200; }, 10000));
  serve.Signal(SIGTERM);
  CHECK(serve.Wait(15000) == 0);
}

TEST_CASE("scrm sources, ingest and rejects work end to end with documented exit codes",
          "[mysql][app]") {
  TestDatabase db;
  auto env = EnvFor(db);
  REQUIRE(Run({ScrmBinary(), "migrate", "--allow-empty-crm"}, env).exit_code == 0);

  RunResult missing = Run({ScrmBinary(), "ingest", "--source", "forum", "-"}, env);
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("scrm sources add forum") != std::string::npos);

  RunResult add = Run({ScrmBinary(), "sources", "add", "forum", "--type", "file", "--visibility",
                       "community", "--community", "partners", "--json"},
                      env);
  REQUIRE(add.exit_code == 0);
  CHECK(nlohmann::json::parse(add.out)["visibility"] == "community");
  RunResult bad_add = Run({ScrmBinary(), "sources", "add", "x", "--visibility", "secret"}, env);
  CHECK(bad_add.exit_code == 2);
  CHECK(bad_add.err.find("visibility") != std::string::npos);

  std::string path = "/tmp/scrm_ingest_" + std::to_string(getpid()) + ".jsonl";
  std::ofstream(path)
      << R"({"type":"Note","id":"https://f.example/1","content":"Salut #scrm","published":"2026-01-01T00:00:00Z"})"
      << "\n{broken\n"
      << R"({"type":"Note","id":"https://f.example/2","content":"Hello","published":"2026-01-02T00:00:00Z"})"
      << "\n";
  RunResult first = Run({ScrmBinary(), "ingest", "--source", "forum", "--json", path}, env);
  CHECK(first.exit_code == 4);  // some rejected
  auto j = nlohmann::json::parse(first.out);
  CHECK(j["format"] == "as2-jsonl");
  CHECK(j["new"] == 2);
  CHECK(j["rejected"] == 1);
  RunResult again = Run({ScrmBinary(), "ingest", "--source", "forum", "--json", path}, env);
  CHECK(nlohmann::json::parse(again.out)["unchanged"] == 2);

  RunResult list = Run({ScrmBinary(), "rejects", "list", "--json"}, env);
  REQUIRE(list.exit_code == 0);
  auto rejects = nlohmann::json::parse(list.out);
  REQUIRE(rejects.size() == 2);  // the broken line, once per ingest
  CHECK(rejects[0]["line"] == 2);
  CHECK(rejects[0]["file"] == path);
  std::string id = std::to_string(rejects[1]["id"].get<int>());
  RunResult raw = Run({ScrmBinary(), "rejects", "show", id, "--raw"}, env);
  CHECK(raw.out == "{broken");
  RunResult retry = Run({ScrmBinary(), "rejects", "retry", id}, env);
  CHECK(retry.exit_code == 4);
  CHECK(retry.out.find("stays open") != std::string::npos);
  CHECK(Run({ScrmBinary(), "rejects", "list", "--json"}, env).out == list.out);  // no new reject

  RunResult garbage = Run({ScrmBinary(), "ingest", "--source", "forum", "/etc/hostname"}, env);
  CHECK(garbage.exit_code == 2);
  CHECK(garbage.err.find("/etc/hostname") != std::string::npos);
  unlink(path.c_str());
}

TEST_CASE("scrm entities prints one JSON object per input line", "[app]") {
  std::string path = "/tmp/scrm_entities_" + std::to_string(getpid()) + ".txt";
  std::ofstream(path) << "Merci @anne@mastodon.social pour #réseau https://exemple.fr\n"
                         "no entities here\n";
  RunResult r = Run({"/bin/sh", "-c", ScrmBinary() + " entities < " + path}, {});
  unlink(path.c_str());
  REQUIRE(r.exit_code == 0);
  std::istringstream lines(r.out);
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  auto a = nlohmann::json::parse(first);
  CHECK(a["fediverse_handles"][0]["text"] == "anne@mastodon.social");
  CHECK(a["hashtags"][0]["text"] == "réseau");
  CHECK(a["hashtags"][0]["start"] == 33);  // code points
  CHECK(a["urls"][0]["text"] == "https://exemple.fr");
  auto b = nlohmann::json::parse(second);
  CHECK(b["mentions"].empty());
}
