// Request and Response: what a route handler sees and returns.
//
// Plain values with no Poco types, so a handler can be called and tested
// without a socket: build a Request, call the handler, look at the Response.
// The server fills a Request from the wire (path params percent-decoded by
// the router, query decoded, header names lower-cased) and writes the
// Response back, adding the security headers itself.
#ifndef SCRM_HTTP_REQUEST_H_
#define SCRM_HTTP_REQUEST_H_

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace scrm::http {

// Who is calling, once a token or key was verified (empty for public routes).
struct Principal {
  std::string user_id;    // the CRM user's id ("1"), or "api-key:<name>"
  std::string user_name;
  std::vector<std::string> roles;  // "admin", "marketing", "sales", "community:<name>"...
  std::string lang;       // "en", "fr"
  std::string token_nonce;       // of the token that proved it; "" for a session
  int64_t token_expires_at = 0;  // likewise
  bool HasRole(const std::string& role) const;
};

struct Request {
  std::string method;  // "GET", "POST"... as sent
  std::string path;    // as sent, without the query: "/api/v1/customers/Contacts/42/social"
  std::map<std::string, std::string> params;      // from the route template, percent-decoded
  std::multimap<std::string, std::string> query;  // decoded; '+' is a space; keys may repeat
  std::map<std::string, std::string> headers;     // names lower-cased; repeats joined by ", "
  std::string body;
  std::string remote_address;  // "ip:port" of the peer, for logs
  // The client's IP address: the peer's, or, when the peer is one of
  // http.trusted_proxies, the one its X-Forwarded-For names (http/proxies.h).
  // What rate limits, per-caller limits and logs count.
  std::string client_address;
  // The peer is one of http.trusted_proxies: its X-Forwarded-Proto and
  // Forwarded headers are believed (OverTls).
  bool via_trusted_proxy = false;
  bool tls = false;            // reached over the engine's own TLS listener (http.tls_*)
  Principal principal;         // set by the authorizer before a non-public handler runs
  // Set by the authorizer when the caller came with a /ui/ session cookie:
  // the session's CSRF token, for the page to embed. "" otherwise.
  std::string csrf_token;
  // Set by the authorizer from the session: "crm" when the session was
  // opened in the CRM's frame (?embed=crm on its sign-on link), else "".
  std::string embed;

  // The path parameter, or "" when the template has none of that name.
  std::string Param(const std::string& name) const;
  // The first value of a query parameter, nullopt when absent.
  std::optional<std::string> Query(const std::string& name) const;
  // Every value of a repeated query parameter (?platform=a&platform=b), in order.
  std::vector<std::string> QueryAll(const std::string& name) const;
  // A header by case-insensitive name, "" when absent.
  std::string Header(const std::string& name) const;

  // When set, every query parameter name the handler asks for (Query,
  // QueryAll) is added here: how tests/http/openapi_test.cc learns which
  // parameters each route reads, to hold the OpenAPI description to them.
  // A handler that walks `query` itself names what it understands with
  // NoteQueryNames. Never set while serving.
  std::set<std::string>* query_names_read = nullptr;
  void NoteQueryNames(const std::set<std::string>& names) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, in order
  // When set, the body instead of `body`: written to the connection as it is
  // made (chunked), for answers too large to hold (an export). It runs after
  // the status is sent: a failure midway is logged and ends the body early
  // and the connection, which the client detects by checking the body
  // against what it expects (an export file: the manifest's SHA-256).
  std::function<void(std::ostream&)> stream;
  // Why an error was answered: a reason id (core/reasons.h) or the error's
  // code; for the security log (http/audit.h), never sent.
  std::string reason;

  // A JSON body; invalid UTF-8 in strings is replaced, never an exception.
  static Response Json(const nlohmann::json& body, int status = 200);
  static Response Text(std::string body, int status = 200,
                       std::string content_type = "text/plain; charset=utf-8");

  // Sets a header, replacing one of the same (case-insensitive) name.
  void SetHeader(const std::string& name, const std::string& value);
  // A header by case-insensitive name, "" when absent.
  std::string Header(const std::string& name) const;
};

using Handler = std::function<Response(const Request&)>;

// "x-request-id" from "X-Request-ID": header names compare lower-cased.
std::string LowerAscii(std::string s);

}  // namespace scrm::http

#endif  // SCRM_HTTP_REQUEST_H_
