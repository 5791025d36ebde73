// Tokens: how a CRM user (through the SuiteCRM plugin) or a script proves
// who it is. The plugin and the engine share a secret (config `secret`,
// env SCRM_SECRET); a token is
//
//   v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256(secret, "v1." + claims part))>
//
// with claims {"sub": user id, "name", "roles": [...], "lang", "exp": epoch
// seconds, "nonce"}. Sent as `Authorization: Bearer TOKEN` (or `?sso=TOKEN`
// on a page). docs/api.md#authentication documents it for plugin writers.
//
// Roles: "admin" (everything, admin routes), "marketing", "sales",
// "support" (staff: public and internal posts), "community:<name>" (posts
// of that community), "viewer" (public posts only); every role sees public
// posts. A token with none of these roles is refused (403) on every route.
#ifndef SCRM_HTTP_AUTH_H_
#define SCRM_HTTP_AUTH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "http/request.h"
#include "http/router.h"
#include "index/index.h"

namespace scrm::http {

struct TokenClaims {
  std::string user_id;
  std::string user_name;
  std::vector<std::string> roles;
  std::string lang = "en";
  int64_t expires_at = 0;  // epoch seconds
  std::string nonce;       // random; filled by MintToken when empty
};

std::string MintToken(TokenClaims claims, const std::string& secret);

// The principal of a valid token; Unauthenticated naming what is wrong
// (malformed, bad signature, expired) otherwise.
Result<Principal> VerifyToken(const std::string& token, const std::string& secret, int64_t now);

class SessionStore;

// The authorizer of the server: a Bearer token; on /ui/ paths also ?sso=
// (GET only) or the session cookie of `sessions` (not null), whose
// state-changing requests must carry the session's CSRF token
// (http/session.h); the admin role for Access::kAdmin. An empty secret
// refuses everything with the fix ("set SCRM_SECRET").
Authorizer TokenAuthorizer(std::string secret, SessionStore* sessions = nullptr);

// Whether the principal may decide links (confirm, reject, unlink, link by
// hand): admin, sales and support, the roles that work CRM records.
// marketing (reads conversations), viewer and community:NAME only read.
bool CanDecideLinks(const Principal& principal);

// Forbidden when the principal has no scrm role, the route needs admin and
// the principal is not, or the route decides links and the principal may
// not (CanDecideLinks); OK otherwise.
Status CheckRoles(Access access, const Principal& principal);

// What a principal may see in search, panels and exports.
index::Viewer ViewerOf(const Principal& principal);

}  // namespace scrm::http

#endif  // SCRM_HTTP_AUTH_H_
