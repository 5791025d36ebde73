// Links between social profiles and CRM records as every front-end decides
// them (`scrm links`, /api/v1/links, the Social panel's forms through it):
// the review queue (list, paged and filtered), one link with its history,
// confirm or reject a suggestion, unlink, and link by hand. Each decision is
// written with its actor by store::LinkRepository (scrm_link_decisions, in
// the decision's transaction, with the author's posts queued for the
// index); linking by hand retries a lost race (store/sql_util.h).
//
// `viewer` is whom the links are shown to: a link whose profile's source it
// may not see is as unknown as one that does not exist (the same NotFound),
// so that ids do not tell what is hidden. nullptr: an operator, who sees
// every link. Thread-safe; database failures throw store::DbError.
#ifndef SCRM_SERVICE_LINKS_H_
#define SCRM_SERVICE_LINKS_H_

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/customer.h"
#include "core/status.h"
#include "core/viewer.h"
#include "store/link_repository.h"
#include "store/pool.h"

namespace scrm::service {

// A page of the review queue. Empty strings do not filter.
struct LinkQuery {
  std::string status;  // auto, suggested (the review queue, best first), confirmed, manual, rejected
  std::string module;  // Contacts, Leads or Accounts
  std::string crm_id;  // with module: the links of one record
  int limit = 50;
  int offset = 0;
};

struct LinkPage {
  std::vector<store::Link> links;
  int64_t total = 0;  // links of this status the viewer may see (every page)
};

// A link and its decisions, oldest first.
struct LinkDetail {
  store::Link link;
  std::vector<store::LinkDecision> history;
};

// InvalidArgument (field "status" or "module") for a status or module that
// is none of the above.
Result<LinkPage> ListLinks(store::Pool& pool, const LinkQuery& query, const Viewer* viewer);

// NotFound when there is no link `id` or the viewer may not see it.
Result<LinkDetail> GetLink(store::Pool& pool, int64_t id, const Viewer* viewer);

// The decisions on link `id`: NotFound as GetLink, else the repository's
// answer (Conflict when the link's state does not allow it). Confirm keeps a
// link for good (matching never undoes it); reject and unlink make the pair
// one that matching never proposes again.
Result<LinkDetail> ConfirmLink(store::Pool& pool, int64_t id, const store::Actor& who,
                               const Viewer* viewer);
Result<LinkDetail> RejectLink(store::Pool& pool, int64_t id, const store::Actor& who,
                              const Viewer* viewer);
Result<LinkDetail> UnlinkLink(store::Pool& pool, int64_t id, const store::Actor& who,
                              const Viewer* viewer);

// Links profile `profile_id` to a CRM record by hand: NotFound when the
// viewer may not see the profile (or it is not stored), else
// store::LinkRepository::LinkManually's answer.
Result<LinkDetail> LinkByHand(store::Pool& pool, int64_t profile_id, CrmModule module,
                              const std::string& crm_id, const store::Actor& who,
                              const Viewer* viewer);

// A stored link as the API and `scrm links --json` show it: id, status,
// score, evidence, the profile (id, platform, handle, url, name), the CRM
// record (crm_module, crm_id) and the last decision (decided_by...).
nlohmann::json LinkJson(const store::Link& link);
nlohmann::json LinkDecisionJson(const store::LinkDecision& decision);
// LinkJson with "history": its decisions.
nlohmann::json LinkDetailJson(const LinkDetail& detail);

}  // namespace scrm::service

#endif  // SCRM_SERVICE_LINKS_H_
