// AuditRepository: the security log (scrm_audit, sql/0008 and 0013; docs/
// security.md#the-security-log). Who did what, when, from which address,
// to which object: sign-ons, refusals (401/403/429, aggregated per minute),
// API keys made and revoked, sources added, changed and removed, settings
// (matching thresholds), exports, imports, erasures and retention runs.
//
// A row never holds a secret: no token, key, cookie, push secret nor
// password, only ids and fingerprints (a few hex digits of a SHA-256) of
// credentials, and JSON details whose keys are checked (a key naming a
// secret is a bug: std::invalid_argument). Erasures keep a SHA-256 of their
// subject, never the subject. Every row written by this process is also
// counted per kind (AuditEventsCounted, /metrics). Thread-safe; database
// failures throw store::DbError.
#ifndef SCRM_STORE_AUDIT_REPOSITORY_H_
#define SCRM_STORE_AUDIT_REPOSITORY_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/pool.h"

namespace scrm::store {

// Every kind of entry, in the order `scrm audit list --help` and /metrics
// show them.
inline constexpr const char* kAuditKinds[] = {
    "sign_on",          // a /ui/ session opened by ?sso= (actor: the CRM user; detail: roles)
    "unauthenticated",  // 401s, aggregated (actor: the credential's id or fingerprint)
    "forbidden",        // 403s, aggregated
    "rate_limited",     // 429s, aggregated
    "api_key_created", "api_key_revoked", "source_added", "source_changed", "source_removed",
    "settings",  // a stored setting changed (the matching thresholds)
    "export",          "import",          "erase",        "retention",
    "follow_added",  // scrm follow add: a profile on an open network linked and followed
};
bool IsAuditKind(const std::string& kind);

// Who acted: a CRM user's id, "api-key:NAME", "cli:LOGIN" or "scrm" (the
// engine's own jobs), and the client's address ("" from the command line).
struct AuditBy {
  std::string actor;
  std::string address;
};

struct AuditEntry {
  std::string kind;       // one of kAuditKinds
  std::string actor;      // see AuditBy
  std::string subject;    // hashed (SHA-256) by the database; "" for none
  nlohmann::json detail;  // ids and counts: never a secret, names of people or e-mails
  std::string object;     // what was acted on: "source:NAME", "api-key:NAME", "posts.jsonl"...
  std::string address;    // the client's address; "" from the command line
};

// Refusals counted in memory and written as one row per key and minute
// (http/audit.h): Add()ing the same key again adds to its count.
struct AuditAggregate {
  std::string key;  // identifies the bucket (hex SHA-256 of its fields and minute)
  AuditEntry entry;
  int64_t count = 0;
  int64_t first_at = 0;  // epoch seconds
  int64_t last_at = 0;
};

struct AuditRow {
  int64_t id = 0;
  std::string kind, actor, address, object, subject_hash;
  nlohmann::json detail;  // null when none
  int64_t count = 1;
  int64_t created_at = 0;  // epoch seconds; the first event of an aggregate
  int64_t last_at = 0;     // the last event of an aggregate; created_at for others
  nlohmann::json ToJson() const;
};

struct AuditFilter {
  std::vector<std::string> kinds;  // empty: every kind
  int64_t since = 0;               // epoch seconds: entries whose last event is at or after it
  std::string actor;               // exact; "" any
  std::string address;             // exact; "" any
  int limit = 100;                 // the newest this many, newest first
};

class AuditRepository {
 public:
  explicit AuditRepository(Pool& pool) : pool_(pool) {}

  // One row now; its id.
  int64_t Add(const AuditEntry& entry);
  // Adds each aggregate's count to its row (made at the first Add of a key).
  // Not counted again per kind: the caller counted each event as it came.
  void AddAggregates(const std::vector<AuditAggregate>& aggregates);
  std::vector<AuditRow> List(const AuditFilter& filter);
  // For an import that restores rows 1..max_id with their ids: new rows
  // get ids above max_id from now on, and the rows already there with an
  // id up to max_id move after every other row (new ids, same order, no
  // longer aggregated further). Nothing is lost.
  void MakeRoomUpTo(int64_t max_id);

 private:
  Pool& pool_;
};

// One scrm_audit row on `conn` (inside the caller's transaction); its id.
int64_t WriteAuditOn(sql::Connection& conn, const AuditEntry& entry);

// Events of each kind recorded by this process since it started (/metrics:
// scrm_audit_events_total). CountAuditEvents is called by the writes above
// and by whoever counts events before writing them aggregated.
void CountAuditEvents(const std::string& kind, int64_t n);
int64_t AuditEventsCounted(const std::string& kind);

}  // namespace scrm::store

#endif  // SCRM_STORE_AUDIT_REPOSITORY_H_
