// Sessions of the /ui/ pages: the store (random ids, idle expiry, nonces
// used once), the cookie, and the authorizer's CSRF rule, through a real
// Router and real tokens.
#include <catch2/catch.hpp>

#include <ctime>

#include "http/auth.h"
#include "http/router.h"
#include "http/session.h"

using namespace scrm;
using namespace scrm::http;

namespace {

constexpr char kSecret[] = "session-test-secret";

std::string TokenFor(const std::string& user, std::vector<std::string> roles, int64_t ttl = 300) {
  TokenClaims c;
  c.user_id = user;
  c.roles = std::move(roles);
  c.expires_at = static_cast<int64_t>(std::time(nullptr)) + ttl;
  return MintToken(c, kSecret);
}

Request Make(const std::string& method, const std::string& path) {
  Request r;
  r.method = method;
  r.path = path;
  return r;
}

}  // namespace

TEST_CASE("sessions have random ids, expire when idle, and a nonce starts one session only",
          "[http][session]") {
  SessionStore store(SessionOptions{/*idle_seconds=*/60, /*max_sessions=*/3});
  Principal p;
  p.user_id = "7";
  std::optional<Session> a = store.Create(p, "n1", 2000, 1000);
  std::optional<Session> b = store.Create(p, "n2", 2000, 1000);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->id.size() == 43);  // 32 bytes, base64url
  CHECK(a->csrf.size() == 43);
  CHECK(a->id != b->id);
  CHECK(a->csrf != a->id);
  CHECK_FALSE(store.Create(p, "n1", 2000, 1001));  // replayed sign-on
  CHECK(store.Find(a->id, 1050));                  // used at 1050...
  CHECK(store.Find(a->id, 1100));                  // ...so alive at 1100 (idle 50 s)
  CHECK_FALSE(store.Find(b->id, 1100));            // idle 100 s > 60: gone
  CHECK_FALSE(store.Find(b->id, 1000));            // and stays gone
  CHECK_FALSE(store.Find("", 1000));
  // Full: the least recently used session makes room.
  store.Create(p, "", 0, 1100);
  store.Create(p, "", 0, 1100);
  store.Create(p, "", 0, 1100);
  CHECK(store.size() == 3);
}

TEST_CASE("the session cookie is HttpOnly on /ui, cross-site only under TLS", "[http][session]") {
  Request plain = Make("GET", "/ui/conversations");
  const std::string c = SessionCookie("abc", plain, 3600);
  CHECK(c.find("scrm_session=abc") == 0);
  CHECK(c.find("HttpOnly") != std::string::npos);
  CHECK(c.find("Path=/ui") != std::string::npos);
  CHECK(c.find("SameSite=Lax") != std::string::npos);
  CHECK(c.find("Secure") == std::string::npos);
  CHECK(c.find("Max-Age=3600") != std::string::npos);
  CHECK(SessionCookie("abc", plain, -1).find("Max-Age") == std::string::npos);
  Request tls = plain;
  tls.headers["x-forwarded-proto"] = "https";
  // From any client the header is a claim: not believed (http.trusted_proxies).
  CHECK_FALSE(OverTls(tls));
  CHECK(SessionCookie("abc", tls, 3600).find("Secure") == std::string::npos);
  Request forwarded = plain;
  forwarded.headers["forwarded"] = "for=192.0.2.1;proto=https";
  CHECK_FALSE(OverTls(forwarded));
  // From a trusted proxy it is.
  tls.via_trusted_proxy = true;
  forwarded.via_trusted_proxy = true;
  CHECK(OverTls(forwarded));
  const std::string s = SessionCookie("abc", tls, 3600);
  CHECK(s.find("; Secure; SameSite=None; Partitioned") != std::string::npos);
  // The engine's own TLS listener (http.tls_*), no proxy header.
  Request own_tls = plain;
  own_tls.tls = true;
  CHECK(OverTls(own_tls));
  CHECK(SessionCookie("abc", own_tls, 3600).find("; Secure; SameSite=None; Partitioned") !=
        std::string::npos);

  Request cookies = plain;
  cookies.headers["cookie"] = "a=1; scrm_session=xyz ; b=2";
  CHECK(CookieValue(cookies, "scrm_session") == "xyz");
  CHECK(CookieValue(cookies, "b") == "2");
  CHECK(CookieValue(cookies, "c").empty());

  Request sso = Make("GET", "/ui/records/Contacts/42");
  sso.query = {{"sso", "v1.x.y"}, {"find", "anne m"}};
  CHECK(TargetWithoutSso(sso) == "/ui/records/Contacts/42?find=anne%20m");
}

TEST_CASE("a session cookie authenticates /ui/ calls, and state changes need the CSRF token",
          "[http][session]") {
  SessionStore store;
  Router router({
      {"GET", "/ui/page", Access::kUser, [](const Request& r) {
         return Response::Text(r.principal.user_id + " " + r.csrf_token);
       }},
      {"POST", "/ui/api/v1/thing", Access::kUser, [](const Request&) { return Response::Text("done"); }},
      {"POST", "/api/v1/thing", Access::kUser, [](const Request&) { return Response::Text("done"); }},
      {"GET", "/ui/admin", Access::kAdmin, [](const Request&) { return Response::Text("admin"); }},
  });
  router.SetAuthorizer(TokenAuthorizer(kSecret, &store));
  Principal p;
  p.user_id = "7";
  p.roles = {"sales"};
  std::optional<Session> s = store.Create(p, "", 0, static_cast<int64_t>(std::time(nullptr)));
  REQUIRE(s);
  const std::string cookie = std::string("scrm_session=") + s->id;

  SECTION("pages by cookie carry the CSRF token for the page to embed") {
    Request r = Make("GET", "/ui/page");
    r.headers["cookie"] = cookie;
    Response out = router.Dispatch(r);
    CHECK(out.status == 200);
    CHECK(out.body == "7 " + s->csrf);
  }
  SECTION("a sign-on link opens pages only: /ui/api/ routes refuse ?sso= (issue 14)") {
    Router api({
        {"GET", "/ui/api/v1/search/export", Access::kUser, [](const Request&) { return Response::Text("rows"); }},
    });
    api.SetAuthorizer(TokenAuthorizer(kSecret, &store));
    const std::string token = TokenFor("7", {"sales"});
    Request r = Make("GET", "/ui/api/v1/search/export");
    r.query = {{"sso", token}};
    Response out = api.Dispatch(r);
    CHECK(out.status == 401);
    CHECK(out.body.find("opens pages only") != std::string::npos);
    // ...and the link is spent by that first use: no page opens with it afterwards.
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    Result<Principal> signed_on = VerifyToken(token, kSecret, now);
    REQUIRE(signed_on.ok());
    CHECK_FALSE(store.Create(*signed_on, signed_on->token_nonce, signed_on->token_expires_at, now));
    // A forged link spends nothing and is refused the same way.
    Request forged = Make("POST", "/api/v1/thing");
    forged.query = {{"sso", token.substr(0, token.size() - 2) + "xx"}};
    CHECK(router.Dispatch(forged).status == 401);
  }
  SECTION("an unknown or ended session is 401 with what to do") {
    Request r = Make("GET", "/ui/page");
    r.headers["cookie"] = "scrm_session=nope";
    Response out = router.Dispatch(r);
    CHECK(out.status == 401);
    CHECK(out.body.find("open the page again from the CRM") != std::string::npos);
  }
  SECTION("POST with the cookie and no token: 403 naming the header") {
    Request r = Make("POST", "/ui/api/v1/thing");
    r.headers["cookie"] = cookie;
    Response out = router.Dispatch(r);
    CHECK(out.status == 403);
    CHECK(out.body.find("X-CSRF-Token") != std::string::npos);
  }
  SECTION("POST with a wrong token: 403") {
    Request r = Make("POST", "/ui/api/v1/thing");
    r.headers["cookie"] = cookie;
    r.headers["x-csrf-token"] = s->csrf.substr(1) + "A";
    CHECK(router.Dispatch(r).status == 403);
  }
  SECTION("POST with the token in the header or a form field: OK") {
    Request r = Make("POST", "/ui/api/v1/thing");
    r.headers["cookie"] = cookie;
    r.headers["x-csrf-token"] = s->csrf;
    CHECK(router.Dispatch(r).status == 200);
    Request f = Make("POST", "/ui/api/v1/thing");
    f.headers["cookie"] = cookie;
    f.headers["content-type"] = "application/x-www-form-urlencoded";
    f.body = "x=1&csrf=" + s->csrf;
    CHECK(router.Dispatch(f).status == 200);
  }
  SECTION("the cookie means nothing outside /ui/; a Bearer token needs no CSRF token") {
    Request r = Make("POST", "/api/v1/thing");
    r.headers["cookie"] = cookie;
    CHECK(router.Dispatch(r).status == 401);
    Request b = Make("POST", "/api/v1/thing");
    b.headers["authorization"] = "Bearer " + TokenFor("7", {"sales"});
    CHECK(router.Dispatch(b).status == 200);
    Request ub = Make("POST", "/ui/api/v1/thing");
    ub.headers["authorization"] = "Bearer " + TokenFor("7", {"sales"});
    CHECK(router.Dispatch(ub).status == 200);
  }
  SECTION("?sso= is read on GET only, and a session keeps its roles") {
    Request r = Make("POST", "/ui/api/v1/thing");
    r.query = {{"sso", TokenFor("7", {"sales"})}};
    CHECK(router.Dispatch(r).status == 401);
    Request a = Make("GET", "/ui/admin");
    a.headers["cookie"] = cookie;
    CHECK(router.Dispatch(a).status == 403);
  }
}

TEST_CASE("StartSession redirects without the token, and refuses a replayed one", "[http][session]") {
  SessionStore store;
  Result<Principal> p = VerifyToken(TokenFor("9", {"marketing"}), kSecret,
                                    static_cast<int64_t>(std::time(nullptr)));
  REQUIRE(p.ok());
  CHECK_FALSE(p->token_nonce.empty());
  Request r = Make("GET", "/ui/conversations");
  r.query = {{"sso", "t"}, {"q", "panne"}};
  r.principal = *p;
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  Result<Response> first = StartSession(store, r, now);
  REQUIRE(first.ok());
  CHECK(first->status == 303);
  CHECK(first->Header("Location") == "/ui/conversations?q=panne");
  const std::string set_cookie = first->Header("Set-Cookie");
  REQUIRE(set_cookie.rfind("scrm_session=", 0) == 0);
  CHECK(set_cookie.find("Max-Age") == std::string::npos);  // idle expiry is the engine's
  const std::string id = set_cookie.substr(13, set_cookie.find(';') - 13);
  CHECK(store.Find(id, now));

  // The same link again, without the session: refused; with it: a reload.
  Result<Response> replay = StartSession(store, r, now);
  CHECK(replay.status().code() == Status::Code::kUnauthenticated);
  r.headers["cookie"] = "scrm_session=" + id;
  Result<Response> reload = StartSession(store, r, now);
  REQUIRE(reload.ok());
  CHECK(reload->status == 303);
}

// Issue 14: sessions had no absolute lifetime (used every minute, they
// lived forever) and kept the roles of their sign-on forever.
TEST_CASE("a session ends at its absolute lifetime however busy, and when idle",
          "[http][session]") {
  SessionOptions o;
  o.idle_seconds = 60;
  o.max_seconds = 300;
  SessionStore store(o);
  Principal p;
  p.user_id = "7";
  p.roles = {"admin"};
  std::optional<Session> s = store.Create(p, "", 0, 1000);
  REQUIRE(s);
  for (int64_t t = 1050; t < 1300; t += 50) {
    INFO(t);
    CHECK(store.Find(s->id, t));  // busy: never idle for 60 s
  }
  CHECK_FALSE(store.Find(s->id, 1300));  // 300 s after its sign-on
  CHECK_FALSE(store.Find(s->id, 1301));  // and stays ended
  std::optional<Session> idle = store.Create(p, "", 0, 2000);
  CHECK(store.Find(idle->id, 2060));
  CHECK_FALSE(store.Find(idle->id, 2121));
}

TEST_CASE("a new sign-on gives its roles to the user's sessions and ends another user's",
          "[http][session]") {
  SessionStore store;
  Router router({
      {"GET", "/ui/admin", Access::kAdmin, [](const Request&) { return Response::Text("admin"); }},
      {"GET", "/ui/page", Access::kUser, [](const Request& r) { return Response::Text(r.principal.user_id); }},
  });
  router.SetAuthorizer(TokenAuthorizer(kSecret, &store));
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto sign_on = [&](const std::string& user, std::vector<std::string> roles,
                     const std::string& cookie) {
    Result<Principal> p = VerifyToken(TokenFor(user, std::move(roles)), kSecret, now);
    REQUIRE(p.ok());
    Request r = Make("GET", "/ui/page");
    r.query = {{"sso", "t"}};
    r.principal = *p;
    if (!cookie.empty()) r.headers["cookie"] = "scrm_session=" + cookie;
    Result<Response> started = StartSession(store, r, now);
    REQUIRE(started.ok());
    const std::string set_cookie = started->Header("Set-Cookie");
    REQUIRE(set_cookie.rfind("scrm_session=", 0) == 0);
    return set_cookie.substr(13, set_cookie.find(';') - 13);
  };
  auto admin_page = [&](const std::string& id) {
    Request r = Make("GET", "/ui/admin");
    r.headers["cookie"] = "scrm_session=" + id;
    return router.Dispatch(r).status;
  };
  const std::string laptop = sign_on("7", {"admin"}, "");
  const std::string phone = sign_on("7", {"admin"}, "");
  const std::string other = sign_on("8", {"admin"}, "");
  REQUIRE(admin_page(laptop) == 200);
  REQUIRE(admin_page(phone) == 200);

  // The CRM took the admin role away: user 7's next sign-on (on the laptop)
  // carries sales only. Every session of user 7 has it now, the laptop's
  // previous one and the phone's; user 8 is untouched.
  const std::string again = sign_on("7", {"sales"}, laptop);
  CHECK(again != laptop);
  CHECK(admin_page(again) == 403);
  CHECK(admin_page(laptop) == 403);
  CHECK(admin_page(phone) == 403);
  CHECK(store.Find(phone, now)->principal.roles == std::vector<std::string>{"sales"});
  CHECK(admin_page(other) == 200);

  // User 8 signs on in the browser that holds user 7's session: that one ends.
  const std::string shared = sign_on("8", {"admin"}, again);
  Request old = Make("GET", "/ui/page");
  old.headers["cookie"] = "scrm_session=" + again;
  CHECK(router.Dispatch(old).status == 401);
  CHECK(admin_page(shared) == 200);
  CHECK(admin_page(other) == 200);
}
