// Config: every setting of the engine, read in one place. Sources, lowest
// first: built-in defaults, the configuration file (--config, or
// scrm.properties / scrm.json in the working directory when present), then
// environment overrides (SCRM_DB_URL, SCRM_INDEX_DIR, SCRM_HTTP_PORT,
// SCRM_SECRET...). Validated once: an unknown key or a bad value is an error
// that names the key and where it came from. docs/configuration.md lists the keys.
#ifndef SCRM_APP_CONFIG_H_
#define SCRM_APP_CONFIG_H_

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "identity/matcher.h"
#include "index/index.h"
#include "store/pool.h"

// Where the templates are unless ui.templates_dir says otherwise: the
// project's ui-templates/ (compiled in by CMake).
#ifndef SCRM_DEFAULT_UI_TEMPLATES_DIR
#define SCRM_DEFAULT_UI_TEMPLATES_DIR "ui-templates"
#endif

namespace scrm::app {

struct Config {
  store::PoolOptions db;  // db.url, db.pool_size, db.connect_timeout_seconds
  // db.replica_url: a replica of db.url for the reads that tolerate lag
  // (search pages, the Social panel); empty url: none. Same pool size and
  // timeouts as db.
  store::PoolOptions db_replica;
  bool db_replica_enabled = false;
  int db_replica_max_lag_seconds = 30;  // beyond it, those reads go to the primary
  std::string http_bind = "127.0.0.1";
  int http_port = 8080;
  int http_threads = 16;  // work slots: requests worked on at once
  int http_slot_wait_ms = 100;  // a read request waits this for a slot, then 503
  int http_max_connections = 512;  // connections held at once (a thread each)
  int http_max_connections_per_address = 64;  // 0: no cap
  int http_header_timeout_seconds = 10;  // TLS handshake + request head, whole
  int http_body_timeout_seconds = 60;    // request body, whole
  int http_idle_timeout_seconds = 15;    // keep-alive: until the next request
  int http_read_timeout_seconds = 10;    // any one read
  int http_write_timeout_seconds = 30;   // any one write
  long http_max_body_bytes = 10 * 1024 * 1024;
  long http_max_body_bytes_unauthenticated = 64 * 1024;  // read before the caller is known
  int http_max_concurrent_per_caller = 6;  // requests in progress per credential or address
  std::vector<std::string> http_trusted_proxies;  // addresses/CIDRs whose forwarded headers count
  int search_time_budget_ms = 2000;  // one search's match time; 0: none
  int http_rate_limit_per_address = 100;     // requests/s (bursts of twice); 0: none
  int http_rate_limit_per_credential = 50;   // requests/s per token, key or session; 0: none
  std::string http_tls_cert_file;  // PEM certificate (chain); with the key: scrm serve speaks TLS
  std::string http_tls_key_file;   // PEM private key of that certificate; never logged
  int http_tls_reload_seconds = 60;  // scrm serve looks for renewed TLS files; 0: on SIGHUP only
  std::string index_dir = "scrm-index";
  int index_shards = 1;                          // local shards under index_dir
  std::vector<std::string> index_remote_shards;  // host:port of `xapian-tcpsrv --writable`
  int index_facet_sample = 20000;   // matches counted by facets and the histogram at most
  int index_feed_interval_ms = 250;  // how often scrm serve indexes newly stored posts
  std::string secret;                 // shared with the CRM plugin; never logged
  int crm_sync_interval_seconds = 60;  // 0: no background sync in scrm serve
  int crm_sync_overlap_seconds = 300;
  bool metrics_public = true;  // /metrics without credentials
  int poll_tick_seconds = 5;    // how often scrm serve looks for url sources due (0: no polling)
  int poll_timeout_seconds = 10;               // per connect, send or receive of a feed
  long poll_max_bytes = 50L * 1024 * 1024;     // largest feed accepted
  std::string poll_ca_file;                    // CA file or directory; "" = the system store
  int ingest_writers = 2;       // database writers of one ingest, each on its own connection
  int ingest_batch_size = 1000;  // records per database write
  double match_auto_threshold = 0.9;     // at or above: linked without review
  double match_suggest_threshold = 0.4;  // at or above: suggested for review
  double match_margin = 0.1;             // a rival this close makes a suggestion, never a link
  int match_interval_seconds = 10;       // scrm serve's incremental matching (0: off)
  std::string ui_templates_dir = SCRM_DEFAULT_UI_TEMPLATES_DIR;  // the pages' templates
  int ui_session_minutes = 60;  // a /ui/ session ends after this long unused
  int ui_session_max_hours = 12;  // ... and this long after its sign-on, however busy
  std::string crm_origin;       // "https://crm.example.com": may frame the pages; "" none
  int retention_interval_hours = 24;     // scrm serve applies sources' retention (0: off)
  // The key that seals the sources' push secrets (docs/security.md); unless
  // set, secrets.key beside index_dir. Created by the first command that
  // seals a secret.
  std::string secrets_key_file;
  // transfer.staging_dir: uploads of an import over the API; by default
  // import-staging beside index_dir.
  std::string transfer_staging_dir;
  // activitypub.base_url: the engine's public address; its actor is served
  // at base_url + "/ap/actor" and its fetches are signed. "": neither.
  std::string activitypub_base_url;
  // activitypub.key_file: the actor's RSA key (PEM, 0600); unless set,
  // activitypub.key beside index_dir. Created when first needed.
  std::string activitypub_key_file;
  std::string config_file;     // where settings came from, for messages
};

// One documented key: its name, default, environment override, meaning.
struct KeyDoc {
  const char* key;
  const char* default_value;
  const char* env;  // "" when none
  const char* help;
};
const std::vector<KeyDoc>& ConfigKeys();

// Loads and validates. `path` empty: scrm.properties or scrm.json in the
// working directory if one exists, else defaults and environment only.
// `env` is the process environment (injectable for tests).
Result<Config> LoadConfig(const std::string& path, const std::map<std::string, std::string>& env);

// Where the index lives and how it is sharded, from the settings above.
index::IndexConfig IndexConfigOf(const Config& config);
// The matching thresholds of match.* (scrm match, scrm serve, the admin page).
identity::MatchOptions MatchOptionsOf(const Config& config);

// The process environment as a map.
std::map<std::string, std::string> ProcessEnvironment();

}  // namespace scrm::app

#endif  // SCRM_APP_CONFIG_H_
