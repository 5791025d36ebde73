// Router: matches a method and a path against route templates
// ("/api/v1/customers/{module}/{id}/social") and dispatches to the handler.
//
// A {name} segment matches one non-empty path segment, percent-decoded into
// Request::params; a literal segment beats a parameter where two templates
// could both match. An unknown path answers 404, a known path with another
// method 405 with an Allow header, a malformed %-escape 400; all as JSON
// errors. Routes that are not public are checked by the Authorizer first.
// The table is built before the server starts and read-only afterwards, so
// Find() and Dispatch() are safe from many threads.
#ifndef SCRM_HTTP_ROUTER_H_
#define SCRM_HTTP_ROUTER_H_

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/text.h"
#include "http/request.h"

namespace scrm::http {

// Who may call a route.
enum class Access {
  kPublic,  // anyone: health, metrics; signed webhooks check their own signature
  kUser,    // a CRM user presenting a signed token (any role)
  kDecide,  // a CRM user whose roles may decide links (auth.h: CanDecideLinks)
  kAdmin,   // a CRM user whose token carries the admin role
  kApiKey,  // a machine client presenting an API key
};
const char* AccessName(Access access);  // "public", "user", "decide", "admin", "api_key"

// The largest body a route reads, by default, and the mark of a route that
// takes uploads (imports, pushes): up to http.max_body_bytes. The server
// also reads at most http.max_body_bytes_unauthenticated before the caller
// has proven who it is (docs/security.md, Request size).
constexpr size_t kDefaultBodyLimit = 1 << 20;
constexpr size_t kUploadBodyLimit = static_cast<size_t>(-1);

struct Route {
  Route() = default;
  Route(std::string method, std::string path, Access access, Handler handler,
        std::function<Response(const Request&, const Status&)> on_denied = nullptr)
      : method(std::move(method)), path(std::move(path)), access(access),
        handler(std::move(handler)), on_denied(std::move(on_denied)) {}

  std::string method;  // "GET", "POST", "DELETE"...
  std::string path;    // template, e.g. "/api/v1/links/{id}/confirm"; also the metrics label
  Access access = Access::kPublic;
  Handler handler;
  // When set, a refused access check answers this (pages answer an HTML
  // page that says how to sign in) instead of the JSON error.
  std::function<Response(const Request&, const Status&)> on_denied;
  // The largest body this route reads (kUploadBodyLimit: http.max_body_bytes).
  size_t max_body_bytes = kDefaultBodyLimit;
  // The route reads a JSON document: a request that sends a body must say
  // so (Content-Type: application/json, or another +json type), else 415.
  bool json_body = false;
};

// The route, marked as taking uploads (kUploadBodyLimit).
Route Upload(Route route);
// The route, marked as reading a JSON body (Route::json_body).
Route JsonBody(Route route);
// Whether a Content-Type names JSON: application/json or application/*+json,
// parameters (charset) ignored, any case.
bool IsJsonMediaType(std::string_view content_type);

// Decides whether a request may reach a route of the given access level:
// OK (having filled request.principal), or Unauthenticated / Forbidden with
// the reason.
using Authorizer = std::function<Status(Access, Request&)>;

// Query strings and %XX escapes are decoded by core/text.h (saved searches
// store their parameters as a query string too).
using scrm::ParseQuery;
using scrm::PercentDecode;

class Router {
 public:
  // The label for requests that matched no route, in metrics and logs.
  static constexpr const char* kUnmatched = "unmatched";

  Router() = default;
  // Throws std::invalid_argument on a malformed template or a duplicate
  // (same method, same shape): a route table bug, found at start-up.
  explicit Router(std::vector<Route> routes);
  void Add(Route route);

  // Without an authorizer every non-public route answers 401: closed by default.
  void SetAuthorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }

  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed, kBadPath };
    Kind kind = Kind::kNotFound;
    const Route* route = nullptr;  // kFound only
    // The matched template (kFound; kMethodNotAllowed: the first template
    // that matched the path), else kUnmatched. Bounded: never the raw path.
    std::string label = kUnmatched;
    std::map<std::string, std::string> params;  // kFound only
    std::string allow;                          // kMethodNotAllowed: "GET, POST"
  };
  // path: as sent, without the query.
  Match Find(const std::string& method, const std::string& path) const;

  // Find(), then the 404/405/400 error, the access check, or the handler
  // (through CallHandler, so exceptions become responses). Fills
  // request.params; *label receives Match::label when not null.
  // `authorized`: Authorize() already passed for this request (the server
  // checks access before reading a large body), so it is not asked twice.
  Response Dispatch(Request& request, std::string* label = nullptr,
                    bool authorized = false) const;

  // The access check of a route alone: OK for a public route, else the
  // authorizer's answer (having filled request.principal). May throw as the
  // authorizer does (a database out of reach).
  Status Authorize(const Route& route, Request& request) const;

  std::vector<const Route*> routes() const;

 private:
  struct Segment {
    bool is_param;
    std::string text;  // literal text, or the parameter name
  };
  struct Compiled {
    Route route;
    std::vector<Segment> segments;
  };
  static std::vector<Segment> Compile(const std::string& path_template);
  static bool MatchSegments(const Compiled& c, const std::vector<std::string>& segments,
                            std::map<std::string, std::string>* params);

  std::vector<Compiled> routes_;
  Authorizer authorizer_;
};

}  // namespace scrm::http

#endif  // SCRM_HTTP_ROUTER_H_
