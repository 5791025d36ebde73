// Sessions of the pages under /ui/: a page opened with ?sso=TOKEN (a token
// the CRM plugin signed for the user) starts a server-side session, kept in
// a cookie `scrm_session` (HttpOnly, Path=/ui); later pages and the /ui/api/
// routes authenticate by that cookie. Every state-changing request made with
// the cookie (POST, PUT, PATCH, DELETE) must carry the session's CSRF token
// in the X-CSRF-Token header or a `csrf` form field. docs/ui.md explains the
// choices (cookie attributes in a CRM iframe, where sessions live, expiry).
//
// With a database (the case of `scrm serve`), MariaDB is the truth:
// sessions, the one-time message an admin's change leaves for the next
// page, and the sign-on nonces already used are rows of sql/0011 (a session
// known by the SHA-256 of its cookie, never the cookie itself), so a
// restart keeps everyone signed in and several engines share them. Each
// engine keeps the sessions it has seen in memory and checks them against
// the database again at most recheck_seconds later: a session deleted or
// expired in the database stops working everywhere within that bound (at
// once on the engine that ended it). Without a database, the store lives in
// memory alone and a restart ends every session. Thread-safe.
#ifndef SCRM_HTTP_SESSION_H_
#define SCRM_HTTP_SESSION_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/status.h"
#include "http/request.h"
#include "store/pool.h"

namespace scrm::http {

constexpr char kSessionCookie[] = "scrm_session";
constexpr char kCsrfHeader[] = "x-csrf-token";
constexpr char kCsrfField[] = "csrf";

struct Session {
  std::string id;    // 32 random bytes, base64url: the cookie's value
  std::string csrf;  // 32 random bytes, base64url: embedded in the page
  Principal principal;
  int64_t created_at = 0;
  int64_t last_used_at = 0;  // epoch seconds; idle expiry counts from here
  // "crm" when the sign-on link said embed=crm (the CRM plugin's frame): every
  // page of the session then keeps the CRM's look; "" when opened directly.
  std::string embed;
};

// The one embed value a sign-on link may carry (?embed=crm): the pages are
// inside the CRM's frame. Any other value is ignored.
constexpr char kEmbedCrm[] = "crm";

struct SessionOptions {
  int64_t idle_seconds = 3600;   // ui.session_minutes * 60
  // In memory alone: past it, the least recently used session ends. With a
  // database: the most sessions cached (past it the cache starts afresh).
  size_t max_sessions = 100000;
  // With a database: how long a session is trusted from the cache before
  // it is read again (deleted or expired there: refused from then on).
  int64_t recheck_seconds = 30;
  // With a database: how often at most this engine deletes the expired
  // rows (sessions, their messages, nonces), on the way of a request.
  int64_t sweep_seconds = 60;
  // Absolute lifetime (ui.session_max_hours * 3600): a session ends this
  // long after its sign-on however busy it is, and its user signs on again
  // from the CRM, which signs a token with the roles they hold then.
  int64_t max_seconds = 12 * 3600;
};

class SessionStore {
 public:
  // pool: the database that holds the sessions, or null to keep them in
  // memory only. Database failures throw store::DbError (503 by the router).
  explicit SessionStore(SessionOptions options = {}, store::Pool* pool = nullptr)
      : options_(options), pool_(pool) {}

  // A new session for this principal, with fresh random id and CSRF token.
  // `nonce`: the token's nonce; a nonce used once cannot start a second
  // session (Create answers nullopt), so a leaked ?sso= link is worth
  // nothing after its first use.
  // `embed`: Session::embed, kept for the session's life.
  // A sign-on says which roles the CRM gives its user now: every live
  // session of that user takes them (and the name), at once on this engine,
  // within recheck_seconds on the others.
  std::optional<Session> Create(const Principal& principal, const std::string& nonce,
                                int64_t token_expires_at, int64_t now,
                                const std::string& embed = "");
  // The live session of this id (its idle clock restarted), or nullopt
  // when unknown, idle for longer than idle_seconds, or older than
  // max_seconds (with a database: deleted there, or past its expires_at,
  // when last read from it).
  std::optional<Session> Find(const std::string& id, int64_t now);
  // Spends a sign-on token's nonce without opening a session: a ?sso= link
  // presented where no page opens (an API route) is worth nothing from then
  // on. False when it was spent already.
  bool SpendNonce(const std::string& nonce, int64_t token_expires_at, int64_t now);
  // Ends the session, here and (with a database) for every engine.
  void Remove(const std::string& id);
  // Sessions held in this process (with a database: the cached ones).
  size_t size() const;
  int64_t idle_seconds() const { return options_.idle_seconds; }
  int64_t max_seconds() const { return options_.max_seconds; }

  // The one-time message of a session: SetFlash leaves it (replacing one not
  // taken yet; nothing when the session is gone), TakeFlash returns it once,
  // whichever engine asks.
  void SetFlash(const std::string& id, const std::string& message, int64_t now);
  std::optional<std::string> TakeFlash(const std::string& id);

 private:
  struct Entry {
    Session session;
    int64_t checked_at = 0;  // with a database: when last read from it
    std::string flash;       // in memory alone: the one-time message
    bool has_flash = false;
  };
  void SweepLocked(int64_t now);
  // A session's expires_at in the database: idle_seconds after its last
  // use, max_seconds after its sign-on at most.
  int64_t ExpiresAt(int64_t created_at, int64_t last_used) const;
  // Idle for longer than idle_seconds, or max_seconds old.
  bool Ended(const Session& s, int64_t now) const;
  // Every cached session of principal.user_id takes its roles and name.
  void RefreshUserLocked(const Principal& principal);
  // With a database: the session from the database, cached; nullopt when
  // deleted or expired there.
  std::optional<Session> Load(const std::string& key, int64_t now);
  void MaybeSweepDatabase(int64_t now);

  const SessionOptions options_;
  store::Pool* const pool_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> sessions_;  // by the SHA-256 of the id
  std::map<std::string, int64_t> used_nonces_;  // in memory: nonce -> token expiry
  int64_t last_db_sweep_ = 0;
};

// The value of one cookie of the Cookie header, "" when absent.
std::string CookieValue(const Request& request, const std::string& name);

// True when the client reached us over TLS: the engine's own listener
// (http.tls_cert_file and http.tls_key_file set), or a TLS reverse proxy
// named in http.trusted_proxies that says so with X-Forwarded-Proto: https
// or Forwarded: proto=https (from any other peer those headers are ignored).
bool OverTls(const Request& request);

// The Set-Cookie value for a session: HttpOnly, Path=/ui, Max-Age when
// max_age >= 0 (0: delete it; -1: until the browser closes); under TLS
// Secure, SameSite=None and Partitioned (so the page works in the CRM's
// iframe on another site), else SameSite=Lax.
std::string SessionCookie(const std::string& id, const Request& request, int64_t max_age);

// The request's path and query with the `sso` parameter left out, for the
// redirect that follows a sign-on.
std::string TargetWithoutSso(const Request& request);

// GET /ui/...?sso=TOKEN, the token already verified (request.principal set,
// with its nonce and expiry): starts a session and answers 303 to the same
// page without ?sso=, setting the cookie; ?embed=crm marks the session as
// the CRM frame's (Session::embed). The session the request's cookie
// named before ends when it is another user's (a sign-on replaces it); the
// same user's has the new token's roles from now on, as every session of
// theirs (SessionStore::Create). A nonce already used answers 303
// as well when the request carries a live session of the same user (a
// reload), else 401 (a Status for the caller to render).
Result<Response> StartSession(SessionStore& sessions, const Request& request, int64_t now);

// POST /ui/logout (by session, CSRF checked): ends the caller's session and
// expires the cookie; 204.
Response EndSession(SessionStore& sessions, const Request& request);

// OK when the request is safe (GET, HEAD, OPTIONS) or carries the session's
// CSRF token (header or form field `csrf`, compared in constant time);
// Forbidden naming the fix otherwise.
Status CheckCsrf(const Request& request, const std::string& expected);

// A form field of an application/x-www-form-urlencoded body, "" when absent.
std::string FormField(const Request& request, const std::string& name);

}  // namespace scrm::http

#endif  // SCRM_HTTP_SESSION_H_
