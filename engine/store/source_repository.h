// SourceRepository: the configured sources (scrm_sources) and their health.
// Names are unique. push_secret is stored as the caller gives it: sealed
// (secrets/seal.h) by the commands that set it, read back by whoever checks a
// signature. Thread-safe; database failures throw store::DbError.
#ifndef SCRM_STORE_SOURCE_REPOSITORY_H_
#define SCRM_STORE_SOURCE_REPOSITORY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/source.h"
#include "core/status.h"
#include "store/audit_repository.h"
#include "store/pool.h"

namespace scrm::store {

class SourceRepository {
 public:
  explicit SourceRepository(Pool& pool) : pool_(pool) {}

  // Validates and inserts; Conflict when the name is taken. `by`: who adds
  // it, from where: the change goes to the security log (source_added) with
  // the settings but never the push secret, nor a URL's user, password or
  // query. Every front-end passes it; null (tests, restores) records nothing.
  Result<Source> Add(const Source& source, const AuditBy* by = nullptr);
  // Validates and rewrites the settings (not the health) of an existing
  // source; with `by`, records which settings changed (source_changed: old
  // and new values, the push secret named only).
  Status Update(const Source& source, const AuditBy* by = nullptr);
  std::optional<Source> Get(const std::string& name);
  std::optional<Source> GetById(int64_t id);
  std::vector<Source> List();
  // NotFound when there is no such source. Its posts, profiles and rejects
  // stay (removing data is an explicit erase, not a side effect).
  // With `by`, recorded (source_removed).
  Status Remove(const std::string& name, const AuditBy* by = nullptr);

  // Health after a run: success (items read, new ETag/Last-Modified) or failure.
  void RecordSuccess(int64_t id, int64_t items, const std::string& etag,
                     const std::string& last_modified);
  void RecordFailure(int64_t id, const std::string& error);
  // A listen source's high-water marks (Source::state), as the client gives them.
  void RecordState(int64_t id, const std::string& state);

  // Rewrites the stored push secrets (sealing clear ones, re-sealing under a
  // new key) in one transaction, the rows locked: `rewrite` gets each source's
  // name and non-empty stored value and returns the value to store (the same
  // one leaves the row alone). Its first error rolls everything back and is
  // returned. Otherwise: how many rows changed.
  using SecretRewrite =
      std::function<Result<std::string>(const std::string& name, const std::string& stored)>;
  Result<int64_t> RewritePushSecrets(const SecretRewrite& rewrite);

 private:
  Pool& pool_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_SOURCE_REPOSITORY_H_
