// LinkRepository: links between social profiles and CRM records
// (scrm_links) and the audit of every decision about them
// (scrm_link_decisions). See docs/identity.md for the life of a link.
//
// Promises: a rejected pair is never proposed again (ApplyMatches skips
// it); a confirmed or manual link is never changed by matching; a profile
// has at most one live link (auto, confirmed or manual); every change of
// status is one audit row, written in the transaction that makes it, with
// who, when, and the evidence at that time. When a link is made or removed,
// the author's posts are queued for the search index in that transaction.
// Thread-safe (each call leases its own connection); database failures
// throw store::DbError; expected failures (not found, conflict) are Status.
#ifndef SCRM_STORE_LINK_REPOSITORY_H_
#define SCRM_STORE_LINK_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/customer.h"
#include "core/status.h"
#include "core/viewer.h"
#include "store/pool.h"

namespace scrm::store {

struct Link {
  int64_t id = 0;
  int64_t profile_id = 0;
  std::string platform;
  std::string external_id;
  std::string handle;       // of the profile, when it is still stored
  std::string profile_url;  // likewise
  std::string display_name;
  CrmModule module = CrmModule::kContacts;
  std::string crm_id;
  std::string status;  // auto, suggested, confirmed, manual, rejected
  double score = 0;
  std::string evidence;  // JSON list of {kind, detail, weight}
  std::string decided_by;
  std::string decided_by_name;
  std::string decided_at;  // UTC "YYYY-MM-DD HH:MM:SS", "" when never decided
  std::string created_at;
  std::string updated_at;
  // The visibility of the source the profile was last read from (public,
  // internal, community; "" when the profile or its source is gone): the
  // link, its evidence and history are shown to Viewer::Sees callers only.
  std::string source_visibility;
  std::string source_community;
};

struct LinkDecision {
  int64_t id = 0;
  int64_t link_id = 0;
  std::string action;  // auto, suggest, confirm, reject, link, unlink, withdraw
  std::string status;  // after the decision
  double score = 0;
  std::string evidence;
  std::string decided_by;
  std::string decided_by_name;
  std::string decided_at;
};

// Who decides: a user (request principal, CLI operator) or matching ("scrm").
struct Actor {
  std::string id;
  std::string name;
};

// What matching proposes for one profile (identity::Proposal, as stored).
struct ProposedLink {
  int64_t profile_id = 0;
  std::string platform;
  std::string external_id;
  CrmModule module = CrmModule::kContacts;
  std::string crm_id;
  double score = 0;
  bool automatic = false;  // auto, else suggested
  std::string evidence;    // JSON
};

struct ApplyCounts {
  int64_t auto_links = 0;      // new auto links
  int64_t suggestions = 0;     // new suggestions
  int64_t refreshed = 0;       // suggestions whose score or evidence changed
  int64_t withdrawn = 0;       // suggestions no longer proposed
  int64_t skipped = 0;         // profiles already linked (kept as they are)
};

// What the search index tags a post with: the CRM records its author is linked to.
struct LinkedCustomer {
  std::string customer;                  // "Contacts/<id>", "Leads/<id>", "Accounts/<id>"
  std::vector<std::string> account_ids;  // the contact's accounts; an account itself
  std::vector<std::string> owner_ids;    // assigned users of the record and its accounts
};
struct AuthorLinks {
  std::string platform;
  std::string author_id;  // Profile::external_id
  std::vector<LinkedCustomer> customers;
};

class LinkRepository {
 public:
  explicit LinkRepository(Pool& pool) : pool_(pool) {}

  // Keys "platform\x1fexternal_id\x1fmodule\x1fcrm_id" of rejected pairs and
  // "platform\x1fexternal_id" of profiles with a live link, for all
  // profiles (profiles empty) or for these (platform, external_id) pairs.
  struct MatchState {
    std::unordered_set<std::string> rejected;
    std::unordered_set<std::string> settled;
  };
  MatchState LoadMatchState(
      const std::vector<std::pair<std::string, std::string>>& profiles = {});
  static std::string PairKey(const std::string& platform, const std::string& external_id,
                             CrmModule module, const std::string& crm_id);
  static std::string ProfileKey(const std::string& platform, const std::string& external_id);

  // Stores what matching proposed for these profiles (every proposal of a
  // profile together; profiles listed in `matched` with no proposal have
  // their open suggestions withdrawn). Profiles with a live link and
  // rejected pairs are left alone.
  ApplyCounts ApplyMatches(const std::vector<std::pair<std::string, std::string>>& matched,
                           const std::vector<ProposedLink>& proposals);

  // status "" : any; module/crm_id "": any. Newest decisions first, by score
  // for suggestions. Only the links `viewer` may see (Link::source_visibility;
  // null: every link, for the CLI and matching).
  std::vector<Link> List(const std::string& status, const std::string& module,
                         const std::string& crm_id, int limit, int offset,
                         const Viewer* viewer = nullptr);
  int64_t Count(const std::string& status, const Viewer* viewer = nullptr);
  std::optional<Link> Get(int64_t id);
  std::vector<LinkDecision> History(int64_t link_id);

  // A suggestion (or an auto link) becomes confirmed. NotFound, or
  // Conflict when it is rejected or the profile is linked elsewhere.
  Result<Link> Confirm(int64_t id, const Actor& who);
  // A suggestion or link becomes rejected (never proposed again).
  Result<Link> Reject(int64_t id, const Actor& who);
  // A live link is removed: the pair becomes rejected, so matching does not
  // bring it back. Conflict when it is not a live link.
  Result<Link> Unlink(int64_t id, const Actor& who);
  // Links a stored profile to a CRM record by hand. NotFound when either
  // is unknown; Conflict when the profile has another live link.
  Result<Link> LinkManually(int64_t profile_id, CrmModule module, const std::string& crm_id,
                            const Actor& who);

  // For the search index: the live links of these authors (platform,
  // Profile::external_id); authors without one are left out.
  std::vector<AuthorLinks> LinkedOfAuthors(
      const std::vector<std::pair<std::string, std::string>>& authors);

 private:
  Pool& pool_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_LINK_REPOSITORY_H_
