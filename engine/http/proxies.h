// TrustedProxies (http.trusted_proxies): the peers whose forwarded headers
// (X-Forwarded-For, X-Forwarded-Proto, Forwarded) the engine believes. A
// request from any other peer is taken as it arrived: its forwarded headers
// say nothing about the client or about TLS, since any client can send them.
// From a trusted peer, the client is the right-most X-Forwarded-For (or
// Forwarded: for=) address that is not itself a trusted proxy; that address
// is then the one rate limits and per-caller limits count.
// Immutable once parsed: safe from many threads.
#ifndef SCRM_HTTP_PROXIES_H_
#define SCRM_HTTP_PROXIES_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace scrm::http {

class TrustedProxies {
 public:
  TrustedProxies() = default;  // trusts nobody

  // Entries: "10.0.0.5", "10.0.0.0/8", "::1", "fd00::/8". InvalidArgument
  // naming http.trusted_proxies and the entry when one is not an address or
  // a CIDR block.
  static Result<TrustedProxies> Parse(const std::vector<std::string>& entries);

  bool empty() const { return blocks_.empty(); }
  // True when ip (an address without port; "::ffff:10.0.0.5" counts as
  // 10.0.0.5) is in one of the blocks.
  bool Contains(const std::string& ip) const;

  // The client's address for a request that came from `peer` (no port),
  // with these X-Forwarded-For and Forwarded header values ("" when absent).
  std::string ClientAddress(const std::string& peer, const std::string& x_forwarded_for,
                            const std::string& forwarded) const;

 private:
  struct Block {
    std::array<uint8_t, 16> bytes;  // IPv4 as ::ffff:a.b.c.d
    int prefix;                     // bits of bytes that must match
  };
  std::vector<Block> blocks_;
};

// "203.0.113.7" from "203.0.113.7:51234", "::1" from "[::1]:51234", and an
// address without port as it is.
std::string HostOf(const std::string& address);

}  // namespace scrm::http

#endif  // SCRM_HTTP_PROXIES_H_
