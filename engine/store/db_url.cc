#include "store/db_url.h"

#include <cctype>

#include "core/text.h"

namespace scrm::store {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool PercentDecode(const std::string& in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

Status Bad(const std::string& why) {
  return Status::InvalidArgument(
      "bad database URL: " + why +
          " (expected mysql://user:password@host:port/database or "
          "mysql://user:password@localhost/database?socket=PATH)",
      "db.url");
}

}  // namespace

Result<DbUrl> DbUrl::Parse(const std::string& url) {
  const std::string scheme = "mysql://";
  if (!StartsWith(url, scheme)) return Bad("it does not start with mysql://");
  std::string rest = url.substr(scheme.size());
  DbUrl u;

  size_t q = rest.find('?');
  if (q != std::string::npos) {
    for (const std::string& kv : Split(rest.substr(q + 1), '&')) {
      size_t eq = kv.find('=');
      std::string key = kv.substr(0, eq);
      std::string value = eq == std::string::npos ? "" : kv.substr(eq + 1);
      if (key == "socket") {
        if (!PercentDecode(value, &u.socket) || u.socket.empty()) return Bad("empty socket path");
      } else {
        return Bad("unknown parameter '" + key + "' (only socket= is understood)");
      }
    }
    rest.resize(q);
  }

  size_t slash = rest.find('/');
  if (slash == std::string::npos || slash + 1 >= rest.size()) return Bad("no database name");
  u.database = rest.substr(slash + 1);
  std::string authority = rest.substr(0, slash);

  size_t at = authority.rfind('@');
  if (at != std::string::npos) {
    std::string userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t colon = userinfo.find(':');
    if (!PercentDecode(userinfo.substr(0, colon), &u.user)) return Bad("bad %-escape in user");
    if (colon != std::string::npos &&
        !PercentDecode(userinfo.substr(colon + 1), &u.password)) {
      return Bad("bad %-escape in password");
    }
  }
  if (u.user.empty()) return Bad("no user name");

  if (!authority.empty()) {
    size_t colon = authority.rfind(':');
    if (colon != std::string::npos && authority.find(']') == std::string::npos) {
      std::string port = authority.substr(colon + 1);
      authority.resize(colon);
      if (port.empty() || port.size() > 5 ||
          port.find_first_not_of("0123456789") != std::string::npos) {
        return Bad("port '" + port + "' is not a number");
      }
      u.port = std::stoi(port);
      if (u.port < 1 || u.port > 65535) return Bad("port " + port + " is out of range");
    }
    u.host = authority;
  }
  if (u.host.empty() && u.socket.empty()) return Bad("no host");
  return u;
}

std::string DbUrl::Redacted() const {
  std::string s = "mysql://" + user + (password.empty() ? "" : ":***") + "@";
  if (!socket.empty()) return s + "localhost/" + database + "?socket=" + socket;
  return s + host + ":" + std::to_string(port) + "/" + database;
}

std::string DbUrl::Address() const {
  if (!socket.empty()) return "socket " + socket;
  return host + ":" + std::to_string(port);
}

}  // namespace scrm::store
