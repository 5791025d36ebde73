// DbUrl: where the engine's database is, parsed from
// mysql://user:password@host:port/database or
// mysql://user:password@localhost/database?socket=/path/to/mysqld.sock.
// User and password may be percent-encoded. The password is never printed:
// Redacted() is what logs and error messages show.
#ifndef SCRM_STORE_DB_URL_H_
#define SCRM_STORE_DB_URL_H_

#include <string>

#include "core/status.h"

namespace scrm::store {

struct DbUrl {
  std::string user;
  std::string password;
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string database;
  std::string socket;  // when set, host and port are ignored

  static Result<DbUrl> Parse(const std::string& url);
  // "mysql://user:***@host:port/db" or "mysql://user:***@localhost/db?socket=PATH".
  std::string Redacted() const;
  // "127.0.0.1:3306" or "socket /path": where a connection goes, for errors.
  std::string Address() const;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_DB_URL_H_
