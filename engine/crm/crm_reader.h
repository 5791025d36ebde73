// CrmReader: reads SuiteCRM 7's own tables (contacts, leads, accounts, their
// e-mail addresses, account memberships, owners and the optional
// twitter_user_c / facebook_user_c custom columns) into core::Customer. It
// only ever SELECTs: the CRM's tables are never written. Pages are ordered by
// id (keyset paging), so memory stays flat whatever the CRM's size.
// Not thread-safe: one reader per sync, on one leased connection.
#ifndef SCRM_CRM_CRM_READER_H_
#define SCRM_CRM_CRM_READER_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/customer.h"
#include "store/pool.h"

namespace scrm::crm {

struct CrmRecord {
  Customer customer;
  bool deleted = false;  // deleted=1 in the CRM: to be removed from the engine's view
};

class CrmReader {
 public:
  // Looks up which optional custom columns this CRM has.
  explicit CrmReader(sql::Connection& conn);

  // Up to `limit` records of `module` with id in (after_id, upto_id] (upto_id
  // empty: no upper bound), by id. With an empty
  // `since`, the live (deleted=0) records; otherwise every record, deleted or
  // not, whose date_modified >= since (UTC "YYYY-MM-DD HH:MM:SS").
  std::vector<CrmRecord> ReadPage(CrmModule module, const std::string& since,
                                  const std::string& after_id, const std::string& upto_id,
                                  int limit);
  // Ids that cut the live records of a module into `parts` spans of about
  // equal size: span i is (cut[i-1], cut[i]], the last one unbounded above.
  std::vector<std::string> SplitPoints(CrmModule module, int parts);
  // These records, deleted or not (ids that no longer exist are left out).
  std::vector<CrmRecord> ReadByIds(CrmModule module, const std::vector<std::string>& ids);
  // Records whose e-mail addresses, e-mail links, account memberships or
  // accounts (a renamed account changes its contacts' company) changed since
  // `since`, whether or not their own row did, by module.
  std::map<CrmModule, std::set<std::string>> RelatedChangesSince(const std::string& since);
  // The database server's clock, UTC.
  std::string DbNow();

  // Ids in (after, last]: the span of one page, used to read its related
  // rows with one range scan. Inactive (empty last): use the ids themselves.
  struct IdRange {
    std::string after;
    std::string last;
    bool active() const { return !last.empty(); }
  };

  bool has_twitter_column(CrmModule m) const;
  bool has_facebook_column(CrmModule m) const;

 private:
  std::vector<CrmRecord> Read(CrmModule module, const std::string& where,
                              const std::vector<std::string>& params, int limit, bool dense);
  void AttachEmails(CrmModule module, std::vector<CrmRecord>& records, const IdRange& range);
  void AttachAccounts(std::vector<CrmRecord>& records, const IdRange& range);

  sql::Connection& conn_;
  std::set<std::string> custom_columns_;  // "contacts_cstm.twitter_user_c", ...
};

}  // namespace scrm::crm

#endif  // SCRM_CRM_CRM_READER_H_
