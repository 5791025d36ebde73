#include "http/auth.h"

#include <ctime>
#include <nlohmann/json.hpp>

#include "core/reasons.h"
#include "core/viewer.h"
#include "secrets/crypto.h"
#include "http/session.h"

namespace scrm::http {

namespace {
constexpr char kVersion[] = "v1.";
constexpr size_t kMaxTokenBytes = 8192;

std::string RandomNonce() { return secrets::Base64UrlEncode(secrets::RandomBytes(12)); }
}  // namespace

std::string MintToken(TokenClaims claims, const std::string& secret) {
  if (claims.nonce.empty()) claims.nonce = RandomNonce();
  nlohmann::json j = {{"sub", claims.user_id}, {"name", claims.user_name},
                      {"roles", claims.roles}, {"lang", claims.lang},
                      {"exp", claims.expires_at}, {"nonce", claims.nonce}};
  const std::string signed_part = kVersion + secrets::Base64UrlEncode(j.dump());
  return signed_part + "." + secrets::Base64UrlEncode(secrets::HmacSha256(secret, signed_part));
}

Result<Principal> VerifyToken(const std::string& token, const std::string& secret, int64_t now) {
  if (token.size() > kMaxTokenBytes || token.rfind(kVersion, 0) != 0) {
    return Status::Unauthenticated("malformed token: expected v1.CLAIMS.SIGNATURE")
        .WithReason(reason::kTokenMalformed);
  }
  const size_t dot = token.rfind('.');
  if (dot < sizeof(kVersion)) {
    return Status::Unauthenticated("malformed token: no signature").WithReason(reason::kTokenMalformed);
  }
  const std::string signed_part = token.substr(0, dot);
  std::optional<std::string> sig = secrets::Base64UrlDecode(token.substr(dot + 1));
  if (!sig || !secrets::ConstantTimeEquals(*sig, secrets::HmacSha256(secret, signed_part))) {
    return Status::Unauthenticated(
        "token signature does not match: the CRM plugin and the engine must share the same "
        "secret (SCRM_SECRET)")
        .WithReason(reason::kTokenSignature);
  }
  std::optional<std::string> payload = secrets::Base64UrlDecode(signed_part.substr(sizeof(kVersion) - 1));
  nlohmann::json j = payload ? nlohmann::json::parse(*payload, nullptr, false)
                             : nlohmann::json();
  if (!j.is_object() || !j.contains("sub") || !j["sub"].is_string() ||
      !j.contains("exp") || !j["exp"].is_number_integer()) {
    return Status::Unauthenticated("malformed token claims: sub and exp are required")
        .WithReason(reason::kTokenMalformed);
  }
  if (j["exp"].get<int64_t>() < now) {
    return Status::Unauthenticated("token expired: ask the CRM (or `scrm token`) for a new one")
        .WithReason(reason::kTokenExpired);
  }
  Principal p;
  p.user_id = j["sub"].get<std::string>();
  if (p.user_id.empty()) {
    return Status::Unauthenticated("token has an empty sub (user id)").WithReason(reason::kTokenMalformed);
  }
  if (j.contains("name") && j["name"].is_string()) p.user_name = j["name"].get<std::string>();
  if (j.contains("lang") && j["lang"].is_string()) p.lang = j["lang"].get<std::string>();
  if (j.contains("nonce") && j["nonce"].is_string()) p.token_nonce = j["nonce"].get<std::string>();
  p.token_expires_at = j["exp"].get<int64_t>();
  if (j.contains("roles") && j["roles"].is_array()) {
    for (const auto& r : j["roles"]) {
      if (r.is_string()) p.roles.push_back(r.get<std::string>());
    }
  }
  return p;
}

namespace {

bool HasKnownRole(const Principal& p) {
  for (const std::string& role : p.roles) {
    if (IsKnownRole(role)) return true;
  }
  return false;
}

}  // namespace

bool CanDecideLinks(const Principal& principal) {
  return principal.HasRole("admin") || principal.HasRole("sales") || principal.HasRole("support");
}

Status CheckRoles(Access access, const Principal& principal) {
  if (!HasKnownRole(principal)) {
    return Status::Forbidden(
        "these credentials carry no scrm role: they need one of admin, marketing, sales, "
        "support, viewer or community:NAME (for CRM users, the plugin's role mapping)");
  }
  if (access == Access::kAdmin && !principal.HasRole("admin")) {
    return Status::Forbidden("this route needs the admin role")
        .WithReason(reason::kAdminRoleNeeded);
  }
  if (access == Access::kDecide && !CanDecideLinks(principal)) {
    return Status::Forbidden(
               "deciding links (confirm, reject, unlink, link by hand) needs the sales, support or "
               "admin role; ask an admin to add one to your CRM role mapping")
        .WithReason(reason::kDecideRoleNeeded);
  }
  return Status::Ok();
}

Authorizer TokenAuthorizer(std::string secret, SessionStore* sessions) {
  return [secret = std::move(secret), sessions](Access access, Request& request) -> Status {
    if (secret.empty()) {
      return Status::Unauthenticated(
          "this server has no secret configured: set SCRM_SECRET (or `secret` in the config) "
          "to the secret shared with the CRM plugin")
          .WithReason(reason::kNoSecret);
    }
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    const bool ui = request.path.rfind("/ui/", 0) == 0;
    std::string token;
    const std::string authz = request.Header("authorization");
    if (authz.rfind("Bearer ", 0) == 0) {
      token = authz.substr(7);
    } else if (ui && request.method == "GET" && request.path.rfind("/ui/api/", 0) != 0) {
      // Only pages take a sign-on link: a page spends its nonce as it opens
      // the session. The /ui/api/ routes take the session (or a Bearer
      // token), never ?sso=, so a spent link opens nothing there either.
      token = request.Query("sso").value_or("");
    } else if (const std::string sso = request.Query("sso").value_or(""); !sso.empty()) {
      // A sign-on link sent anywhere but a page (an API, a form's POST) is
      // refused, and spent all the same: a link that leaked into a log or a
      // history opens nothing afterwards, whichever route saw it first.
      Result<Principal> p = VerifyToken(sso, secret, now);
      if (p.ok() && sessions != nullptr) sessions->SpendNonce(p->token_nonce, p->token_expires_at, now);
      return Status::Unauthenticated(
                 "a sign-on link (?sso=) opens pages only, and this one is now spent: APIs take "
                 "Authorization: Bearer TOKEN, an API key, or the page's session")
          .WithReason(reason::kNotSignedIn);
    }
    Principal principal;
    if (!token.empty()) {
      // A token travels explicitly with each request: no ambient
      // credential, so no CSRF check.
      Result<Principal> p = VerifyToken(token, secret, now);
      if (!p.ok()) return p.status();
      principal = std::move(*p);
    } else if (const std::string sid = CookieValue(request, kSessionCookie);
               ui && sessions != nullptr && !sid.empty()) {
      std::optional<Session> s = sessions->Find(sid, now);
      if (!s) {
        return Status::Unauthenticated(
            "your session has ended (unused too long, or open longer than its limit): open the "
            "page again from the CRM")
            .WithReason(reason::kSessionEnded);
      }
      // Only the language and the frame, so that a refusal page speaks the
      // user's language in the right look: the principal itself is set
      // once every check has passed.
      request.principal.lang = s->principal.lang;
      request.embed = s->embed;
      if (Status csrf = CheckCsrf(request, s->csrf); !csrf.ok()) return csrf;
      principal = std::move(s->principal);
      request.csrf_token = s->csrf;
    } else {
      if (!ui) return Status::Unauthenticated("missing credentials: send Authorization: Bearer TOKEN");
      return Status::Unauthenticated(
                 "not signed in: open this page from the CRM (it adds ?sso=TOKEN), or send "
                 "Authorization: Bearer TOKEN")
          .WithReason(reason::kNotSignedIn);
    }
    if (access == Access::kApiKey) {
      return Status::Forbidden("this route needs an API key");
    }
    request.principal.lang = principal.lang;
    if (Status s = CheckRoles(access, principal); !s.ok()) return s;
    request.principal = std::move(principal);
    return Status::Ok();
  };
}

index::Viewer ViewerOf(const Principal& principal) {
  index::Viewer v;
  for (const std::string& role : principal.roles) {
    if (role == "admin") v.everything = true;
    if (role == "marketing" || role == "sales" || role == "support") v.internal = true;
    if (role.rfind("community:", 0) == 0 && role.size() > 10) {
      v.communities.push_back(role.substr(10));
    }
  }
  return v;
}

}  // namespace scrm::http
