// Issue 14: the server stays available against idle, slow and greedy
// clients. Each case is a real server on port 0 and real sockets; the
// deadlines are set to a second so that the cases are short, and every
// wait is for a condition, bounded.
#include <Poco/Net/NetException.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "http/server.h"
#include "http/session.h"
#include "http_client.h"
#include "raw_client.h"

namespace scrm::http {
namespace {

using scrm::testing::Call;
using scrm::testing::CallOptions;
using scrm::testing::ClientResponse;
using scrm::testing::Get;
using scrm::testing::RawConnection;
using scrm::testing::StatusOf;
using scrm::testing::WithBody;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

ServerOptions Options() {
  ServerOptions o;
  o.port = 0;
  o.threads = 4;
  o.drain_seconds = 5;
  return o;
}

// Polls `done` every 10 ms for at most `limit`.
bool Eventually(const std::function<bool()>& done, seconds limit = seconds(10)) {
  const auto end = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() > end) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

// The value of one series in the server's /metrics text, -1 when absent.
double Metric(Server& server, const std::string& series) {
  const std::string text = server.metrics().RenderText();
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

// A handler that holds its request until released.
struct Gate {
  std::promise<void> open;
  std::shared_future<void> opened = open.get_future().share();
  std::atomic<int> entered{0};
  Handler handler() {
    return [this](const Request&) {
      ++entered;
      opened.wait();
      return Response::Json({{"ok", true}});
    };
  }
};

TEST_CASE("idle connections hold no worker: /healthz and the API answer, and the idle are cut",
          "[http][availability]") {
  ServerOptions o = Options();
  o.header_timeout_seconds = 1;
  Server server(o, Services{});
  server.AddRoute({"GET", "/test/hello", Access::kPublic,
                   [](const Request&) { return Response::Json({{"hello", true}}); }});
  REQUIRE(server.Start().ok());
  // Five times the work slots: before, each held one of the request threads.
  std::vector<RawConnection> idle;
  for (int i = 0; i < 20; ++i) {
    idle.emplace_back(server.port());
    REQUIRE(idle.back().ok());
  }
  REQUIRE(Eventually([&] { return server.connections() == 20; }));
  CHECK(Get(server.port(), "/healthz").status == 200);
  CHECK(Get(server.port(), "/test/hello").status == 200);
  // Not a byte in a second: each is shut down at its head's deadline.
  for (RawConnection& c : idle) {
    bool closed = false;
    c.Read(seconds(5), &closed);
    CHECK(closed);
  }
  CHECK(Metric(server, "scrm_http_connections_cut_total{phase=\"headers\"}") == 20);
  CHECK(Eventually([&] { return server.connections() == 0; }));
}

TEST_CASE("a client dripping its headers is cut at the head's deadline, not kept by each byte",
          "[http][availability]") {
  ServerOptions o = Options();
  o.header_timeout_seconds = 1;
  o.read_timeout_seconds = 30;  // each byte comes well within it
  Server server(o, Services{});
  REQUIRE(server.Start().ok());
  RawConnection c(server.port());
  REQUIRE(c.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  const auto start = Clock::now();
  bool cut = false;
  // A header byte every 100 ms, for at most 10 s.
  for (int i = 0; i < 100 && !cut; ++i) {
    bool closed = false;
    cut = !c.Send("X") || !c.Read(milliseconds(100), &closed).empty() || closed;
  }
  const double took = std::chrono::duration<double>(Clock::now() - start).count();
  INFO("cut after " << took << " s");
  CHECK(cut);
  CHECK(took < 5);  // the deadline is 1 s; without it, 10 s of dripping go on
  CHECK(Metric(server, "scrm_http_connections_cut_total{phase=\"headers\"}") == 1);
}

TEST_CASE("a client dripping its body is cut at the body's deadline", "[http][availability]") {
  ServerOptions o = Options();
  o.body_timeout_seconds = 1;
  o.read_timeout_seconds = 30;
  Server server(o, Services{});
  server.AddRoute({"POST", "/test/upload", Access::kPublic, [](const Request& r) {
                     return Response::Json({{"bytes", r.body.size()}});
                   }});
  REQUIRE(server.Start().ok());
  RawConnection c(server.port());
  REQUIRE(c.Send("POST /test/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"));
  bool cut = false;
  for (int i = 0; i < 100 && !cut; ++i) {
    bool closed = false;
    cut = !c.Send("b") || !c.Read(milliseconds(100), &closed).empty() || closed;
  }
  CHECK(cut);
  CHECK(Metric(server, "scrm_http_connections_cut_total{phase=\"body\"}") == 1);
}

TEST_CASE("a kept-alive connection is closed after the idle timeout", "[http][availability]") {
  ServerOptions o = Options();
  o.idle_timeout_seconds = 1;
  Server server(o, Services{});
  REQUIRE(server.Start().ok());
  RawConnection c(server.port());
  REQUIRE(c.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  CHECK(StatusOf(c.ReadAnswer(seconds(5))) == 200);
  bool closed = false;
  c.Read(seconds(5), &closed);  // Poco's own default kept it 15 s
  CHECK(closed);
}

TEST_CASE("every work slot busy: a fast 503 with Retry-After, and the probes still answer",
          "[http][availability]") {
  ServerOptions o = Options();
  o.threads = 1;
  o.slot_wait_ms = 50;
  Server server(o, Services{});
  Gate gate;
  server.AddRoute({"GET", "/test/block", Access::kPublic, gate.handler()});
  REQUIRE(server.Start().ok());
  const int port = server.port();
  auto first = std::async(std::launch::async, [port] { return Get(port, "/test/block"); });
  REQUIRE(Eventually([&] { return gate.entered == 1; }));
  CHECK(server.busy_slots() == 1);

  ClientResponse busy = Get(port, "/test/block");
  CHECK(busy.status == 503);
  CHECK(busy.Header("Retry-After") == "1");
  CHECK(nlohmann::json::parse(busy.body)["error"]["code"] == "busy");
  CHECK(Get(port, "/healthz").status == 200);
  ClientResponse ready = Get(port, "/readyz");  // answers (503: no database here), never waits
  CHECK(nlohmann::json::parse(ready.body)["reason"] == "no database configured");
  CHECK(Metric(server, "scrm_http_work_slots_busy") == 1);

  gate.open.set_value();
  CHECK(first.get().status == 200);
  CHECK(Get(port, "/test/block").status == 200);
}

TEST_CASE("connections beyond the per-address cap and the total cap are refused at once",
          "[http][availability]") {
  ServerOptions o = Options();
  o.max_connections_per_address = 3;
  o.max_connections = 6;
  Server server(o, Services{});
  REQUIRE(server.Start().ok());
  std::vector<RawConnection> held;
  for (int i = 0; i < 3; ++i) {
    held.emplace_back(server.port(), "127.0.0.5");
    REQUIRE(held.back().ok());
  }
  REQUIRE(Eventually([&] { return server.connections() == 3; }));
  RawConnection fourth(server.port(), "127.0.0.5");
  const std::string refused = fourth.ReadAnswer(seconds(5));
  CHECK(StatusOf(refused) == 503);
  CHECK(refused.find("http.max_connections_per_address") != std::string::npos);
  CHECK(Metric(server, "scrm_http_connections_refused_total{cap=\"per_address\"}") == 1);

  // Another address is served.
  RawConnection other(server.port(), "127.0.0.6");
  REQUIRE(other.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  CHECK(StatusOf(other.ReadAnswer(seconds(5))) == 200);

  // The total: 6 held, the 7th refused whatever its address.
  for (int i = 0; i < 2; ++i) held.emplace_back(server.port(), "127.0.0.7");
  REQUIRE(Eventually([&] { return server.connections() == 6; }));
  RawConnection beyond(server.port(), "127.0.0.8");
  CHECK(StatusOf(beyond.ReadAnswer(seconds(5))) == 503);
  CHECK(Metric(server, "scrm_http_connections_refused_total{cap=\"max_connections\"}") == 1);

  // A connection that ends gives its place back.
  held.clear();
  REQUIRE(Eventually([&] { return server.connections() <= 1; }));
  RawConnection again(server.port(), "127.0.0.5");
  REQUIRE(again.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  CHECK(StatusOf(again.ReadAnswer(seconds(5))) == 200);
}

TEST_CASE("one caller's concurrent requests are capped with 429, and other callers go on",
          "[http][availability]") {
  ServerOptions o = Options();
  o.threads = 8;
  o.max_concurrent_per_caller = 2;
  Server server(o, Services{});
  Gate gate;
  server.AddRoute({"GET", "/test/block", Access::kPublic, gate.handler()});
  server.AddRoute({"GET", "/test/quick", Access::kPublic,
                   [](const Request&) { return Response::Json({{"ok", true}}); }});
  REQUIRE(server.Start().ok());
  const int port = server.port();
  CallOptions a, b;
  a.headers["Authorization"] = "Bearer caller-a";
  b.headers["Authorization"] = "Bearer caller-b";
  std::vector<std::future<ClientResponse>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::async(std::launch::async, [port, a] { return Call(port, "GET", "/test/block", a); }));
  }
  REQUIRE(Eventually([&] { return gate.entered == 2; }));

  ClientResponse third = Call(port, "GET", "/test/quick", a);
  CHECK(third.status == 429);
  CHECK(third.Header("Retry-After") == "1");
  CHECK(nlohmann::json::parse(third.body)["error"]["code"] == "too_many_concurrent");
  CHECK(Call(port, "GET", "/test/quick", b).status == 200);  // another credential
  CHECK(Get(port, "/test/quick").status == 200);              // no credential: by address
  CHECK(Call(port, "GET", "/healthz", a).status == 200);      // probes are not counted

  gate.open.set_value();
  for (auto& f : held) CHECK(f.get().status == 200);
  CHECK(Call(port, "GET", "/test/quick", a).status == 200);
}

// The authorizer of these cases: "Bearer good" is a user, anything else is not.
Services GoodTokenOnly() {
  Services s;
  s.authorizer = [](Access, Request& r) {
    return r.Header("authorization") == "Bearer good"
               ? Status::Ok()
               : Status::Unauthenticated("not a good token");
  };
  return s;
}

Handler EchoSize() {
  return [](const Request& r) { return Response::Json({{"bytes", r.body.size()}}); };
}

TEST_CASE("an answer's head and body come whole, a HEAD's without its body, on a kept connection",
          "[http][availability]") {
  Server server(Options(), Services{});
  const std::string page(30000, 'p');
  server.AddRoute({"GET", "/test/page", Access::kPublic,
                   [&page](const Request&) { return Response::Text(page); }});
  REQUIRE(server.Start().ok());
  RawConnection c(server.port());
  const std::string get = "GET /test/page HTTP/1.1\r\nHost: x\r\n\r\n";
  REQUIRE(c.Send(get));
  std::string answer = c.ReadAnswer(seconds(5));
  CHECK(StatusOf(answer) == 200);
  CHECK(answer.find("Content-Length: 30000\r\n") != std::string::npos);
  CHECK(answer.substr(answer.find("\r\n\r\n") + 4) == page);
  // A HEAD answers the head alone; the next request on the connection reads
  // its own answer, no stray body before it.
  REQUIRE(c.Send("HEAD /test/page HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string head = c.Read(milliseconds(300));
  CHECK(StatusOf(head) != 0);
  CHECK(head.size() == head.find("\r\n\r\n") + 4);
  REQUIRE(c.Send(get));
  answer = c.ReadAnswer(seconds(5));
  CHECK(StatusOf(answer) == 200);
  CHECK(answer.substr(answer.find("\r\n\r\n") + 4) == page);
}

TEST_CASE("bodies: a small limit before authentication, each route's own after it, 413 early",
          "[http][availability]") {
  ServerOptions o = Options();
  o.max_body_bytes_unauthenticated = 1024;
  Server server(o, GoodTokenOnly());
  server.AddRoute({"POST", "/test/private", Access::kUser, EchoSize()});
  server.AddRoute({"POST", "/test/open", Access::kPublic, EchoSize()});
  server.AddRoute(Upload({"POST", "/test/upload", Access::kPublic, EchoSize()}));
  REQUIRE(server.Start().ok());
  const int port = server.port();
  const auto head = [](const std::string& path, const std::string& token, size_t length) {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
           "\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
  };

  SECTION("a large body from an unknown caller is refused on its headers, unread") {
    RawConnection c(port);
    REQUIRE(c.Send(head("/test/private", "forged", 100000)));  // and not a byte of the body
    const std::string answer = c.ReadAnswer(seconds(5));
    CHECK(StatusOf(answer) == 401);
    CHECK(LowerAscii(answer).find("connection: close") != std::string::npos);
  }
  SECTION("the same body from a known caller is read") {
    CallOptions call = WithBody(std::string(100000, 'x'));
    call.headers["Authorization"] = "Bearer good";
    ClientResponse r = Call(port, "POST", "/test/private", call);
    CHECK(r.status == 200);
    CHECK(nlohmann::json::parse(r.body)["bytes"] == 100000);
  }
  SECTION("a body declared above the route's limit is refused before it is read") {
    RawConnection c(port);
    REQUIRE(c.Send(head("/test/private", "good", 3 << 20)));  // routes take 1 MiB
    const std::string answer = c.ReadAnswer(seconds(5));
    CHECK(StatusOf(answer) == 413);
    CHECK(answer.find("request body larger than 1048576 bytes") != std::string::npos);
  }
  SECTION("a public route reads no more than the unauthenticated limit") {
    CHECK(Call(port, "POST", "/test/open", WithBody(std::string(1024, 'x'))).status == 200);
    ClientResponse r = Call(port, "POST", "/test/open", WithBody(std::string(4096, 'x')));
    CHECK(r.status == 413);
    CHECK(nlohmann::json::parse(r.body)["error"]["message"] ==
          "request body larger than 1024 bytes");
  }
  SECTION("an upload route (signed over its body) takes up to http.max_body_bytes") {
    ClientResponse r = Call(port, "POST", "/test/upload", WithBody(std::string(2 << 20, 'x')));
    CHECK(r.status == 200);
    CHECK(nlohmann::json::parse(r.body)["bytes"] == (2 << 20));
  }
  SECTION("a chunked body to a private route also waits for the caller to be known") {
    CallOptions call = WithBody(std::string(5000, 'x'), /*chunked=*/true);
    call.headers["Authorization"] = "Bearer forged";
    CHECK(Call(port, "POST", "/test/private", call).status == 401);
    call.headers["Authorization"] = "Bearer good";
    CHECK(Call(port, "POST", "/test/private", call).status == 200);
  }
}

TEST_CASE("forwarded headers count only from http.trusted_proxies", "[http][availability]") {
  const auto serve = [](std::vector<std::string> trusted) {
    ServerOptions o = Options();
    o.trusted_proxies = std::move(trusted);
    o.per_address = {1, 1};  // one request per client address
    o.per_credential = {};
    auto server = std::make_unique<Server>(o, Services{});
    server->AddRoute({"GET", "/test/who", Access::kPublic, [](const Request& r) {
                        return Response::Json({{"client", r.client_address}, {"tls", OverTls(r)}});
                      }});
    REQUIRE(server->Start().ok());
    return server;
  };
  CallOptions from_a, from_b;
  from_a.headers = {{"X-Forwarded-For", "203.0.113.9"}, {"X-Forwarded-Proto", "https"}};
  from_b.headers = {{"X-Forwarded-For", "198.51.100.1, 203.0.113.10"}};

  SECTION("from any client they are ignored: no other address, no TLS, no way past the limit") {
    auto server = serve({});
    ClientResponse r = Call(server->port(), "GET", "/test/who", from_a);
    REQUIRE(r.status == 200);
    CHECK(nlohmann::json::parse(r.body) == nlohmann::json{{"client", "127.0.0.1"}, {"tls", false}});
    CHECK(Call(server->port(), "GET", "/test/who", from_b).status == 429);
  }
  SECTION("from a trusted proxy they name the client, which the limits count") {
    auto server = serve({"127.0.0.0/8"});
    ClientResponse r = Call(server->port(), "GET", "/test/who", from_a);
    REQUIRE(r.status == 200);
    CHECK(nlohmann::json::parse(r.body) == nlohmann::json{{"client", "203.0.113.9"}, {"tls", true}});
    r = Call(server->port(), "GET", "/test/who", from_b);
    REQUIRE(r.status == 200);  // another client behind the same proxy
    CHECK(nlohmann::json::parse(r.body)["client"] == "203.0.113.10");
    CHECK(Call(server->port(), "GET", "/test/who", from_b).status == 429);
  }
  SECTION("a bad entry stops the start, naming it") {
    ServerOptions o = Options();
    o.trusted_proxies = {"10.0.0.0/99"};
    Server server(o, Services{});
    Status s = server.Start();
    CHECK(s.field() == "http.trusted_proxies");
  }
}

}  // namespace
}  // namespace scrm::http
