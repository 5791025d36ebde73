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
#include "store/pool.h"

namespace scrm::app {

struct Config {
  store::PoolOptions db;  // db.url, db.pool_size, db.connect_timeout_seconds
  std::string http_bind = "127.0.0.1";
  int http_port = 8080;
  int http_threads = 16;
  long http_max_body_bytes = 10 * 1024 * 1024;
  std::string index_dir = "scrm-index";
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

// The process environment as a map.
std::map<std::string, std::string> ProcessEnvironment();

}  // namespace scrm::app

#endif  // SCRM_APP_CONFIG_H_
