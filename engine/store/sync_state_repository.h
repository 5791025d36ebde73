// SyncStateRepository: the watermark and outcome of each background job
// (scrm_sync_state), so that an incremental CRM sync resumes where the last
// successful one stopped, and operators can see the sync lag.
#ifndef SCRM_STORE_SYNC_STATE_REPOSITORY_H_
#define SCRM_STORE_SYNC_STATE_REPOSITORY_H_

#include <optional>
#include <string>

#include "store/pool.h"

namespace scrm::store {

struct SyncState {
  std::string watermark;        // UTC "YYYY-MM-DD HH:MM:SS"; empty before the first success
  std::string last_run_at;      // likewise
  std::string last_success_at;  // likewise
  std::string last_error;
  std::string last_summary;  // JSON
};

class SyncStateRepository {
 public:
  explicit SyncStateRepository(Pool& pool) : pool_(pool) {}
  std::optional<SyncState> Get(const std::string& name);
  void RecordSuccess(const std::string& name, const std::string& watermark,
                     const std::string& summary_json);
  void RecordFailure(const std::string& name, const std::string& error);

 private:
  Pool& pool_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_SYNC_STATE_REPOSITORY_H_
