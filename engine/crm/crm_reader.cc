#include "crm/crm_reader.h"

#include <algorithm>
#include <optional>
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
                                       const std::vector<std::string>& params, int limit,
                                       bool dense) {
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
  // A dense page (every live record of an id span, as a full sync reads):
  // its related rows are read by the same span, one index range scan, rather
  // than by an IN list of every id. A sparse page (changed records only)
  // would drag in the rows of every record in between: it uses the ids.
  IdRange range;
  if (dense && !out.empty()) range = IdRange{params.back(), out.back().customer.crm_id};
  AttachEmails(module, out, range);
  if (module == CrmModule::kContacts) AttachAccounts(out, range);
  return out;
}

std::vector<CrmRecord> CrmReader::ReadPage(CrmModule module, const std::string& since,
                                           const std::string& after_id,
                                           const std::string& upto_id, int limit) {
  std::string where = since.empty() ? "r.deleted = 0" : "r.date_modified >= ?";
  std::vector<std::string> params;
  if (!since.empty()) params.push_back(since);
  if (!upto_id.empty()) {
    where += " AND r.id <= ?";
    params.push_back(upto_id);
  }
  where += " AND r.id > ?";  // last: Read() takes the span's start from params.back()
  params.push_back(after_id);
  return Read(module, where, params, limit, /*dense=*/since.empty());
}

std::vector<std::string> CrmReader::SplitPoints(CrmModule module, int parts) {
  std::vector<std::string> cuts;
  if (parts < 2) return cuts;
  const std::string table = TablesOf(module).table;
  std::unique_ptr<sql::Statement> st(conn_.createStatement());
  std::unique_ptr<sql::ResultSet> count(
      st->executeQuery("SELECT COUNT(*) FROM " + table + " WHERE deleted = 0"));
  int64_t n = count->next() ? count->getInt64(1) : 0;
  if (n < 10000) return cuts;  // not worth the threads
  for (int p = 1; p < parts; ++p) {
    std::unique_ptr<sql::ResultSet> rs(
        st->executeQuery("SELECT id FROM " + table + " WHERE deleted = 0 ORDER BY id LIMIT 1 OFFSET " +
                         std::to_string(n * p / parts)));
    if (rs->next()) cuts.push_back(rs->getString(1));
  }
  return cuts;
}

std::vector<CrmRecord> CrmReader::ReadByIds(CrmModule module, const std::vector<std::string>& ids) {
  if (ids.empty()) return {};
  return Read(module, "r.id IN " + InList(ids.size()), ids, 0, /*dense=*/false);
}

namespace {

// Binds the ids that select related rows: "BETWEEN" bounds for a page's id
// range, or the ids themselves for an IN list.
std::string IdFilter(const std::string& column, const CrmReader::IdRange& range, size_t n_ids) {
  if (range.active()) return column + " > ? AND " + column + " <= ?";
  return column + " IN " + InList(n_ids);
}

int BindIdFilter(sql::PreparedStatement& ps, int i, const CrmReader::IdRange& range,
                 const std::vector<std::string>& ids) {
  if (range.active()) {
    ps.setString(i++, range.after);
    ps.setString(i++, range.last);
  } else {
    for (const std::string& id : ids) ps.setString(i++, id);
  }
  return i;
}

// The page's customers by id, and their ids in page order.
void IndexById(std::vector<CrmRecord>& records, std::unordered_map<std::string, Customer*>* by_id,
               std::vector<std::string>* ids) {
  for (CrmRecord& r : records) {
    (*by_id)[r.customer.crm_id] = &r.customer;
    ids->push_back(r.customer.crm_id);
  }
}

}  // namespace

void CrmReader::AttachEmails(CrmModule module, std::vector<CrmRecord>& records,
                             const IdRange& range) {
  if (records.empty()) return;
  std::unordered_map<std::string, Customer*> by_id;
  std::vector<std::string> ids;
  IndexById(records, &by_id, &ids);
  // Primary first, then a stable order; invalid and deleted addresses never count.
  std::unique_ptr<sql::PreparedStatement> ps(conn_.prepareStatement(
      "SELECT l.bean_id, e.email_address, e.opt_out, l.primary_address "
      "FROM email_addr_bean_rel l JOIN email_addresses e ON e.id = l.email_address_id "
      "WHERE l.bean_module = ? AND l.deleted = 0 AND e.deleted = 0 AND e.invalid_email = 0 "
      "AND " + IdFilter("l.bean_id", range, ids.size()) +
      " ORDER BY l.bean_id, l.primary_address DESC, e.email_address_caps, e.id"));
  ps->setString(1, CrmModuleName(module));
  BindIdFilter(*ps, 2, range, ids);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  while (rs->next()) {
    auto it = by_id.find(rs->getString(1));
    if (it == by_id.end()) continue;  // a record outside this page (deleted, filtered out)
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

void CrmReader::AttachAccounts(std::vector<CrmRecord>& records, const IdRange& range) {
  if (records.empty()) return;
  std::unordered_map<std::string, Customer*> by_id;
  std::vector<std::string> ids;
  IndexById(records, &by_id, &ids);
  // accounts_contacts has no unique key: duplicates and deleted rows happen.
  // The company shown is the most recently linked live account.
  std::unique_ptr<sql::PreparedStatement> ps(conn_.prepareStatement(
      "SELECT l.contact_id, l.account_id, a.name FROM accounts_contacts l "
      "JOIN accounts a ON a.id = l.account_id AND a.deleted = 0 "
      "WHERE l.deleted = 0 AND " + IdFilter("l.contact_id", range, ids.size()) +
      " ORDER BY l.contact_id, l.date_modified DESC, l.account_id"));
  BindIdFilter(*ps, 1, range, ids);
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

std::map<CrmModule, std::set<std::string>> CrmReader::RelatedChangesSince(
    const std::string& since) {
  // Each query scans one table by date_modified (SuiteCRM indexes none of
  // them on it) and joins nothing per row: a join evaluated for every link
  // row costs seconds on a CRM of 100,000 contacts.
  std::map<CrmModule, std::set<std::string>> out;
  auto query = [&](const std::string& q, const std::vector<std::string>& params) {
    std::unique_ptr<sql::PreparedStatement> ps(conn_.prepareStatement(q));
    for (size_t i = 0; i < params.size(); ++i) ps->setString(static_cast<int>(i + 1), params[i]);
    return std::unique_ptr<sql::ResultSet>(ps->executeQuery());
  };
  auto add_bean = [&](const std::string& module, const std::string& id) {
    if (std::optional<CrmModule> m = ParseCrmModule(module)) out[*m].insert(id);
  };
  // E-mail links added, removed or changed.
  for (auto rs = query("SELECT bean_module, bean_id FROM email_addr_bean_rel WHERE date_modified >= ?",
                       {since});
       rs->next();) {
    add_bean(rs->getString(1), rs->getString(2));
  }
  // Addresses changed (invalid, opted out, edited): their links' owners.
  std::vector<std::string> addresses;
  for (auto rs = query("SELECT id FROM email_addresses WHERE date_modified >= ?", {since}); rs->next();) {
    addresses.push_back(rs->getString(1));
  }
  for (size_t i = 0; i < addresses.size(); i += 1000) {
    std::vector<std::string> chunk(addresses.begin() + i,
                                   addresses.begin() + std::min(addresses.size(), i + 1000));
    for (auto rs = query("SELECT bean_module, bean_id FROM email_addr_bean_rel "
                         "WHERE email_address_id IN " + InList(chunk.size()), chunk);
         rs->next();) {
      add_bean(rs->getString(1), rs->getString(2));
    }
  }
  // Memberships changed, and accounts changed (a new name is their contacts' company).
  std::set<std::string>& contacts = out[CrmModule::kContacts];
  for (auto rs = query("SELECT contact_id FROM accounts_contacts WHERE date_modified >= ?", {since});
       rs->next();) {
    contacts.insert(rs->getString(1));
  }
  std::vector<std::string> accounts;
  for (auto rs = query("SELECT id FROM accounts WHERE date_modified >= ?", {since}); rs->next();) {
    accounts.push_back(rs->getString(1));
  }
  for (size_t i = 0; i < accounts.size(); i += 1000) {
    std::vector<std::string> chunk(accounts.begin() + i,
                                   accounts.begin() + std::min(accounts.size(), i + 1000));
    for (auto rs = query("SELECT contact_id FROM accounts_contacts WHERE account_id IN " +
                             InList(chunk.size()),
                         chunk);
         rs->next();) {
      contacts.insert(rs->getString(1));
    }
  }
  return out;
}

}  // namespace scrm::crm
