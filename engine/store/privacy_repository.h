// PrivacyRepository: removing people and old posts, for `scrm erase` and
// `scrm retention` (docs/privacy.md), and the engine's audit log
// (scrm_audit, sql/0008; the security log's repository is
// store/audit_repository.h).
//
// An erase removes, in one transaction: the person's profiles, every post
// they wrote (found by platform and author id), every link of those
// profiles and, for a customer, every link to that CRM record, with the
// decisions (link audit) about those links; it queues the removed posts in
// scrm_index_queue so that the index feeder removes their documents, and
// writes one scrm_audit row holding a SHA-256 of the subject (computed by
// MariaDB: the subject itself is never stored) and counts only.
// Thread-safe; database failures throw store::DbError.
#ifndef SCRM_STORE_PRIVACY_REPOSITORY_H_
#define SCRM_STORE_PRIVACY_REPOSITORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "store/audit_repository.h"
#include "store/pool.h"

namespace scrm::store {

struct EraseCounts {
  int64_t profiles = 0;
  int64_t posts = 0;
  int64_t links = 0;
  int64_t decisions = 0;
  int64_t audit_id = 0;  // the scrm_audit row written (0 on a dry run)
  nlohmann::json ToJson() const;
};

struct RetentionCounts {
  int64_t source_id = 0;
  std::string source;
  int retention_days = 0;
  std::string cutoff;  // "YYYY-MM-DD HH:MM:SS" UTC: posts published before it go
  int64_t posts = 0;   // removed (or, on a dry run, that would be)
};

class PrivacyRepository {
 public:
  explicit PrivacyRepository(Pool& pool) : pool_(pool) {}

  // module: Contacts, Leads or Accounts. The profiles are those the record
  // is linked to (auto, confirmed or manual links). NotFound when the
  // record has no link and no mirror row: nothing to erase.
  // `by`: who asks, from where (the audit row's actor and address).
  Result<EraseCounts> EraseCustomer(const std::string& module, const std::string& crm_id,
                                    const AuditBy& by, bool dry_run);
  // NotFound when there is no such profile.
  Result<EraseCounts> EraseProfile(int64_t profile_id, const AuditBy& by, bool dry_run);

  // For every source with retention_days > 0: removes (or counts, on a dry
  // run) its posts published more than retention_days ago, in batches, each
  // queued for removal from the index; one audit row per source that lost
  // posts.
  std::vector<RetentionCounts> ApplyRetention(const std::string& actor, bool dry_run);

 private:
  Pool& pool_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_PRIVACY_REPOSITORY_H_
