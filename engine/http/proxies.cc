#include "http/proxies.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "core/text.h"

namespace scrm::http {

namespace {

// ip as 16 bytes (IPv4 mapped into ::ffff:0:0/96); false when not an address.
bool ToBytes(const std::string& ip, std::array<uint8_t, 16>* out) {
  in_addr v4{};
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) {
    out->fill(0);
    (*out)[10] = (*out)[11] = 0xff;
    std::memcpy(out->data() + 12, &v4, 4);
    return true;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, ip.c_str(), &v6) == 1) {
    std::memcpy(out->data(), &v6, 16);
    return true;
  }
  return false;
}

// The addresses of a comma-separated list, in order: X-Forwarded-For's
// "a, b", or the for= values of Forwarded's "for=a;proto=https, for=\"[b]:1\"".
std::vector<std::string> Hops(const std::string& header, bool forwarded) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= header.size()) {
    size_t comma = header.find(',', start);
    if (comma == std::string::npos) comma = header.size();
    std::string item = Trim(header.substr(start, comma - start));
    start = comma + 1;
    if (forwarded) {
      std::string value;
      size_t at = 0;
      while (at <= item.size()) {
        size_t semi = item.find(';', at);
        if (semi == std::string::npos) semi = item.size();
        std::string pair = Trim(item.substr(at, semi - at));
        at = semi + 1;
        if (pair.size() > 4 && ToLowerAscii(pair.substr(0, 4)) == "for=") value = pair.substr(4);
      }
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      item = value;
    }
    if (!item.empty()) out.push_back(HostOf(item));
  }
  return out;
}

}  // namespace

std::string HostOf(const std::string& address) {
  if (!address.empty() && address[0] == '[') {
    const size_t end = address.find(']');
    return end == std::string::npos ? address : address.substr(1, end - 1);
  }
  const size_t colon = address.find(':');
  if (colon == std::string::npos || address.find(':', colon + 1) != std::string::npos) {
    return address;  // no port, or a bare IPv6 address
  }
  return address.substr(0, colon);
}

Result<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& entries) {
  TrustedProxies out;
  for (const std::string& raw : entries) {
    const std::string entry = Trim(raw);
    if (entry.empty()) continue;
    const size_t slash = entry.find('/');
    const std::string ip = entry.substr(0, slash);
    Block b{};
    const auto bad = [&](const std::string& why) {
      return Status::InvalidArgument("http.trusted_proxies: '" + entry + "' " + why +
                                         ": give addresses or CIDR blocks, comma-separated "
                                         "(10.0.0.5, 10.0.0.0/8, ::1, fd00::/8)",
                                     "http.trusted_proxies");
    };
    if (!ToBytes(ip, &b.bytes)) return bad("is not an IP address");
    const bool v4 = ip.find(':') == std::string::npos;
    const int max_prefix = v4 ? 32 : 128;
    int prefix = max_prefix;
    if (slash != std::string::npos) {
      const std::string bits = entry.substr(slash + 1);
      if (bits.empty() || bits.size() > 3 ||
          bits.find_first_not_of("0123456789") != std::string::npos) {
        return bad("has a bad prefix length");
      }
      prefix = std::stoi(bits);
      if (prefix > max_prefix) return bad("has a prefix longer than the address");
    }
    b.prefix = v4 ? prefix + 96 : prefix;
    out.blocks_.push_back(b);
  }
  return out;
}

bool TrustedProxies::Contains(const std::string& ip) const {
  std::array<uint8_t, 16> bytes{};
  if (blocks_.empty() || !ToBytes(HostOf(ip), &bytes)) return false;
  for (const Block& b : blocks_) {
    int bits = b.prefix;
    size_t i = 0;
    for (; bits >= 8; bits -= 8, ++i) {
      if (bytes[i] != b.bytes[i]) break;
    }
    if (bits >= 8) continue;  // a whole byte differed
    const uint8_t mask = static_cast<uint8_t>(0xff << (8 - bits));
    if (bits == 0 || (bytes[i] & mask) == (b.bytes[i] & mask)) return true;
  }
  return false;
}

std::string TrustedProxies::ClientAddress(const std::string& peer,
                                          const std::string& x_forwarded_for,
                                          const std::string& forwarded) const {
  if (!Contains(peer)) return peer;
  std::vector<std::string> hops =
      !x_forwarded_for.empty() ? Hops(x_forwarded_for, false) : Hops(forwarded, true);
  // Right to left: each trusted proxy vouches for the hop before it; the
  // first hop that is not a trusted proxy is the client.
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    std::array<uint8_t, 16> bytes{};
    if (!ToBytes(*it, &bytes)) return peer;  // garbage ("unknown", an obfuscated name)
    if (!Contains(*it)) return *it;
  }
  return hops.empty() ? peer : hops.front();
}

}  // namespace scrm::http
