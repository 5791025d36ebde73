// Fetcher: gets a feed's bytes over HTTP(S), conditionally (ETag and
// Last-Modified), behind an interface so that the poller can be tested with
// fakes. HttpFetcher follows up to five redirects, accepts gzip, verifies
// TLS certificates against the system CA store, bounds time and size, and
// never puts a URL's userinfo (user:password@) in a message or a result.
// Failures are values naming the URL and the reason: Unavailable when the
// server cannot be reached, times out or answers 5xx, 408 or 429 (try again
// later); FailedPrecondition when it answers another 4xx, its certificate
// does not verify, or the response is unusable (too large, redirect loop);
// InvalidArgument when the URL is not http(s). Fetch() is thread-safe.
//
// No request goes to an address the admin did not allow: the host of each
// hop (the first URL and every redirect) is resolved once, and when it
// resolves to a loopback, private, link-local, unique-local, multicast,
// reserved or unspecified address (IPv4, IPv6, IPv4 inside IPv6) the fetch
// is refused (FailedPrecondition) unless the host name is in allow_hosts
// (net.allow_hosts). The connection goes to the address that was checked,
// never to a second answer of the DNS (no rebinding between check and use).
#ifndef SCRM_SOURCES_FETCHER_H_
#define SCRM_SOURCES_FETCHER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace scrm::sources {

struct FetchRequest {
  std::string url;            // http:// or https://; userinfo becomes Basic auth
  std::string etag;           // sent as If-None-Match when not empty
  std::string last_modified;  // sent as If-Modified-Since when not empty
  int timeout_seconds = 10;   // connect, and each send or receive
  int64_t max_bytes = 50 * 1024 * 1024;  // of the (decompressed) body
  std::string accept;         // the Accept header; "" means feeds, ActivityStreams and JSON
  // Extra headers for each request sent (the first and every redirect),
  // given the host (with ":port" when not the scheme's default) and the
  // request target ("/path?query"): HTTP Signatures sign exactly what is sent.
  std::function<std::vector<std::pair<std::string, std::string>>(const std::string& host,
                                                                 const std::string& target)>
      headers_for;
};

struct FetchResult {
  int status = 0;              // 200-299, or 304 (not modified: body empty)
  std::string body;            // decompressed
  std::string etag;            // the response's, or the request's on a 304 without one
  std::string last_modified;   // likewise
  std::string charset;         // from Content-Type ("" when absent)
  std::string final_url;       // after redirects, without userinfo
};

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  virtual Result<FetchResult> Fetch(const FetchRequest& request) = 0;
};

struct HttpFetcherOptions {
  std::string user_agent;   // "" means "scrm/VERSION"
  std::string ca_location;  // CA file or directory; "" means the system store
  int max_redirects = 5;
  // Host names (as written in URLs, compared without case) that may resolve
  // to non-public addresses: net.allow_hosts. An IP literal ("127.0.0.1")
  // is allowed only when listed as written.
  std::vector<std::string> allow_hosts;
};

class HttpFetcher : public Fetcher {
 public:
  explicit HttpFetcher(HttpFetcherOptions options = {});
  Result<FetchResult> Fetch(const FetchRequest& request) override;

 private:
  struct Tls;
  HttpFetcherOptions options_;
  std::shared_ptr<Tls> tls_;  // the TLS context, made at the first https:// fetch
};

// Why an IP address (a literal: "10.0.0.1", "::ffff:127.0.0.1") is not
// public: "loopback", "private", "link-local"...; "" when it is public,
// "not an IP address" when it does not parse.
std::string NonPublicAddressKind(const std::string& ip);

// The URL as it may be shown: userinfo reduced to the user name
// ("https://ann@host/feed"); the text unchanged when it is not a URL.
std::string RedactUrl(const std::string& url);

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_FETCHER_H_
