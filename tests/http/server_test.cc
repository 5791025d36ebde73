// The server on port 0, spoken to by a real HTTP client.
#include "http/server.h"

#include <Poco/Net/NetException.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "http_client.h"

namespace scrm::http {
namespace {

using scrm::testing::Call;
using scrm::testing::CallOptions;
using scrm::testing::ClientResponse;
using scrm::testing::Get;
using scrm::testing::WithBody;
using Clock = std::chrono::steady_clock;

ServerOptions TestOptions() {
  ServerOptions o;
  o.port = 0;
  o.threads = 4;
  o.drain_seconds = 5;
  return o;
}

TEST_CASE("server answers healthz, readyz and metrics", "[http][server]") {
  Server server(TestOptions(), Services{});
  REQUIRE(server.Start().ok());
  REQUIRE(server.port() > 0);

  ClientResponse health = Get(server.port(), "/healthz");
  CHECK(health.status == 200);
  CHECK(nlohmann::json::parse(health.body) == nlohmann::json{{"status", "ok"}});
  CHECK(health.Header("Content-Type") == "application/json");
  CHECK(health.Header("X-Content-Type-Options") == "nosniff");
  CHECK(health.Header("Cache-Control") == "no-store");

  ClientResponse ready = Get(server.port(), "/readyz");
  CHECK(ready.status == 503);
  CHECK(nlohmann::json::parse(ready.body) ==
        nlohmann::json{{"status", "unavailable"}, {"reason", "no database configured"}});

  ClientResponse metrics = Get(server.port(), "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.Header("Content-Type").rfind("text/plain; version=0.0.4", 0) == 0);
  INFO(metrics.body);
  CHECK(metrics.body.find(
            "\nscrm_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1\n") !=
        std::string::npos);
  CHECK(metrics.body.find(
            "\nscrm_http_requests_total{route=\"/readyz\",method=\"GET\",status=\"503\"} 1\n") !=
        std::string::npos);
  CHECK(metrics.body.find("scrm_http_request_duration_seconds_count{route=\"/healthz\"} 1\n") !=
        std::string::npos);
  CHECK(metrics.body.find("scrm_build_info{version=\"") != std::string::npos);
  server.Stop();
}

TEST_CASE("server answers unknown routes and methods with JSON errors", "[http][server]") {
  Server server(TestOptions(), Services{});
  REQUIRE(server.Start().ok());

  ClientResponse r = Get(server.port(), "/no/such/thing?x=1");
  CHECK(r.status == 404);
  CHECK(r.Header("Content-Type") == "application/json");
  CHECK(r.Header("X-Content-Type-Options") == "nosniff");
  nlohmann::json body = nlohmann::json::parse(r.body);
  REQUIRE(body.contains("error"));
  CHECK(body["error"]["code"] == "not_found");
  CHECK(body["error"]["message"].is_string());
  CHECK(body["error"]["field"].is_null());

  r = Call(server.port(), "POST", "/healthz", WithBody("{}"));
  CHECK(r.status == 405);
  CHECK(r.Header("Allow") == "GET");

  r = Get(server.port(), "/healthz?bad=%zz");
  CHECK(r.status == 400);
  CHECK(nlohmann::json::parse(r.body)["error"]["field"] == "query");

  std::string text = server.metrics().RenderText();
  CHECK(text.find(
            "scrm_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n") !=
        std::string::npos);
  CHECK(text.find(
            "scrm_http_requests_total{route=\"/healthz\",method=\"POST\",status=\"405\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("/no/such/thing") == std::string::npos);  // raw paths never become labels
}

TEST_CASE("server passes params, query, headers and body to handlers", "[http][server]") {
  Server server(TestOptions(), Services{});
  server.AddRoute({"POST", "/test/echo/{name}", Access::kPublic, [](const Request& req) {
                     return Response::Json({{"name", req.Param("name")},
                                            {"q", req.Query("q").value_or("")},
                                            {"tags", req.QueryAll("tag")},
                                            {"header", req.Header("X-Test")},
                                            {"body", req.body},
                                            {"remote", req.remote_address}});
                   }});
  REQUIRE(server.Start().ok());
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(server.port()));
  for (int i = 0; i < 2; ++i) {  // twice on one keep-alive connection
    CallOptions o = WithBody("hello " + std::to_string(i));
    o.headers["X-Test"] = "yes";
    ClientResponse r = Call(session, "POST", "/test/echo/caf%C3%A9%2F1?q=a+b%26c&tag=x&tag=y", o);
    REQUIRE(r.status == 200);
    nlohmann::json b = nlohmann::json::parse(r.body);
    CHECK(b["name"] == "caf\xC3\xA9/1");
    CHECK(b["q"] == "a b&c");
    CHECK(b["tags"] == nlohmann::json::array({"x", "y"}));
    CHECK(b["header"] == "yes");
    CHECK(b["body"] == "hello " + std::to_string(i));
    CHECK(std::string(b["remote"]).rfind("127.0.0.1:", 0) == 0);
  }
  ClientResponse chunked =
      Call(server.port(), "POST", "/test/echo/c", WithBody(std::string(3000, 'c'), true));
  CHECK(chunked.status == 200);
  CHECK(nlohmann::json::parse(chunked.body)["body"] == std::string(3000, 'c'));
}

TEST_CASE("server answers 413 to an oversize body", "[http][server]") {
  ServerOptions o = TestOptions();
  o.max_body_bytes = 1024;
  Server server(o, Services{});
  server.AddRoute({"POST", "/test/upload", Access::kPublic, [](const Request& req) {
                     return Response::Json({{"bytes", req.body.size()}});
                   }});
  REQUIRE(server.Start().ok());

  ClientResponse ok = Call(server.port(), "POST", "/test/upload", WithBody(std::string(1024, 'x')));
  CHECK(ok.status == 200);
  CHECK(nlohmann::json::parse(ok.body)["bytes"] == 1024);

  for (bool chunked : {false, true}) {
    INFO("chunked: " << chunked);
    ClientResponse r =
        Call(server.port(), "POST", "/test/upload", WithBody(std::string(4096, 'x'), chunked));
    CHECK(r.status == 413);
    nlohmann::json b = nlohmann::json::parse(r.body);
    CHECK(b["error"]["code"] == "payload_too_large");
    CHECK(b["error"]["message"] == "request body larger than 1024 bytes");
    CHECK(LowerAscii(r.Header("Connection")) == "close");
  }
  CHECK(
      server.metrics().RenderText().find(
          "scrm_http_requests_total{route=\"/test/upload\",method=\"POST\",status=\"413\"} 2\n") !=
      std::string::npos);
}

TEST_CASE("server hides handler exceptions behind a 500", "[http][server]") {
  Server server(TestOptions(), Services{});
  server.AddRoute({"GET", "/test/throw", Access::kPublic, [](const Request&) -> Response {
                     throw std::runtime_error("password=hunter2");
                   }});
  REQUIRE(server.Start().ok());
  ClientResponse r = Get(server.port(), "/test/throw");
  CHECK(r.status == 500);
  CHECK(r.body.find("hunter2") == std::string::npos);
  CHECK(nlohmann::json::parse(r.body)["error"]["code"] == "internal");
}

TEST_CASE("Stop drains requests in flight", "[http][server]") {
  Server server(TestOptions(), Services{});
  std::atomic<bool> started{false};
  std::atomic<Clock::time_point> handler_done{};
  server.AddRoute({"GET", "/test/slow", Access::kPublic, [&](const Request&) {
                     started = true;
                     std::this_thread::sleep_for(std::chrono::milliseconds(500));
                     handler_done = Clock::now();
                     return Response::Json({{"slept_ms", 500}});
                   }});
  REQUIRE(server.Start().ok());
  const int port = server.port();

  auto client = std::async(std::launch::async, [port] { return Get(port, "/test/slow"); });
  while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(server.in_flight() == 1);

  const auto stop_called = Clock::now();
  server.Stop();
  const auto stop_returned = Clock::now();

  ClientResponse response = client.get();
  CHECK(response.status == 200);
  CHECK(nlohmann::json::parse(response.body)["slept_ms"] == 500);
  CHECK(LowerAscii(response.Header("Connection")) == "close");
  INFO("Stop() took " << std::chrono::duration<double>(stop_returned - stop_called).count()
                      << " s");
  // Stop() waited for the handler, and not much longer.
  CHECK(handler_done.load() <= stop_returned);
  CHECK(stop_returned - stop_called >= std::chrono::milliseconds(300));
  CHECK(stop_returned - stop_called < std::chrono::seconds(3));
  CHECK(server.in_flight() == 0);
  // No longer accepting.
  CHECK_THROWS_AS(Get(port, "/healthz"), Poco::Net::NetException);
  server.Stop();  // idempotent
}

TEST_CASE("Stop gives up on a request after drain_seconds", "[http][server]") {
  ServerOptions o = TestOptions();
  o.drain_seconds = 1;
  auto server = std::make_unique<Server>(o, Services{});
  std::atomic<bool> started{false}, finished{false};
  server->AddRoute({"GET", "/test/stuck", Access::kPublic, [&](const Request&) {
                      started = true;
                      std::this_thread::sleep_for(std::chrono::milliseconds(2500));
                      finished = true;
                      return Response::Json({});
                    }});
  REQUIRE(server->Start().ok());
  const int port = server->port();
  auto client = std::async(std::launch::async, [port] {
    try {
      return Get(port, "/test/stuck").status;
    } catch (const Poco::Exception&) {
      return -1;  // the connection was shut down under it
    }
  });
  while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto t0 = Clock::now();
  server->Stop();
  const auto waited = Clock::now() - t0;
  CHECK(waited >= std::chrono::milliseconds(900));
  CHECK(waited < std::chrono::milliseconds(2000));
  CHECK_FALSE(finished);
  CHECK(client.get() == -1);
  while (!finished) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  server.reset();
}

TEST_CASE("Start reports a port that is taken and bad options", "[http][server]") {
  Server first(TestOptions(), Services{});
  REQUIRE(first.Start().ok());
  ServerOptions o = TestOptions();
  o.port = first.port();
  Server second(o, Services{});
  Status s = second.Start();
  CHECK(s.code() == Status::Code::kUnavailable);
  CHECK(s.message().find("cannot listen on 127.0.0.1:" + std::to_string(first.port())) == 0);

  ServerOptions bad = TestOptions();
  bad.threads = 0;
  Server third(bad, Services{});
  CHECK(third.Start().field() == "threads");
  CHECK_THROWS_AS(first.AddRoute({"GET", "/late", Access::kPublic,
                                  [](const Request&) { return Response::Json({}); }}),
                  std::logic_error);
}

TEST_CASE("server feeds the sync lag gauge from its callback", "[http][server]") {
  Services services;
  services.sync_lag_seconds = [] { return 90.0; };
  Server server(TestOptions(), services);
  REQUIRE(server.Start().ok());
  server.metrics().CountSyncRun(true);
  std::string text = Get(server.port(), "/metrics").body;
  CHECK(text.find("\nscrm_crm_sync_lag_seconds 90\n") != std::string::npos);
  CHECK(text.find("\nscrm_crm_sync_runs_total{result=\"ok\"} 1\n") != std::string::npos);
}

}  // namespace
}  // namespace scrm::http
