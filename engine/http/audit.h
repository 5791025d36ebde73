// The security log from the HTTP side (store/audit_repository.h holds the
// table; docs/security.md#the-security-log says what is recorded).
//
// Single events (a sign-on, an API key made, a source changed...) are one
// row each, written as they happen by the code that does them, as done by
// the request's principal from the client's address (AuditByOf). Refusals
// (401, 403, 429) come by the thousand under attack: RefusalLog counts them
// in memory on the request's thread (a lock and a map lookup) and a
// background thread writes them as one row per (kind, reason, address,
// credential, route) and minute with a count, the number of distinct rows a
// minute bounded (AuditOptions), so an attack of any size writes a bounded
// number of rows. Never a credential: only ids and fingerprints of them.
// Thread-safe.
#ifndef SCRM_HTTP_AUDIT_H_
#define SCRM_HTTP_AUDIT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "core/periodic.h"
#include "http/request.h"
#include "store/audit_repository.h"
#include "store/pool.h"

namespace scrm::http {

// The client's address (Request::client_address: the peer, or what a
// trusted proxy forwarded), else the peer's without its port: "203.0.113.7" from
// "203.0.113.7:51234", "::1" from "[::1]:51234".
std::string ClientHost(const Request& request);

// Who made the request (its principal's id: a CRM user's id or
// "api-key:NAME") and from where (ClientHost).
store::AuditBy AuditByOf(const Request& request);

// What a refused request presented, named without giving it away: the
// principal's id once verified; "api-key:scrmk_XXXXXX" (the prefix that key
// lists show) for a credential shaped like an API key; "token:" or
// "session:" and the first 12 hex digits of the SHA-256 of a token or a
// session cookie (a session's are those of its scrm_ui_sessions.id_hash,
// and of its sign-on's object); "" when it carried none.
std::string CredentialId(const Request& request);

// One event, written now, as done by the request's principal from its
// address. A database failure is logged (stderr), not thrown: the act it
// records is done already.
void RecordAudit(store::Pool* pool, const std::string& kind, const Request& request,
                 const std::string& object, const nlohmann::json& detail);

struct AuditOptions {
  // Pending refusals are written at least this often (0: only by Flush()).
  int flush_seconds = 5;
  // Distinct (credential, route) pairs a minute for one kind, reason and
  // address; beyond, the credential is written "*".
  size_t credentials_per_address = 10;
  // Distinct rows a minute, every address together; beyond, address,
  // credential and route are written "*".
  size_t rows_per_minute = 1000;
};

class RefusalLog {
 public:
  // pool: where to write (null: counted in /metrics only).
  explicit RefusalLog(store::Pool* pool, AuditOptions options = {});
  ~RefusalLog();  // flushes what is pending
  RefusalLog(const RefusalLog&) = delete;
  RefusalLog& operator=(const RefusalLog&) = delete;

  // A refused request: status 401 (kind unauthenticated), 403 (forbidden)
  // or 429 (rate_limited); reason: Response::reason ("" is told from the
  // request: no_credentials, api_key_unknown...); route: the router's label.
  void Refused(const Request& request, int status, const std::string& reason,
               const std::string& route, int64_t now);
  // Writes what is pending. A database failure is logged and the counts
  // are kept for the next flush.
  void Flush();
  size_t pending() const;

 private:
  store::Pool* const pool_;
  const AuditOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, store::AuditAggregate> pending_;  // by bucket
  int64_t minute_ = -1;
  std::set<std::string> seen_;                 // buckets this minute
  std::map<std::string, size_t> per_address_;  // buckets this minute per kind|reason|address
  std::mutex flush_mu_;                        // one flush at a time
  std::unique_ptr<Periodic> flusher_;          // last: stops before the rest goes
};

}  // namespace scrm::http

#endif  // SCRM_HTTP_AUDIT_H_
