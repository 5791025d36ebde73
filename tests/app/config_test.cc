#include "app/config.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

using namespace scrm;
using namespace scrm::app;

namespace {
std::string WriteTemp(const std::string& name, const std::string& text) {
  std::string path = "/tmp/scrm_config_test_" + std::to_string(getpid()) + "_" + name;
  std::ofstream(path) << text;
  return path;
}
}  // namespace

TEST_CASE("defaults apply with no file and no environment", "[app]") {
  auto c = LoadConfig("", {});
  REQUIRE(c.ok());
  CHECK(c->http_port == 8080);
  CHECK(c->http_bind == "127.0.0.1");
  CHECK(c->crm_sync_interval_seconds == 60);
  CHECK(c->db.url.user.empty());
}

TEST_CASE("a properties file is read and the environment overrides it", "[app]") {
  std::string path = WriteTemp("a.properties",
                               "# comment\n"
                               "db.url = mysql://a:b@db.internal:3307/crm\n"
                               "http.port = 9000\n"
                               "index.dir: /var/lib/scrm/index\n"
                               "crm.sync_interval_seconds = 0\n");
  auto c = LoadConfig(path, {{"SCRM_HTTP_PORT", "9100"}, {"SCRM_SECRET", "s3cret"}});
  REQUIRE(c.ok());
  CHECK(c->db.url.host == "db.internal");
  CHECK(c->db.url.port == 3307);
  CHECK(c->http_port == 9100);
  CHECK(c->secret == "s3cret");
  CHECK(c->index_dir == "/var/lib/scrm/index");
  CHECK(c->crm_sync_interval_seconds == 0);

  auto env_url = LoadConfig(path, {{"SCRM_DB_URL", "mysql://x:y@localhost/other?socket=/s"}});
  REQUIRE(env_url.ok());
  CHECK(env_url->db.url.socket == "/s");
  CHECK(env_url->db.url.database == "other");
}

TEST_CASE("a JSON file is read as nested keys", "[app]") {
  std::string path = WriteTemp("b.json", R"({"db": {"url": "mysql://a:b@h/crm", "pool_size": 4},
                                               "http": {"port": 0}})");
  auto c = LoadConfig(path, {});
  REQUIRE(c.ok());
  CHECK(c->db.size == 4);
  CHECK(c->http_port == 0);
}

TEST_CASE("bad settings name the key and where it came from", "[app]") {
  struct Case {
    std::string file;
    std::map<std::string, std::string> env;
    std::string expect;  // part of the message
    std::string field;
  };
  std::vector<Case> cases = {
      {"db.pool = 3\n", {}, ":1: unknown key 'db.pool'", "db.pool"},
      {"http.port = eighty\n",
       {},
       ":1: http.port = 'eighty' is not a whole number: give one from 0 to 65535",
       "http.port"},
      {"http.port = 70000\n", {}, "out of range", "http.port"},
      {"\n\ndb.url = postgres://x/y\n", {}, ":3: bad database URL", "db.url"},
      {"",
       {{"SCRM_HTTP_PORT", "-1"}},
       "SCRM_HTTP_PORT: http.port = -1 is out of range",
       "http.port"},
      {"metrics.public = yes\n", {}, "must be true or false", "metrics.public"},
      {"just a line\n", {}, ":1: expected 'key = value'", ""},
      {"crm.origin = https://crm.example.com/index.php\n", {}, "must be an origin", "crm.origin"},
      {"",
       {{"SCRM_CRM_ORIGIN", "https://a.example; script-src *"}},
       "SCRM_CRM_ORIGIN: crm.origin",
       "crm.origin"},
      {"crm.origin = crm.example.com\n", {}, "must be an origin", "crm.origin"},
      {"ui.session_minutes = 0\n", {}, "out of range", "ui.session_minutes"},
      {"activitypub.base_url = crm.example.com/scrm\n", {}, "absolute http(s) URL",
       "activitypub.base_url"},
      {"",
       {{"SCRM_ACTIVITYPUB_BASE_URL", "https://crm.example.com/scrm?x=1"}},
       "SCRM_ACTIVITYPUB_BASE_URL: activitypub.base_url",
       "activitypub.base_url"},
  };
  int n = 0;
  for (const Case& k : cases) {
    INFO(k.file);
    std::string path = WriteTemp("bad" + std::to_string(n++) + ".properties", k.file);
    auto c = LoadConfig(path, k.env);
    REQUIRE_FALSE(c.ok());
    CHECK(c.status().message().find(k.expect) != std::string::npos);
    CHECK(c.status().field() == k.field);
  }
  auto missing = LoadConfig("/nonexistent/scrm.properties", {});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("/nonexistent/scrm.properties") != std::string::npos);
}

TEST_CASE("the pages' settings: templates, session length, the CRM's origin", "[app]") {
  auto d = LoadConfig(WriteTemp("ui0.properties", ""), {});
  REQUIRE(d.ok());
  CHECK(d->ui_session_minutes == 60);
  CHECK(d->crm_origin.empty());
  CHECK(d->ui_templates_dir == SCRM_DEFAULT_UI_TEMPLATES_DIR);
  auto c = LoadConfig(WriteTemp("ui1.properties", "ui.session_minutes = 15\nui.templates_dir = /t\n"),
                      {{"SCRM_CRM_ORIGIN", "https://crm.example.com:8443"}});
  REQUIRE(c.ok());
  CHECK(c->ui_session_minutes == 15);
  CHECK(c->ui_templates_dir == "/t");
  CHECK(c->crm_origin == "https://crm.example.com:8443");
}

TEST_CASE("the engine's ActivityPub actor: no address by default, its key beside the index",
          "[app]") {
  auto d = LoadConfig(WriteTemp("ap0.properties", "index.dir = /var/lib/scrm/index\n"), {});
  REQUIRE(d.ok());
  CHECK(d->activitypub_base_url.empty());
  CHECK(d->activitypub_key_file == "/var/lib/scrm/activitypub.key");
  auto c = LoadConfig(WriteTemp("ap1.properties", "activitypub.key_file = /k/actor.pem\n"),
                      {{"SCRM_ACTIVITYPUB_BASE_URL", "https://crm.example.com/scrm"}});
  REQUIRE(c.ok());
  CHECK(c->activitypub_base_url == "https://crm.example.com/scrm");
  CHECK(c->activitypub_key_file == "/k/actor.pem");
}

TEST_CASE("every key is declared once, with its help, its doc and a default its check takes",
          "[app]") {
  std::set<std::string> keys, envs;
  for (const Option& o : Options()) {
    INFO(o.key);
    CHECK(keys.insert(o.key).second);
    if (!o.env.empty()) {
      CHECK(o.env.rfind("SCRM_", 0) == 0);
      CHECK(envs.insert(o.env).second);
    }
    CHECK(o.help.size() > 5);
    CHECK(o.help.find('\n') == std::string::npos);  // one line
    CHECK(o.doc.size() > 5);
    CHECK(o.doc.find('|') == std::string::npos);       // a Markdown table cell
    CHECK((o.value.has_value() || !o.shown.empty()));  // a default, or what applies without one
    if (o.value) {
      Config c;
      CHECK(o.apply(*o.value, "default", c).ok());
    }
  }
  CHECK(keys.size() >= 50);
  CHECK_NOTHROW(DefaultConfig());
}

TEST_CASE("a bad value is refused by its key's check, naming the key and its origin", "[app]") {
  // One kind of check each: range, whole number, fraction, flag, origin, URL.
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"http.port", "70000"},
      {"http.threads", "many"},
      {"match.margin", "1.5"},
      {"metrics.public", "yes"},
      {"crm.origin", "https://crm.example.com/path"},
      {"db.url", "postgres://x"}};
  for (const auto& [key, value] : bad) {
    INFO(key << " = " << value);
    const std::string path =
        WriteTemp("bad-" + key + ".properties", "\n" + key + " = " + value + "\n");
    Result<Config> c = LoadConfig(path, {});
    REQUIRE_FALSE(c.ok());
    CHECK(c.status().field() == key);
    CHECK(c.status().message().find(path + ":2") == 0);
    for (const Option& o : Options()) {
      if (o.key != key || o.env.empty()) continue;
      Result<Config> e = LoadConfig("", {{o.env, value}});
      REQUIRE_FALSE(e.ok());
      CHECK(e.status().message().find(o.env) == 0);  // the variable is named
    }
  }
}

TEST_CASE("docs/configuration.md's table of keys is the declarations'", "[app]") {
  std::ifstream in(std::string(SCRM_SOURCE_DIR) + "/docs/configuration.md");
  REQUIRE(in);
  const std::string begin =
      "<!-- generated by scripts/config-doc from engine/app/options.cc (scrm config --markdown): "
      "edit there -->";
  const std::string end = "<!-- end of the generated table -->";
  std::string line, table;
  bool inside = false, found = false;
  while (std::getline(in, line)) {
    if (line == begin) {
      inside = found = true;
    } else if (line == end) {
      inside = false;
    } else if (inside) {
      table += line + "\n";
    }
  }
  REQUIRE(found);
  if (table != OptionsMarkdown()) {
    std::istringstream doc(table), declared(OptionsMarkdown());
    std::string a, b;
    int n = 0;
    for (;;) {  // the first row where they part
      a.clear();
      b.clear();
      const bool more_doc = static_cast<bool>(std::getline(doc, a));
      const bool more_declared = static_cast<bool>(std::getline(declared, b));
      ++n;
      if (a != b || (!more_doc && !more_declared)) break;
    }
    FAIL("docs/configuration.md's table of keys differs from engine/app/options.cc at its row "
         << n - 2 << ":\n  doc:      " << a << "\n  declared: " << b
         << "\nrun scripts/config-doc to write the declarations into the doc (edit the text in "
            "options.cc)");
  }
}

TEST_CASE("scrm config lists every key from the declarations", "[app]") {
  const std::string help = OptionsHelp();
  for (const Option& o : Options()) {
    INFO(o.key);
    const bool listed =
        help.find("\n" + o.key + " = ") != std::string::npos || help.rfind(o.key + " = ", 0) == 0;
    CHECK(listed);
    if (!o.env.empty()) CHECK(help.find(o.env) != std::string::npos);
  }
  CHECK(help.find("http.port = 8080   (SCRM_HTTP_PORT; 0 to 65535)\n") != std::string::npos);
}

TEST_CASE("the TLS files: from the file, overridden by SCRM_TLS_*, none by default", "[app]") {
  auto d = LoadConfig(WriteTemp("tls0.properties", ""), {});
  REQUIRE(d.ok());
  CHECK(d->http_tls_cert_file.empty());
  CHECK(d->http_tls_key_file.empty());
  const std::string path = WriteTemp(
      "tls1.properties", "http.tls_cert_file = /etc/scrm/cert.pem\nhttp.tls_key_file = /etc/scrm/key.pem\n");
  auto c = LoadConfig(path, {});
  REQUIRE(c.ok());
  CHECK(c->http_tls_cert_file == "/etc/scrm/cert.pem");
  CHECK(c->http_tls_key_file == "/etc/scrm/key.pem");
  auto e = LoadConfig(path, {{"SCRM_TLS_CERT_FILE", "/run/c.pem"}, {"SCRM_TLS_KEY_FILE", "/run/k.pem"}});
  REQUIRE(e.ok());
  CHECK(e->http_tls_cert_file == "/run/c.pem");
  CHECK(e->http_tls_key_file == "/run/k.pem");
  auto j = LoadConfig(WriteTemp("tls2.json", R"({"http": {"tls_cert_file": "c.pem", "tls_key_file": "k.pem"}})"), {});
  REQUIRE(j.ok());
  CHECK(j->http_tls_cert_file == "c.pem");
  CHECK(j->http_tls_key_file == "k.pem");
}

TEST_CASE("http.tls_reload_seconds: 60 by default, 0 for SIGHUP only, SCRM_TLS_RELOAD_SECONDS",
          "[app]") {
  CHECK(LoadConfig(WriteTemp("tlsr0.properties", ""), {})->http_tls_reload_seconds == 60);
  const std::string path = WriteTemp("tlsr1.properties", "http.tls_reload_seconds = 0\n");
  CHECK(LoadConfig(path, {})->http_tls_reload_seconds == 0);
  CHECK(LoadConfig(path, {{"SCRM_TLS_RELOAD_SECONDS", "5"}})->http_tls_reload_seconds == 5);
  Result<Config> negative =
      LoadConfig(WriteTemp("tlsr2.properties", "http.tls_reload_seconds = -1\n"), {});
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.status().field() == "http.tls_reload_seconds");
  CHECK(negative.status().message().find("tlsr2.properties:1") != std::string::npos);
}

TEST_CASE("the secrets key file defaults to beside the index and can be set", "[app][secrets]") {
  CHECK(LoadConfig("", {})->secrets_key_file == "secrets.key");
  CHECK(LoadConfig("", {{"SCRM_INDEX_DIR", "/var/lib/scrm/index"}})->secrets_key_file ==
        "/var/lib/scrm/secrets.key");
  const std::string path = WriteTemp("k.properties", "secrets.key_file = /etc/scrm/secrets.key\n");
  CHECK(LoadConfig(path, {})->secrets_key_file == "/etc/scrm/secrets.key");
  CHECK(LoadConfig(path, {{"SCRM_SECRETS_KEY_FILE", "/run/k"}})->secrets_key_file == "/run/k");
  Result<Config> empty = LoadConfig(WriteTemp("e.properties", "secrets.key_file =\n"), {});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().field() == "secrets.key_file");
  CHECK(empty.status().message().find("e.properties:1") != std::string::npos);
}

TEST_CASE("availability settings: defaults, the file, the environment, bad proxies refused",
          "[app]") {
  auto d = LoadConfig(WriteTemp("avail0.properties", ""), {});
  REQUIRE(d.ok());
  CHECK(d->http_threads == 0);  // twice the cores, at least 4 (WorkSlots::ForCores)
  CHECK(d->http_max_connections == 512);
  CHECK(d->http_max_connections_per_address == 64);
  CHECK(d->http_header_timeout_seconds == 10);
  CHECK(d->http_max_body_bytes_unauthenticated == 65536);
  CHECK(d->http_max_concurrent_per_caller == 6);
  CHECK(d->http_trusted_proxies.empty());
  CHECK(d->search_time_budget_ms == 2000);

  auto c = LoadConfig(WriteTemp("avail1.properties",
                                "http.trusted_proxies = 10.0.0.0/8, ::1\n"
                                "http.header_timeout_seconds = 5\n"
                                "http.max_concurrent_per_caller = 2\n"),
                      {{"SCRM_SEARCH_TIME_BUDGET_MS", "500"},
                       {"SCRM_HTTP_MAX_CONNECTIONS_PER_ADDRESS", "8"}});
  REQUIRE(c.ok());
  CHECK(c->http_trusted_proxies == std::vector<std::string>{"10.0.0.0/8", "::1"});
  CHECK(c->http_header_timeout_seconds == 5);
  CHECK(c->http_max_concurrent_per_caller == 2);
  CHECK(c->search_time_budget_ms == 500);
  CHECK(c->http_max_connections_per_address == 8);

  auto bad = LoadConfig(WriteTemp("avail2.properties", "http.trusted_proxies = 10.0.0.0/8, proxy\n"), {});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().field() == "http.trusted_proxies");
  CHECK(bad.status().message().find("avail2.properties:1") != std::string::npos);
  CHECK(bad.status().message().find("'proxy'") != std::string::npos);
  auto zero = LoadConfig(WriteTemp("avail3.properties", "http.header_timeout_seconds = 0\n"), {});
  CHECK_FALSE(zero.ok());
}
