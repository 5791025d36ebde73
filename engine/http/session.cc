#include "http/session.h"

#include <Poco/URI.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "core/reasons.h"
#include "secrets/crypto.h"
#include "http/router.h"
#include "store/ui_session_repository.h"

namespace scrm::http {

namespace {

// 32 bytes from the kernel's CSPRNG, base64url (43 characters). A machine
// without /dev/urandom cannot make sessions: an exception, not a weak id.
std::string RandomId() {
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  std::string bytes(32, '\0');
  if (!urandom.read(&bytes[0], static_cast<std::streamsize>(bytes.size()))) {
    throw std::runtime_error("cannot read 32 bytes from /dev/urandom for a session id");
  }
  return secrets::Base64UrlEncode(bytes);
}

std::string Trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool SafeMethod(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

}  // namespace

std::optional<Session> SessionStore::Create(const Principal& principal, const std::string& nonce,
                                            int64_t token_expires_at, int64_t now,
                                            const std::string& embed) {
  Session s;
  s.embed = embed;
  s.id = RandomId();
  s.csrf = RandomId();
  s.principal = principal;
  s.principal.token_nonce.clear();
  s.principal.token_expires_at = 0;
  s.created_at = s.last_used_at = now;
  const std::string key = secrets::Sha256Hex(s.id);
  if (pool_ != nullptr) {
    MaybeSweepDatabase(now);
    store::UiSessionRepository repo(*pool_);
    if (!nonce.empty() && !repo.UseNonce(secrets::Sha256Hex(nonce), token_expires_at)) return std::nullopt;
    // The roles the CRM gives this user now, for every session they hold.
    repo.RefreshUser(s.principal.user_id, s.principal.user_name, s.principal.roles);
    store::UiSessionRow row;
    row.id_hash = key;
    row.user_id = s.principal.user_id;
    row.user_name = s.principal.user_name;
    row.roles = s.principal.roles;
    row.lang = s.principal.lang;
    row.csrf_token = s.csrf;
    row.embed = s.embed;
    row.created_at = row.last_seen_at = now;
    row.expires_at = ExpiresAt(now, now);
    repo.Add(row);
    std::lock_guard<std::mutex> lock(mu_);
    RefreshUserLocked(s.principal);
    if (sessions_.size() >= options_.max_sessions) sessions_.clear();  // a cache: read again
    sessions_[key] = Entry{s, now, "", false};
    sessions_[key].session.id.clear();  // the cache holds no cookie value
    return s;
  }
  std::lock_guard<std::mutex> lock(mu_);
  SweepLocked(now);
  if (!nonce.empty()) {
    if (!used_nonces_.emplace(nonce, token_expires_at).second) return std::nullopt;
  }
  RefreshUserLocked(s.principal);
  if (sessions_.size() >= options_.max_sessions) {
    // Full of live sessions: the least recently used one ends.
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.session.last_used_at < oldest->second.session.last_used_at) oldest = it;
    }
    if (oldest != sessions_.end()) sessions_.erase(oldest);
  }
  sessions_.emplace(key, Entry{s, now, "", false});
  return s;
}

bool SessionStore::SpendNonce(const std::string& nonce, int64_t token_expires_at, int64_t now) {
  if (nonce.empty()) return false;
  if (pool_ != nullptr) {
    MaybeSweepDatabase(now);
    return store::UiSessionRepository(*pool_).UseNonce(secrets::Sha256Hex(nonce), token_expires_at);
  }
  std::lock_guard<std::mutex> lock(mu_);
  SweepLocked(now);
  return used_nonces_.emplace(nonce, token_expires_at).second;
}

std::optional<Session> SessionStore::Find(const std::string& id, int64_t now) {
  if (id.empty()) return std::nullopt;
  const std::string key = secrets::Sha256Hex(id);
  bool past_lifetime = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sessions_.find(key);
    if (it != sessions_.end()) {
      Session& s = it->second.session;
      if (now >= s.created_at + options_.max_seconds) {
        // Past its lifetime: over on every engine, whatever they saw.
        sessions_.erase(it);
        if (pool_ == nullptr) return std::nullopt;
        past_lifetime = true;
      } else if (Ended(s, now)) {
        sessions_.erase(it);
        if (pool_ == nullptr) return std::nullopt;
        // Idle here, but perhaps used on another engine: the database says.
      } else if (pool_ == nullptr || now - it->second.checked_at < options_.recheck_seconds) {
        s.last_used_at = std::max(s.last_used_at, now);
        Session found = s;
        found.id = id;
        return found;
      }
    } else if (pool_ == nullptr) {
      return std::nullopt;
    }
  }
  if (past_lifetime) {
    store::UiSessionRepository(*pool_).Remove(key);
    return std::nullopt;
  }
  std::optional<Session> loaded = Load(key, now);
  if (loaded) loaded->id = id;
  return loaded;
}

std::optional<Session> SessionStore::Load(const std::string& key, int64_t now) {
  MaybeSweepDatabase(now);
  store::UiSessionRepository repo(*pool_);
  std::optional<store::UiSessionRow> row = repo.Find(key);
  if (!row || row->expires_at <= now || now >= row->created_at + options_.max_seconds) {
    if (row) repo.Remove(key);  // expired: deleted on the way
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.erase(key);
    return std::nullopt;
  }
  // Each read from the database records the use: the other engines, and
  // this one after a restart, count the idle time from here.
  repo.Touch(key, now, ExpiresAt(row->created_at, now), now);
  Session s;
  s.csrf = row->csrf_token;
  s.principal.user_id = row->user_id;
  s.principal.user_name = row->user_name;
  s.principal.roles = row->roles;
  s.principal.lang = row->lang;
  s.created_at = row->created_at;
  s.last_used_at = now;
  s.embed = row->embed;
  std::lock_guard<std::mutex> lock(mu_);
  if (sessions_.size() >= options_.max_sessions) sessions_.clear();
  // The id itself is not kept: the caller has it (its cookie).
  sessions_[key] = Entry{s, now, "", false};
  return s;
}

void SessionStore::Remove(const std::string& id) {
  if (id.empty()) return;
  const std::string key = secrets::Sha256Hex(id);
  {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.erase(key);
  }
  if (pool_ != nullptr) store::UiSessionRepository(*pool_).Remove(key);
}

size_t SessionStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

void SessionStore::SetFlash(const std::string& id, const std::string& message, int64_t now) {
  if (id.empty()) return;
  const std::string key = secrets::Sha256Hex(id);
  if (pool_ != nullptr) {
    store::UiSessionRepository(*pool_).SetFlash(key, message, now);
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return;
  it->second.flash = message;
  it->second.has_flash = true;
}

std::optional<std::string> SessionStore::TakeFlash(const std::string& id) {
  if (id.empty()) return std::nullopt;
  const std::string key = secrets::Sha256Hex(id);
  if (pool_ != nullptr) return store::UiSessionRepository(*pool_).TakeFlash(key);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end() || !it->second.has_flash) return std::nullopt;
  it->second.has_flash = false;
  return std::move(it->second.flash);
}

void SessionStore::MaybeSweepDatabase(int64_t now) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (now - last_db_sweep_ < options_.sweep_seconds) return;
    last_db_sweep_ = now;
  }
  store::UiSessionRepository(*pool_).RemoveExpired(now);
}

int64_t SessionStore::ExpiresAt(int64_t created_at, int64_t last_used) const {
  return std::min(last_used + options_.idle_seconds, created_at + options_.max_seconds);
}

bool SessionStore::Ended(const Session& s, int64_t now) const {
  return now - s.last_used_at > options_.idle_seconds || now >= s.created_at + options_.max_seconds;
}

void SessionStore::RefreshUserLocked(const Principal& principal) {
  for (auto& [key, entry] : sessions_) {
    Principal& p = entry.session.principal;
    if (p.user_id != principal.user_id) continue;
    p.roles = principal.roles;
    p.user_name = principal.user_name;
  }
}

void SessionStore::SweepLocked(int64_t now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = Ended(it->second.session, now) ? sessions_.erase(it) : ++it;
  }
  // A nonce is remembered while its token could still be presented.
  for (auto it = used_nonces_.begin(); it != used_nonces_.end();) {
    it = it->second < now ? used_nonces_.erase(it) : ++it;
  }
}

std::string CookieValue(const Request& request, const std::string& name) {
  const std::string header = request.Header("cookie");
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(';', start);
    if (end == std::string::npos) end = header.size();
    std::string pair = Trimmed(header.substr(start, end - start));
    size_t eq = pair.find('=');
    if (eq != std::string::npos && Trimmed(pair.substr(0, eq)) == name) {
      return Trimmed(pair.substr(eq + 1));
    }
    start = end + 1;
  }
  return "";
}

bool OverTls(const Request& request) {
  if (request.tls) return true;
  // Any client can send these headers: only a trusted proxy's are believed.
  if (!request.via_trusted_proxy) return false;
  std::string proto = LowerAscii(request.Header("x-forwarded-proto"));
  if (proto.rfind("https", 0) == 0) return true;
  return LowerAscii(request.Header("forwarded")).find("proto=https") != std::string::npos;
}

std::string SessionCookie(const std::string& id, const Request& request, int64_t max_age) {
  std::string c = std::string(kSessionCookie) + "=" + id + "; Path=/ui; HttpOnly";
  if (max_age >= 0) c += "; Max-Age=" + std::to_string(max_age);
  // In the CRM's iframe the engine is often another site: only a
  // SameSite=None cookie is sent there, and browsers accept it only with
  // Secure. Partitioned (CHIPS) keeps it working where third-party cookies
  // are blocked: the cookie is then kept per embedding site.
  c += OverTls(request) ? "; Secure; SameSite=None; Partitioned" : "; SameSite=Lax";
  return c;
}

std::string TargetWithoutSso(const Request& request) {
  std::string query;
  for (const auto& [key, value] : request.query) {
    if (key == "sso") continue;
    std::string k, v;
    Poco::URI::encode(key, "&=+#%?/", k);
    Poco::URI::encode(value, "&=+#%?/", v);
    query += (query.empty() ? "?" : "&") + k + "=" + v;
  }
  return request.path + query;
}

Result<Response> StartSession(SessionStore& sessions, const Request& request, int64_t now) {
  const Principal& p = request.principal;
  const std::string embed = request.Query("embed").value_or("") == kEmbedCrm ? kEmbedCrm : "";
  std::optional<Session> s = sessions.Create(p, p.token_nonce, p.token_expires_at, now, embed);
  Response r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.SetHeader("Location", TargetWithoutSso(request));
  // The sign-on URL carries a token: it must not travel on as a Referer.
  r.SetHeader("Referrer-Policy", "no-referrer");
  if (s) {
    // The browser's previous session, another user's (a shared browser),
    // ends: the new sign-on replaces it. The same user's keeps going with
    // the new roles (Create gave them): two frames of the CRM signing on at
    // once must not end each other's session.
    if (const std::string old = CookieValue(request, kSessionCookie); !old.empty()) {
      std::optional<Session> previous = sessions.Find(old, now);
      if (previous && previous->principal.user_id != p.user_id) sessions.Remove(old);
    }
    // No Max-Age: the engine ends the session when idle; a cookie lifetime
    // would cut a session in use at the hour.
    r.SetHeader("Set-Cookie", SessionCookie(s->id, request, -1));
    return r;
  }
  // The link was used already: a reload of a page whose session is alive
  // goes on in that session; anything else is a replay.
  std::optional<Session> existing = sessions.Find(CookieValue(request, kSessionCookie), now);
  if (existing && existing->principal.user_id == p.user_id) return r;
  return Status::Unauthenticated(
             "this sign-on link was used already: open the page again from the CRM, which signs a "
             "new one")
      .WithReason(reason::kSsoUsed);
}

Response EndSession(SessionStore& sessions, const Request& request) {
  sessions.Remove(CookieValue(request, kSessionCookie));
  Response r;
  r.status = 204;
  r.content_type = "text/plain; charset=utf-8";
  r.SetHeader("Set-Cookie", SessionCookie("", request, 0));
  return r;
}

std::string FormField(const Request& request, const std::string& name) {
  if (LowerAscii(request.Header("content-type")).find("application/x-www-form-urlencoded") ==
      std::string::npos) {
    return "";
  }
  std::multimap<std::string, std::string> fields;
  if (!ParseQuery(request.body, &fields)) return "";
  auto it = fields.find(name);
  return it == fields.end() ? "" : it->second;
}

Status CheckCsrf(const Request& request, const std::string& expected) {
  if (SafeMethod(request.method)) return Status::Ok();
  std::string sent = request.Header(kCsrfHeader);
  if (sent.empty()) sent = FormField(request, kCsrfField);
  if (expected.empty() || sent.empty()) {
    return Status::Forbidden(
        "missing CSRF token: a request made with the session cookie must send the page's token "
        "(<meta name=\"csrf-token\">) in the X-CSRF-Token header or a csrf form field")
        .WithReason(reason::kCsrfMissing);
  }
  if (!secrets::ConstantTimeEquals(sent, expected)) {
    return Status::Forbidden(
        "wrong CSRF token: send the token of the page you opened in this session (X-CSRF-Token); "
        "reload the page if the session was renewed")
        .WithReason(reason::kCsrfWrong);
  }
  return Status::Ok();
}

}  // namespace scrm::http
