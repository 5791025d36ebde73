// CrmReader: reads SuiteCRM 7's own tables (contacts, leads, accounts, their
// e-mail addresses, account memberships, owners and the optional
// twitter_user_c / facebook_user_c custom columns) into core::Customer. It
// only ever SELECTs: the CRM's tables are never written. Pages are ordered by
// id (keyset paging), so memory stays flat whatever the CRM's size.
// Not thread-safe: one reader per sync, on one leased connection.
#ifndef SCRM_CRM_CRM_READER_H_
#define SCRM_CRM_CRM_READER_H_

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

  // Up to `limit` records of `module` with id > after_id, by id. With an empty
  // `since`, the live (deleted=0) records; otherwise every record, deleted or
  // not, whose date_modified >= since (UTC "YYYY-MM-DD HH:MM:SS").
  std::vector<CrmRecord> ReadPage(CrmModule module, const std::string& since,
                                  const std::string& after_id, int limit);
  // These records, deleted or not (ids that no longer exist are left out).
  std::vector<CrmRecord> ReadByIds(CrmModule module, const std::vector<std::string>& ids);
  // Records whose own row did not change since `since` but whose e-mail
  // addresses, e-mail links, account memberships or accounts' names did.
  std::set<std::string> RelatedChangesSince(CrmModule module, const std::string& since);
  // The database server's clock, UTC.
  std::string DbNow();

  bool has_twitter_column(CrmModule m) const;
  bool has_facebook_column(CrmModule m) const;

 private:
  std::vector<CrmRecord> Read(CrmModule module, const std::string& where,
                              const std::vector<std::string>& params, int limit);
  void AttachEmails(CrmModule module, std::vector<CrmRecord>& records);
  void AttachAccounts(std::vector<CrmRecord>& records);

  sql::Connection& conn_;
  std::set<std::string> custom_columns_;  // "contacts_cstm.twitter_user_c", ...
};

}  // namespace scrm::crm

#endif  // SCRM_CRM_CRM_READER_H_
