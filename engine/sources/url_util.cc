#include "sources/url_util.h"

#include <cctype>

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include "core/text.h"

namespace scrm::sources {

bool IsAbsoluteUrl(std::string_view url) {
  if (url.empty() || !std::isalpha(static_cast<unsigned char>(url[0]))) return false;
  for (size_t i = 1; i < url.size(); ++i) {
    char c = url[i];
    if (c == ':') return i + 1 < url.size();
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return false;
}

std::string UrlHost(std::string_view url) {
  size_t p = url.find("://");
  if (p == std::string_view::npos || !IsAbsoluteUrl(url)) return "";
  std::string_view rest = url.substr(p + 3);
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority = authority.substr(at + 1);
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    authority = authority.substr(0, close == std::string_view::npos ? authority.size() : close + 1);
  } else {
    authority = authority.substr(0, authority.find(':'));
  }
  std::string host(authority);
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

std::string UrlHostPort(std::string_view url) {
  std::string host = UrlHost(url);
  if (host.empty()) return host;
  std::string_view rest = url.substr(url.find("://") + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos || authority.find(']', colon) != std::string_view::npos) return host;
  std::string_view port = authority.substr(colon + 1);
  std::string scheme = ToLowerAscii(std::string(url.substr(0, url.find("://"))));
  if (port.empty() || (scheme == "https" && port == "443") || (scheme == "http" && port == "80")) return host;
  return host + ":" + std::string(port);
}

std::string PercentEncode(std::string_view s, std::string_view keep) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
        keep.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string ResolveUrl(std::string_view base, std::string_view ref) {
  std::string r(ref);
  if (IsAbsoluteUrl(ref) || base.empty() || !IsAbsoluteUrl(base)) return r;
  try {
    Poco::URI uri{std::string(base)};
    uri.resolve(r);
    return uri.toString();
  } catch (const Poco::Exception&) {
    return r;
  }
}

}  // namespace scrm::sources
