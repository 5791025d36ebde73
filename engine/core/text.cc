#include "core/text.h"

#include <algorithm>

namespace scrm {

namespace {
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsSpace(s[b])) ++b;
  while (e > b && IsSpace(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    out.emplace_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

std::string TruncateUtf8(std::string_view s, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    // A byte that is not a continuation byte (10xxxxxx) starts a code point.
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == max_chars) return std::string(s.substr(0, i));
      ++chars;
    }
  }
  return std::string(s);
}

std::string NormalizeEmail(std::string_view raw) {
  std::string e = ToLowerAscii(Trim(raw));
  size_t at = e.find('@');
  if (at == std::string::npos || at == 0 || e.find('@', at + 1) != std::string::npos) return "";
  std::string_view domain = std::string_view(e).substr(at + 1);
  size_t dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return "";
  if (std::any_of(e.begin(), e.end(), IsSpace)) return "";
  return e;
}

std::string WebsiteDomain(std::string_view website) {
  std::string w = ToLowerAscii(Trim(website));
  size_t scheme = w.find("://");
  std::string_view host = w;
  if (scheme != std::string::npos) host.remove_prefix(scheme + 3);
  size_t end = host.find_first_of("/?#");
  if (end != std::string_view::npos) host = host.substr(0, end);
  size_t at = host.rfind('@');  // user:password@host
  if (at != std::string_view::npos) host.remove_prefix(at + 1);
  size_t colon = host.find(':');
  if (colon != std::string_view::npos) host = host.substr(0, colon);
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (StartsWith(host, "www.")) host.remove_prefix(4);
  if (host.find('.') == std::string_view::npos) return "";
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
              static_cast<unsigned char>(c) >= 0x80;
    if (!ok) return "";
  }
  return std::string(host);
}

std::string FillArgs(std::string_view text, const std::map<std::string, std::string>& args) {
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    const size_t open = text.find('{', at);
    const size_t close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) break;
    out += text.substr(at, open - at);
    auto arg = args.find(std::string(text.substr(open + 1, close - open - 1)));
    if (arg != args.end()) {
      out += arg->second;
    } else {
      out += text.substr(open, close - open + 1);
    }
    at = close + 1;
  }
  out += text.substr(at);
  return out;
}

std::string HttpUrlOrEmpty(const std::string& url) {
  const std::string lower = ToLowerAscii(url.substr(0, 8));
  if (StartsWith(lower, "http://") || StartsWith(lower, "https://")) return url;
  return "";
}

bool PercentDecode(const std::string& in, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

bool ParseQuery(const std::string& raw, std::multimap<std::string, std::string>* out) {
  out->clear();
  size_t start = 0;
  while (start <= raw.size()) {
    size_t amp = raw.find('&', start);
    if (amp == std::string::npos) amp = raw.size();
    std::string pair = raw.substr(start, amp - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key, value;
      if (!PercentDecode(pair.substr(0, eq), true, &key)) return false;
      if (eq != std::string::npos && !PercentDecode(pair.substr(eq + 1), true, &value)) {
        return false;
      }
      out->emplace(std::move(key), std::move(value));
    }
    start = amp + 1;
  }
  return true;
}

}  // namespace scrm
