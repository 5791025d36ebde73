#include "crm/crm_reader.h"

#include <algorithm>
#include <unordered_map>

#include "core/text.h"
#include "store/sql_util.h"

namespace scrm::crm {

namespace {

struct ModuleTables {
  const char* table;
  const char* cstm;
};

ModuleTables TablesOf(CrmModule m) {
  switch (m) {
    case CrmModule::kContacts: return {"contacts", "contacts_cstm"};
    case CrmModule::kLeads: return {"leads", "leads_cstm"};
    case CrmModule::kAccounts: return {"accounts", "accounts_cstm"};
  }
  return {"contacts", "contacts_cstm"};
}

std::string InList(size_t n) { return store::Placeholders(1, n); }

std::string PersonName(const std::string& first, const std::string& last) {
  return Trim(Trim(first) + " " + Trim(last));
}

}  // namespace

CrmReader::CrmReader(sql::Connection& conn) : conn_(conn) {
  std::unique_ptr<sql::Statement> st(conn_.createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
      "SELECT table_name, column_name FROM information_schema.columns "
      "WHERE table_schema = DATABASE() "
      "AND table_name IN ('contacts_cstm', 'leads_cstm', 'accounts_cstm') "
      "AND column_name IN ('twitter_user_c', 'facebook_user_c', 'id_c')"));
  while (rs->next()) custom_columns_.insert(rs->getString(1) + "." + rs->getString(2));
}

bool CrmReader::has_twitter_column(CrmModule m) const {
  std::string t = TablesOf(m).cstm;
  return custom_columns_.count(t + ".id_c") && custom_columns_.count(t + ".twitter_user_c");
}

bool CrmReader::has_facebook_column(CrmModule m) const {
  std::string t = TablesOf(m).cstm;
  return custom_columns_.count(t + ".id_c") && custom_columns_.count(t + ".facebook_user_c");
}

std::string CrmReader::DbNow() {
  std::unique_ptr<sql::Statement> st(conn_.createStatement());
  std::unique_ptr<sql::ResultSet> rs(
      st->executeQuery("SELECT DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d %H:%i:%s')"));
  rs->next();
  return rs->getString(1);
}

std::vector<CrmRecord> CrmReader::Read(CrmModule module, const std::string& where,
                                       const std::vector<std::string>& params, int limit) {
  const ModuleTables t = TablesOf(module);
  const bool tw = has_twitter_column(module), fb = has_facebook_column(module);
  std::string cols =
      "r.id, r.deleted, r.assigned_user_id, COALESCE(u.user_name, ''), "
      "COALESCE(DATE_FORMAT(r.date_modified, '%Y-%m-%d %H:%i:%s'), ''), ";
  switch (module) {
    case CrmModule::kContacts:
      cols += "r.first_name, r.last_name, r.title, r.primary_address_city, "
              "r.primary_address_country, '', ''";
      break;
    case CrmModule::kLeads:
      cols += "r.first_name, r.last_name, r.title, r.primary_address_city, "
              "r.primary_address_country, r.account_name, r.website";
      break;
    case CrmModule::kAccounts:
      cols += "'', r.name, '', r.billing_address_city, r.billing_address_country, r.name, "
              "r.website";
      break;
  }
  cols += tw ? ", c.twitter_user_c" : ", ''";
  cols += fb ? ", c.facebook_user_c" : ", ''";
  std::string from = std::string(" FROM ") + t.table + " r LEFT JOIN users u ON u.id = r.assigned_user_id";
  if (tw || fb) from += std::string(" LEFT JOIN ") + t.cstm + " c ON c.id_c = r.id";

  std::unique_ptr<sql::PreparedStatement> ps(
      conn_.prepareStatement("SELECT " + cols + from + " WHERE " + where + " ORDER BY r.id" +
                             (limit > 0 ? " LIMIT " + std::to_string(limit) : "")));
  for (size_t i = 0; i < params.size(); ++i) ps->setString(static_cast<int>(i + 1), params[i]);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());

  std::vector<CrmRecord> out;
  while (rs->next()) {
    CrmRecord rec;
    Customer& c = rec.customer;
    c.module = module;
    c.crm_id = rs->getString(1);
    rec.deleted = rs->getInt(2) != 0;
    c.owner_id = Trim(std::string(rs->getString(3)));
    c.owner_name = rs->getString(4);
    c.date_modified = rs->getString(5);
    c.first_name = Trim(std::string(rs->getString(6)));
    c.last_name = Trim(std::string(rs->getString(7)));
    c.title = Trim(std::string(rs->getString(8)));
    c.city = Trim(std::string(rs->getString(9)));
    c.country = Trim(std::string(rs->getString(10)));
    c.company = Trim(std::string(rs->getString(11)));
    c.website = Trim(std::string(rs->getString(12)));
    c.twitter = Trim(std::string(rs->getString(13)));
    c.facebook = Trim(std::string(rs->getString(14)));
    c.name = module == CrmModule::kAccounts ? c.last_name : PersonName(c.first_name, c.last_name);
    if (module == CrmModule::kAccounts) c.last_name.clear();
    c.website_domain = WebsiteDomain(c.website);
    out.push_back(std::move(rec));
  }
  AttachEmails(module, out);
  if (module == CrmModule::kContacts) AttachAccounts(out);
  return out;
}

std::vector<CrmRecord> CrmReader::ReadPage(CrmModule module, const std::string& since,
                                           const std::string& after_id, int limit) {
  std::string where = since.empty() ? "r.deleted = 0 AND r.id > ?" : "r.date_modified >= ? AND r.id > ?";
  std::vector<std::string> params;
  if (!since.empty()) params.push_back(since);
  params.push_back(after_id);
  return Read(module, where, params, limit);
}

std::vector<CrmRecord> CrmReader::ReadByIds(CrmModule module, const std::vector<std::string>& ids) {
  if (ids.empty()) return {};
  return Read(module, "r.id IN " + InList(ids.size()), ids, 0);
}

void CrmReader::AttachEmails(CrmModule module, std::vector<CrmRecord>& records) {
  if (records.empty()) return;
  std::unordered_map<std::string, Customer*> by_id;
  std::vector<std::string> ids;
  for (CrmRecord& r : records) {
    by_id[r.customer.crm_id] = &r.customer;
    ids.push_back(r.customer.crm_id);
  }
  // Primary first, then a stable order; invalid and deleted addresses never count.
  std::unique_ptr<sql::PreparedStatement> ps(conn_.prepareStatement(
      "SELECT l.bean_id, e.email_address, e.opt_out, l.primary_address "
      "FROM email_addr_bean_rel l JOIN email_addresses e ON e.id = l.email_address_id "
      "WHERE l.bean_module = ? AND l.deleted = 0 AND e.deleted = 0 AND e.invalid_email = 0 "
      "AND l.bean_id IN " + InList(ids.size()) +
      " ORDER BY l.bean_id, l.primary_address DESC, e.email_address_caps, e.id"));
  ps->setString(1, CrmModuleName(module));
  for (size_t i = 0; i < ids.size(); ++i) ps->setString(static_cast<int>(i + 2), ids[i]);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  while (rs->next()) {
    auto it = by_id.find(rs->getString(1));
    if (it == by_id.end()) continue;
    std::string address = NormalizeEmail(std::string(rs->getString(2)));
    if (address.empty()) continue;
    std::vector<CustomerEmail>& emails = it->second->emails;
    auto same = std::find_if(emails.begin(), emails.end(),
                             [&](const CustomerEmail& e) { return e.address == address; });
    bool opt_out = rs->getInt(3) != 0;
    if (same != emails.end()) {
      same->opt_out = same->opt_out || opt_out;  // linked twice: the stricter flag wins
      continue;
    }
    emails.push_back(CustomerEmail{address, emails.empty(), opt_out});
  }
}

void CrmReader::AttachAccounts(std::vector<CrmRecord>& records) {
  if (records.empty()) return;
  std::unordered_map<std::string, Customer*> by_id;
  std::vector<std::string> ids;
  for (CrmRecord& r : records) {
    by_id[r.customer.crm_id] = &r.customer;
    ids.push_back(r.customer.crm_id);
  }
  // accounts_contacts has no unique key: duplicates and deleted rows happen.
  // The company shown is the most recently linked live account.
  std::unique_ptr<sql::PreparedStatement> ps(conn_.prepareStatement(
      "SELECT l.contact_id, l.account_id, a.name FROM accounts_contacts l "
      "JOIN accounts a ON a.id = l.account_id AND a.deleted = 0 "
      "WHERE l.deleted = 0 AND l.contact_id IN " + InList(ids.size()) +
      " ORDER BY l.contact_id, l.date_modified DESC, l.account_id"));
  for (size_t i = 0; i < ids.size(); ++i) ps->setString(static_cast<int>(i + 1), ids[i]);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  while (rs->next()) {
    auto it = by_id.find(rs->getString(1));
    if (it == by_id.end()) continue;
    Customer& c = *it->second;
    std::string account = rs->getString(2);
    if (std::find(c.account_ids.begin(), c.account_ids.end(), account) != c.account_ids.end()) {
      continue;
    }
    if (c.account_ids.empty()) c.company = Trim(std::string(rs->getString(3)));
    c.account_ids.push_back(account);
  }
  for (CrmRecord& r : records) std::sort(r.customer.account_ids.begin(), r.customer.account_ids.end());
}

std::set<std::string> CrmReader::RelatedChangesSince(CrmModule module, const std::string& since) {
  std::set<std::string> ids;
  auto collect = [&](const std::string& query, int n_params) {
    std::unique_ptr<sql::PreparedStatement> ps(conn_.prepareStatement(query));
    int i = 1;
    if (query.find("bean_module = ?") != std::string::npos) ps->setString(i++, CrmModuleName(module));
    for (int k = 0; k < n_params; ++k) ps->setString(i++, since);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    while (rs->next()) ids.insert(rs->getString(1));
  };
  collect(
      "SELECT DISTINCT l.bean_id FROM email_addr_bean_rel l "
      "LEFT JOIN email_addresses e ON e.id = l.email_address_id "
      "WHERE l.bean_module = ? AND (l.date_modified >= ? OR e.date_modified >= ?)",
      2);
  if (module == CrmModule::kContacts) {
    collect(
        "SELECT DISTINCT l.contact_id FROM accounts_contacts l "
        "LEFT JOIN accounts a ON a.id = l.account_id "
        "WHERE l.date_modified >= ? OR a.date_modified >= ?",
        2);
  }
  return ids;
}

}  // namespace scrm::crm
