// Following open networks: the accounts behind profiles linked to CRM
// records (auto, confirmed or manual links) on the AT Protocol and
// ActivityPub are read on a schedule, their profile and recent public posts
// stored through the same ingest pipeline as a file's (one source per
// network, type "network", so visibility, matching and the index follow).
//
// A round, per network: the linked profiles not followed yet are added;
// the accounts due are read, at most max_accounts_per_round of them and
// while the network's request budget lasts (max_requests_per_round); each
// account's client state (cursors, ETags) is kept between rounds; its
// stored posts that the network no longer lists within the span the client
// read in full are removed (sources::GoneUpstream), and an
// account that failed is tried again after a backoff that doubles with each
// failure in a row, up to max_backoff_seconds; once kHostFailuresInARow
// accounts on one host in a row could not be read (the host down, slow or
// refusing), the round reads no more of that host's accounts. An account
// that moved (ActivityPub movedTo, confirmed by the new account's
// alsoKnownAs) brings its successor: followed, and linked to the same CRM
// records by an automatic link whose evidence is the move. Health per network (accounts,
// last success, last error) is in scrm_follows and on the network's source.
// `scrm follow add` resolves a handle or URL live, stores its profile and
// links it to a CRM record as a salesperson's "Link a profile" does.
// Not thread-safe: the networks' clients are not; one round at a time.
#ifndef SCRM_SERVICE_FOLLOW_H_
#define SCRM_SERVICE_FOLLOW_H_

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/customer.h"
#include "core/source.h"
#include "core/status.h"
#include "sources/open_network.h"
#include "store/audit_repository.h"
#include "store/follow_repository.h"
#include "store/link_repository.h"
#include "store/pool.h"

namespace scrm::service {

struct FollowOptions {
  int interval_seconds = 3600;     // follow.interval_minutes: an account is read this often
  int max_accounts_per_round = 50;  // follow.max_accounts_per_round, per network
  int max_requests_per_round = 120;  // follow.max_requests_per_round, per network
  int max_backoff_seconds = 86400;  // failures back off up to this
  sources::FollowLimits limits;     // per account and round
};

// One network's part of a round.
struct NetworkRound {
  std::string network;
  int accounts_added = 0;    // linked profiles newly followed
  int accounts_checked = 0;
  int requests = 0;
  int64_t posts_read = 0;  // handed over by the client, whatever the store made of them
  int64_t posts_new = 0;
  int64_t posts_updated = 0;
  // Removed: deleted upstream (a Delete by the author in what was read, or
  // no longer listed within the span the round read in full).
  int64_t posts_removed = 0;
  int64_t profiles_new = 0;
  int64_t profiles_updated = 0;
  int64_t rejected = 0;
  int errors = 0;
  std::vector<std::string> error_messages;  // the first few, each naming the account
  bool budget_spent = false;  // accounts left due: the request budget was spent
  // Accounts not read: their host (OpenNetwork::HostOf) failed to answer
  // kHostFailuresInARow accounts in a row this round. Each is backed off as
  // a failure of its own, with a message naming the host.
  int accounts_deferred = 0;
  // Accounts that moved (FollowRound's doc): what was done, or why not.
  std::vector<std::string> moves;
};

// Accounts in a row on one host that may fail to answer (Unavailable)
// before a round stops asking that host.
inline constexpr int kHostFailuresInARow = 3;

struct FollowRound {
  std::vector<NetworkRound> networks;
  double seconds = 0;
  // {"profiles_checked","posts_new","posts_updated","posts_removed","errors","seconds",
  //  "networks":[{"network","accounts_added","profiles_checked","requests",
  //  "posts_read","posts_new","posts_updated","posts_removed","profiles_new",
  //  "profiles_updated","rejected",
  //  "errors","profiles_deferred","moves","error_messages","budget_spent"}]}
  nlohmann::json ToJson() const;
};

// The platforms (Profile::platform) whose profiles `network` follows.
std::vector<std::string> PlatformsOf(const std::string& network);

// The source of `network`'s posts ("atproto", "activitypub"), made when
// missing (type network, visibility internal: an admin may change it).
// FailedPrecondition when a source of that name is of another type.
Result<Source> NetworkSource(store::Pool& pool, const std::string& network);

// One round over `networks`. Database failures throw store::DbError.
Result<FollowRound> RunFollowRound(store::Pool& pool,
                                   const std::vector<sources::OpenNetwork*>& networks,
                                   const FollowOptions& options);

// The networks an admin switched on (scrm_settings "following":
// {"atproto": true, ...}; none by default): scrm serve follows only these.
std::vector<std::string> SwitchedOnNetworks(store::Pool& pool);
// Switches `network` on or off (audited as a settings change).
Status SwitchNetwork(store::Pool& pool, const std::string& network, bool on,
                     const store::AuditBy& by);
// Those of `networks` switched on.
std::vector<sources::OpenNetwork*> SwitchedOn(store::Pool& pool,
                                              const std::vector<sources::OpenNetwork*>& networks);

// The open networks scrm follows, in the order admins see them.
const std::vector<std::string>& KnownNetworks();

// One network as an admin sees it: switched on or off, and the health of
// its following (the accounts followed, failing, the last success and the
// newest failure). `scrm follow status`, the admin page and
// GET /api/v1/admin/networks.
struct NetworkStatus {
  std::string network;
  bool on = false;
  store::FollowHealth health;
  // {"network","on","accounts","failing","last_success_at","last_error_at",
  //  "last_error"}; the times and the error null when there is none.
  nlohmann::json ToJson() const;
};

// Every known network's status. Database failures throw store::DbError.
std::vector<NetworkStatus> NetworkStatuses(store::Pool& pool);
// One network's; InvalidArgument naming the known ones when it is not one.
Result<NetworkStatus> NetworkStatusOf(store::Pool& pool, const std::string& network);

struct AddedFollow {
  sources::RemoteAccount account;
  int64_t profile_id = 0;
  store::Link link;
  int64_t posts = 0;  // posts stored by the first read
};

// `scrm follow add MODULE/ID HANDLE_OR_URL`: the network that recognises
// the handle or URL resolves it live; the account's profile and recent
// posts are read and stored; the profile is linked to the record by hand
// (the link's decision row, as "Link a profile") and the act written to
// the security log (follow_added). InvalidArgument when no network
// recognises the text; NotFound when the network has no such account or
// the record is unknown; Conflict when the profile is linked elsewhere.
Result<AddedFollow> AddFollow(store::Pool& pool,
                              const std::vector<sources::OpenNetwork*>& networks,
                              const FollowOptions& options, CrmModule module,
                              const std::string& crm_id, const std::string& handle_or_url,
                              const store::Actor& who, const std::string& address = "");

}  // namespace scrm::service

#endif  // SCRM_SERVICE_FOLLOW_H_
