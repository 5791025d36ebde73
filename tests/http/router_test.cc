#include "http/router.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "store/pool.h"

namespace scrm::http {
namespace {

Handler Named(const std::string& name) {
  return [name](const Request& r) {
    nlohmann::json params = r.params;
    return Response::Json({{"handler", name}, {"params", params}});
  };
}

Router TestRouter() {
  return Router({
      {"GET", "/healthz", Access::kPublic, Named("healthz")},
      {"GET", "/api/v1/customers/{module}/{id}/social", Access::kPublic, Named("social")},
      {"GET", "/api/v1/links/{id}", Access::kPublic, Named("get_link")},
      {"DELETE", "/api/v1/links/{id}", Access::kPublic, Named("delete_link")},
      {"GET", "/api/v1/links/pending", Access::kPublic, Named("pending")},
      {"POST", "/api/v1/links/{id}/confirm", Access::kPublic, Named("confirm")},
      {"GET", "/", Access::kPublic, Named("root")},
  });
}

nlohmann::json Body(const Response& r) { return nlohmann::json::parse(r.body); }

TEST_CASE("router extracts and decodes path params", "[http][router]") {
  Router router = TestRouter();
  struct Case {
    std::string method, path, handler;
    std::map<std::string, std::string> params;
  };
  const std::vector<Case> cases = {
      {"GET", "/healthz", "healthz", {}},
      {"GET", "/", "root", {}},
      {"GET",
       "/api/v1/customers/Contacts/42/social",
       "social",
       {{"module", "Contacts"}, {"id", "42"}}},
      {"GET",
       "/api/v1/customers/Leads/a%2Fb%20c/social",
       "social",
       {{"module", "Leads"}, {"id", "a/b c"}}},
      {"GET",
       "/api/v1/customers/Leads/caf%C3%A9+x/social",
       "social",
       {{"module", "Leads"}, {"id", "caf\xC3\xA9+x"}}},
      {"GET", "/api/v1/links/7", "get_link", {{"id", "7"}}},
      {"DELETE", "/api/v1/links/7", "delete_link", {{"id", "7"}}},
      {"GET", "/api/v1/links/pending", "pending", {}},  // literal beats {id}
      {"POST", "/api/v1/links/9/confirm", "confirm", {{"id", "9"}}},
  };
  for (const Case& c : cases) {
    INFO(c.method << " " << c.path);
    Router::Match m = router.Find(c.method, c.path);
    REQUIRE(m.kind == Router::Match::Kind::kFound);
    CHECK(m.params == c.params);
    Request req;
    req.method = c.method;
    req.path = c.path;
    std::string label;
    Response r = router.Dispatch(req, &label);
    CHECK(r.status == 200);
    CHECK(Body(r)["handler"] == c.handler);
    CHECK(label == m.route->path);
    CHECK(req.Param("id") == (c.params.count("id") ? c.params.at("id") : ""));
  }
}

TEST_CASE("router answers 404 as JSON for unknown paths", "[http][router]") {
  Router router = TestRouter();
  for (std::string path : {"/nope", "/healthz/", "/api/v1/customers/Contacts/42",
                           "/api/v1/customers/Contacts//social", "/api/v1/links/7/confirm/x"}) {
    INFO(path);
    Request req;
    req.method = "GET";
    req.path = path;
    std::string label;
    Response r = router.Dispatch(req, &label);
    CHECK(r.status == 404);
    CHECK(r.content_type == "application/json");
    CHECK(label == "unmatched");
    nlohmann::json b = Body(r);
    CHECK(b["error"]["code"] == "not_found");
    CHECK(b["error"]["field"].is_null());
  }
}

TEST_CASE("router answers 405 with Allow for a known path and another method", "[http][router]") {
  Router router = TestRouter();
  Request req;
  req.method = "PUT";
  req.path = "/api/v1/links/7";
  std::string label;
  Response r = router.Dispatch(req, &label);
  CHECK(r.status == 405);
  CHECK(r.Header("Allow") == "DELETE, GET");
  CHECK(label == "/api/v1/links/{id}");
  CHECK(Body(r)["error"]["code"] == "method_not_allowed");

  req.method = "GET";
  req.path = "/api/v1/links/9/confirm";
  r = router.Dispatch(req, &label);
  CHECK(r.status == 405);
  CHECK(r.Header("allow") == "POST");
}

TEST_CASE("router rejects a malformed %-escape with 400", "[http][router]") {
  Router router = TestRouter();
  Request req;
  req.method = "GET";
  req.path = "/api/v1/links/%zz";
  Response r = router.Dispatch(req);
  CHECK(r.status == 400);
  CHECK(Body(r)["error"]["field"] == "path");
}

TEST_CASE("router refuses bad route tables", "[http][router]") {
  Handler h = Named("x");
  CHECK_THROWS_AS(Router({{"GET", "no-slash", Access::kPublic, h}}), std::invalid_argument);
  CHECK_THROWS_AS(Router({{"GET", "/a//b", Access::kPublic, h}}), std::invalid_argument);
  CHECK_THROWS_AS(Router({{"GET", "/a/{}", Access::kPublic, h}}), std::invalid_argument);
  CHECK_THROWS_AS(Router({{"GET", "/a/{x", Access::kPublic, h}}), std::invalid_argument);
  CHECK_THROWS_AS(Router({{"GET", "/a/{x}/{x}", Access::kPublic, h}}), std::invalid_argument);
  CHECK_THROWS_AS(Router({{"GET", "/a", Access::kPublic, nullptr}}), std::invalid_argument);
  CHECK_THROWS_AS(
      Router({{"GET", "/a/{x}", Access::kPublic, h}, {"GET", "/a/{y}", Access::kPublic, h}}),
      std::invalid_argument);
  CHECK_NOTHROW(
      Router({{"GET", "/a/{x}", Access::kPublic, h}, {"POST", "/a/{y}", Access::kPublic, h}}));
}

TEST_CASE("query strings decode", "[http][router]") {
  std::multimap<std::string, std::string> q;
  REQUIRE(ParseQuery("q=caf%C3%A9+bar&platform=x&platform=y&flag&empty=&a%20b=c%3Dd", &q));
  Request req;
  req.query = q;
  CHECK(req.Query("q") == std::optional<std::string>("caf\xC3\xA9 bar"));
  CHECK(req.QueryAll("platform") == std::vector<std::string>{"x", "y"});
  CHECK(req.Query("flag") == std::optional<std::string>(""));
  CHECK(req.Query("empty") == std::optional<std::string>(""));
  CHECK(req.Query("a b") == std::optional<std::string>("c=d"));
  CHECK_FALSE(req.Query("missing").has_value());
  CHECK(ParseQuery("", &q));
  CHECK(q.empty());
  CHECK_FALSE(ParseQuery("a=%4", &q));
  CHECK_FALSE(ParseQuery("a=%g1", &q));
}

TEST_CASE("non-public routes ask the authorizer, closed by default", "[http][router]") {
  Router router({{"GET", "/admin/x", Access::kAdmin, Named("admin")},
                 {"GET", "/user/x", Access::kUser, Named("user")}});
  Request req;
  req.method = "GET";
  req.path = "/admin/x";
  Response r = router.Dispatch(req);
  CHECK(r.status == 401);
  CHECK(Body(r)["error"]["code"] == "unauthenticated");

  router.SetAuthorizer([](Access access, Request& request) {
    if (request.Header("authorization").empty()) return Status::Unauthenticated("no token");
    if (access == Access::kAdmin) return Status::Forbidden("admin role required");
    return Status::Ok();
  });
  CHECK(router.Dispatch(req).status == 401);
  req.headers["authorization"] = "Bearer t";
  CHECK(router.Dispatch(req).status == 403);
  req.path = "/user/x";
  CHECK(router.Dispatch(req).status == 200);

  router.SetAuthorizer([](Access, Request&) -> Status {
    throw store::DbError("cannot connect to the database at 127.0.0.1:1", 2003, true);
  });
  CHECK(router.Dispatch(req).status == 503);
}

TEST_CASE("a route that reads JSON takes a body only when it says it is JSON (ASVS 13.2.5)",
          "[http][router]") {
  CHECK(IsJsonMediaType("application/json"));
  CHECK(IsJsonMediaType("Application/JSON; charset=utf-8"));
  CHECK(IsJsonMediaType(" application/merge-patch+json "));
  CHECK_FALSE(IsJsonMediaType(""));
  CHECK_FALSE(IsJsonMediaType("text/plain"));
  CHECK_FALSE(IsJsonMediaType("application/x-www-form-urlencoded"));
  CHECK_FALSE(IsJsonMediaType("multipart/form-data; boundary=x"));
  CHECK_FALSE(IsJsonMediaType("application/+json"));
  CHECK_FALSE(IsJsonMediaType("text/json+json"));
  CHECK_FALSE(IsJsonMediaType("application/jsonp"));

  Router router({JsonBody({"POST", "/json", Access::kUser, Named("json")}),
                 {"POST", "/raw", Access::kUser, Named("raw")}});
  router.SetAuthorizer([](Access, Request& request) {
    return request.Header("authorization").empty() ? Status::Unauthenticated("no token")
                                                   : Status::Ok();
  });
  Request req;
  req.method = "POST";
  req.path = "/json";
  req.body = "{\"name\":\"x\"}";
  // Who calls is checked first: a stranger learns nothing about the body's rules.
  CHECK(router.Dispatch(req).status == 401);
  req.headers["authorization"] = "Bearer t";
  for (const char* type : {"", "text/plain", "application/x-www-form-urlencoded"}) {
    INFO("Content-Type: " << type);
    if (*type != 0) req.headers["content-type"] = type;
    Response r = router.Dispatch(req);
    CHECK(r.status == 415);
    CHECK(Body(r)["error"]["code"] == "unsupported_media_type");
    CHECK(Body(r)["error"]["field"] == "Content-Type");
    const std::string message = Body(r)["error"]["message"];
    CHECK(message.find("Content-Type: application/json") != std::string::npos);
    CHECK(message.find(*type != 0 ? type : "no Content-Type") != std::string::npos);
  }
  req.headers["content-type"] = "application/json; charset=utf-8";
  CHECK(router.Dispatch(req).status == 200);
  // No body: nothing to declare (the handler says what it misses).
  req.headers.erase("content-type");
  req.body.clear();
  CHECK(router.Dispatch(req).status == 200);
  // A route not marked reads what it is sent.
  req.path = "/raw";
  req.body = "a=1";
  req.headers["content-type"] = "application/x-www-form-urlencoded";
  CHECK(router.Dispatch(req).status == 200);
}

TEST_CASE("exceptions from handlers become JSON errors", "[http][router]") {
  Router router({
      {"GET", "/db-down", Access::kPublic,
       [](const Request&) -> Response {
         throw store::DbError("cannot connect to the database at 10.0.0.9:3306 as scrm", 2003,
                              true);
       }},
      {"GET", "/sql-bug", Access::kPublic,
       [](const Request&) -> Response {
         throw store::DbError("SELECT secret FROM t: syntax error", 1064, false);
       }},
      {"GET", "/bug", Access::kPublic,
       [](const Request&) -> Response { throw std::runtime_error("secret detail"); }},
      {"GET", "/weird", Access::kPublic, [](const Request&) -> Response { throw 42; }},
  });
  Request req;
  req.method = "GET";
  req.path = "/db-down";
  Response r = router.Dispatch(req);
  CHECK(r.status == 503);
  CHECK(Body(r)["error"]["code"] == "unavailable");
  // The database's address and user are for the log and /readyz, not for callers.
  const std::string message = Body(r)["error"]["message"];
  CHECK(message.rfind("the database is unavailable (ref ", 0) == 0);
  CHECK(message.find("10.0.0.9") == std::string::npos);
  CHECK(message.find("scrm") == std::string::npos);
  CHECK(r.Header("Retry-After") == "5");

  for (std::string path : {"/sql-bug", "/bug", "/weird"}) {
    INFO(path);
    req.path = path;
    r = router.Dispatch(req);
    CHECK(r.status == 500);
    CHECK(Body(r)["error"]["code"] == "internal");
    std::string message = Body(r)["error"]["message"];
    CHECK(message.find("secret") == std::string::npos);
    CHECK(message.find("internal error (ref ") == 0);
  }
}

}  // namespace
}  // namespace scrm::http
