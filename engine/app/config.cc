#include "app/config.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "http/proxies.h"
#include "secrets/key_file.h"

extern char** environ;

namespace scrm::app {

const std::vector<KeyDoc>& ConfigKeys() {
  static const std::vector<KeyDoc> kKeys = {
      {"db.url", "(none: required)", "SCRM_DB_URL",
       "mysql://user:password@host:port/database, or mysql://user:password@localhost/database"
       "?socket=PATH: the CRM's database, where the engine keeps its scrm_* tables"},
      {"db.pool_size", "8", "SCRM_DB_POOL_SIZE", "database connections at most"},
      {"db.connect_timeout_seconds", "3", "", "per connection attempt"},
      {"db.replica_url", "(none)", "SCRM_DB_REPLICA_URL",
       "a replica of db.url (MariaDB replication) for the reads that tolerate lag: the search "
       "pages and the Social panel; every write goes to db.url"},
      {"db.replica_max_lag_seconds", "30", "SCRM_DB_REPLICA_MAX_LAG_SECONDS",
       "while the replica is further behind than this (or stopped, or unreachable), those reads "
       "go to db.url"},
      {"http.bind", "127.0.0.1", "SCRM_HTTP_BIND", "address scrm serve listens on"},
      {"http.port", "8080", "SCRM_HTTP_PORT", "port scrm serve listens on (0: any free port)"},
      {"http.threads", "16", "SCRM_HTTP_THREADS",
       "work slots: requests worked on at once. A request takes one once it has been read "
       "whole (headers and body), so slow or idle clients never hold one; /healthz and /readyz "
       "never take one"},
      {"http.slot_wait_ms", "100", "SCRM_HTTP_SLOT_WAIT_MS",
       "how long a request that has been read waits for a free work slot; then 503 with "
       "Retry-After: 1"},
      {"http.max_connections", "512", "SCRM_HTTP_MAX_CONNECTIONS",
       "connections held at once, each on a cheap thread of its own (reading, waiting, "
       "writing); beyond: 503 and closed at once"},
      {"http.max_connections_per_address", "64", "SCRM_HTTP_MAX_CONNECTIONS_PER_ADDRESS",
       "connections held at once from one client address; beyond: 503 and closed at once; "
       "0: no cap. Peers in http.trusted_proxies are not capped"},
      {"http.header_timeout_seconds", "10", "SCRM_HTTP_HEADER_TIMEOUT_SECONDS",
       "deadline for the TLS handshake and the whole request head (of a new connection, or "
       "from the first byte of the next request); past it the connection is shut down"},
      {"http.body_timeout_seconds", "60", "SCRM_HTTP_BODY_TIMEOUT_SECONDS",
       "deadline for a whole request body; past it the connection is shut down"},
      {"http.idle_timeout_seconds", "15", "SCRM_HTTP_IDLE_TIMEOUT_SECONDS",
       "a kept-alive connection is closed when no next request starts within it"},
      {"http.read_timeout_seconds", "10", "SCRM_HTTP_READ_TIMEOUT_SECONDS",
       "longest wait for any one read from a client"},
      {"http.write_timeout_seconds", "30", "SCRM_HTTP_WRITE_TIMEOUT_SECONDS",
       "longest wait for any one write to a client (and the deadline of a whole buffered "
       "answer)"},
      {"http.max_body_bytes", "10485760", "SCRM_HTTP_MAX_BODY_BYTES",
       "largest body of the routes that take uploads (import pieces, pushes); other routes "
       "take at most 1 MiB; larger bodies get 413, before they are read when declared"},
      {"http.max_body_bytes_unauthenticated", "65536", "SCRM_HTTP_MAX_BODY_BYTES_UNAUTHENTICATED",
       "largest body read before the caller has proven who it is: a larger one is read only "
       "after its token, key or session (with X-CSRF-Token) is checked on the headers; on "
       "public routes it is the limit (pushes, signed over their body, excepted)"},
      {"http.max_concurrent_per_caller", "6", "SCRM_HTTP_MAX_CONCURRENT_PER_CALLER",
       "requests in progress at once per caller (token, API key or session; else client "
       "address); beyond: 429 with Retry-After: 1; 0: no limit. Probes excepted"},
      {"http.trusted_proxies", "(none: trust no one)", "SCRM_HTTP_TRUSTED_PROXIES",
       "comma-separated addresses or CIDR blocks (10.0.0.5, 10.0.0.0/8, ::1) of reverse "
       "proxies whose X-Forwarded-For, X-Forwarded-Proto and Forwarded headers are believed; "
       "from them the client's address is the forwarded one (rate limits, caps, logs)"},
      {"search.time_budget_ms", "2000", "SCRM_SEARCH_TIME_BUDGET_MS",
       "time one search may spend matching and counting; when spent it answers what it "
       "found so far with \"time_budget_spent\": true (docs/api.md); 0: no budget"},
      {"http.rate_limit_per_address", "100", "SCRM_RATE_LIMIT_PER_ADDRESS",
       "requests per second from one client address (bursts of twice that); beyond: 429 "
       "with Retry-After; 0: no limit. Health probes and /metrics are not limited"},
      {"http.rate_limit_per_credential", "50", "SCRM_RATE_LIMIT_PER_CREDENTIAL",
       "requests per second with one token, API key or UI session (bursts of twice that); "
       "0: no limit"},
      {"http.tls_cert_file", "(none: plain HTTP)", "SCRM_TLS_CERT_FILE",
       "PEM certificate of scrm serve (intermediates after it); with http.tls_key_file the "
       "listener speaks only TLS (1.2 or later). Both or neither: scrm serve refuses one alone"},
      {"http.tls_key_file", "(none: plain HTTP)", "SCRM_TLS_KEY_FILE",
       "PEM private key of http.tls_cert_file, unencrypted, readable by scrm's user only; "
       "never logged"},
      {"http.tls_reload_seconds", "60", "SCRM_TLS_RELOAD_SECONDS",
       "how often scrm serve looks whether the TLS files were replaced (renewed) and, if so, "
       "serves the new pair to new connections; 0: only on SIGHUP"},
      {"index.dir", "scrm-index", "SCRM_INDEX_DIR", "where the Xapian index lives"},
      {"index.shards", "1", "SCRM_INDEX_SHARDS",
       "local shards under index.dir, written in parallel (changing it needs scrm reindex)"},
      {"index.remote_shards", "(none)", "",
       "comma-separated host:port of `xapian-tcpsrv --writable` shards, after the local ones"},
      {"index.facet_sample", "20000", "",
       "facets and the histogram count at most this many matches per search"},
      {"index.feed_interval_ms", "250", "",
       "how often scrm serve indexes newly stored posts (a post is searchable within it)"},
      {"secret", "(none)", "SCRM_SECRET",
       "secret shared with the CRM plugin to sign tokens; never logged"},
      {"crm.sync_interval_seconds", "60", "SCRM_CRM_SYNC_INTERVAL",
       "background CRM sync period in scrm serve (0: off)"},
      {"crm.sync_overlap_seconds", "300", "",
       "an incremental sync re-reads this much before its watermark"},
      {"metrics.public", "true", "", "serve /metrics without credentials"},
      {"poll.tick_seconds", "5", "", "how often scrm serve looks for url sources due (0: off)"},
      {"poll.timeout_seconds", "10", "", "per connect, send or receive of a feed"},
      {"poll.max_bytes", "52428800", "", "largest feed body accepted"},
      {"poll.ca_file", "(system store)", "", "CA file or directory for https feeds"},
      {"ingest.writers", "2", "SCRM_INGEST_WRITERS",
       "database writers of one ingest, each on its own connection"},
      {"ingest.batch_size", "1000", "", "records per database write"},
      {"match.auto_threshold", "0.9", "",
       "identity: a proposal scored at or above it (with evidence beyond names) is linked"},
      {"match.suggest_threshold", "0.4", "",
       "identity: at or above it (and below auto) a proposal waits for review"},
      {"match.margin", "0.1", "",
       "identity: a rival candidate this close to the best makes a suggestion, never a link"},
      {"match.interval_seconds", "10", "",
       "how often scrm serve matches new profiles and changed CRM records (0: off)"},
      {"ui.templates_dir", "(the project's ui-templates/)", "SCRM_UI_TEMPLATES_DIR",
       "templates, messages (i18n/) and static files of the /ui/ pages"},
      {"ui.session_minutes", "60", "SCRM_UI_SESSION_MINUTES",
       "a /ui/ session (started by ?sso=) ends after this many minutes unused (idle timeout)"},
      {"ui.session_max_hours", "12", "SCRM_UI_SESSION_MAX_HOURS",
       "a /ui/ session ends this many hours after its sign-on, however busy (absolute "
       "lifetime): the user signs on again from the CRM, with the roles they hold then"},
      {"crm.origin", "(none)", "SCRM_CRM_ORIGIN",
       "origin of the CRM that embeds the pages (https://crm.example.com): CSP frame-ancestors"},
      {"retention.interval_hours", "24", "",
       "how often scrm serve removes posts older than their source's retention_days (0: off)"},
      {"secrets.key_file", "(secrets.key beside index.dir)", "SCRM_SECRETS_KEY_FILE",
       "32-byte key (mode 0600) that seals the sources' push secrets; created when first "
       "needed; back it up apart from the database (docs/security.md)"},
      {"activitypub.base_url", "(none: no actor, unsigned fetches)", "SCRM_ACTIVITYPUB_BASE_URL",
       "the engine's public address (https://crm.example.com/scrm); its ActivityPub actor is "
       "served at BASE/ap/actor with its public key, and its fetches from fediverse servers are "
       "signed (HTTP Signatures) so that servers requiring authorized fetch answer"},
      {"activitypub.key_file", "(activitypub.key beside index.dir)", "SCRM_ACTIVITYPUB_KEY_FILE",
       "RSA private key (PEM, mode 0600) of the engine's ActivityPub actor; created when first "
       "needed. Replacing it changes the key servers know the engine by"},
      {"transfer.staging_dir", "(import-staging beside index.dir)", "SCRM_TRANSFER_STAGING_DIR",
       "where the files of an import over the API are uploaded (PUT /api/v1/admin/import/{file}) "
       "before POST /api/v1/admin/import restores them (docs/export-format.md)"},
  };
  return kKeys;
}

identity::MatchOptions MatchOptionsOf(const Config& config) {
  identity::MatchOptions m;
  m.auto_threshold = config.match_auto_threshold;
  m.suggest_threshold = config.match_suggest_threshold;
  m.margin = config.match_margin;
  return m;
}

index::IndexConfig IndexConfigOf(const Config& config) {
  index::IndexConfig c;
  c.dir = config.index_dir;
  c.shards = config.index_shards;
  c.remotes = config.index_remote_shards;
  c.facet_sample = config.index_facet_sample;
  return c;
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

namespace {

struct Setting {
  std::string value;
  std::string origin;  // "scrm.properties:12", "SCRM_DB_URL", "default"
};

Status ReadProperties(const std::string& path, std::istream& in,
                      std::map<std::string, Setting>& out) {
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == '!') continue;
    size_t eq = t.find_first_of("=:");
    if (eq == std::string::npos) {
      return Status::InvalidArgument(path + ":" + std::to_string(n) +
                                     ": expected 'key = value', got '" + t + "'");
    }
    out[Trim(t.substr(0, eq))] = {Trim(t.substr(eq + 1)), path + ":" + std::to_string(n)};
  }
  return Status::Ok();
}

void Flatten(const nlohmann::json& j, const std::string& prefix, const std::string& path,
             std::map<std::string, Setting>& out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it->is_object()) {
      Flatten(*it, key, path, out);
    } else if (it->is_string()) {
      out[key] = {it->get<std::string>(), path + ": " + key};
    } else {
      out[key] = {it->dump(), path + ": " + key};
    }
  }
}

Status ReadJson(const std::string& path, std::istream& in, std::map<std::string, Setting>& out) {
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidArgument(path + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) return Status::InvalidArgument(path + ": expected a JSON object");
  Flatten(j, "", path, out);
  return Status::Ok();
}

Status ParseInt(const Setting& s, const std::string& key, long min, long max, long* out) {
  try {
    size_t used = 0;
    long v = std::stol(s.value, &used);
    if (used != s.value.size()) throw std::invalid_argument("trailing");
    if (v < min || v > max) {
      return Status::InvalidArgument(s.origin + ": " + key + " = " + s.value + " is out of range [" +
                                         std::to_string(min) + ", " + std::to_string(max) + "]",
                                     key);
    }
    *out = v;
    return Status::Ok();
  } catch (const std::exception&) {
    return Status::InvalidArgument(
        s.origin + ": " + key + " = '" + s.value + "' is not a whole number", key);
  }
}

Status ParseFraction(const Setting& s, const std::string& key, double* out) {
  char* end = nullptr;
  const double v = std::strtod(s.value.c_str(), &end);
  if (s.value.empty() || *end != '\0' || !(v >= 0.0 && v <= 1.0)) {
    return Status::InvalidArgument(
        s.origin + ": " + key + " = '" + s.value + "' must be a number between 0 and 1", key);
  }
  *out = v;
  return Status::Ok();
}

bool FileExists(const std::string& p) { return std::ifstream(p).good(); }

// The non-empty, trimmed items of "a, b,,c".
std::vector<std::string> CommaList(const std::string& value) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream list(value);
  while (std::getline(list, item, ',')) {
    item = Trim(item);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

Result<Config> LoadConfig(const std::string& path, const std::map<std::string, std::string>& env) {
  std::map<std::string, Setting> settings;
  Config config;

  std::string file = path;
  if (file.empty()) {
    if (FileExists("scrm.properties")) file = "scrm.properties";
    else if (FileExists("scrm.json")) file = "scrm.json";
  }
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) {
      return Status::InvalidArgument("cannot read configuration file " + file +
                                     " (check --config)", "--config");
    }
    Status s = (file.size() > 5 && file.substr(file.size() - 5) == ".json")
                   ? ReadJson(file, in, settings)
                   : ReadProperties(file, in, settings);
    if (!s.ok()) return s;
    config.config_file = file;
  }
  for (const auto& [key, setting] : settings) {
    bool known = false;
    for (const KeyDoc& k : ConfigKeys()) known = known || key == k.key;
    if (!known) {
      return Status::InvalidArgument(setting.origin + ": unknown key '" + key +
                                         "' (the keys are listed in docs/configuration.md)",
                                     key);
    }
  }
  for (const KeyDoc& k : ConfigKeys()) {
    if (*k.env == '\0') continue;
    auto it = env.find(k.env);
    if (it != env.end() && !it->second.empty()) settings[k.key] = {it->second, k.env};
  }

  auto get = [&](const std::string& key) -> const Setting* {
    auto it = settings.find(key);
    return it == settings.end() ? nullptr : &it->second;
  };
  long v = 0;
  Status s;
  // db.url and db.replica_url: the same form, the same check.
  for (auto [key, target] : {std::pair{"db.url", &config.db.url},
                             std::pair{"db.replica_url", &config.db_replica.url}}) {
    const Setting* url = get(key);
    if (url == nullptr) continue;
    Result<store::DbUrl> parsed = store::DbUrl::Parse(url->value);
    if (!parsed.ok()) return Status::InvalidArgument(url->origin + ": " + parsed.status().message(), key);
    *target = *parsed;
  }
  config.db_replica_enabled = get("db.replica_url") != nullptr;
#define SCRM_INT_KEY(key, min, max, target)                      \
  if (const Setting* st = get(key)) {                            \
    if (!(s = ParseInt(*st, key, min, max, &v)).ok()) return s;  \
    target = static_cast<decltype(target)>(v);                   \
  }
  SCRM_INT_KEY("db.pool_size", 2, 512, config.db.size)
  SCRM_INT_KEY("db.connect_timeout_seconds", 1, 600, config.db.connect_timeout_seconds)
  SCRM_INT_KEY("db.replica_max_lag_seconds", 0, 86400, config.db_replica_max_lag_seconds)
  config.db_replica.size = config.db.size;
  config.db_replica.connect_timeout_seconds = config.db.connect_timeout_seconds;
  SCRM_INT_KEY("http.port", 0, 65535, config.http_port)
  SCRM_INT_KEY("http.threads", 1, 1024, config.http_threads)
  SCRM_INT_KEY("http.slot_wait_ms", 0, 60000, config.http_slot_wait_ms)
  SCRM_INT_KEY("http.max_connections", 1, 100000, config.http_max_connections)
  SCRM_INT_KEY("http.max_connections_per_address", 0, 100000,
               config.http_max_connections_per_address)
  SCRM_INT_KEY("http.header_timeout_seconds", 1, 3600, config.http_header_timeout_seconds)
  SCRM_INT_KEY("http.body_timeout_seconds", 1, 86400, config.http_body_timeout_seconds)
  SCRM_INT_KEY("http.idle_timeout_seconds", 1, 3600, config.http_idle_timeout_seconds)
  SCRM_INT_KEY("http.read_timeout_seconds", 1, 3600, config.http_read_timeout_seconds)
  SCRM_INT_KEY("http.write_timeout_seconds", 1, 3600, config.http_write_timeout_seconds)
  SCRM_INT_KEY("http.max_body_bytes", 1024, 1L << 32, config.http_max_body_bytes)
  SCRM_INT_KEY("http.max_body_bytes_unauthenticated", 1024, 1L << 32,
               config.http_max_body_bytes_unauthenticated)
  SCRM_INT_KEY("http.max_concurrent_per_caller", 0, 100000, config.http_max_concurrent_per_caller)
  SCRM_INT_KEY("search.time_budget_ms", 0, 600000, config.search_time_budget_ms)
  SCRM_INT_KEY("http.rate_limit_per_address", 0, 1000000, config.http_rate_limit_per_address)
  SCRM_INT_KEY("http.rate_limit_per_credential", 0, 1000000, config.http_rate_limit_per_credential)
  SCRM_INT_KEY("http.tls_reload_seconds", 0, 86400, config.http_tls_reload_seconds)
  SCRM_INT_KEY("crm.sync_interval_seconds", 0, 86400 * 7, config.crm_sync_interval_seconds)
  SCRM_INT_KEY("crm.sync_overlap_seconds", 0, 86400, config.crm_sync_overlap_seconds)
  SCRM_INT_KEY("poll.tick_seconds", 0, 3600, config.poll_tick_seconds)
  SCRM_INT_KEY("ingest.writers", 1, 16, config.ingest_writers)
  SCRM_INT_KEY("ingest.batch_size", 1, 10000, config.ingest_batch_size)
  SCRM_INT_KEY("poll.timeout_seconds", 1, 600, config.poll_timeout_seconds)
  SCRM_INT_KEY("poll.max_bytes", 1024, 1L << 34, config.poll_max_bytes)
  SCRM_INT_KEY("index.shards", 0, 64, config.index_shards)
  SCRM_INT_KEY("match.interval_seconds", 0, 86400, config.match_interval_seconds)
  SCRM_INT_KEY("retention.interval_hours", 0, 24 * 366, config.retention_interval_hours)
  SCRM_INT_KEY("index.facet_sample", 100, 10000000, config.index_facet_sample)
  SCRM_INT_KEY("index.feed_interval_ms", 10, 60000, config.index_feed_interval_ms)
  SCRM_INT_KEY("ui.session_minutes", 1, 7 * 24 * 60, config.ui_session_minutes)
  SCRM_INT_KEY("ui.session_max_hours", 1, 30 * 24, config.ui_session_max_hours)
#undef SCRM_INT_KEY
  if (const Setting* st = get("http.bind")) config.http_bind = st->value;
  if (const Setting* st = get("http.tls_cert_file")) config.http_tls_cert_file = st->value;
  if (const Setting* st = get("http.tls_key_file")) config.http_tls_key_file = st->value;
  if (const Setting* st = get("index.dir")) config.index_dir = st->value;
  if (const Setting* st = get("secret")) config.secret = st->value;
  const Setting* key_file = get("secrets.key_file");
  if (key_file != nullptr && key_file->value.empty()) {
    return Status::InvalidArgument(key_file->origin + ": secrets.key_file is empty: give the path "
                                   "of the key file, or leave the key out for the default",
                                   "secrets.key_file");
  }
  config.secrets_key_file =
      key_file != nullptr ? key_file->value : secrets::DefaultKeyFilePath(config.index_dir);
  if (const Setting* st = get("activitypub.base_url")) {
    const std::string& u = st->value;
    if (!u.empty() && !((u.rfind("https://", 0) == 0 || u.rfind("http://", 0) == 0) &&
                        u.find_first_of("?# ") == std::string::npos)) {
      return Status::InvalidArgument(st->origin + ": activitypub.base_url '" + u +
                                         "' must be an absolute http(s) URL without query "
                                         "(https://crm.example.com/scrm)",
                                     "activitypub.base_url");
    }
    config.activitypub_base_url = u;
  }
  if (const Setting* st = get("activitypub.key_file"); st != nullptr && !st->value.empty()) {
    config.activitypub_key_file = st->value;
  } else {  // beside the index directory, as the secrets key
    config.activitypub_key_file =
        (std::filesystem::path(secrets::DefaultKeyFilePath(config.index_dir)).parent_path() /
         "activitypub.key")
            .string();
  }
  if (const Setting* st = get("transfer.staging_dir"); st != nullptr && !st->value.empty()) {
    config.transfer_staging_dir = st->value;
  } else {  // beside the index directory, as the key file
    config.transfer_staging_dir =
        (std::filesystem::path(secrets::DefaultKeyFilePath(config.index_dir)).parent_path() / "import-staging")
            .string();
  }
  for (auto [key, target] : std::vector<std::pair<const char*, double*>>{
           {"match.auto_threshold", &config.match_auto_threshold},
           {"match.suggest_threshold", &config.match_suggest_threshold},
           {"match.margin", &config.match_margin}}) {
    if (const Setting* st = get(key)) {
      if (!(s = ParseFraction(*st, key, target)).ok()) return s;
    }
  }
  if (config.match_suggest_threshold > config.match_auto_threshold) {
    return Status::InvalidArgument("match.suggest_threshold must not be above match.auto_threshold",
                                   "match.suggest_threshold");
  }
  if (const Setting* st = get("http.trusted_proxies")) {
    config.http_trusted_proxies = CommaList(st->value);
    Result<http::TrustedProxies> parsed = http::TrustedProxies::Parse(config.http_trusted_proxies);
    if (!parsed.ok()) {
      return Status::InvalidArgument(st->origin + ": " + parsed.status().message(),
                                     "http.trusted_proxies");
    }
  }
  if (const Setting* st = get("index.remote_shards")) {
    for (const std::string& item : CommaList(st->value)) {
      const size_t colon = item.rfind(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == item.size()) {
        return Status::InvalidArgument(st->origin + ": index.remote_shards entry '" + item +
                                           "' must be host:port",
                                       "index.remote_shards");
      }
      config.index_remote_shards.push_back(item);
    }
  }
  if (config.index_shards == 0 && config.index_remote_shards.empty()) {
    return Status::InvalidArgument(
        "index.shards = 0 needs index.remote_shards: the index must live somewhere", "index.shards");
  }
  if (const Setting* st = get("poll.ca_file")) config.poll_ca_file = st->value;
  if (const Setting* st = get("ui.templates_dir")) config.ui_templates_dir = st->value;
  if (const Setting* st = get("crm.origin")) {
    // It goes into a header: scheme://host[:port], nothing that could end
    // the CSP directive or add another.
    const std::string& o = st->value;
    const bool scheme = o.rfind("https://", 0) == 0 || o.rfind("http://", 0) == 0;
    const size_t host = o.find("://") + 3;
    const bool clean = o.find_first_of(" ;,'\"/\t", scheme ? host : 0) == std::string::npos;
    if (!scheme || !clean || o.size() <= host) {
      return Status::InvalidArgument(st->origin + ": crm.origin = '" + o +
                                         "' must be an origin like https://crm.example.com "
                                         "(scheme, host, optional port; no path)",
                                     "crm.origin");
    }
    config.crm_origin = o;
  }
  if (const Setting* st = get("metrics.public")) {
    if (st->value != "true" && st->value != "false") {
      return Status::InvalidArgument(st->origin + ": metrics.public = '" + st->value +
                                         "' must be true or false",
                                     "metrics.public");
    }
    config.metrics_public = st->value == "true";
  }
  return config;
}

}  // namespace scrm::app
