// Config: every setting of the engine, read in one place. Sources, lowest
// first: built-in defaults, the configuration file (--config, or
// scrm.properties / scrm.json in the working directory when present), then
// environment overrides (SCRM_DB_URL, SCRM_INDEX_DIR, SCRM_HTTP_PORT,
// SCRM_SECRET...). Validated once: an unknown key or a bad value is an error
// that names the key and where it came from.
//
// Each key is declared once, in Options() (engine/app/options.cc, one
// section per part; model: PostgreSQL's guc_tables.c): its default, its
// environment variable, its check, where it goes in Config, a one-line help
// and its documentation. LoadConfig applies them, `scrm config` prints them,
// and docs/configuration.md's table is generated from them
// (scripts/config-doc; tests/app/config_test.cc fails when it differs).
#ifndef SCRM_APP_CONFIG_H_
#define SCRM_APP_CONFIG_H_

#include <functional>
#include <map>
#include <optional>
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

// The settings, each as Options() declares it (its default included: the
// zeros here are only what a Config that LoadConfig did not fill holds).
struct Config {
  store::PoolOptions db;  // db.url, db.pool_size, db.connect_timeout_seconds
  // db.replica_url: a replica of db.url for the reads that tolerate lag
  // (search pages, the Social panel); empty url: none. Same pool size and
  // timeouts as db.
  store::PoolOptions db_replica;
  bool db_replica_enabled = false;
  int db_replica_max_lag_seconds = 0;  // beyond it, those reads go to the primary
  std::string http_bind;
  int http_port = 0;
  int http_threads = 0;                      // work slots: requests worked on at once
  int http_slot_wait_ms = 0;                 // a read request waits this for a slot, then 503
  int http_max_connections = 0;              // connections held at once (a thread each)
  int http_max_connections_per_address = 0;  // 0: no cap
  int http_header_timeout_seconds = 0;       // TLS handshake + request head, whole
  int http_body_timeout_seconds = 0;         // request body, whole
  int http_idle_timeout_seconds = 0;         // keep-alive: until the next request
  int http_read_timeout_seconds = 0;         // any one read
  int http_write_timeout_seconds = 0;        // any one write
  long http_max_body_bytes = 0;
  long http_max_body_bytes_unauthenticated = 0;   // read before the caller is known
  int http_max_concurrent_per_caller = 0;         // requests in progress per credential or address
  std::vector<std::string> http_trusted_proxies;  // addresses/CIDRs whose forwarded headers count
  int search_time_budget_ms = 0;                  // one search's match time; 0: none
  int http_rate_limit_per_address = 0;            // requests/s (bursts of twice); 0: none
  int http_rate_limit_per_credential = 0;         // requests/s per token, key or session; 0: none
  std::string http_tls_cert_file;  // PEM certificate (chain); with the key: scrm serve speaks TLS
  std::string http_tls_key_file;   // PEM private key of that certificate; never logged
  int http_tls_reload_seconds = 0;  // scrm serve looks for renewed TLS files; 0: on SIGHUP only
  std::string index_dir;
  int index_shards = 0;                          // local shards under index_dir
  std::vector<std::string> index_remote_shards;  // host:port of `xapian-tcpsrv --writable`
  int index_facet_sample = 0;         // matches counted by facets and the histogram at most
  int index_feed_interval_ms = 0;     // how often scrm serve indexes newly stored posts
  std::string secret;                 // shared with the CRM plugin; never logged
  int crm_sync_interval_seconds = 0;  // 0: no background sync in scrm serve
  int crm_sync_overlap_seconds = 0;
  bool metrics_public = false;   // /metrics without credentials
  int poll_tick_seconds = 0;     // how often scrm serve looks for url sources due (0: no polling)
  int poll_timeout_seconds = 0;  // per connect, send or receive of a feed
  long poll_max_bytes = 0;       // largest feed accepted
  std::string poll_ca_file;                    // CA file or directory; "" = the system store
  // net.allow_hosts: host names that may resolve to loopback or private
  // addresses; every other fetch to such an address is refused.
  std::vector<std::string> net_allow_hosts;
  std::string atproto_plc_url;              // did:plc documents
  std::string atproto_handle_resolver_url;  // XRPC com.atproto.identity.resolveHandle
  std::string atproto_appview_url;  // XRPC app.bsky.feed.searchPosts: listen sources
  int follow_tick_seconds = 0;            // scrm serve runs a round this often (0: never)
  int follow_interval_minutes = 0;        // each followed account is read this often
  int follow_max_accounts_per_round = 0;  // per network
  int follow_max_requests_per_round = 0;  // per network: its rate limit
  int follow_max_posts = 0;               // per account and round
  int follow_max_pages = 0;               // per account and round
  int ingest_writers = 0;              // database writers of one ingest, each on its own connection
  int ingest_batch_size = 0;           // records per database write
  double match_auto_threshold = 0;     // at or above: linked without review
  double match_suggest_threshold = 0;  // at or above: suggested for review
  double match_margin = 0;             // a rival this close makes a suggestion, never a link
  int match_interval_seconds = 0;      // scrm serve's incremental matching (0: off)
  std::string ui_templates_dir;        // the pages' templates
  int ui_session_minutes = 0;          // a /ui/ session ends after this long unused
  int ui_session_max_hours = 0;        // ... and this long after its sign-on, however busy
  std::string crm_origin;       // "https://crm.example.com": may frame the pages; "" none
  int retention_interval_hours = 0;  // scrm serve applies sources' retention (0: off)
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

// One setting, declared once (engine/app/options.cc).
struct Option {
  std::string key;                   // "http.port"
  std::string env;                   // "SCRM_HTTP_PORT"; "" when none
  std::optional<std::string> value;  // the default, as a file would write it; none: unset
  std::string shown;                 // the default as documented (Markdown); "": `value`
  std::string check;  // what a value must be, for people: "0 to 65535", "true or false"
  std::string help;   // one line: `scrm config`
  std::string doc;    // docs/configuration.md's meaning column (Markdown)
  // Checks a value (the default, the file's or the environment's) and stores
  // it in the configuration; an error names the key, `origin` ("scrm.properties:3",
  // "SCRM_HTTP_PORT") and what a good value is.
  std::function<Status(const std::string& value, const std::string& origin, Config& config)> apply;
};
// Every key, by part, in the order of docs/configuration.md.
const std::vector<Option>& Options();

// `scrm config`: each key with its default, variable, check and help.
std::string OptionsHelp();
// docs/configuration.md's table of keys (scripts/config-doc writes it there).
std::string OptionsMarkdown();

// Every default applied, nothing read: what LoadConfig starts from.
Config DefaultConfig();

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
