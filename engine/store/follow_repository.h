// FollowRepository: scrm_follows, the accounts followed on open networks
// (sql/0014_follows.sql). Which accounts: those added by `scrm follow add`
// and every profile with a live link (auto, confirmed, manual) to a CRM
// record whose platform belongs to a network; only accounts whose profile
// is still linked are ever due. The state column is the network client's
// own (cursors, ETags); this repository stores it as given.
#ifndef SCRM_STORE_FOLLOW_REPOSITORY_H_
#define SCRM_STORE_FOLLOW_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/pool.h"

namespace scrm::store {

struct FollowRow {
  int64_t id = 0;
  std::string network;
  std::string account_id;
  std::string handle;
  std::string profile_url;
  std::string platform;
  std::string state;
  int failures = 0;
};

// Health of one network's following, for the admin page and `scrm follow`.
struct FollowHealth {
  std::string network;
  int64_t accounts = 0;          // followed (linked) accounts
  int64_t failing = 0;           // of which the last round failed
  std::string last_success_at;   // "YYYY-MM-DD HH:MM:SS" UTC, "" never
  std::string last_error_at;
  std::string last_error;        // the newest failure's message, "" none
};

class FollowRepository {
 public:
  explicit FollowRepository(Pool& pool) : pool_(pool) {}

  // Adds (or refreshes the handle and URL of) one account, due now.
  void Upsert(const FollowRow& row);
  // Adds the accounts of live-linked profiles of `platforms` not followed
  // yet on `network`, due now. Returns how many were added.
  int64_t AddLinked(const std::string& network, const std::vector<std::string>& platforms);
  // At most `limit` accounts of `network` due now whose profile is linked,
  // the longest due first.
  std::vector<FollowRow> Due(const std::string& network, int limit);
  // A round read the account: its new state; next due in `next_seconds`.
  void RecordSuccess(int64_t id, const std::string& state, int requests, int posts,
                     int next_seconds);
  // A round failed: the error, one more failure in a row, next due in
  // `next_seconds` (the caller's backoff).
  void RecordFailure(int64_t id, const std::string& error, int requests, int next_seconds);
  // The account's handle changed (the network verified it): shown from now on.
  void Rename(int64_t id, const std::string& handle, const std::string& profile_url);
  FollowHealth Health(const std::string& network);
  // The row's id, if the account is followed.
  std::optional<int64_t> IdOf(const std::string& network, const std::string& account_id);
  // scrm_profiles.id of (platform, external id); 0 when not stored.
  int64_t ProfileId(const std::string& platform, const std::string& external_id);

 private:
  Pool& pool_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_FOLLOW_REPOSITORY_H_
