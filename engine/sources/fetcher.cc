// HttpFetcher on Poco Net: one client session per hop (redirects may change
// host or scheme), errors turned into Status values with the redacted URL.
#include "sources/fetcher.h"

#include <Poco/Exception.h>
#include <Poco/InflatingStream.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/HostEntry.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <utility>

#ifndef SCRM_VERSION
#define SCRM_VERSION "unknown"
#endif

namespace scrm::sources {

namespace {

constexpr int64_t kMiB = 1024 * 1024;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// "50 MiB (52428800 bytes)" or "1000 bytes".
std::string DescribeLimit(int64_t bytes) {
  if (bytes >= kMiB && bytes % kMiB == 0) {
    return std::to_string(bytes / kMiB) + " MiB (" + std::to_string(bytes) + " bytes)";
  }
  return std::to_string(bytes) + " bytes";
}

// The charset parameter of a Content-Type value ("" when absent), unquoted.
std::string CharsetOf(const std::string& content_type) {
  size_t pos = 0;
  while ((pos = content_type.find(';', pos)) != std::string::npos) {
    ++pos;
    size_t end = content_type.find(';', pos);
    std::string param = Trim(content_type.substr(pos, end == std::string::npos
                                                          ? std::string::npos
                                                          : end - pos));
    size_t eq = param.find('=');
    if (eq != std::string::npos && Lower(Trim(param.substr(0, eq))) == "charset") {
      std::string value = Trim(param.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return value;
    }
  }
  return "";
}

// Where the authority part of a URL starts and ends, or false.
bool AuthorityOf(const std::string& url, size_t* begin, size_t* end) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return false;
  *begin = scheme_end + 3;
  *end = url.find_first_of("/?#", *begin);
  if (*end == std::string::npos) *end = url.size();
  return true;
}

// The URL without any userinfo: what a stored post may point back to.
std::string StripUserInfo(const std::string& url) {
  size_t begin, end;
  if (!AuthorityOf(url, &begin, &end)) return url;
  size_t at = url.rfind('@', end - 1);
  if (at == std::string::npos || at < begin) return url;
  return url.substr(0, begin) + url.substr(at + 1);
}

bool IsHttpStatusTransient(int status) {
  // 408 Request Timeout and 429 Too Many Requests say "later", like 5xx.
  return status >= 500 || status == 408 || status == 429;
}

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

Status Fail(bool transient, const std::string& url, const std::string& reason) {
  std::string msg = "fetching " + RedactUrl(url) + ": " + reason;
  return transient ? Status::Unavailable(std::move(msg))
                   : Status::FailedPrecondition(std::move(msg));
}

// The kind of a non-public IPv4 address (4 bytes), "" when public.
std::string Ipv4Kind(const unsigned char* b) {
  if (b[0] == 0) return "unspecified";
  if (b[0] == 127) return "loopback";
  if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168)) {
    return "private";
  }
  if (b[0] == 169 && b[1] == 254) return "link-local";
  if (b[0] == 100 && (b[1] & 0xC0) == 64) return "shared (carrier-grade NAT)";
  if (b[0] == 192 && b[1] == 0 && b[2] == 0) return "reserved";
  if (b[0] == 198 && (b[1] & 0xFE) == 18) return "reserved";
  if ((b[0] & 0xF0) == 224) return "multicast";
  if ((b[0] & 0xF0) == 240) return "reserved";
  return "";
}

// The kind of a non-public IPv6 address (16 bytes), "" when public. IPv4
// carried inside (mapped, compatible, NAT64, 6to4) is judged as IPv4.
std::string Ipv6Kind(const unsigned char* b) {
  auto zeros = [b](int from, int to) {
    for (int i = from; i < to; ++i) {
      if (b[i] != 0) return false;
    }
    return true;
  };
  if (zeros(0, 16)) return "unspecified";
  if (zeros(0, 15) && b[15] == 1) return "loopback";
  if (zeros(0, 10) && b[10] == 0xFF && b[11] == 0xFF) return Ipv4Kind(b + 12);  // ::ffff:a.b.c.d
  if (zeros(0, 12)) return Ipv4Kind(b + 12);                                    // ::a.b.c.d
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && zeros(4, 12)) {
    return Ipv4Kind(b + 12);  // 64:ff9b::/96, NAT64
  }
  if (b[0] == 0x20 && b[1] == 0x02) return Ipv4Kind(b + 2);  // 2002::/16, 6to4
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return "link-local";
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return "site-local";
  if ((b[0] & 0xFE) == 0xFC) return "unique-local";
  if (b[0] == 0xFF) return "multicast";
  return "";
}

std::string KindOf(const Poco::Net::IPAddress& ip) {
  const auto* bytes = static_cast<const unsigned char*>(ip.addr());
  return ip.family() == Poco::Net::IPAddress::IPv4 ? Ipv4Kind(bytes) : Ipv6Kind(bytes);
}

// A client session that connects to the address checked before, whatever
// the DNS would answer now; the host name still goes into Host, SNI and the
// certificate's check.
template <typename Session>
class PinnedSession : public Session {
 public:
  template <typename... Args>
  PinnedSession(Poco::Net::SocketAddress address, Args&&... args)
      : Session(std::forward<Args>(args)...), address_(std::move(address)) {}

 protected:
  void connect(const Poco::Net::SocketAddress&) override { Session::connect(address_); }

 private:
  Poco::Net::SocketAddress address_;
};

// The address of `host` to connect to, or why not: the host's addresses
// are looked up once; a host not in `allow_hosts` must have only public
// ones (an answer mixing in a private address is refused whole).
Result<Poco::Net::IPAddress> CheckedAddress(const std::string& host,
                                            const std::vector<std::string>& allow_hosts) {
  Poco::Net::HostEntry::AddressList addresses;
  Poco::Net::IPAddress literal;
  std::string bare = host;
  if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']') {
    bare = bare.substr(1, bare.size() - 2);
  }
  if (Poco::Net::IPAddress::tryParse(bare, literal)) {
    addresses.push_back(literal);
  } else {
    addresses = Poco::Net::DNS::hostByName(host).addresses();  // DNSException: caught by Fetch
  }
  if (addresses.empty()) {
    return Status::Unavailable("host '" + host + "' has no address");
  }
  const bool allowed =
      std::find(allow_hosts.begin(), allow_hosts.end(), Lower(host)) != allow_hosts.end();
  if (!allowed) {
    for (const Poco::Net::IPAddress& a : addresses) {
      const std::string kind = KindOf(a);
      if (kind.empty()) continue;
      return Status::FailedPrecondition(
          "refused: host '" + host + "' resolves to " + a.toString() + ", a " + kind +
          " address; scrm fetches only from public addresses unless the host name is listed "
          "in net.allow_hosts (SCRM_NET_ALLOW_HOSTS)");
    }
  }
  // IPv4 first, as Poco's own resolution does ("localhost": 127.0.0.1).
  for (const Poco::Net::IPAddress& a : addresses) {
    if (a.family() == Poco::Net::IPAddress::IPv4) return a;
  }
  return addresses.front();
}

// A hop's outcome: a response read to its end, or where to go next.
struct Hop {
  int status = 0;
  std::string reason;
  std::string location;
  FetchResult result;
};

}  // namespace

std::string NonPublicAddressKind(const std::string& ip) {
  Poco::Net::IPAddress parsed;
  if (!Poco::Net::IPAddress::tryParse(ip, parsed)) return "not an IP address";
  return KindOf(parsed);
}

std::string RedactUrl(const std::string& url) {
  size_t begin, end;
  if (!AuthorityOf(url, &begin, &end)) return url;
  size_t at = url.rfind('@', end - 1);
  if (at == std::string::npos || at < begin) return url;
  size_t colon = url.find(':', begin);
  if (colon == std::string::npos || colon > at) return url;  // a user name only
  return url.substr(0, colon) + ":***" + url.substr(at);
}

struct HttpFetcher::Tls {
  std::mutex mu;
  Poco::Net::Context::Ptr context;
};

HttpFetcher::HttpFetcher(HttpFetcherOptions options)
    : options_(std::move(options)), tls_(std::make_shared<Tls>()) {
  if (options_.user_agent.empty()) options_.user_agent = std::string("scrm/") + SCRM_VERSION;
  for (std::string& host : options_.allow_hosts) host = Lower(host);
}

Result<FetchResult> HttpFetcher::Fetch(const FetchRequest& request) {
  Poco::URI uri;
  try {
    uri = Poco::URI(request.url);
  } catch (const Poco::Exception& e) {
    return Status::InvalidArgument("'" + RedactUrl(request.url) + "' is not a URL: " +
                                       e.message(),
                                   "location");
  }
  const std::string first_host = uri.getHost();
  const std::string user_info = uri.getUserInfo();
  std::string current = request.url;
  const Poco::Timespan timeout(std::max(1, request.timeout_seconds), 0);

  for (int hop = 0;; ++hop) {
    const std::string scheme = Lower(uri.getScheme());
    if (scheme != "http" && scheme != "https") {
      return Status::InvalidArgument(
          "'" + RedactUrl(current) + "': only http:// and https:// URLs can be fetched",
          "location");
    }
    if (uri.getHost().empty()) {
      return Status::InvalidArgument("'" + RedactUrl(current) + "' names no host", "location");
    }
    try {
      Result<Poco::Net::IPAddress> address = CheckedAddress(uri.getHost(), options_.allow_hosts);
      if (!address.ok()) {
        return Fail(address.status().code() == Status::Code::kUnavailable, current,
                    address.status().message());
      }
      const Poco::Net::SocketAddress pinned(*address, uri.getPort());
      std::unique_ptr<Poco::Net::HTTPClientSession> session;
      if (scheme == "https") {
        Poco::Net::Context::Ptr context;
        {
          std::lock_guard<std::mutex> lock(tls_->mu);
          if (tls_->context.isNull()) {
            static std::once_flag ssl_init;
            std::call_once(ssl_init, [] { Poco::Net::initializeSSL(); });
            // VERIFY_RELAXED on a client verifies the server's chain (and
            // its name) and fails the handshake when it does not check out.
            tls_->context = new Poco::Net::Context(
                Poco::Net::Context::TLS_CLIENT_USE, options_.ca_location,
                Poco::Net::Context::VERIFY_RELAXED, 9,
                /*loadDefaultCAs=*/options_.ca_location.empty());
            tls_->context->disableProtocols(
                Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
          }
          context = tls_->context;
        }
        session = std::make_unique<PinnedSession<Poco::Net::HTTPSClientSession>>(
            pinned, uri.getHost(), uri.getPort(), context);
      } else {
        session = std::make_unique<PinnedSession<Poco::Net::HTTPClientSession>>(
            pinned, uri.getHost(), uri.getPort());
      }
      session->setTimeout(timeout);

      std::string target = uri.getPathEtc();
      if (target.empty() || target[0] != '/') target = "/" + target;
      Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, target,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
      req.set("User-Agent", options_.user_agent);
      req.set("Accept", !request.accept.empty()
                            ? request.accept
                            : "application/rss+xml, application/atom+xml, application/feed+json, "
                              "application/activity+json, application/xml;q=0.9, text/xml;q=0.9, "
                              "application/json;q=0.9, */*;q=0.8");
      req.set("Accept-Encoding", "gzip, deflate");
      if (!request.etag.empty()) req.set("If-None-Match", request.etag);
      if (!request.last_modified.empty()) req.set("If-Modified-Since", request.last_modified);
      if (request.headers_for) {
        const bool default_port = uri.getPort() == (uri.getScheme() == "https" ? 443 : 80);
        const std::string host =
            default_port ? uri.getHost() : uri.getHost() + ":" + std::to_string(uri.getPort());
        for (const auto& [name, value] : request.headers_for(host, target)) req.set(name, value);
      }
      // Credentials go to the host they were written for, never to where it redirects.
      if (!user_info.empty() && Lower(uri.getHost()) == Lower(first_host)) {
        size_t colon = user_info.find(':');
        std::string user, password;
        Poco::URI::decode(user_info.substr(0, colon), user);
        if (colon != std::string::npos) Poco::URI::decode(user_info.substr(colon + 1), password);
        Poco::Net::HTTPBasicCredentials(user, password).authenticate(req);
      }
      session->sendRequest(req);

      Poco::Net::HTTPResponse response;
      std::istream& rs = session->receiveResponse(response);
      // A streambuf's exception (timeout, reset) must not pass for end of input.
      rs.exceptions(std::ios::badbit);
      const int status = static_cast<int>(response.getStatus());

      if (IsRedirect(status)) {
        std::string location = response.get("Location", "");
        if (location.empty()) {
          return Fail(false, current, "server answered " + std::to_string(status) +
                                          " without a Location");
        }
        if (hop >= options_.max_redirects) {
          return Fail(false, current, "more than " + std::to_string(options_.max_redirects) +
                                          " redirects (last to " + RedactUrl(location) + ")");
        }
        Poco::URI next(uri);
        next.resolve(location);
        uri = next;
        current = uri.toString();
        continue;
      }
      const std::string answered =
          "server answered " + std::to_string(status) +
          (response.getReason().empty() ? "" : " " + response.getReason());
      if (status >= 400) return Fail(IsHttpStatusTransient(status), current, answered);

      FetchResult out;
      out.status = status;
      out.final_url = StripUserInfo(current);
      out.etag = response.get("ETag", "");
      out.last_modified = response.get("Last-Modified", "");
      out.charset = CharsetOf(response.get("Content-Type", ""));
      if (status == 304) {
        if (out.etag.empty()) out.etag = request.etag;
        if (out.last_modified.empty()) out.last_modified = request.last_modified;
        return out;
      }
      if (status < 200 || status > 299) return Fail(false, current, answered);

      const std::string encoding = Lower(Trim(response.get("Content-Encoding", "")));
      std::unique_ptr<Poco::InflatingInputStream> inflater;
      std::istream* in = &rs;
      if (encoding == "gzip" || encoding == "x-gzip") {
        inflater = std::make_unique<Poco::InflatingInputStream>(
            rs, Poco::InflatingStreamBuf::STREAM_GZIP);
      } else if (encoding == "deflate") {
        inflater = std::make_unique<Poco::InflatingInputStream>(
            rs, Poco::InflatingStreamBuf::STREAM_ZLIB);
      } else if (!encoding.empty() && encoding != "identity") {
        return Fail(false, current, "unsupported Content-Encoding '" + encoding + "'");
      }
      if (inflater) {
        inflater->exceptions(std::ios::badbit);
        in = inflater.get();
      }
      const std::string too_big =
          "the response is larger than the limit of " + DescribeLimit(request.max_bytes);
      if (!inflater && response.hasContentLength() &&
          response.getContentLength64() > request.max_bytes) {
        return Fail(false, current, too_big);
      }
      char buf[64 * 1024];
      while (in->read(buf, sizeof buf) || in->gcount() > 0) {
        size_t n = static_cast<size_t>(in->gcount());
        if (static_cast<int64_t>(out.body.size() + n) > request.max_bytes) {
          return Fail(false, current, too_big);
        }
        out.body.append(buf, n);
      }
      if (!inflater && response.hasContentLength() &&
          static_cast<int64_t>(out.body.size()) != response.getContentLength64()) {
        return Fail(true, current,
                    "the connection closed after " + std::to_string(out.body.size()) + " of " +
                        std::to_string(response.getContentLength64()) + " bytes");
      }
      return out;
    } catch (const Poco::Net::DNSException& e) {
      return Fail(true, current, "cannot resolve host '" + uri.getHost() + "' (" +
                                     e.displayText() + ")");
    } catch (const Poco::Net::ConnectionRefusedException& e) {
      return Fail(true, current, "connection refused (" + e.displayText() + ")");
    } catch (const Poco::TimeoutException&) {
      return Fail(true, current, "no answer within " + std::to_string(timeout.totalSeconds()) +
                                     " s (timeout)");
    } catch (const Poco::Net::SSLException& e) {
      // A certificate that does not check out is the source's to fix.
      bool certificate = dynamic_cast<const Poco::Net::CertificateValidationException*>(&e) ||
                         Lower(e.displayText()).find("certificate") != std::string::npos;
      return Fail(!certificate, current, "TLS failed: " + e.displayText());
    } catch (const Poco::Exception& e) {
      return Fail(true, current, e.displayText());
    } catch (const std::exception& e) {
      return Fail(true, current, e.what());
    }
  }
}

}  // namespace scrm::sources
