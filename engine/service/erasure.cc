#include "service/erasure.h"

namespace scrm::service {

Result<store::EraseCounts> Erase(store::Pool& pool, const ErasureSubject& subject,
                                 const store::AuditBy& by, bool dry_run) {
  store::PrivacyRepository repo(pool);
  if (subject.customer) {
    return repo.EraseCustomer(CrmModuleName(subject.customer->first), subject.customer->second, by,
                              dry_run);
  }
  return repo.EraseProfile(subject.profile_id, by, dry_run);
}

nlohmann::json ErasureJson(const store::EraseCounts& counts, bool dry_run) {
  nlohmann::json out = counts.ToJson();
  out["dry_run"] = dry_run;
  return out;
}

std::vector<store::RetentionCounts> ApplyRetention(store::Pool& pool, const std::string& actor,
                                                   bool dry_run) {
  return store::PrivacyRepository(pool).ApplyRetention(actor, dry_run);
}

}  // namespace scrm::service
