#include "http/server.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <functional>
#include <iostream>
#include <istream>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "core/time.h"
#include "http/errors.h"
#include "http/proxies.h"
#include "http/session.h"
#include "store/audit_repository.h"
#include "http/tls.h"
#include "http/watchdog.h"

#ifndef SCRM_VERSION
#define SCRM_VERSION "unknown"
#endif

namespace scrm::http {

using Clock = std::chrono::steady_clock;

namespace {

// The connections open now, in total and per client address.
struct OpenConnections {
  std::mutex mu;
  std::condition_variable none;  // count fell to 0
  int count = 0;
  KeyedCounter by_address;
};

}  // namespace

// What connection threads share with the server. They hold it by
// shared_ptr, so a thread still running after a timed-out drain never
// touches a destroyed server.
struct Server::State {
  explicit State(ServerOptions o)
      : options(std::move(o)),
        metrics(SCRM_VERSION),
        by_address(options.per_address),
        by_credential(options.per_credential),
        slots(std::max(options.threads, 1)) {}

  const ServerOptions options;
  TrustedProxies proxies;                 // parsed by Start()
  Poco::Net::HTTPServerParams::Ptr params;  // set by Start()
  std::unique_ptr<Watchdog> watchdog;     // started by Start(), never reset
  RefusalLog* refusals = nullptr;  // Services::refusals
  Router router;  // read-only once started
  Metrics metrics;
  RateLimiter by_address;
  RateLimiter by_credential;
  KeyedCounter requests_by_caller;
  WorkSlots slots;
  std::atomic<bool> accepting{false};
  std::atomic<int64_t> refused_max{0}, refused_per_address{0};
  // The connections open now, kept apart from the rest so that a connection's
  // thread lets go of the state before it stops counting (see Connected).
  const std::shared_ptr<OpenConnections> open = std::make_shared<OpenConnections>();
  std::mutex mu;
  std::condition_variable idle;  // in_flight fell to 0
  int in_flight = 0;
  bool draining = false;
};

namespace {

// After a 413, at most this many more body bytes are read and thrown away, so
// the client is reading our answer, not a connection reset, when we close.
constexpr size_t kDiscardAfterLimit = 1 << 20;
// After an answer given before a body was read (401, 413, 429...), the body
// the client may still be sending is read and thrown away for at most this
// long (and kDiscardAfterLimit bytes) before the connection is closed:
// closed with unread bytes, the connection is reset, and a reset can take
// the answer from the client before it reads it ("lingering close").
constexpr int kLingerSeconds = 2;

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

// Health probes answer whatever the load: no rate limit, no per-caller
// limit, no work slot.
bool IsHealthProbe(const std::string& path) { return path == "/healthz" || path == "/readyz"; }

// Seconds to wait before this request may go ahead, 0 when it may now.
double RateLimited(Server::State& s, const Request& request) {
  if (IsProbe(request.path)) return 0;
  double wait = s.by_address.Take(request.client_address);
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

Response TooManyConcurrent(int max) {
  Response r = ErrorResponse(
      429, "too_many_concurrent",
      "this caller already has " + std::to_string(max) +
          " requests in progress: wait for one to be answered, then retry "
          "(limit: http.max_concurrent_per_caller)");
  r.SetHeader("Retry-After", "1");
  return r;
}

Response Busy() {
  Response r = ErrorResponse(503, "busy",
                             "every worker is busy: retry in a second (work slots: http.threads)");
  r.SetHeader("Retry-After", "1");
  return r;
}

// The largest body this request may send: its route's limit (never above
// http.max_body_bytes), and, for a public route that does not take uploads
// (or no route at all), the limit for callers who have not proven who they
// are. Non-public routes: see NeedsAuthFirst.
size_t BodyLimit(const ServerOptions& o, const Route* route) {
  const size_t cap = o.max_body_bytes;
  if (route == nullptr) return std::min(o.max_body_bytes_unauthenticated, cap);
  const size_t own = std::min(route->max_body_bytes, cap);
  if (route->access == Access::kPublic && route->max_body_bytes != kUploadBodyLimit) {
    return std::min(own, o.max_body_bytes_unauthenticated);
  }
  return own;
}

// A non-public route whose body may be larger than what is read from an
// unauthenticated caller: its access is checked on the headers, before the
// body is read.
bool NeedsAuthFirst(const ServerOptions& o, const Route* route,
                    const Poco::Net::HTTPServerRequest& req) {
  if (route == nullptr || route->access == Access::kPublic) return false;
  if (req.getChunkedTransferEncoding()) return true;
  return req.hasContentLength() &&
         req.getContentLength64() > static_cast<Poco::Int64>(o.max_body_bytes_unauthenticated);
}

// Holds one of a KeyedCounter's or WorkSlots' units until destroyed or
// released.
class Held {
 public:
  Held() = default;
  explicit Held(std::function<void()> release) : release_(std::move(release)) {}
  ~Held() { Release(); }
  Held(const Held&) = delete;
  Held& operator=(Held&& o) noexcept {
    Release();
    release_ = std::move(o.release_);
    o.release_ = nullptr;
    return *this;
  }
  void Release() {
    if (release_) release_();
    release_ = nullptr;
  }

 private:
  std::function<void()> release_;
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

Clock::time_point After(int seconds) { return Clock::now() + std::chrono::seconds(seconds); }

// The Poco server session, with what its protected side knows: whether the
// next request's bytes are here already.
class Session : public Poco::Net::HTTPServerSession {
 public:
  Session(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params)
      : HTTPServerSession(socket, params) {}
  // Waits at most `idle` for the next request's first byte: false when none
  // came (or the peer closed).
  bool WaitForNextRequest(const Poco::Timespan& idle) {
    if (buffered() > 0) return true;
    if (socket().available() > 0) return true;  // held by TLS already
    return socket().poll(idle, Poco::Net::Socket::SELECT_READ);
  }
};

// The connection's last answer is out; before closing, reads and throws
// away what the client still sends (the body it was answered before
// sending), until it closes, kLingerSeconds pass or kDiscardAfterLimit
// bytes came. Over plain TCP our side is shut first, so that the client
// sees the end of the answer at once.
void Linger(Session& session, Watchdog::Watch& watch, bool secure) {
  watch.Set(Phase::kBody, After(kLingerSeconds));
  try {
    Poco::Net::StreamSocket& socket = session.socket();
    if (!secure) socket.shutdownSend();
    char buf[16 * 1024];
    for (size_t n = 0; n < kDiscardAfterLimit;) {
      const int got = socket.receiveBytes(buf, sizeof buf);
      if (got <= 0) break;
      n += static_cast<size_t>(got);
    }
  } catch (const Poco::Exception&) {
    // Cut by the watchdog, timed out or reset: the wait is over.
  }
}

// Writes the answer's head and body with one send (Poco's sendBuffer
// writes them in 4 KB pieces: a send, and a wake-up of the client, each).
void SendBuffered(Poco::Net::HTTPServerRequestImpl& req, Poco::Net::HTTPServerResponseImpl& resp,
                  const std::string& body) {
  resp.setContentLength64(static_cast<Poco::Int64>(body.size()));
  resp.setChunkedTransferEncoding(false);
  std::ostringstream head;
  resp.write(head);
  std::string wire = head.str();
  if (req.getMethod() != Poco::Net::HTTPRequest::HTTP_HEAD) wire += body;
  Poco::Net::StreamSocket& socket = req.socket();
  for (size_t sent = 0; sent < wire.size();) {
    const size_t left = std::min<size_t>(wire.size() - sent, size_t{1} << 30);
    const int n = socket.sendBytes(wire.data() + sent, static_cast<int>(left));
    if (n <= 0) throw Poco::Net::NetException("the connection closed while the answer was written");
    sent += static_cast<size_t>(n);
  }
}

// Reads one request's body and runs it, from the headers just read to the
// answer written; false when the connection must end after it. *linger:
// it ends with the request's body unread (an answer given on the headers),
// which Linger() then waits out.
bool Answer(Server::State& s, Poco::Net::HTTPServerRequestImpl& req,
            Poco::Net::HTTPServerResponseImpl& resp, Watchdog::Watch& watch,
            const std::string& peer, bool secure, bool* linger) {
  const ServerOptions& o = s.options;
  InFlight in_flight(s);
  const auto start = Clock::now();

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
  request.tls = secure;
  try {
    request.remote_address = req.clientAddress().toString();
  } catch (const Poco::Exception&) {
    // The peer is gone already; the answer will not reach it either.
  }
  request.via_trusted_proxy = s.proxies.Contains(peer);
  request.client_address = s.proxies.ClientAddress(peer, request.Header("x-forwarded-for"),
                                                   request.Header("forwarded"));

  const bool has_body = req.getChunkedTransferEncoding() ||
                        (req.hasContentLength() && req.getContentLength64() > 0);
  const Router::Match match = s.router.Find(request.method, request.path);
  const Route* route = match.kind == Router::Match::Kind::kFound ? match.route : nullptr;
  const size_t limit = BodyLimit(o, route);
  const bool probe = IsHealthProbe(request.path);

  std::string label = match.label;
  bool close = false;
  bool authorized = false;
  std::optional<Response> early;  // answered before the body is read
  Held caller, slot;
  if (!ParseQuery(raw_query, &request.query)) {
    early = ErrorResponse(Status::InvalidArgument("malformed query string: bad %-escape", "query"));
    label = Router::kUnmatched;
  } else if (!req.getChunkedTransferEncoding() && req.hasContentLength() &&
             req.getContentLength64() > static_cast<Poco::Int64>(limit + kDiscardAfterLimit)) {
    // Declared too large by more than we would read to let the client see
    // our answer: 413 at once, nothing read.
    early = ErrorResponse(413, "payload_too_large",
                          "request body larger than " + std::to_string(limit) + " bytes");
  } else if (const double wait = probe ? 0 : RateLimited(s, request); wait > 0) {
    early = TooManyRequests(wait);
  } else if (!probe && o.max_concurrent_per_caller > 0) {
    const std::string credential = CredentialKey(request);
    const std::string key =
        credential.empty() ? "address " + request.client_address : "credential " + credential;
    if (s.requests_by_caller.TryAcquire(key, o.max_concurrent_per_caller)) {
      caller = Held([&s, key] { s.requests_by_caller.Release(key); });
    } else {
      early = TooManyConcurrent(o.max_concurrent_per_caller);
    }
  }
  if (!early && NeedsAuthFirst(o, route, req)) {
    // A body larger than an unauthenticated caller may send: who is calling
    // is checked on the headers (Bearer token, API key, or session cookie
    // with its X-CSRF-Token header) before a byte of it is read.
    std::optional<Response> denied;
    Response checked = CallHandler(
        [&](const Request&) {
          Status allowed = s.router.Authorize(*route, request);
          if (allowed.ok()) return Response{};
          denied = route->on_denied ? route->on_denied(request, allowed) : ErrorResponse(allowed);
          return *denied;
        },
        request);
    if (denied) {
      early = std::move(*denied);
    } else if (checked.status != 200) {
      early = std::move(checked);  // the check itself failed (a database out of reach)
    } else {
      authorized = true;
    }
  }

  Response out;
  const bool body_unread = early.has_value() && has_body;
  if (early) {
    out = std::move(*early);
    if (has_body) close = true;  // its body, unread, would be taken for the next request
  } else {
    if (has_body) {
      if (req.getExpectContinue()) resp.sendContinue();
      watch.Set(Phase::kBody, After(o.body_timeout_seconds));
    }
    std::string read_error;
    const BodyRead body = ReadBody(req, limit, &request.body, &read_error);
    if (body == BodyRead::kTooLarge) {
      out = ErrorResponse(413, "payload_too_large",
                          "request body larger than " + std::to_string(limit) + " bytes");
      close = true;  // what is left of the body is not worth reading
    } else if (body == BodyRead::kError) {
      out = ErrorResponse(Status::InvalidArgument(read_error, "body"));
      close = true;
    } else {
      watch.Set(Phase::kWaiting, Watchdog::kNever);
      if (!probe && !s.slots.TryAcquire(std::chrono::milliseconds(o.slot_wait_ms))) {
        out = Busy();
      } else {
        if (!probe) slot = Held([&s] { s.slots.Release(); });
        watch.Set(Phase::kWork, Watchdog::kNever);
        out = s.router.Dispatch(request, nullptr, authorized);
      }
    }
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
  // A buffered answer is written without holding a worker; a streamed one
  // is made while it is written, so it keeps its slot.
  if (!out.stream) {
    slot.Release();
    caller.Release();
  }
  watch.Set(Phase::kWrite, out.stream ? Watchdog::kNever : After(o.write_timeout_seconds));

  // The request's metrics and a refusal's audit, counted before a buffered
  // answer goes out (a client that has its answer, then reads /metrics or
  // the audit, finds it counted), after a streamed one is written.
  bool counted = false;
  const auto count = [&] {
    counted = true;
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    s.metrics.ObserveRequest(label, request.method, out.status, seconds);
    if (out.status == 401 || out.status == 403 || out.status == 429) {
      if (s.refusals != nullptr) {
        s.refusals->Refused(request, out.status, out.reason, label, NowUnixSeconds());
      } else {
        store::CountAuditEvents(out.status == 401 ? "unauthenticated"
                                : out.status == 403 ? "forbidden" : "rate_limited", 1);
      }
    }
  };
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
      count();
      SendBuffered(req, resp, out.body);
    }
  } catch (const Poco::Exception& e) {
    std::cerr << "scrm http: " << request.method << " " << request.path
              << ": could not send the response: " << e.displayText() << std::endl;
    close = true;
  }
  if (!counted) count();
  // A client that asked to be told before it sends (Expect: 100-continue)
  // sends nothing after a refusal: nothing to wait for.
  *linger = body_unread && !req.getExpectContinue();
  return !close && resp.getKeepAlive();
}

// A bare answer for a request whose head could not be read (400), written
// straight to the session.
void SendBareError(Session& session, Poco::Net::HTTPResponse::HTTPStatus status,
                   const std::string& code, const std::string& message) {
  try {
    Poco::Net::HTTPServerResponseImpl resp(session);
    const std::string body = ErrorBody(code, message).dump();
    resp.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
    resp.setStatusAndReason(status);
    resp.setContentType("application/json");
    resp.set("X-Content-Type-Options", "nosniff");
    resp.set("Cache-Control", "no-store");
    resp.setKeepAlive(false);
    resp.sendBuffer(body.data(), body.size());
  } catch (const Poco::Exception&) {
    // The client is gone.
  }
}

// Counts a connection from its acceptance to its end. It holds the count,
// not the state: a connection's thread lets go of the state first, so that
// once Stop() has seen the count at 0 the server itself ends the state (and
// the TLS context its metrics hold), never a thread still running while the
// process exits.
class Connected {
 public:
  Connected(std::shared_ptr<OpenConnections> open, std::string peer, bool per_address)
      : open_(std::move(open)), peer_(std::move(peer)), per_address_(per_address) {}
  ~Connected() {
    if (per_address_) open_->by_address.Release(peer_);
    std::lock_guard<std::mutex> lock(open_->mu);
    if (--open_->count == 0) open_->none.notify_all();
  }
  Connected(const Connected&) = delete;
  Connected& operator=(const Connected&) = delete;

 private:
  std::shared_ptr<OpenConnections> open_;
  std::string peer_;
  bool per_address_;
};

// One connection, on its own thread: the TLS handshake, then requests until
// the client or a deadline ends it.
void Serve(const std::shared_ptr<Server::State>& state, Poco::Net::StreamSocket socket,
           const std::string& peer, Clock::time_point accepted) {
  Server::State& s = *state;
  const ServerOptions& o = s.options;
  const bool secure = socket.secure();
  // Declared before the watch: the session closes the socket when
  // destroyed, after the watchdog has forgotten it.
  Session session(socket, s.params);
  Watchdog::Watch watch(*s.watchdog, static_cast<int>(socket.impl()->sockfd()),
                        secure ? Phase::kHandshake : Phase::kHeaders,
                        accepted + std::chrono::seconds(o.header_timeout_seconds));
  try {
    socket.setReceiveTimeout(Poco::Timespan(o.read_timeout_seconds, 0));
    socket.setSendTimeout(Poco::Timespan(o.write_timeout_seconds, 0));
    socket.setNoDelay(true);
    if (secure) {
      Poco::Net::SecureStreamSocket(socket).completeHandshake();
      watch.Set(Phase::kHeaders, accepted + std::chrono::seconds(o.header_timeout_seconds));
    }
    bool linger = false;
    for (bool first = true;; first = false) {
      if (!first) {
        {
          std::lock_guard<std::mutex> lock(s.mu);
          if (s.draining) break;
        }
        watch.Set(Phase::kIdle, After(o.idle_timeout_seconds));
        if (!session.WaitForNextRequest(Poco::Timespan(o.idle_timeout_seconds, 0))) break;
        watch.Set(Phase::kHeaders, After(o.header_timeout_seconds));
      }
      Poco::Net::HTTPServerResponseImpl resp(session);
      std::unique_ptr<Poco::Net::HTTPServerRequestImpl> req;
      try {
        req = std::make_unique<Poco::Net::HTTPServerRequestImpl>(resp, session, s.params.get());
      } catch (const Poco::Net::NoMessageException&) {
        break;  // closed (or cut) before a byte of a request
      } catch (const Poco::Net::MessageException& e) {
        if (watch.cut()) break;
        SendBareError(session, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "invalid_argument",
                      "malformed request head: " + e.message());
        break;
      }
      resp.setDate(Poco::Timestamp());
      resp.setVersion(req->getVersion());
      resp.setKeepAlive(req->getKeepAlive());
      if (!Answer(s, *req, resp, watch, peer, secure, &linger)) break;
    }
    if (linger) Linger(session, watch, secure);  // resp, gone with the loop, sent the answer
  } catch (const Poco::Exception&) {
    // Reset, timed out, cut by the watchdog, or a failed handshake: the
    // connection ends; there is nobody to answer.
  } catch (const std::exception& e) {
    std::cerr << "scrm http: connection from " << peer << " ended: " << e.what() << std::endl;
  }
}

// Answers a connection that is not taken and closes it, without reading:
// 503 over plain HTTP (a TLS client gets the connection closed).
void Refuse(Poco::Net::StreamSocket& socket, const std::string& why) {
  if (!socket.secure()) {
    const std::string body = ErrorBody("busy", why).dump();
    const std::string head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                             "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n";
    const std::string all = head + body;
    // Non-blocking: a refusal never waits on the client.
    ::send(static_cast<int>(socket.impl()->sockfd()), all.data(), all.size(),
           MSG_DONTWAIT | MSG_NOSIGNAL);
  }
  try {
    socket.shutdown();
    socket.close();
  } catch (const Poco::Exception&) {
    // Gone already.
  }
}

// The accepting thread: takes each connection, within the caps, onto a
// thread of its own.
void Accept(std::shared_ptr<Server::State> state, Poco::Net::ServerSocket listener) {
  Server::State& s = *state;
  const ServerOptions& o = s.options;
  while (s.accepting) {
    Poco::Net::StreamSocket socket;
    Poco::Net::SocketAddress from;
    try {
      if (!listener.poll(Poco::Timespan(0, 200 * 1000), Poco::Net::Socket::SELECT_READ)) continue;
      socket = listener.acceptConnection(from);
    } catch (const Poco::Exception&) {
      continue;  // the client left before we took it, or the listener is closing
    }
    const auto accepted = Clock::now();
    const std::string peer = from.host().toString();
    // A trusted proxy carries many clients: it is not capped per address.
    const bool per_address = o.max_connections_per_address > 0 && !s.proxies.Contains(peer);
    const char* refusal = nullptr;
    {
      OpenConnections& open = *s.open;
      std::lock_guard<std::mutex> lock(open.mu);
      if (open.count >= o.max_connections) {
        s.refused_max.fetch_add(1);
        refusal = "the server holds as many connections as it may (http.max_connections): "
                  "retry in a second";
      } else if (per_address && !open.by_address.TryAcquire(peer, o.max_connections_per_address)) {
        s.refused_per_address.fetch_add(1);
        refusal = "too many connections from this address (http.max_connections_per_address): "
                  "close some, or retry in a second";
      } else {
        ++open.count;
      }
    }
    if (refusal != nullptr) {
      Refuse(socket, refusal);
      continue;
    }
    auto connected = std::make_shared<Connected>(s.open, peer, per_address);
    try {
      std::thread([state, socket, peer, accepted, connected]() mutable {
        Serve(state, socket, peer, accepted);
        // Let go of the connection (for TLS, its OpenSSL state) and of the
        // server's state before it stops counting: Stop() returns once the
        // count is 0, and the process may end right after. (Poco 1.11's
        // sockets have no move, and a closure's captures die in an
        // unspecified order.)
        socket = Poco::Net::StreamSocket();
        state.reset();
        connected.reset();
      }).detach();
    } catch (const std::system_error& e) {
      std::cerr << "scrm http: cannot start a connection thread: " << e.what() << std::endl;
      Refuse(socket, "the server cannot take a connection now: retry in a second");
    }
  }
}

}  // namespace

struct Server::Impl {
  std::thread acceptor;
  Poco::Net::ServerSocket listener;  // closed by Stop()
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
  if (o.max_connections < 1) {
    return Status::InvalidArgument("max_connections must be at least 1", "max_connections");
  }
  if (o.drain_seconds < 0) {
    return Status::InvalidArgument("drain_seconds must not be negative", "drain_seconds");
  }
  for (auto [value, name] : {std::pair{o.header_timeout_seconds, "header_timeout_seconds"},
                             {o.body_timeout_seconds, "body_timeout_seconds"},
                             {o.idle_timeout_seconds, "idle_timeout_seconds"},
                             {o.read_timeout_seconds, "read_timeout_seconds"},
                             {o.write_timeout_seconds, "write_timeout_seconds"}}) {
    if (value < 1) return Status::InvalidArgument(std::string(name) + " must be at least 1", name);
  }
  Result<TrustedProxies> proxies = TrustedProxies::Parse(o.trusted_proxies);
  if (!proxies.ok()) return proxies.status();
  state_->proxies = *proxies;
  std::shared_ptr<ServerTls> tls = o.tls_context;
  if (!tls && o.tls.enabled()) {
    Result<std::shared_ptr<ServerTls>> loaded = ServerTls::Load(o.tls);
    if (!loaded.ok()) return loaded.status();
    tls = *loaded;
  }
  try {
    // With TLS, every accepted connection is a SecureStreamSocket whose
    // handshake runs on the connection's thread, not the accepting one.
    Poco::Net::ServerSocket socket;
    if (tls) socket = Poco::Net::SecureServerSocket(ContextOf(*tls));
    // SO_REUSEADDR (restart while old connections linger in TIME_WAIT) but
    // not SO_REUSEPORT, which Poco's two-argument bind() also sets: a second
    // engine on the same port must fail, not share the port.
    socket.bind(Poco::Net::SocketAddress(o.bind, static_cast<Poco::UInt16>(o.port)),
                /*reuseAddress=*/true, /*reusePort=*/false);
    socket.listen(o.max_queued);

    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setKeepAlive(true);
    params->setTimeout(Poco::Timespan(o.read_timeout_seconds, 0));
    params->setKeepAliveTimeout(Poco::Timespan(o.idle_timeout_seconds, 0));
    state_->params = params;
    state_->watchdog = std::make_unique<Watchdog>();
    RegisterConnectionMetrics();
    impl_->listener = socket;
    impl_->port = socket.address().port();
    state_->accepting = true;
    impl_->acceptor = std::thread(Accept, state_, socket);
    impl_->started = true;
    if (tls) WatchCertificate(tls);
    return Status::Ok();
  } catch (const Poco::Exception& e) {
    return Status::Unavailable("cannot listen on " + o.bind + ":" + std::to_string(o.port) + ": " +
                               e.displayText());
  }
}

void Server::RegisterConnectionMetrics() {
  std::shared_ptr<State> state = state_;
  Registry& registry = state->metrics.registry();
  State* s = state.get();  // the registry lives in the state: a raw pointer does not cycle
  registry.AddGauge("scrm_http_connections", "Connections open now.")
      .SetCallback({}, [s] { return static_cast<double>(s->watchdog->size()); });
  registry
      .AddGauge("scrm_http_work_slots_busy",
                "Work slots (http.threads) held by requests being worked on now.")
      .SetCallback({}, [s] { return static_cast<double>(s->slots.busy()); });
  ScalarFamily& refused = registry.AddCounter(
      "scrm_http_connections_refused_total",
      "Connections answered 503 and closed at once, by the cap they met.", {"cap"});
  refused.SetCallback({"max_connections"}, [s] { return static_cast<double>(s->refused_max.load()); });
  refused.SetCallback({"per_address"},
                      [s] { return static_cast<double>(s->refused_per_address.load()); });
  ScalarFamily& cut = registry.AddCounter(
      "scrm_http_connections_cut_total",
      "Connections shut down for missing the deadline of their phase.", {"phase"});
  for (Phase p : {Phase::kHandshake, Phase::kHeaders, Phase::kBody, Phase::kWrite, Phase::kIdle}) {
    cut.SetCallback({PhaseName(p)}, [s, p] { return static_cast<double>(s->watchdog->cut(p)); });
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
  // Stop accepting, and close the listener so that new clients are refused
  // rather than left in the backlog.
  s.accepting = false;
  impl_->acceptor.join();
  try {
    impl_->listener.close();
  } catch (const Poco::Exception&) {
    // Already closed: nothing to refuse.
  }
  // Connections waiting for a request (idle keep-alive, or not a byte yet)
  // have nothing in flight: they end now.
  s.watchdog->ShutdownAll(/*only_waiting_for_input=*/true);
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
  // (at most a second) before shutting them down: a reset can destroy a
  // response the client has not read yet.
  OpenConnections& open = *s.open;
  const auto none_open = [&open] { return open.count == 0; };
  if (drained) {
    std::unique_lock<std::mutex> lock(open.mu);
    open.none.wait_for(lock, std::chrono::seconds(1), none_open);
  }
  // Shut every connection down: any request still running past the drain
  // loses its client. The others' threads now only unwind; wait for them
  // (as long as the drain may take, on a busy machine), so that the state
  // is ended by the server's owner. A handler stuck past the drain keeps
  // the shared state alive by itself and its thread is abandoned at exit.
  s.watchdog->ShutdownAll();
  if (drained) {
    std::unique_lock<std::mutex> lock(open.mu);
    open.none.wait_for(lock, std::chrono::seconds(std::max(s.options.drain_seconds, 1)),
                       none_open);
  }
}

int Server::in_flight() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->in_flight;
}

int Server::connections() const {
  std::lock_guard<std::mutex> lock(state_->open->mu);
  return state_->open->count;
}

int Server::busy_slots() const { return state_->slots.busy(); }

Metrics& Server::metrics() { return state_->metrics; }

const Router& Server::router() const { return state_->router; }

}  // namespace scrm::http
