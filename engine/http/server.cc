#include "http/server.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <condition_variable>
#include <iostream>
#include <istream>
#include <mutex>
#include <thread>
#include <stdexcept>

#include "core/time.h"
#include "http/errors.h"
#include "http/session.h"
#include "store/audit_repository.h"
#include "http/tls.h"

#ifndef SCRM_VERSION
#define SCRM_VERSION "unknown"
#endif

namespace scrm::http {

// What request handlers share with the server. Handlers hold it by
// shared_ptr, so a handler still running after a timed-out drain never
// touches a destroyed server.
struct Server::State {
  explicit State(ServerOptions o)
      : options(std::move(o)),
        metrics(SCRM_VERSION),
        by_address(options.per_address),
        by_credential(options.per_credential) {}

  const ServerOptions options;
  RefusalLog* refusals = nullptr;  // Services::refusals
  Router router;  // read-only once started
  Metrics metrics;
  RateLimiter by_address;
  RateLimiter by_credential;
  std::mutex mu;
  std::condition_variable idle;
  int in_flight = 0;
  bool draining = false;
};

namespace {

// After a 413, at most this many more body bytes are read and thrown away, so
// the client is reading our answer, not a connection reset, when we close.
constexpr size_t kDiscardAfterLimit = 1 << 20;

enum class BodyRead { kOk, kTooLarge, kError };

// Reads the request body into *body, at most max bytes. A request without
// Content-Length or chunked encoding has no body (RFC 9112 6.3).
BodyRead ReadBody(Poco::Net::HTTPServerRequest& req, size_t max, std::string* body,
                  std::string* error) {
  body->clear();
  const bool chunked = req.getChunkedTransferEncoding();
  if (!chunked && !req.hasContentLength()) return BodyRead::kOk;
  const bool declared_too_large =
      !chunked && req.getContentLength64() > static_cast<Poco::Int64>(max);
  try {
    std::istream& in = req.stream();
    char buf[64 * 1024];
    size_t discarded = 0;
    bool too_large = declared_too_large;
    if (declared_too_large &&
        req.getContentLength64() > static_cast<Poco::Int64>(max + kDiscardAfterLimit)) {
      return BodyRead::kTooLarge;  // not worth reading: the connection will be reset
    }
    while (in) {
      in.read(buf, sizeof buf);
      size_t n = static_cast<size_t>(in.gcount());
      if (n == 0) break;
      if (!too_large && body->size() + n > max) {
        too_large = true;
        discarded += body->size();
        body->clear();
      }
      if (too_large) {
        discarded += n;
        if (discarded > max + kDiscardAfterLimit) break;
      } else {
        body->append(buf, n);
      }
    }
    if (in.bad()) {
      *error = "the request body could not be read";
      return BodyRead::kError;
    }
    if (too_large) {
      body->clear();
      return BodyRead::kTooLarge;
    }
    return BodyRead::kOk;
  } catch (const Poco::Exception& e) {
    *error = "the request body could not be read: " + e.displayText();
    return BodyRead::kError;
  }
}

// "/a/b?x=1" from "http://host/a/b?x=1#frag" and "/a/b?x=1#frag".
std::string OriginForm(std::string target) {
  if (!target.empty() && target[0] != '/') {
    size_t scheme = target.find("://");
    if (scheme != std::string::npos) {
      size_t slash = target.find('/', scheme + 3);
      target = slash == std::string::npos ? "/" : target.substr(slash);
    }
  }
  size_t hash = target.find('#');
  if (hash != std::string::npos) target.resize(hash);
  return target;
}

// "203.0.113.7" from "203.0.113.7:51234", "::1" from "[::1]:51234".
std::string HostOf(const std::string& address) {
  if (!address.empty() && address[0] == '[') {
    const size_t end = address.find(']');
    return end == std::string::npos ? address : address.substr(1, end - 1);
  }
  const size_t colon = address.rfind(':');
  return colon == std::string::npos ? address : address.substr(0, colon);
}

// The credential a request carries, for its rate limit: the Authorization
// header, else the UI session cookie; "" when none. Kept as a hash, so the
// limiter's memory holds no secret.
std::string CredentialKey(const Request& request) {
  std::string credential = request.Header("authorization");
  if (credential.empty()) credential = CookieValue(request, kSessionCookie);
  if (credential.empty()) return "";
  return std::to_string(std::hash<std::string>{}(credential));
}

bool IsProbe(const std::string& path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics";
}

// Seconds to wait before this request may go ahead, 0 when it may now.
double RateLimited(Server::State& s, const Request& request) {
  if (IsProbe(request.path)) return 0;
  double wait = s.by_address.Take(HostOf(request.remote_address));
  const std::string credential = CredentialKey(request);
  if (wait == 0 && !credential.empty()) wait = s.by_credential.Take(credential);
  return wait;
}

Response TooManyRequests(double wait) {
  const long seconds = std::max(1L, static_cast<long>(std::ceil(wait)));
  Response r = ErrorResponse(429, "rate_limited",
                             "too many requests from this client or credential: retry after " +
                                 std::to_string(seconds) +
                                 " s (limits: http.rate_limit_per_address, "
                                 "http.rate_limit_per_credential)");
  r.SetHeader("Retry-After", std::to_string(seconds));
  return r;
}

class RequestHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RequestHandler(std::shared_ptr<Server::State> state) : state_(std::move(state)) {}

  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& resp) override;

 private:
  std::shared_ptr<Server::State> state_;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit HandlerFactory(std::shared_ptr<Server::State> state) : state_(std::move(state)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new RequestHandler(state_);
  }

 private:
  std::shared_ptr<Server::State> state_;
};

// Counts a request in flight from construction to destruction; the last one
// out wakes a draining Stop().
class InFlight {
 public:
  explicit InFlight(Server::State& s) : s_(s) {
    std::lock_guard<std::mutex> lock(s_.mu);
    ++s_.in_flight;
  }
  ~InFlight() {
    std::lock_guard<std::mutex> lock(s_.mu);
    if (--s_.in_flight == 0) s_.idle.notify_all();
  }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  Server::State& s_;
};

void RequestHandler::handleRequest(Poco::Net::HTTPServerRequest& req,
                                   Poco::Net::HTTPServerResponse& resp) {
  Server::State& s = *state_;
  InFlight in_flight(s);
  const auto start = std::chrono::steady_clock::now();

  Request request;
  request.method = req.getMethod();
  std::string target = OriginForm(req.getURI());
  size_t q = target.find('?');
  request.path = target.substr(0, q);
  const std::string raw_query = q == std::string::npos ? "" : target.substr(q + 1);
  for (const auto& [name, value] : req) {
    std::string key = LowerAscii(name);
    auto it = request.headers.find(key);
    if (it == request.headers.end()) {
      request.headers.emplace(std::move(key), value);
    } else {
      it->second += ", " + value;
    }
  }
  request.tls = req.secure();
  try {
    request.remote_address = req.clientAddress().toString();
  } catch (const Poco::Exception&) {
    // The peer is gone already; the answer will not reach it either.
  }

  std::string label = Router::kUnmatched;
  bool close = false;
  Response out;
  std::string read_error;
  BodyRead body = ReadBody(req, s.options.max_body_bytes, &request.body, &read_error);
  if (body == BodyRead::kTooLarge) {
    label = s.router.Find(request.method, request.path).label;
    out = ErrorResponse(
        413, "payload_too_large",
        "request body larger than " + std::to_string(s.options.max_body_bytes) + " bytes");
    close = true;  // what is left of the body is not worth reading
  } else if (body == BodyRead::kError) {
    label = s.router.Find(request.method, request.path).label;
    out = ErrorResponse(Status::InvalidArgument(read_error, "body"));
    close = true;
  } else if (!ParseQuery(raw_query, &request.query)) {
    out = ErrorResponse(Status::InvalidArgument("malformed query string: bad %-escape", "query"));
  } else if (const double wait = RateLimited(s, request); wait > 0) {
    label = s.router.Find(request.method, request.path).label;
    out = TooManyRequests(wait);
  } else {
    out = s.router.Dispatch(request, &label);
  }

  out.SetHeader("X-Content-Type-Options", "nosniff");
  if (out.Header("Cache-Control").empty()) out.SetHeader("Cache-Control", "no-store");
  // JSON and text are never a document to render or frame; pages set their own policy.
  if (out.Header("Content-Security-Policy").empty() &&
      out.content_type.rfind("text/html", 0) != 0) {
    out.SetHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  }
  if (out.Header("Referrer-Policy").empty()) out.SetHeader("Referrer-Policy", "no-referrer");
  // Only over the engine's own TLS: a proxy that terminates TLS sets its own
  // (docs/security.md), and over plain HTTP browsers ignore it anyway.
  if (request.tls) out.SetHeader("Strict-Transport-Security", "max-age=31536000");
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.draining) close = true;  // the client will not get another turn on this connection
  }

  try {
    resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
    resp.setContentType(out.content_type);
    for (const auto& [name, value] : out.headers) resp.add(name, value);
    if (close) resp.setKeepAlive(false);
    if (out.stream) {
      resp.setChunkedTransferEncoding(true);
      resp.setKeepAlive(false);  // a failure midway must end the connection
      std::ostream& body = resp.send();
      try {
        out.stream(body);
      } catch (const std::exception& e) {
        std::cerr << "scrm http: " << request.method << " " << request.path
                  << ": the streamed answer failed midway: " << e.what() << std::endl;
        close = true;
      }
    } else {
      resp.sendBuffer(out.body.data(), out.body.size());
    }
  } catch (const Poco::Exception& e) {
    std::cerr << "scrm http: " << request.method << " " << request.path
              << ": could not send the response: " << e.displayText() << std::endl;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  s.metrics.ObserveRequest(label, request.method, out.status, seconds);
  if (out.status == 401 || out.status == 403 || out.status == 429) {
    if (s.refusals != nullptr) {
      s.refusals->Refused(request, out.status, out.reason, label, NowUnixSeconds());
    } else {
      store::CountAuditEvents(out.status == 401 ? "unauthenticated"
                              : out.status == 403 ? "forbidden" : "rate_limited", 1);
    }
  }
}

}  // namespace

struct Server::Impl {
  // The pool outlives the server that runs on it: declared first, destroyed last.
  std::unique_ptr<Poco::ThreadPool> threads;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  Poco::Net::ServerSocket listener;  // the server's own socket, shared: closed by Stop()
  std::shared_ptr<ServerTls> tls;     // set by Start() with TLS
  int port = 0;
  bool started = false;
  bool stopped = false;
};

Server::Server(ServerOptions options, Services services)
    : state_(std::make_shared<State>(std::move(options))), impl_(std::make_unique<Impl>()) {
  for (Route& r : RouteTable(services, state_->metrics)) state_->router.Add(std::move(r));
  state_->router.SetAuthorizer(services.authorizer);
  state_->refusals = services.refusals;
  state_->metrics.WatchPool(services.pool);
  if (services.sync_lag_seconds) state_->metrics.SetSyncLagSource(services.sync_lag_seconds);
}

Server::~Server() { Stop(); }

void Server::AddRoute(Route route) {
  if (impl_->started) throw std::logic_error("Server::AddRoute after Start: " + route.path);
  state_->router.Add(std::move(route));
}

Status Server::Start() {
  const ServerOptions& o = state_->options;
  if (impl_->started) return Status::FailedPrecondition("the HTTP server is already started");
  if (o.port < 0 || o.port > 65535) {
    return Status::InvalidArgument("port must be 0..65535, not " + std::to_string(o.port), "port");
  }
  if (o.threads < 1) return Status::InvalidArgument("threads must be at least 1", "threads");
  if (o.max_queued < 1)
    return Status::InvalidArgument("max_queued must be at least 1", "max_queued");
  if (o.drain_seconds < 0) {
    return Status::InvalidArgument("drain_seconds must not be negative", "drain_seconds");
  }
  std::shared_ptr<ServerTls> tls = o.tls_context;
  if (!tls && o.tls.enabled()) {
    Result<std::shared_ptr<ServerTls>> loaded = ServerTls::Load(o.tls);
    if (!loaded.ok()) return loaded.status();
    tls = *loaded;
  }
  try {
    // With TLS, every accepted connection is a SecureStreamSocket whose
    // handshake runs on the request thread, not the accepting one.
    Poco::Net::ServerSocket socket;
    if (tls) socket = Poco::Net::SecureServerSocket(ContextOf(*tls));
    // SO_REUSEADDR (restart while old connections linger in TIME_WAIT) but
    // not SO_REUSEPORT, which Poco's two-argument bind() also sets: a second
    // engine on the same port must fail, not share the port.
    socket.bind(Poco::Net::SocketAddress(o.bind, static_cast<Poco::UInt16>(o.port)),
                /*reuseAddress=*/true, /*reusePort=*/false);
    socket.listen(o.max_queued);

    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(o.threads);
    params->setMaxQueued(o.max_queued);
    params->setKeepAlive(true);
    // Idle dispatcher threads give up after a second; this bounds how long
    // Stop() waits for them once the last request has been answered.
    params->setThreadIdleTime(Poco::Timespan(1, 0));

    impl_->threads = std::make_unique<Poco::ThreadPool>("scrm-http", 1, o.threads, 60);
    impl_->server = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(state_),
                                                            *impl_->threads, socket, params);
    impl_->server->start();
    impl_->listener = socket;
    impl_->port = socket.address().port();
    impl_->started = true;
    if (tls) WatchCertificate(tls);
    return Status::Ok();
  } catch (const Poco::Exception& e) {
    impl_->server.reset();
    impl_->threads.reset();
    return Status::Unavailable("cannot listen on " + o.bind + ":" + std::to_string(o.port) + ": " +
                               e.displayText());
  }
}

void Server::WatchCertificate(std::shared_ptr<ServerTls> tls) {
  impl_->tls = tls;
  Registry& registry = state_->metrics.registry();
  registry
      .AddGauge("scrm_tls_cert_not_after_seconds",
                "Expiry (notAfter, Unix seconds) of the TLS certificate served to new connections.")
      .SetCallback({}, [tls] { return static_cast<double>(tls->served().not_after); });
  ScalarFamily& reloads = registry.AddCounter(
      "scrm_tls_reloads_total", "Reloads of the TLS certificate and key files, by result.",
      {"result"});
  reloads.SetCallback({"ok"}, [tls] { return static_cast<double>(tls->reloads_ok()); });
  reloads.SetCallback({"failed"}, [tls] { return static_cast<double>(tls->reloads_failed()); });
}

int Server::port() const { return impl_->port; }

const char* Server::scheme() const {
  const ServerOptions& o = state_->options;
  return o.tls.enabled() || o.tls_context ? "https" : "http";
}

std::shared_ptr<ServerTls> Server::tls() const { return impl_->tls; }

void Server::Stop() {
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  State& s = *state_;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    s.draining = true;
  }
  // Stop accepting. Poco's stop() ends the accepting thread but leaves the
  // socket listening (new clients would hang in the backlog): close it so
  // they are refused. Connections accepted but not yet picked up are dropped.
  impl_->server->stop();
  try {
    impl_->listener.close();
  } catch (const Poco::Exception&) {
    // Already closed: nothing to refuse.
  }
  bool drained;
  {
    std::unique_lock<std::mutex> lock(s.mu);
    drained = s.idle.wait_for(lock, std::chrono::seconds(s.options.drain_seconds),
                              [&s] { return s.in_flight == 0; });
    if (!drained) {
      std::cerr << "scrm http: " << s.in_flight << " request(s) still running after "
                << s.options.drain_seconds << " s of draining; closing their connections"
                << std::endl;
    }
  }
  // Answers given while draining carry "Connection: close", so their
  // connections end by themselves once the bytes are out. Give them a moment
  // (at most a second) before aborting: an abort resets the connection, and a
  // reset can destroy a response the client has not read yet. Idle keep-alive
  // connections are what remains after that.
  if (drained) {
    auto grace_end = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (impl_->server->currentConnections() > 0 &&
           std::chrono::steady_clock::now() < grace_end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  // Shut every connection down: idle keep-alive ones end now, and any
  // request still running past the drain loses its client.
  impl_->server->stopAll(/*abortCurrent=*/true);
  // A handler stuck past the drain would block this forever; it keeps the
  // shared state alive by itself and its thread is abandoned at exit.
  if (drained) impl_->threads->joinAll();
}

int Server::in_flight() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->in_flight;
}

Metrics& Server::metrics() { return state_->metrics; }

const Router& Server::router() const { return state_->router; }

}  // namespace scrm::http
