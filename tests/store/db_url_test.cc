#include "store/db_url.h"

#include <catch2/catch.hpp>

using scrm::store::DbUrl;

TEST_CASE("DbUrl parses TCP and socket URLs", "[store]") {
  auto tcp = DbUrl::Parse("mysql://scrm:s%40cret@127.0.0.1:3307/crm");
  REQUIRE(tcp.ok());
  CHECK(tcp->user == "scrm");
  CHECK(tcp->password == "s@cret");
  CHECK(tcp->host == "127.0.0.1");
  CHECK(tcp->port == 3307);
  CHECK(tcp->database == "crm");
  CHECK(tcp->socket.empty());
  CHECK(tcp->Redacted() == "mysql://scrm:***@127.0.0.1:3307/crm");
  CHECK(tcp->Redacted().find("cret") == std::string::npos);

  auto sock = DbUrl::Parse("mysql://scrm:pw@localhost/crm?socket=/tmp/my%20sql.sock");
  REQUIRE(sock.ok());
  CHECK(sock->socket == "/tmp/my sql.sock");
  CHECK(sock->Address() == "socket /tmp/my sql.sock");

  auto default_port = DbUrl::Parse("mysql://u@db.example/crm");
  REQUIRE(default_port.ok());
  CHECK(default_port->port == 3306);
  CHECK(default_port->password.empty());
}

TEST_CASE("DbUrl rejects bad URLs with a reason naming db.url", "[store]") {
  const char* bad[] = {
      "postgres://u:p@h/db", "mysql://u:p@h:notaport/db", "mysql://u:p@h:99999/db",
      "mysql://u:p@h",       "mysql://:p@h/db",           "mysql://u:p@h/db?sslmode=x",
      "mysql://u:p%zz@h/db",
  };
  for (const char* url : bad) {
    INFO(url);
    auto r = DbUrl::Parse(url);
    CHECK_FALSE(r.ok());
    CHECK(r.status().field() == "db.url");
    CHECK(r.status().message().find("mysql://user:password@host:port/database") !=
          std::string::npos);
  }
}
