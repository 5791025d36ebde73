// Erasing people and old posts as every front-end offers it (`scrm erase`,
// POST /api/v1/admin/erase; `scrm retention` and `scrm serve`'s retention
// loop), docs/privacy.md. An erasure removes a CRM record's linked profiles
// (or one profile), their posts, links and decisions in one transaction
// (store::PrivacyRepository), queues the posts for removal from the index,
// and writes one security log row with `by` (a SHA-256 of the subject and
// counts); a dry run counts and writes nothing. Taking the queued posts out
// of the index is the feeder's (a running `scrm serve`'s, or the command's
// own drain). Thread-safe; database failures throw store::DbError.
#ifndef SCRM_SERVICE_ERASURE_H_
#define SCRM_SERVICE_ERASURE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/customer.h"
#include "core/status.h"
#include "store/audit_repository.h"
#include "store/pool.h"
#include "store/privacy_repository.h"

namespace scrm::service {

// Whom an erasure is about: a CRM record (every profile linked to it, and
// every link to the record) or, when no customer, one profile.
struct ErasureSubject {
  std::optional<std::pair<CrmModule, std::string>> customer;
  int64_t profile_id = 0;
};

// NotFound when the engine holds nothing of the subject (no such profile;
// a CRM record with no link and no synced row).
Result<store::EraseCounts> Erase(store::Pool& pool, const ErasureSubject& subject,
                                 const store::AuditBy& by, bool dry_run);
// The counts and "dry_run", as the API and `scrm erase --json` answer them.
nlohmann::json ErasureJson(const store::EraseCounts& counts, bool dry_run);

// For every source with a retention: removes (or counts, on a dry run) its
// posts published more than retention_days ago; one security log row, by
// `actor`, per source that lost posts.
std::vector<store::RetentionCounts> ApplyRetention(store::Pool& pool, const std::string& actor,
                                                   bool dry_run);

}  // namespace scrm::service

#endif  // SCRM_SERVICE_ERASURE_H_
