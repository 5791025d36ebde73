// ProfileReader: what identity matching reads from the database, in bulk
// and by change: every profile (scrm_profiles, streamed in id order, a batch
// at a time, so memory stays flat whatever the table's size), the profiles
// updated since a time, and the CRM's customers with their e-mails and
// account memberships (scrm_customers...), all or synced since a time.
// Thread-safe (each call leases its own connection); database failures
// throw store::DbError.
#ifndef SCRM_STORE_PROFILE_READER_H_
#define SCRM_STORE_PROFILE_READER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/customer.h"
#include "core/post.h"
#include "core/viewer.h"
#include "store/pool.h"

namespace scrm::store {

struct StoredProfile {
  int64_t id = 0;
  Profile profile;  // raw and avatar_url are not read
};

class ProfileReader {
 public:
  explicit ProfileReader(Pool& pool) : pool_(pool) {}

  // Calls on_batch with up to batch_size profiles at a time, in id order,
  // from after_id on. Returns how many were read.
  int64_t ForEachProfile(const std::function<void(std::vector<StoredProfile>&)>& on_batch,
                         int batch_size = 20000, int64_t after_id = 0);
  // Profiles with updated_at >= since (UTC "YYYY-MM-DD HH:MM:SS"), at most limit.
  std::vector<StoredProfile> ProfilesUpdatedSince(const std::string& since, int limit);
  std::vector<StoredProfile> ProfilesByIds(const std::vector<int64_t>& ids);
  // The profiles of these (platform, Profile::external_id) pairs, as a
  // post's author names them (at most 1,000 pairs); unknown ones are absent.
  std::vector<StoredProfile> ProfilesByKeys(
      const std::vector<std::pair<std::string, std::string>>& keys);
  // Ids of profiles whose display name, handle, URL or e-mails contain one
  // of these strings (accent- and case-insensitive). A scan of the table:
  // meant for the few customers an incremental sync changed.
  std::vector<int64_t> ProfileIdsMentioning(const std::vector<std::string>& needles,
                                            int limit = 100000);
  // Of these profile ids (at most kIdChunk), the ones `viewer` may see: read
  // from a source it may see (Viewer::Sees), in the order given.
  std::vector<int64_t> VisibleProfileIds(const std::vector<int64_t>& ids, const Viewer& viewer);

  // Every customer, e-mails and accounts included.
  std::vector<Customer> AllCustomers();
  // Customers with synced_at >= since, at most limit.
  std::vector<Customer> CustomersSyncedSince(const std::string& since, int limit);
  // The database's clock, "YYYY-MM-DD HH:MM:SS" (UTC): watermarks come from it.
  std::string DatabaseNow();

 private:
  std::vector<Customer> ReadCustomers(const std::string& where, const std::string& since);
  Pool& pool_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_PROFILE_READER_H_
