#include "http/health.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace scrm::http {
namespace {

// A loopback port that nothing listens on (bound once, then released).
int ClosedPort() {
  Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
  int port = s.address().port();
  s.close();
  return port;
}

TEST_CASE("healthz answers without touching anything", "[http][health]") {
  Response r = Healthz();
  CHECK(r.status == 200);
  CHECK(nlohmann::json::parse(r.body) == nlohmann::json{{"status", "ok"}});
}

TEST_CASE("readyz without a database is unavailable", "[http][health]") {
  Response r = Readyz(nullptr);
  CHECK(r.status == 503);
  CHECK(nlohmann::json::parse(r.body) ==
        nlohmann::json{{"status", "unavailable"}, {"reason", "no database configured"}});
}

TEST_CASE("readyz names the database it cannot reach", "[http][health]") {
  store::PoolOptions o;
  o.url.host = "127.0.0.1";
  o.url.port = ClosedPort();
  o.url.user = "scrm";
  o.url.password = "secret-password";
  o.url.database = "scrm";
  o.connect_timeout_seconds = 2;
  store::Pool pool(o);
  Response r = Readyz(&pool);
  CHECK(r.status == 503);
  nlohmann::json body = nlohmann::json::parse(r.body);
  CHECK(body["status"] == "unavailable");
  std::string reason = body["reason"];
  INFO(reason);
  CHECK(reason.rfind("database unreachable at 127.0.0.1:" + std::to_string(o.url.port) + ": ", 0) ==
        0);
  CHECK(reason.find("secret-password") == std::string::npos);

  Metrics m("test");
  m.WatchPool(&pool);
  std::string text = MetricsText(m).body;
  CHECK(text.find("scrm_db_pool_connect_failures_total 1\n") != std::string::npos);
  CHECK(text.find("scrm_db_pool_connections{state=\"max\"} 8\n") != std::string::npos);
  CHECK(text.find("scrm_db_pool_connections{state=\"open\"} 0\n") != std::string::npos);
  CHECK(MetricsText(m).content_type.rfind("text/plain; version=0.0.4", 0) == 0);
}

}  // namespace
}  // namespace scrm::http
