#include "http/router.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "http/errors.h"

namespace scrm::http {

namespace {

bool IsParamName(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return !(s[0] >= '0' && s[0] <= '9');
}

// "/a/b%2Fc" -> {"a", "b/c"}; "/" -> {}; false when not absolute or an escape is bad.
bool SplitPath(const std::string& path, std::vector<std::string>* out) {
  out->clear();
  if (path.empty() || path[0] != '/') return false;
  if (path.size() == 1) return true;
  size_t start = 1;
  for (;;) {
    size_t slash = path.find('/', start);
    std::string raw =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    std::string decoded;
    if (!PercentDecode(raw, false, &decoded)) return false;
    out->push_back(std::move(decoded));
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

// Same length, and a parameter where the other has one: two such templates
// with the same literals would match the same paths.
bool SameShape(const std::vector<std::pair<bool, std::string>>& a,
               const std::vector<std::pair<bool, std::string>>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].first != b[i].first) return false;
    if (!a[i].first && a[i].second != b[i].second) return false;
  }
  return true;
}

}  // namespace

const char* AccessName(Access access) {
  switch (access) {
    case Access::kPublic:
      return "public";
    case Access::kUser:
      return "user";
    case Access::kDecide:
      return "decide";
    case Access::kAdmin:
      return "admin";
    case Access::kApiKey:
      return "api_key";
  }
  return "unknown";
}

Router::Router(std::vector<Route> routes) {
  for (Route& r : routes) Add(std::move(r));
}

std::vector<Router::Segment> Router::Compile(const std::string& path_template) {
  if (path_template.empty() || path_template[0] != '/') {
    throw std::invalid_argument("route template must start with '/': \"" + path_template + "\"");
  }
  std::vector<Segment> segments;
  std::set<std::string> names;
  if (path_template.size() == 1) return segments;
  size_t start = 1;
  for (;;) {
    size_t slash = path_template.find('/', start);
    std::string seg =
        path_template.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (seg.empty()) {
      throw std::invalid_argument("empty segment in route template \"" + path_template + "\"");
    }
    if (seg.front() == '{' || seg.back() == '}') {
      std::string name = seg.size() >= 2 ? seg.substr(1, seg.size() - 2) : "";
      if (seg.front() != '{' || seg.back() != '}' || !IsParamName(name)) {
        throw std::invalid_argument("bad parameter \"" + seg + "\" in route template \"" +
                                    path_template + "\"");
      }
      if (!names.insert(name).second) {
        throw std::invalid_argument("parameter {" + name + "} twice in route template \"" +
                                    path_template + "\"");
      }
      segments.push_back({true, name});
    } else {
      if (seg.find_first_of("{}%?#") != std::string::npos) {
        throw std::invalid_argument("bad literal \"" + seg + "\" in route template \"" +
                                    path_template + "\"");
      }
      segments.push_back({false, seg});
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return segments;
}

void Router::Add(Route route) {
  if (route.method.empty()) throw std::invalid_argument("route without a method: " + route.path);
  if (!route.handler) throw std::invalid_argument("route without a handler: " + route.path);
  Compiled c{std::move(route), {}};
  c.segments = Compile(c.route.path);
  auto shape = [](const Compiled& x) {
    std::vector<std::pair<bool, std::string>> s;
    for (const Segment& seg : x.segments) s.emplace_back(seg.is_param, seg.text);
    return s;
  };
  for (const Compiled& other : routes_) {
    if (other.route.method == c.route.method && SameShape(shape(other), shape(c))) {
      throw std::invalid_argument("duplicate route " + c.route.method + " " + c.route.path +
                                  " (clashes with " + other.route.path + ")");
    }
  }
  routes_.push_back(std::move(c));
}

bool Router::MatchSegments(const Compiled& c, const std::vector<std::string>& segments,
                           std::map<std::string, std::string>* params) {
  if (c.segments.size() != segments.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& s = c.segments[i];
    if (s.is_param) {
      if (segments[i].empty()) return false;
    } else if (s.text != segments[i]) {
      return false;
    }
  }
  if (params != nullptr) {
    params->clear();
    for (size_t i = 0; i < segments.size(); ++i) {
      if (c.segments[i].is_param) (*params)[c.segments[i].text] = segments[i];
    }
  }
  return true;
}

Router::Match Router::Find(const std::string& method, const std::string& path) const {
  Match m;
  std::vector<std::string> segments;
  if (!SplitPath(path, &segments)) {
    m.kind = Match::Kind::kBadPath;
    return m;
  }
  // Among the routes of this method that match, the most specific: the one
  // with a literal at the first position where the others have a parameter.
  const Compiled* best = nullptr;
  std::vector<std::string> allowed;
  std::string first_template;
  for (const Compiled& c : routes_) {
    if (!MatchSegments(c, segments, nullptr)) continue;
    if (first_template.empty()) first_template = c.route.path;
    if (c.route.method != method) {
      allowed.push_back(c.route.method);
      continue;
    }
    if (best == nullptr) {
      best = &c;
      continue;
    }
    for (size_t i = 0; i < segments.size(); ++i) {
      if (best->segments[i].is_param != c.segments[i].is_param) {
        if (best->segments[i].is_param) best = &c;
        break;
      }
    }
  }
  if (best != nullptr) {
    m.kind = Match::Kind::kFound;
    m.route = &best->route;
    m.label = best->route.path;
    MatchSegments(*best, segments, &m.params);
    return m;
  }
  if (!allowed.empty()) {
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    m.kind = Match::Kind::kMethodNotAllowed;
    m.label = first_template;
    for (const std::string& a : allowed) m.allow += (m.allow.empty() ? "" : ", ") + a;
    return m;
  }
  m.kind = Match::Kind::kNotFound;
  return m;
}

Route Upload(Route route) {
  route.max_body_bytes = kUploadBodyLimit;
  return route;
}

Route JsonBody(Route route) {
  route.json_body = true;
  return route;
}

bool IsJsonMediaType(std::string_view content_type) {
  const std::string type = ToLowerAscii(Trim(content_type.substr(0, content_type.find(';'))));
  constexpr std::string_view kApplication = "application/", kSuffix = "+json";
  return type == "application/json" ||
         (type.size() > kApplication.size() + kSuffix.size() &&
          type.compare(0, kApplication.size(), kApplication) == 0 &&
          type.compare(type.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0);
}

namespace {

// A route that reads JSON takes a body only when it is declared as JSON
// (ASVS 13.2.5). It also closes a door: a form on another site can post
// text/plain or form encoding without a CORS preflight, never
// application/json.
Response HandleChecked(const Route& route, const Request& request) {
  if (route.json_body && !request.body.empty()) {
    const std::string type = request.Header("content-type");
    if (!IsJsonMediaType(type)) {
      return ErrorResponse(415, "unsupported_media_type",
                           "the body must be JSON, sent with Content-Type: application/json; this "
                           "request sent " +
                               (type.empty() ? std::string("no Content-Type") : "Content-Type: " + type),
                           "Content-Type");
    }
  }
  return route.handler(request);
}

}  // namespace

Status Router::Authorize(const Route& route, Request& request) const {
  if (route.access == Access::kPublic) return Status::Ok();
  return authorizer_ ? authorizer_(route.access, request)
                     : Status::Unauthenticated(
                           "this route needs authentication and none is configured on this server");
}

Response Router::Dispatch(Request& request, std::string* label, bool authorized) const {
  Match m = Find(request.method, request.path);
  if (label != nullptr) *label = m.label;
  switch (m.kind) {
    case Match::Kind::kBadPath:
      return ErrorResponse(Status::InvalidArgument("malformed path: bad %-escape", "path"));
    case Match::Kind::kNotFound:
      return ErrorResponse(Status::NotFound("no route for " + request.path));
    case Match::Kind::kMethodNotAllowed: {
      Response r = ErrorResponse(405, "method_not_allowed",
                                 "method " + request.method + " is not allowed on " + request.path +
                                     "; allowed: " + m.allow);
      r.SetHeader("Allow", m.allow);
      return r;
    }
    case Match::Kind::kFound:
      break;
  }
  request.params = std::move(m.params);
  const Route& route = *m.route;
  if (route.access == Access::kPublic || authorized) {
    return CallHandler([&route](const Request& r) { return HandleChecked(route, r); }, request);
  }
  // The access check runs under CallHandler too: an authorizer that looks up
  // API keys may meet an unreachable database.
  return CallHandler(
      [this, &route, &request](const Request&) {
        Status allowed = Authorize(route, request);
        if (!allowed.ok()) {
          Response denied = route.on_denied ? route.on_denied(request, allowed) : ErrorResponse(allowed);
          if (denied.reason.empty()) {
            denied.reason = allowed.reason().empty() ? allowed.CodeName() : allowed.reason();
          }
          return denied;
        }
        return HandleChecked(route, request);
      },
      request);
}

std::vector<const Route*> Router::routes() const {
  std::vector<const Route*> out;
  for (const Compiled& c : routes_) out.push_back(&c.route);
  return out;
}

}  // namespace scrm::http
