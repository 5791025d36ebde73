// Security of the whole route table, walked row by row through the real
// server: no credentials is 401, a token without the needed role is 403,
// nothing answers before the access check. Rate limits answer 429 with
// Retry-After, and every answer carries the security headers.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "http/auth.h"
#include "http/rate_limit.h"
#include "http/server.h"
#include "http_client.h"

namespace scrm::http {
namespace {

using scrm::testing::Call;
using scrm::testing::CallOptions;
using scrm::testing::ClientResponse;

constexpr const char* kSecret = "route-walk-secret";

ServerOptions Unlimited() {
  ServerOptions o;
  o.port = 0;
  o.threads = 4;
  o.drain_seconds = 5;
  o.per_address = {};
  o.per_credential = {};
  return o;
}

// A concrete path for a template: every {param} becomes "1".
std::string Concrete(const std::string& path_template) {
  return std::regex_replace(path_template, std::regex(R"(\{[^}]+\})"), "1");
}

std::string Bearer(std::vector<std::string> roles) {
  TokenClaims c;
  c.user_id = "7";
  c.roles = std::move(roles);
  c.expires_at = 4000000000;
  return "Bearer " + MintToken(c, kSecret);
}

ClientResponse CallRoute(int port, const Route& route, const std::string& authorization) {
  CallOptions o;
  if (!authorization.empty()) o.headers["Authorization"] = authorization;
  if (route.method != "GET" && route.method != "DELETE") {
    o.body = "{}";
    o.send_body = true;
    o.headers["Content-Type"] = "application/json";
  }
  return Call(port, route.method, Concrete(route.path), o);
}

}  // namespace

TEST_CASE("every route but the public ones needs a token, and the right role", "[http][security]") {
  Services services;  // no database, no index: nothing may run past the access check
  services.authorizer = TokenAuthorizer(kSecret);
  Server server(Unlimited(), services);
  REQUIRE(server.Start().ok());
  const int port = server.port();

  int checked = 0;
  for (const Route* route : server.router().routes()) {
    INFO(route->method << " " << route->path << " (" << AccessName(route->access) << ")");
    if (route->access == Access::kPublic) {
      // Only probes, metrics and routes that check their own signature.
      const bool allowed = route->path == "/healthz" || route->path == "/readyz" ||
                           route->path == "/api/v1/openapi.json" || route->path == "/metrics" ||
                           route->path.rfind("/api/v1/ingest/", 0) == 0 ||
                           route->path == "/api/v1/crm/events" ||
                           route->path.rfind("/ui/static/", 0) == 0 ||
                           route->path == "/ap/actor";  // a public key, public by design
      CHECK(allowed);
      continue;
    }
    // Whatever administers the engine, page or API, is for admins only.
    if (route->path.rfind("/ui/admin", 0) == 0 || route->path.rfind("/api/v1/admin/", 0) == 0 ||
        route->path.rfind("/ui/api/v1/admin/", 0) == 0) {
      CHECK(route->access == Access::kAdmin);
    }
    // Whatever changes a link is for the roles that may decide (issue 14).
    if (route->path.find("/links") != std::string::npos && route->method != "GET") {
      CHECK(route->access == Access::kDecide);
    }
    ++checked;
    ClientResponse none = CallRoute(port, *route, "");
    CHECK(none.status == 401);
    CHECK(nlohmann::json::parse(none.body)["error"]["code"] == "unauthenticated");

    CHECK(CallRoute(port, *route, "Bearer not-a-token").status == 401);
    TokenClaims expired;
    expired.user_id = "7";
    expired.roles = {"admin"};
    expired.expires_at = 1000;
    CHECK(CallRoute(port, *route, "Bearer " + MintToken(expired, kSecret)).status == 401);
    TokenClaims forged = expired;
    forged.expires_at = 4000000000;
    CHECK(CallRoute(port, *route, "Bearer " + MintToken(forged, "another-secret")).status == 401);

    // A valid token with no scrm role at all may call nothing.
    ClientResponse roleless = CallRoute(port, *route, Bearer({"guest"}));
    CHECK(roleless.status == 403);
    CHECK(nlohmann::json::parse(roleless.body)["error"]["code"] == "forbidden");
    if (route->access == Access::kAdmin || route->access == Access::kApiKey) {
      for (const char* role : {"sales", "marketing", "support", "community:partners"}) {
        INFO("role " << role);
        CHECK(CallRoute(port, *route, Bearer({role})).status == 403);
      }
    } else {
      if (route->access == Access::kDecide) {
        for (const char* role : {"viewer", "marketing", "community:partners"}) {
          INFO("role " << role);
          ClientResponse refused = CallRoute(port, *route, Bearer({role}));
          CHECK(refused.status == 403);
          CHECK(refused.body.find("sales, support or admin") != std::string::npos);
        }
      }
      // The right role gets past the access check: whatever answers now is
      // the handler (here without database or index), never 401 or 403.
      const int status = CallRoute(port, *route, Bearer({"sales"})).status;
      CHECK(status != 401);
      CHECK(status != 403);
    }
  }
  CHECK(checked >= 10);  // the table was walked, not skipped
}

TEST_CASE("every answer carries the security headers", "[http][security]") {
  Server server(Unlimited(), Services{});
  REQUIRE(server.Start().ok());
  for (const std::string target : {"/healthz", "/api/v1/search", "/nowhere"}) {
    INFO(target);
    ClientResponse r = Call(server.port(), "GET", target);
    CHECK(r.Header("X-Content-Type-Options") == "nosniff");
    CHECK(r.Header("Cache-Control") == "no-store");
    CHECK(r.Header("Content-Security-Policy") == "default-src 'none'; frame-ancestors 'none'");
    CHECK(r.Header("Referrer-Policy") == "no-referrer");
  }
}

TEST_CASE("a client beyond its rate gets 429 with Retry-After, probes do not count", "[http][security]") {
  ServerOptions o = Unlimited();
  o.per_address = {1, 5};  // 5 at once, then one a second
  Server server(o, Services{});
  server.AddRoute({"GET", "/t", Access::kPublic, [](const Request&) { return Response::Json({{"ok", true}}); }});
  REQUIRE(server.Start().ok());
  for (int i = 0; i < 5; ++i) CHECK(Call(server.port(), "GET", "/t").status == 200);
  ClientResponse limited = Call(server.port(), "GET", "/t");
  CHECK(limited.status == 429);
  CHECK(nlohmann::json::parse(limited.body)["error"]["code"] == "rate_limited");
  CHECK(std::stoi(limited.Header("Retry-After")) >= 1);
  CHECK(Call(server.port(), "GET", "/healthz").status == 200);  // probes are never limited
  CHECK(server.metrics().RenderText().find("status=\"429\"") != std::string::npos);
}

TEST_CASE("one credential is limited across addresses", "[http][security]") {
  ServerOptions o = Unlimited();
  o.per_credential = {1, 3};
  Server server(o, Services{});
  server.AddRoute({"GET", "/t", Access::kPublic, [](const Request&) { return Response::Json({{"ok", true}}); }});
  REQUIRE(server.Start().ok());
  CallOptions a;
  a.headers["Authorization"] = "Bearer key-a";
  CallOptions b;
  b.headers["Authorization"] = "Bearer key-b";
  for (int i = 0; i < 3; ++i) CHECK(Call(server.port(), "GET", "/t", a).status == 200);
  CHECK(Call(server.port(), "GET", "/t", a).status == 429);
  CHECK(Call(server.port(), "GET", "/t", b).status == 200);  // another key has its own bucket
  CHECK(Call(server.port(), "GET", "/t").status == 200);     // no credential: address limit only
}

TEST_CASE("a rate limiter refills at its rate and forgets idle keys", "[http][security]") {
  RateLimiter limiter({2, 4});
  const auto t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 4; ++i) CHECK(limiter.Take("k", t0) == 0);
  const double wait = limiter.Take("k", t0);
  CHECK(wait == Approx(0.5));
  CHECK(limiter.Take("k", t0 + std::chrono::milliseconds(600)) == 0);
  CHECK(limiter.Take("other", t0) == 0);
  // Past 1024 keys a shard sweeps buckets that are full again.
  for (int i = 0; i < 40000; ++i) limiter.Take("key" + std::to_string(i), t0);
  CHECK(limiter.size() > 20000);
  // A minute later every one of them is full again: the next take in each
  // shard forgets them (1,000 takes reach all 16 shards).
  for (int i = 0; i < 1000; ++i) limiter.Take("late" + std::to_string(i), t0 + std::chrono::seconds(60));
  CHECK(limiter.size() <= 1000 + 16 * 1024);
  CHECK(limiter.size() < 20000);
  RateLimiter off({});
  for (int i = 0; i < 1000; ++i) CHECK(off.Take("k") == 0);
}

}  // namespace scrm::http
