// The sessions of the /ui/ pages (scrm_ui_sessions), the one-time messages
// they carry to the next admin page (scrm_ui_flashes), and the sign-on
// nonces already used (scrm_ui_sso_nonces): sql/0011_ui_sessions.sql and
// 0012_ui_session_embed.sql. The
// repository never sees a cookie value nor a nonce, only their SHA-256
// (http/session.h hashes them). Times are epoch seconds, stored as UTC
// DATETIME. Thread-safe; database failures throw store::DbError.
#ifndef SCRM_STORE_UI_SESSION_REPOSITORY_H_
#define SCRM_STORE_UI_SESSION_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/pool.h"

namespace scrm::store {

struct UiSessionRow {
  std::string id_hash;  // hex SHA-256 of the cookie value
  std::string user_id;
  std::string user_name;
  std::vector<std::string> roles;
  std::string lang;
  std::string csrf_token;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;
  std::string embed;  // "crm": opened in the CRM's frame (sql/0012); "" otherwise
};

class UiSessionRepository {
 public:
  explicit UiSessionRepository(Pool& pool) : pool_(pool) {}

  void Add(const UiSessionRow& row);
  // The session of that hash, whatever its expiry; nullopt when no row.
  std::optional<UiSessionRow> Find(const std::string& id_hash);
  // Moves a session that has not expired at `now` on to last_seen_at and
  // expires_at (never back); an expired or deleted one stays so.
  void Touch(const std::string& id_hash, int64_t last_seen_at, int64_t expires_at, int64_t now);
  void Remove(const std::string& id_hash);  // and its message
  // Every session of that user takes these roles and name (a new sign-on
  // says what the CRM gives the user now); the number of rows changed.
  int64_t RefreshUser(const std::string& user_id, const std::string& user_name,
                      const std::vector<std::string>& roles);
  // Deletes the sessions (with their messages) and the nonces whose
  // expires_at is before now, at most `limit` rows of each; the number of
  // sessions deleted.
  int64_t RemoveExpired(int64_t now, int limit = 1000);

  // Records a sign-on nonce's hash until expires_at; false when it is
  // recorded already (the token was used).
  bool UseNonce(const std::string& nonce_hash, int64_t expires_at);

  // Leaves `message` for the session (replacing one not taken yet); false
  // when the session's row is gone.
  bool SetFlash(const std::string& id_hash, const std::string& message, int64_t now);
  // The session's message, deleted as it is read: exactly one caller gets
  // it, whichever engine asks.
  std::optional<std::string> TakeFlash(const std::string& id_hash);

 private:
  Pool& pool_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_UI_SESSION_REPOSITORY_H_
