// Server: the engine's HTTP server, serving the route table of routes.cc.
// It accepts connections itself and gives each a thread that speaks HTTP/1.1
// through Poco's server session; a Watchdog (http/watchdog.h) holds every
// connection to the deadline of its phase, and a bounded set of work slots
// is taken only by requests that were read whole, so idle and slow clients
// hold cheap connection threads, never the workers (docs/security.md,
// Availability).
//
// Every request is matched by the Router, answered as JSON (errors included),
// given the security headers (X-Content-Type-Options: nosniff; Cache-Control:
// no-store and, for anything but HTML pages, a Content-Security-Policy that
// allows nothing, unless the handler set them), rate limited per client
// address and per credential, counted and timed into metrics().
// A body above its limit (see ServerOptions) answers 413 without being
// buffered. With
// tls set, the listener speaks only TLS (Poco NetSSL; http/tls.h), every
// answer carries Strict-Transport-Security and the UI cookie is Secure; its
// certificate can be renewed while it serves (ServerTls::Reload).
// Stop()
// stops accepting connections and drains: it waits, at most drain_seconds,
// for the requests in flight to be answered, then closes every connection
// and waits (again at most drain_seconds) for their threads to let go of
// the server, so that destroying it ends its state (TLS context included)
// on the caller's thread.
// Start() and Stop() are called from one thread; metrics() from any.
#ifndef SCRM_HTTP_SERVER_H_
#define SCRM_HTTP_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "http/metrics.h"
#include "http/rate_limit.h"
#include "http/router.h"
#include "http/routes.h"

namespace scrm::http {

// TLS on the engine's own listener (http.tls_cert_file, http.tls_key_file):
// both set, or neither (plain HTTP, e.g. behind a TLS reverse proxy).
struct TlsOptions {
  std::string cert_file;  // PEM: the server's certificate first, then its intermediates
  std::string key_file;   // PEM: that certificate's private key, unencrypted; never logged
  bool enabled() const { return !cert_file.empty() || !key_file.empty(); }
};

// What a served certificate says of itself, for logs and /metrics.
struct CertificateInfo {
  std::string subject;    // RFC 2253: "CN=scrm.example.com,O=Example"
  std::string serial;     // hexadecimal
  int64_t not_after = 0;  // expiry, Unix seconds
  std::string not_after_text;  // the same, "2026-12-31T23:59:59Z"
};

// The TLS side of a listener: the server context, built once from the two
// files, and the (certificate chain, key) pair it presents, which Reload()
// replaces while connections are served: handshakes that start after a
// successful Reload() present the new pair, those under way and the
// connections already open keep theirs. A Reload() that fails changes
// nothing. Thread-safe; shared by the Server and whoever triggers reloads
// (`scrm serve`: SIGHUP and a look at the files every
// http.tls_reload_seconds).
class ServerTls {
 public:
  // Reads and checks both files and builds the context; InvalidArgument
  // naming the key, the file, what is wrong and the fix (see CheckTls).
  static Result<std::shared_ptr<ServerTls>> Load(const TlsOptions& tls);
  ~ServerTls();
  ServerTls(const ServerTls&) = delete;
  ServerTls& operator=(const ServerTls&) = delete;

  // Reads both files again and, when they make a usable pair, serves it to
  // new handshakes: the new certificate's description. Else the error of
  // Load(), and the pair served before is kept.
  Result<CertificateInfo> Reload();
  // Reload() when either file changed (inode, size, modification or status
  // change time; a symbolic link is followed, as certbot's are) since the
  // last load or attempt; nullopt, without reading them, when neither did. A
  // bad pair is so tried once, not at every call, until a file changes again.
  std::optional<Result<CertificateInfo>> ReloadIfChanged();

  // The pair served to new handshakes now.
  CertificateInfo served() const;
  const TlsOptions& options() const;
  // Reloads that succeeded, and that failed, since Load().
  int64_t reloads_ok() const;
  int64_t reloads_failed() const;

  struct Impl;  // tls.cc: the Poco and OpenSSL side
  const Impl& impl() const { return *impl_; }

 private:
  explicit ServerTls(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// OK when tls is not enabled or its files make a usable server certificate;
// else InvalidArgument naming the key, the file and the fix (what Start()
// would answer). ServerTls::Load() gives the same answer with the context.
Status CheckTls(const TlsOptions& tls);

struct ServerOptions {
  std::string bind = "127.0.0.1";    // address to listen on; "0.0.0.0" for all interfaces
  int port = 8080;                   // 0: any free port; port() tells which
  // Work slots: requests worked on at once (handler running). A request
  // takes one once it has been read whole; when none is free within
  // slot_wait_ms it is answered 503 with Retry-After. /healthz and /readyz
  // never take one. Waiting requests get a slot in the order they came.
  // (`scrm serve` gives http.threads, or WorkSlots::ForCores.)
  int threads = 16;
  int slot_wait_ms = 100;
  // Connections held at once, each on a thread of its own that reads the
  // request, waits and writes (cheap: no work slot). Beyond it, and beyond
  // max_connections_per_address from one client address (0: no cap; peers in
  // trusted_proxies are not capped), a new connection is answered 503 and
  // closed at once.
  int max_connections = 512;
  int max_connections_per_address = 64;
  int max_queued = 256;  // the listening socket's backlog (connections not yet accepted)
  // Deadlines (docs/security.md, Availability): the TLS handshake and the
  // request head must arrive within header_timeout_seconds (of the
  // connection's opening, or of the next request's first byte); the body
  // within body_timeout_seconds; the next request on a kept-alive connection
  // within idle_timeout_seconds. A connection past its deadline is shut
  // down. Any one read may wait at most read_timeout_seconds, any one write
  // write_timeout_seconds.
  int header_timeout_seconds = 10;
  int body_timeout_seconds = 60;
  int idle_timeout_seconds = 15;
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 30;
  // Bodies: at most max_body_bytes_unauthenticated is read before the caller
  // has proven who it is (public routes that take uploads, signed over their
  // body, excepted); after that each route's own limit (Route::
  // max_body_bytes), never above max_body_bytes. A body declared larger is
  // answered 413 before it is read.
  size_t max_body_bytes = 10 << 20;
  size_t max_body_bytes_unauthenticated = 64 << 10;
  int drain_seconds = 30;            // Stop() waits at most this for requests in flight
  // Requests per second from one client address, and with one credential
  // (Authorization header or session cookie): beyond them, 429 with
  // Retry-After. /healthz, /readyz and /metrics are not limited (probes).
  RateLimit per_address{100, 200};
  RateLimit per_credential{50, 100};
  // Requests in progress at once per caller (its credential, else its
  // address): beyond it, 429 with Retry-After. 0: no limit. Probes excepted.
  int max_concurrent_per_caller = 6;
  // Peers whose forwarded headers are believed (http/proxies.h); "10.0.0.0/8".
  std::vector<std::string> trusted_proxies;
  TlsOptions tls;  // neither file set: plain HTTP
  // The context built from tls (ServerTls::Load), so the files are read
  // once; when null and tls is enabled, Start() loads them itself.
  std::shared_ptr<ServerTls> tls_context;
};

class Server {
 public:
  // The routes are RouteTable(services, metrics()); services' pointees must
  // outlive the server.
  Server(ServerOptions options, Services services);
  ~Server();  // Stop()s first
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // One more route, before Start(): for tests and optional parts. The
  // engine's own routes belong in the table of routes.cc. Throws
  // std::invalid_argument on a malformed or duplicate route, std::logic_error
  // after Start().
  void AddRoute(Route route);

  // Binds and starts serving. InvalidArgument for bad options (field names
  // the option; for TLS, see CheckTls), Unavailable when the address cannot
  // be bound.
  Status Start();
  // The port actually bound (useful with port 0); 0 before Start().
  int port() const;
  // "https" when options.tls is enabled, else "http": for the URL to print.
  const char* scheme() const;
  // The TLS context being served (null before Start() or without TLS): to
  // Reload() its certificate.
  std::shared_ptr<ServerTls> tls() const;
  // Stops accepting, drains (see above) and returns. Idempotent.
  void Stop();

  // Requests being handled now.
  int in_flight() const;
  // Connections open now, and work slots busy now.
  int connections() const;
  int busy_slots() const;
  Metrics& metrics();
  const Router& router() const;

  struct State;  // shared with the request handlers; defined in server.cc

 private:
  // The certificate's expiry and reloads, in metrics(), once serving.
  void WatchCertificate(std::shared_ptr<ServerTls> tls);
  // Connections open, cut and refused, and work slots busy, in metrics().
  void RegisterConnectionMetrics();

  struct Impl;
  std::shared_ptr<State> state_;  // shared with request handlers
  std::unique_ptr<Impl> impl_;    // the Poco side
};

}  // namespace scrm::http

#endif  // SCRM_HTTP_SERVER_H_
