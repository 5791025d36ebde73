// Every configuration key, declared once (model: PostgreSQL's guc_tables.c):
// key, environment variable, default, check, where it goes in Config, a
// one-line help and the documentation. LoadConfig (config.cc) applies them;
// `scrm config` prints them; docs/configuration.md's table is made from
// them by scripts/config-doc, and tests/app/config_test.cc fails when the
// doc differs. A new key is one row here (in its part's section) and its
// field in Config.
#include <sstream>

#include "app/config.h"
#include "core/text.h"
#include "http/proxies.h"
#include "service/activitypub_actor.h"
#include "store/db_url.h"

namespace scrm::app {

namespace {

using Apply = std::function<Status(const std::string&, const std::string&, Config&)>;

std::optional<std::string> ValueOf(const char* value) {
  return value == nullptr ? std::nullopt : std::optional<std::string>(value);
}

Option Row(const char* key, const char* env, const char* value, const char* shown,
           std::string check, Apply apply, const char* help, const char* doc) {
  return Option{key,  env, ValueOf(value),  shown ? shown : "", std::move(check),
                help, doc, std::move(apply)};
}

Status ParseWhole(const std::string& key, const std::string& value, const std::string& origin,
                  long min, long max, long* out) {
  try {
    size_t used = 0;
    long v = std::stol(value, &used);
    if (used != value.size()) throw std::invalid_argument("trailing");
    if (v < min || v > max) {
      return Status::InvalidArgument(origin + ": " + key + " = " + value + " is out of range [" +
                                         std::to_string(min) + ", " + std::to_string(max) + "]",
                                     key);
    }
    *out = v;
    return Status::Ok();
  } catch (const std::exception&) {
    return Status::InvalidArgument(origin + ": " + key + " = '" + value +
                                       "' is not a whole number: give one from " +
                                       std::to_string(min) + " to " + std::to_string(max),
                                   key);
  }
}

// A whole number in [min, max].
template <typename T>
Option WholeOf(const char* key, const char* env, const char* value, const char* shown, long min,
               long max, T& (*field)(Config&), const char* help, const char* doc) {
  return Row(
      key, env, value, shown, std::to_string(min) + " to " + std::to_string(max),
      [key = std::string(key), min, max, field](const std::string& v, const std::string& origin,
                                                Config& c) {
        long n = 0;
        Status s = ParseWhole(key, v, origin, min, max, &n);
        if (s.ok()) field(c) = static_cast<T>(n);
        return s;
      },
      help, doc);
}
Option Whole(const char* key, const char* env, const char* value, const char* shown, long min,
             long max, int& (*field)(Config&), const char* help, const char* doc) {
  return WholeOf(key, env, value, shown, min, max, field, help, doc);
}
Option Whole(const char* key, const char* env, const char* value, const char* shown, long min,
             long max, long& (*field)(Config&), const char* help, const char* doc) {
  return WholeOf(key, env, value, shown, min, max, field, help, doc);
}

// A number from 0 to 1.
Option Fraction(const char* key, const char* env, const char* value, const char* shown,
                double& (*field)(Config&), const char* help, const char* doc) {
  return Row(
      key, env, value, shown, "0 to 1",
      [key = std::string(key), field](const std::string& v, const std::string& origin, Config& c) {
        char* end = nullptr;
        const double d = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0' || !(d >= 0.0 && d <= 1.0)) {
          return Status::InvalidArgument(
              origin + ": " + key + " = '" + v + "' must be a number between 0 and 1", key);
        }
        field(c) = d;
        return Status::Ok();
      },
      help, doc);
}

// true or false.
Option Flag(const char* key, const char* env, const char* value, const char* shown,
            bool& (*field)(Config&), const char* help, const char* doc) {
  return Row(
      key, env, value, shown, "true or false",
      [key = std::string(key), field](const std::string& v, const std::string& origin, Config& c) {
        if (v != "true" && v != "false") {
          return Status::InvalidArgument(
              origin + ": " + key + " = '" + v + "' must be true or false", key);
        }
        field(c) = v == "true";
        return Status::Ok();
      },
      help, doc);
}

// Any text, as written.
Option Text(const char* key, const char* env, const char* value, const char* shown,
            std::string& (*field)(Config&), const char* help, const char* doc) {
  return Row(
      key, env, value, shown, "",
      [field](const std::string& v, const std::string&, Config& c) {
        field(c) = v;
        return Status::Ok();
      },
      help, doc);
}

// A check of its own (below).
Option Custom(const char* key, const char* env, const char* value, const char* shown,
              const char* check, Status (*apply)(const std::string&, const std::string&, Config&),
              const char* help, const char* doc) {
  return Row(key, env, value, shown, check, apply, help, doc);
}

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

Status UrlInto(const char* key, const std::string& v, const std::string& origin,
               store::DbUrl* out) {
  Result<store::DbUrl> parsed = store::DbUrl::Parse(v);
  if (!parsed.ok()) return Status::InvalidArgument(origin + ": " + parsed.status().message(), key);
  *out = *parsed;
  return Status::Ok();
}

Status DbUrl(const std::string& v, const std::string& origin, Config& c) {
  return UrlInto("db.url", v, origin, &c.db.url);
}

Status ReplicaUrl(const std::string& v, const std::string& origin, Config& c) {
  c.db_replica_enabled = true;  // set at all: reads that tolerate lag go there
  return UrlInto("db.replica_url", v, origin, &c.db_replica.url);
}

Status TrustedProxyList(const std::string& v, const std::string& origin, Config& c) {
  c.http_trusted_proxies = CommaList(v);
  Result<http::TrustedProxies> parsed = http::TrustedProxies::Parse(c.http_trusted_proxies);
  if (!parsed.ok()) {
    return Status::InvalidArgument(origin + ": " + parsed.status().message(),
                                   "http.trusted_proxies");
  }
  return Status::Ok();
}

Status RemoteShards(const std::string& v, const std::string& origin, Config& c) {
  for (const std::string& item : CommaList(v)) {
    const size_t colon = item.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size()) {
      return Status::InvalidArgument(
          origin + ": index.remote_shards entry '" + item + "' must be host:port",
          "index.remote_shards");
    }
    c.index_remote_shards.push_back(item);
  }
  return Status::Ok();
}

// It goes into a header: scheme://host[:port], nothing that could end the
// CSP directive or add another.
Status CrmOrigin(const std::string& o, const std::string& origin, Config& c) {
  const bool scheme = o.rfind("https://", 0) == 0 || o.rfind("http://", 0) == 0;
  const size_t host = o.find("://") + 3;
  const bool clean = o.find_first_of(" ;,'\"/\t", scheme ? host : 0) == std::string::npos;
  if (!scheme || !clean || o.size() <= host) {
    return Status::InvalidArgument(origin + ": crm.origin = '" + o +
                                       "' must be an origin like https://crm.example.com "
                                       "(scheme, host, optional port; no path)",
                                   "crm.origin");
  }
  c.crm_origin = o;
  return Status::Ok();
}

// Unset: secrets.key beside index.dir (LoadConfig).
Status KeyFile(const std::string& v, const std::string& origin, Config& c) {
  if (v.empty()) {
    return Status::InvalidArgument(origin +
                                       ": secrets.key_file is empty: give the path "
                                       "of the key file, or leave the key out for the default",
                                   "secrets.key_file");
  }
  c.secrets_key_file = v;
  return Status::Ok();
}

// The engine's public address: an absolute http(s) URL, no query or
// fragment (its actor's id and key id are made from it).
Status ActivityPubBaseUrl(const std::string& u, const std::string& origin, Config& c) {
  if (!u.empty() && !service::IsActivityPubBaseUrl(u)) {
    return Status::InvalidArgument(origin + ": activitypub.base_url = '" + u +
                                       "' must be an absolute http(s) URL without query, such as "
                                       "https://crm.example.com/scrm",
                                   "activitypub.base_url");
  }
  c.activitypub_base_url = u;
  return Status::Ok();
}

// Unset or empty: activitypub.key beside index.dir (LoadConfig).
Status ActorKeyFile(const std::string& v, const std::string&, Config& c) {
  c.activitypub_key_file = v;
  return Status::Ok();
}

// Unset or empty: import-staging beside index.dir (LoadConfig).
Status StagingDir(const std::string& v, const std::string&, Config& c) {
  c.transfer_staging_dir = v;
  return Status::Ok();
}

// An http:// or https:// URL (the AT Protocol's directories).
Status HttpUrlInto(const char* key, const std::string& v, const std::string& origin,
                   std::string* out) {
  const bool scheme = v.rfind("https://", 0) == 0 || v.rfind("http://", 0) == 0;
  if (!scheme || v.find_first_of(" \t") != std::string::npos || v.size() <= v.find("://") + 3) {
    return Status::InvalidArgument(
        origin + ": " + key + " = '" + v + "' must be an http:// or https:// URL", key);
  }
  *out = v;
  return Status::Ok();
}

Status PlcUrl(const std::string& v, const std::string& origin, Config& c) {
  return HttpUrlInto("atproto.plc_url", v, origin, &c.atproto_plc_url);
}

Status HandleResolverUrl(const std::string& v, const std::string& origin, Config& c) {
  return HttpUrlInto("atproto.handle_resolver_url", v, origin, &c.atproto_handle_resolver_url);
}

Status AppviewUrl(const std::string& v, const std::string& origin, Config& c) {
  return HttpUrlInto("atproto.appview_url", v, origin, &c.atproto_appview_url);
}

Status AllowHosts(const std::string& v, const std::string&, Config& c) {
  c.net_allow_hosts = CommaList(v);
  return Status::Ok();
}

}  // namespace

const std::vector<Option>& Options() {
  // clang-format off
  static const std::vector<Option> kOptions = {

      // store: the database (store::PoolOptions)
      Custom("db.url", "SCRM_DB_URL", nullptr, "(required)", "a mysql:// URL", DbUrl,
            "mysql://user:password@host:port/database, or mysql://user:password@localhost/database?socket=PATH: the CRM's database, where the engine keeps its scrm_* tables",
            "`mysql://user:password@host:port/database`, or `mysql://user:password@localhost/database?socket=/path/mysqld.sock`. The CRM's own database: the engine keeps its `scrm_*` tables next to SuiteCRM's. User and password may be %-encoded."),
      Whole("db.pool_size", "SCRM_DB_POOL_SIZE", "8", nullptr, 2, 512, [](Config& c) -> int& { return c.db.size; },
            "database connections at most",
            "database connections at most"),
      Whole("db.connect_timeout_seconds", "", "3", nullptr, 1, 600, [](Config& c) -> int& { return c.db.connect_timeout_seconds; },
            "per connection attempt",
            "per connection attempt"),
      Custom("db.replica_url", "SCRM_DB_REPLICA_URL", nullptr, "(none)", "a mysql:// URL", ReplicaUrl,
            "a replica of db.url (MariaDB replication) for the reads that tolerate lag: the search pages and the Social panel; every write goes to db.url",
            "a replica of `db.url` (MariaDB replication), same form: the reads that tolerate lag (the Conversations page, the Social panel, the search export) go there while it is healthy; every write, sessions and the API's other reads go to `db.url` ([scaling.md](scaling.md#a-database-replica))"),
      Whole("db.replica_max_lag_seconds", "SCRM_DB_REPLICA_MAX_LAG_SECONDS", "30", nullptr, 0, 86400, [](Config& c) -> int& { return c.db_replica_max_lag_seconds; },
            "while the replica is further behind than this (or stopped, or unreachable), those reads go to db.url",
            "while the replica is further behind than this, stopped or unreachable (checked every 2 s), those reads go to `db.url`"),

      // http: the server, its limits, tokens and metrics
      Text("http.bind", "SCRM_HTTP_BIND", "127.0.0.1", nullptr, [](Config& c) -> std::string& { return c.http_bind; },
            "address scrm serve listens on",
            "address `scrm serve` listens on"),
      Whole("http.port", "SCRM_HTTP_PORT", "8080", nullptr, 0, 65535, [](Config& c) -> int& { return c.http_port; },
            "port scrm serve listens on (0: any free port)",
            "port `scrm serve` listens on; 0 picks a free port"),
      Whole("http.threads", "SCRM_HTTP_THREADS", "0", nullptr, 0, 1024, [](Config& c) -> int& { return c.http_threads; },
            "work slots: requests worked on at once (0: twice the cores, at least 4). A request takes one once it has been read whole (headers and body), so slow or idle clients never hold one; waiting requests get one in the order they came; /healthz and /readyz never take one",
            "**work slots**: requests worked on at once; 0 (the default) is twice the machine's cores, at least 4. A request takes one only once it has been read whole (headers and body), so idle and slow clients never hold one; requests waiting for one get it in the order they came (first come, first served); `/healthz` and `/readyz` never take one. More slots than cores only share the cores: on 2 cores, 16 slots gave the panel page at 16 connections a p99 of 31 to 34 ms, 4 slots 21 to 28 ms, for the same pages per second ([performance.md](performance.md#load-scriptsbenchload)). Until issue 14 this was the number of connection threads, so 16 idle connections stopped the server; connections now have threads of their own (`http.max_connections`) ([security.md](security.md#availability))"),
      Whole("http.slot_wait_ms", "SCRM_HTTP_SLOT_WAIT_MS", "100", nullptr, 0, 60000, [](Config& c) -> int& { return c.http_slot_wait_ms; },
            "how long a request that has been read waits for a free work slot; then 503 with Retry-After: 1",
            "how long a request that has been read waits for a free work slot; then `503` with `Retry-After: 1` and `{\"error\":{\"code\":\"busy\"}}`, rather than a hang"),
      Whole("http.max_connections", "SCRM_HTTP_MAX_CONNECTIONS", "512", nullptr, 1, 100000, [](Config& c) -> int& { return c.http_max_connections; },
            "connections held at once, each on a cheap thread of its own (reading, waiting, writing); beyond: 503 and closed at once",
            "connections held at once, each on a cheap thread of its own that reads, waits and writes; a new connection beyond it is answered `503` and closed at once"),
      Whole("http.max_connections_per_address", "SCRM_HTTP_MAX_CONNECTIONS_PER_ADDRESS", "64", nullptr, 0, 100000, [](Config& c) -> int& { return c.http_max_connections_per_address; },
            "connections held at once from one client address; beyond: 503 and closed at once; 0: no cap. Peers in http.trusted_proxies are not capped",
            "connections held at once from one client address; beyond it `503` and closed at once (0: no cap). Peers in `http.trusted_proxies` are not capped (the proxy carries many clients: cap them there)"),
      Whole("http.header_timeout_seconds", "SCRM_HTTP_HEADER_TIMEOUT_SECONDS", "10", nullptr, 1, 3600, [](Config& c) -> int& { return c.http_header_timeout_seconds; },
            "deadline for the TLS handshake and the whole request head (of a new connection, or from the first byte of the next request); past it the connection is shut down",
            "**deadline** for the TLS handshake and the whole request head: counted from the connection's opening, or from the first byte of the next request on a kept-alive one. A client that drips one header byte a second is shut down when it passes, whatever its pace"),
      Whole("http.body_timeout_seconds", "SCRM_HTTP_BODY_TIMEOUT_SECONDS", "60", nullptr, 1, 86400, [](Config& c) -> int& { return c.http_body_timeout_seconds; },
            "deadline for a whole request body; past it the connection is shut down",
            "deadline for a whole request body (an import piece of 10 MB needs about 170 KB/s)"),
      Whole("http.idle_timeout_seconds", "SCRM_HTTP_IDLE_TIMEOUT_SECONDS", "15", nullptr, 1, 3600, [](Config& c) -> int& { return c.http_idle_timeout_seconds; },
            "a kept-alive connection is closed when no next request starts within it",
            "a kept-alive connection is closed when no next request starts within it"),
      Whole("http.read_timeout_seconds", "SCRM_HTTP_READ_TIMEOUT_SECONDS", "10", nullptr, 1, 3600, [](Config& c) -> int& { return c.http_read_timeout_seconds; },
            "longest wait for any one read from a client",
            "longest wait for any one read from a client (the deadlines above bound the whole)"),
      Whole("http.write_timeout_seconds", "SCRM_HTTP_WRITE_TIMEOUT_SECONDS", "30", nullptr, 1, 3600, [](Config& c) -> int& { return c.http_write_timeout_seconds; },
            "longest wait for any one write to a client (and the deadline of a whole buffered answer)",
            "longest wait for any one write to a client, and the deadline of a whole buffered answer (a streamed export has the per-write bound only)"),
      Whole("http.max_body_bytes", "SCRM_HTTP_MAX_BODY_BYTES", "10485760", nullptr, 1024, 1L << 32, [](Config& c) -> long& { return c.http_max_body_bytes; },
            "largest body of the routes that take uploads (import pieces, pushes); other routes take at most 1 MiB; larger bodies get 413, before they are read when declared",
            "largest body of the routes that take uploads (`PUT /api/v1/admin/import/{file}`, `POST /api/v1/ingest/{source}`); every other route takes at most 1 MiB. A larger body gets `413`: before a byte of it is read when its `Content-Length` says so, else as soon as the limit is passed"),
      Whole("http.max_body_bytes_unauthenticated", "SCRM_HTTP_MAX_BODY_BYTES_UNAUTHENTICATED", "65536", nullptr, 1024, 1L << 32, [](Config& c) -> long& { return c.http_max_body_bytes_unauthenticated; },
            "largest body read before the caller has proven who it is: a larger one is read only after its token, key or session (with X-CSRF-Token) is checked on the headers; on public routes it is the limit (pushes, signed over their body, excepted)",
            "largest body read before the caller has proven who it is. On a route that needs credentials, a larger (or chunked) body is read only after the token, API key or session is checked on the headers alone (a session then needs its `X-CSRF-Token` header, not a form field); refused callers get their `401`/`403` unread. On public routes it is the limit, but for the signed pushes (their signature covers the body)"),
      Whole("http.max_concurrent_per_caller", "SCRM_HTTP_MAX_CONCURRENT_PER_CALLER", "6", nullptr, 0, 100000, [](Config& c) -> int& { return c.http_max_concurrent_per_caller; },
            "requests in progress at once per caller (token, API key or session; else client address); beyond: 429 with Retry-After: 1; 0: no limit. Probes excepted",
            "requests in progress at once per caller: its token, API key or UI session, else its client address. Beyond it `429` with `Retry-After: 1` and `{\"error\":{\"code\":\"too_many_concurrent\"}}`; 0: no limit. Probes are not counted. With 16 work slots, one caller can hold at most 6"),
      Custom("http.trusted_proxies", "SCRM_HTTP_TRUSTED_PROXIES", nullptr, "(none: trust no one)", "addresses or CIDR blocks, comma-separated", TrustedProxyList,
            "comma-separated addresses or CIDR blocks (10.0.0.5, 10.0.0.0/8, ::1) of reverse proxies whose X-Forwarded-For, X-Forwarded-Proto and Forwarded headers are believed; from them the client's address is the forwarded one (rate limits, caps, logs)",
            "comma-separated addresses or CIDR blocks (`10.0.0.5, 10.0.0.0/8, ::1, fd00::/8`) of the reverse proxies whose `X-Forwarded-For`, `X-Forwarded-Proto` and `Forwarded` headers are believed. From such a peer the client's address is the right-most forwarded address that is not itself a trusted proxy, and rate limits and per-caller limits count it; from any other peer those headers are ignored (the session cookie is not made `Secure` by a client's say-so). A bad entry stops the start, naming it"),
      Whole("http.rate_limit_per_address", "SCRM_RATE_LIMIT_PER_ADDRESS", "100", nullptr, 0, 1000000, [](Config& c) -> int& { return c.http_rate_limit_per_address; },
            "requests per second from one client address (bursts of twice that); beyond: 429 with Retry-After; 0: no limit. Health probes and /metrics are not limited",
            "requests per second from one client address, in bursts of up to twice that; beyond, 429 with `Retry-After`; 0: no limit. `/healthz`, `/readyz` and `/metrics` are never limited"),
      Whole("http.rate_limit_per_credential", "SCRM_RATE_LIMIT_PER_CREDENTIAL", "50", nullptr, 0, 1000000, [](Config& c) -> int& { return c.http_rate_limit_per_credential; },
            "requests per second with one token, API key or UI session (bursts of twice that); 0: no limit",
            "the same per token, API key or UI session, whichever addresses it comes from; 0: no limit"),
      Text("http.tls_cert_file", "SCRM_TLS_CERT_FILE", nullptr, "(none: plain HTTP)", [](Config& c) -> std::string& { return c.http_tls_cert_file; },
            "PEM certificate of scrm serve (intermediates after it); with http.tls_key_file the listener speaks only TLS (1.2 or later). Both or neither: scrm serve refuses one alone",
            "PEM certificate of `scrm serve`, its intermediates after it. With `http.tls_key_file`, the listener speaks only HTTPS (TLS 1.2 or later), every answer carries `Strict-Transport-Security: max-age=31536000` and the `/ui/` session cookie is `Secure` ([security.md](security.md#tls)). Both keys or neither: one alone, a missing or unreadable file, a file without a PEM certificate, or a key that is not the certificate's stops `scrm serve` with exit code 2 and a message naming the key, the file and the fix"),
      Text("http.tls_key_file", "SCRM_TLS_KEY_FILE", nullptr, "(none: plain HTTP)", [](Config& c) -> std::string& { return c.http_tls_key_file; },
            "PEM private key of http.tls_cert_file, unencrypted, readable by scrm's user only; never logged",
            "PEM private key of `http.tls_cert_file`, not encrypted (an encrypted key is refused: `scrm serve` never prompts), readable by scrm's user only; never logged"),
      Whole("http.tls_reload_seconds", "SCRM_TLS_RELOAD_SECONDS", "60", "`60`", 0, 86400, [](Config& c) -> int& { return c.http_tls_reload_seconds; },
            "how often scrm serve looks whether the TLS files were replaced (renewed) and, if so, serves the new pair to new connections; 0: only on SIGHUP",
            "how often `scrm serve` looks whether the two TLS files changed (inode, size, modification or status change time; symbolic links followed); when they did, it reads them again and serves the new pair to new connections, without a restart. `0`: only on `SIGHUP`, which always reads them again. A bad new pair is refused, in one log line naming the file and the fix, and the pair served before stays ([security.md](security.md#renewing-the-certificate))"),
      Text("secret", "SCRM_SECRET", nullptr, "(none)", [](Config& c) -> std::string& { return c.secret; },
            "secret shared with the CRM plugin to sign tokens; never logged",
            "the secret shared with the CRM plugin: signs its tokens and its record events (`POST /api/v1/crm/events`); never logged"),
      Flag("metrics.public", "", "true", nullptr, [](Config& c) -> bool& { return c.metrics_public; },
            "serve /metrics without credentials",
            "serve `/metrics` without credentials"),

      // index and search (index::IndexConfig)
      Whole("search.time_budget_ms", "SCRM_SEARCH_TIME_BUDGET_MS", "2000", nullptr, 0, 600000, [](Config& c) -> int& { return c.search_time_budget_ms; },
            "time one search may spend matching and counting; when spent it answers what it found so far with \\\"time_budget_spent\\\": true (docs/api.md); 0: no budget",
            "what one `GET /api/v1/search` may spend: Xapian stops counting matches (for totals, facets and the histogram) when it is spent, and the spelling suggestion is skipped. The answer is still `200`, with the results found in time and `\"time_budget_spent\": true` (totals then are estimates, `facets_exact` false). 0: no budget ([api.md](api.md#search))"),
      Text("index.dir", "SCRM_INDEX_DIR", "scrm-index", nullptr, [](Config& c) -> std::string& { return c.index_dir; },
            "where the Xapian index lives",
            "where the Xapian index lives (local shards `shard-0`, `shard-1`... under it)"),
      Whole("index.shards", "SCRM_INDEX_SHARDS", "1", nullptr, 0, 64, [](Config& c) -> int& { return c.index_shards; },
            "local shards under index.dir, written in parallel (changing it needs scrm reindex)",
            "local shards, written in parallel and searched as one (0 to 64; changing it needs `scrm reindex`)"),
      Custom("index.remote_shards", "", nullptr, "(none)", "host:port, comma-separated", RemoteShards,
            "comma-separated host:port of `xapian-tcpsrv --writable` shards, after the local ones",
            "comma-separated `host:port` of `xapian-tcpsrv --writable` servers, shards after the local ones ([search.md](search.md#shards-on-several-machines))"),
      Whole("index.facet_sample", "", "20000", nullptr, 100, 10000000, [](Config& c) -> int& { return c.index_facet_sample; },
            "facets and the histogram count at most this many matches per search",
            "facets and the date histogram count at most this many matches per search (`facets_exact` says when they were a sample)"),
      Whole("index.feed_interval_ms", "", "250", nullptr, 10, 60000, [](Config& c) -> int& { return c.index_feed_interval_ms; },
            "how often scrm serve indexes newly stored posts (a post is searchable within it)",
            "how often `scrm serve` indexes newly stored posts: a post is searchable within about this long"),

      // crm: the background sync
      Whole("crm.sync_interval_seconds", "SCRM_CRM_SYNC_INTERVAL", "60", nullptr, 0, 86400 * 7, [](Config& c) -> int& { return c.crm_sync_interval_seconds; },
            "background CRM sync period in scrm serve (0: off)",
            "period of the background CRM sync in `scrm serve` (0 turns it off)"),
      Whole("crm.sync_overlap_seconds", "", "300", nullptr, 0, 86400, [](Config& c) -> int& { return c.crm_sync_overlap_seconds; },
            "an incremental sync re-reads this much before its watermark",
            "an incremental sync re-reads this much before its watermark (see [crm-sync.md](crm-sync.md))"),

      // ingest: files, pushes and polled url sources
      Whole("poll.tick_seconds", "", "5", nullptr, 0, 3600, [](Config& c) -> int& { return c.poll_tick_seconds; },
            "how often scrm serve looks for url sources due (0: off)",
            "how often `scrm serve` looks for url sources that are due (0 turns polling off)"),
      Whole("poll.timeout_seconds", "SCRM_POLL_TIMEOUT_SECONDS", "10", nullptr, 1, 600, [](Config& c) -> int& { return c.poll_timeout_seconds; },
            "per connect, send or receive of a feed",
            "per connect, send or receive of a feed"),
      Whole("poll.max_bytes", "", "52428800", nullptr, 1024, 1L << 34, [](Config& c) -> long& { return c.poll_max_bytes; },
            "largest feed body accepted",
            "largest feed body accepted (decompressed)"),
      Text("poll.ca_file", "", nullptr, "(system store)", [](Config& c) -> std::string& { return c.poll_ca_file; },
            "CA file or directory for https feeds",
            "CA file or directory to verify https feeds"),
      Custom("net.allow_hosts", "SCRM_NET_ALLOW_HOSTS", nullptr, "(none)", "host names, comma-separated", AllowHosts,
            "comma-separated host names (localhost, feeds.intranet) that may be fetched although they resolve to a loopback, private, link-local or unique-local address; every other fetch (feeds, open networks, each redirect) to such an address is refused",
            "comma-separated host names, as written in URLs (`localhost`, `feeds.intranet`), that scrm may fetch from although they resolve to a loopback, private, link-local or unique-local address (IPv4, IPv6, IPv4 inside IPv6). Every other fetch to such an address is refused, at every redirect, and scrm connects to the address it checked (no DNS rebinding): a feed, a WebFinger answer, a DID document or a `next` link cannot make the engine reach inside the network ([security.md](security.md))"),

      // open networks: following linked profiles (service/follow.h)
      Custom("atproto.plc_url", "SCRM_ATPROTO_PLC_URL", "https://plc.directory", nullptr, "an http(s) URL", PlcUrl,
            "the PLC directory that holds did:plc documents (AT Protocol accounts' PDS and handle)",
            "the PLC directory that holds `did:plc` documents: where an AT Protocol account's PDS and handle are read (`did:web` documents come from the account's own host)"),
      Custom("atproto.handle_resolver_url", "SCRM_ATPROTO_HANDLE_RESOLVER_URL", "https://public.api.bsky.app", nullptr, "an http(s) URL", HandleResolverUrl,
            "an XRPC service answering com.atproto.identity.resolveHandle, asked when DNS and the handle's https://HANDLE/.well-known/atproto-did give no answer",
            "an XRPC service answering `com.atproto.identity.resolveHandle` (the public AppView, a PDS), asked when the handle's own `https://HANDLE/.well-known/atproto-did` gives no answer"),
      Custom("atproto.appview_url", "SCRM_ATPROTO_APPVIEW_URL", "https://public.api.bsky.app", nullptr, "an http(s) URL", AppviewUrl,
            "the Bluesky AppView whose app.bsky.feed.searchPosts listen sources ask for their hashtags and keywords (and app.bsky.actor.getProfiles for the authors)",
            "the Bluesky AppView that listen sources ask: `app.bsky.feed.searchPosts?q=TERM&sort=latest` for each hashtag or keyword, `app.bsky.actor.getProfiles` for the authors of the matches"),
      Whole("follow.tick_seconds", "SCRM_FOLLOW_TICK_SECONDS", "60", nullptr, 0, 86400, [](Config& c) -> int& { return c.follow_tick_seconds; },
            "how often scrm serve runs a round of following on the networks an admin switched on (0: never; scrm follow runs one by hand)",
            "how often `scrm serve` runs a round of following on the networks an admin switched on (0: never; `scrm follow` runs one by hand)"),
      Whole("follow.interval_minutes", "SCRM_FOLLOW_INTERVAL_MINUTES", "60", nullptr, 0, 7 * 24 * 60, [](Config& c) -> int& { return c.follow_interval_minutes; },
            "each followed account's profile and posts are read this often (0: every round; failures back off from 5 minutes, doubling, up to a day)",
            "each followed account's profile and posts are read this often (0: every round); an account whose reads fail backs off from 5 minutes, doubling, up to a day"),
      Whole("follow.max_accounts_per_round", "SCRM_FOLLOW_MAX_ACCOUNTS_PER_ROUND", "50", nullptr, 1, 100000, [](Config& c) -> int& { return c.follow_max_accounts_per_round; },
            "accounts read per network and round at most (the longest due first)",
            "accounts read per network and round at most, the longest due first"),
      Whole("follow.max_requests_per_round", "SCRM_FOLLOW_MAX_REQUESTS_PER_ROUND", "120", nullptr, 1, 1000000, [](Config& c) -> int& { return c.follow_max_requests_per_round; },
            "requests per network and round at most: with follow.tick_seconds, the rate limit scrm keeps to on each network",
            "requests per network and round at most: with `follow.tick_seconds`, the rate scrm keeps to on each network (120 a minute by default)"),
      Whole("follow.max_posts", "SCRM_FOLLOW_MAX_POSTS", "100", nullptr, 1, 10000, [](Config& c) -> int& { return c.follow_max_posts; },
            "posts read per account and round at most; also per listen term and poll",
            "posts read per account and round at most; also per listen term and poll"),
      Whole("follow.max_pages", "SCRM_FOLLOW_MAX_PAGES", "3", nullptr, 1, 1000, [](Config& c) -> int& { return c.follow_max_pages; },
            "pages of posts read per account and round at most; also per listen term and poll",
            "pages of posts read per account and round at most (a server that loops its cursor is read this many times, no more); also per listen term and poll"),
      Whole("ingest.writers", "SCRM_INGEST_WRITERS", "2", nullptr, 1, 16, [](Config& c) -> int& { return c.ingest_writers; },
            "database writers of one ingest, each on its own connection",
            "database writers of one `scrm ingest`, each on its own connection"),
      Whole("ingest.batch_size", "", "1000", nullptr, 1, 10000, [](Config& c) -> int& { return c.ingest_batch_size; },
            "records per database write",
            "records per database write"),

      // identity: matching (identity::MatchOptions)
      Fraction("match.auto_threshold", "", "0.9", nullptr, [](Config& c) -> double& { return c.match_auto_threshold; },
            "identity: a proposal scored at or above it (with evidence beyond names) is linked",
            "identity: a proposal scored at or above it, with evidence beyond names, no close rival and no opted-out address, is linked ([identity.md](identity.md))"),
      Fraction("match.suggest_threshold", "", "0.4", nullptr, [](Config& c) -> double& { return c.match_suggest_threshold; },
            "identity: at or above it (and below auto) a proposal waits for review",
            "identity: at or above it (and below auto) a proposal waits for review. The three `match.*` thresholds are defaults: thresholds an admin stored (admin page, `scrm thresholds`, `PUT /api/v1/admin/matching`) override them ([identity.md](identity.md#thresholds-in-force))"),
      Fraction("match.margin", "", "0.1", nullptr, [](Config& c) -> double& { return c.match_margin; },
            "identity: a rival candidate this close to the best makes a suggestion, never a link",
            "identity: a rival candidate this close to the best makes a suggestion, never a link"),
      Whole("match.interval_seconds", "", "10", nullptr, 0, 86400, [](Config& c) -> int& { return c.match_interval_seconds; },
            "how often scrm serve matches new profiles and changed CRM records (0: off)",
            "how often `scrm serve` matches new profiles and changed CRM records (0 turns it off)"),

      // ui: the pages and the CRM that embeds them
      Text("ui.templates_dir", "SCRM_UI_TEMPLATES_DIR", SCRM_DEFAULT_UI_TEMPLATES_DIR, "the project's `ui-templates/`", [](Config& c) -> std::string& { return c.ui_templates_dir; },
            "templates, messages (i18n/) and static files of the /ui/ pages",
            "templates, message catalogues and static files of the `/ui/` pages; checked at start-up ([ui.md](ui.md))"),
      Whole("ui.session_minutes", "SCRM_UI_SESSION_MINUTES", "60", nullptr, 1, 7 * 24 * 60, [](Config& c) -> int& { return c.ui_session_minutes; },
            "a /ui/ session (started by ?sso=) ends after this many minutes unused (idle timeout)",
            "idle timeout: a `/ui/` session (started by `?sso=`) ends after this many minutes without a request. Sessions are kept in the database (`scrm_ui_sessions`, [ui.md](ui.md#sessions-in-the-database)): a restart keeps them, engines on one database share them, and a session deleted there stops within 30 seconds"),
      Whole("ui.session_max_hours", "SCRM_UI_SESSION_MAX_HOURS", "12", nullptr, 1, 30 * 24, [](Config& c) -> int& { return c.ui_session_max_hours; },
            "a /ui/ session ends this many hours after its sign-on, however busy (absolute lifetime): the user signs on again from the CRM, with the roles they hold then",
            "absolute lifetime: a `/ui/` session ends this many hours after its sign-on however busy it is (1 to 720); the page then asks to open it again from the CRM, whose new token carries the roles the user holds then ([ui.md](ui.md#signing-on-ssotoken--a-session))"),
      Custom("crm.origin", "SCRM_CRM_ORIGIN", nullptr, "(none)", "https://host[:port]", CrmOrigin,
            "origin of the CRM that embeds the pages (https://crm.example.com): CSP frame-ancestors",
            "origin of the CRM that embeds the pages, `https://host[:port]` without a path: the only other site allowed to frame them (CSP `frame-ancestors`)"),

      // privacy: retention
      Whole("retention.interval_hours", "", "24", nullptr, 0, 24 * 366, [](Config& c) -> int& { return c.retention_interval_hours; },
            "how often scrm serve removes posts older than their source's retention_days (0: off)",
            "how often `scrm serve` removes posts older than their source's `retention_days` (at start, then on this interval; 0 turns it off) ([privacy.md](privacy.md))"),

      // secrets: sealing the sources' push secrets
      Custom("secrets.key_file", "SCRM_SECRETS_KEY_FILE", nullptr, "`secrets.key` beside `index.dir` (`/var/lib/scrm/index` → `/var/lib/scrm/secrets.key`)", "a path, not empty", KeyFile,
            "32-byte key (mode 0600) that seals the sources' push secrets; created when first needed; back it up apart from the database (docs/security.md)",
            "the 32-byte key that seals the sources' push secrets at rest (AES-256-GCM). Created (random, mode 0600) by the first command that stores a secret, which says where; a file of another size, or one that group or others may read, is refused. Back it up apart from the database; changed with `scrm secrets rotate` ([security.md](security.md#push-secrets-at-rest))"),

      // activitypub: the engine's own actor, whose key signs the fediverse client's fetches
      Custom("activitypub.base_url", "SCRM_ACTIVITYPUB_BASE_URL", nullptr, "(none: no actor, unsigned fetches)", "an absolute http(s) URL", ActivityPubBaseUrl,
            "the engine's public address (https://crm.example.com/scrm); its ActivityPub actor is served at BASE/ap/actor with its public key, and the fediverse client's fetches are signed (HTTP Signatures) so that servers requiring authorized fetch answer",
            "the engine's public address (`https://crm.example.com/scrm`). Its ActivityPub actor (type Application, with its public key) is served at `BASE/ap/actor`, and the fetches of the fediverse client are signed with HTTP Signatures (rsa-sha256 over `(request-target) host date`, keyId `BASE/ap/actor#main-key`), so that servers requiring authorized fetch answer them ([security.md](security.md))"),
      Custom("activitypub.key_file", "SCRM_ACTIVITYPUB_KEY_FILE", nullptr, "`activitypub.key` beside `index.dir`", "a path", ActorKeyFile,
            "RSA private key (PEM, mode 0600) of the engine's ActivityPub actor; created when first needed. Replacing it changes the key servers know the engine by",
            "the RSA-2048 private key (PEM, mode 0600) of that actor; created (atomically) when first needed; refused when group or others may read it. Replacing it changes the key servers know the engine by: they fetch the actor again when a signature no longer verifies"),

      // transfer: imports over the API
      Custom("transfer.staging_dir", "SCRM_TRANSFER_STAGING_DIR", nullptr, "(`import-staging` beside `index.dir`)", "a path", StagingDir,
            "where the files of an import over the API are uploaded (PUT /api/v1/admin/import/{file}) before POST /api/v1/admin/import restores them (docs/export-format.md)",
            "where the files of an import over the API are uploaded before `POST /api/v1/admin/import` restores them ([api.md](api.md#import))"),
  };
  // clang-format on
  return kOptions;
}

namespace {

std::string Shown(const Option& o) { return !o.shown.empty() ? o.shown : o.value ? *o.value : ""; }

std::string Plain(std::string s) {
  std::string out;
  for (char ch : s) {
    if (ch != '`') out += ch;
  }
  return out;
}

}  // namespace

std::string OptionsHelp() {
  std::ostringstream out;
  for (const Option& o : Options()) {
    out << o.key << " = " << Plain(Shown(o));
    std::string notes = o.env;
    if (!o.check.empty()) notes += (notes.empty() ? "" : "; ") + o.check;
    if (!notes.empty()) out << "   (" << notes << ")";
    out << "\n    " << o.help << "\n";
  }
  return out.str();
}

std::string OptionsMarkdown() {
  std::ostringstream out;
  out << "| key | default | environment | check | meaning |\n|---|---|---|---|---|\n";
  for (const Option& o : Options()) {
    out << "| `" << o.key << "` | " << Shown(o) << " | " << (o.env.empty() ? "" : "`" + o.env + "`")
        << " | " << o.check << " | " << o.doc << " |\n";
  }
  return out.str();
}

}  // namespace scrm::app
