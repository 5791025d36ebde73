#include "store/customer_repository.h"

#include <algorithm>
#include <unordered_map>

#include "core/text.h"
#include "store/sql_util.h"

namespace scrm::store {

namespace {

constexpr size_t kChunk = 1000;

const char kColumns[] =
    "module, crm_id, first_name, last_name, name, title, company, city, country, website, "
    "website_domain, owner_id, owner_name, twitter, facebook, crm_date_modified, fingerprint, "
    "synced_at";
constexpr size_t kBoundColumns = 17;  // all but synced_at

// Binds one customer's columns from index `first`; returns the next index.
int BindCustomer(sql::PreparedStatement& ps, int i, const Customer& c, const std::string& fp) {
  ps.setString(i++, CrmModuleName(c.module));
  ps.setString(i++, c.crm_id);
  ps.setString(i++, TruncateUtf8(c.first_name, 100));
  ps.setString(i++, TruncateUtf8(c.last_name, 100));
  ps.setString(i++, TruncateUtf8(c.name, 255));
  ps.setString(i++, TruncateUtf8(c.title, 100));
  ps.setString(i++, TruncateUtf8(c.company, 255));
  ps.setString(i++, TruncateUtf8(c.city, 100));
  ps.setString(i++, TruncateUtf8(c.country, 100));
  ps.setString(i++, TruncateUtf8(c.website, 255));
  ps.setString(i++, TruncateUtf8(c.website_domain, 255));
  ps.setString(i++, TruncateUtf8(c.owner_id, 36));
  ps.setString(i++, TruncateUtf8(c.owner_name, 60));
  ps.setString(i++, TruncateUtf8(c.twitter, 255));
  ps.setString(i++, TruncateUtf8(c.facebook, 255));
  if (c.date_modified.empty()) {
    ps.setNull(i++, sql::DataType::TIMESTAMP);
  } else {
    ps.setString(i++, c.date_modified);
  }
  ps.setString(i++, fp);
  return i;
}

std::string InList(size_t n) {
  std::string s = "(";
  for (size_t i = 0; i < n; ++i) s += i ? ",?" : "?";
  return s + ")";
}

// Deletes rows of `table` whose key columns match the ids.
void DeleteByIds(sql::Connection& conn, const std::string& table, const std::string& where_module,
                 const std::string& id_column, CrmModule module,
                 const std::vector<const std::string*>& ids) {
  std::unique_ptr<sql::PreparedStatement> ps(conn.prepareStatement(
      "DELETE FROM " + table + " WHERE " + where_module + id_column + " IN " + InList(ids.size())));
  int i = 1;
  if (!where_module.empty()) ps->setString(i++, CrmModuleName(module));
  for (const std::string* id : ids) ps->setString(i++, *id);
  ps->execute();
}

// Writes new and changed customers. Rows of records the engine held before
// (replacing) have their e-mails and memberships deleted first.
void WriteChunk(sql::Connection& conn, CrmModule module, const std::vector<const Customer*>& rows,
                const std::vector<std::string>& fingerprints,
                const std::vector<const std::string*>& replacing) {
  std::unique_ptr<sql::PreparedStatement> ps(conn.prepareStatement(
      std::string("INSERT INTO scrm_customers (") + kColumns + ") VALUES " +
      [&] {
        std::string one = "(";
        for (size_t c = 0; c < kBoundColumns; ++c) one += "?,";
        one += "UTC_TIMESTAMP())";
        std::string all;
        for (size_t r = 0; r < rows.size(); ++r) all += (r ? "," : "") + one;
        return all;
      }() +
      " ON DUPLICATE KEY UPDATE first_name=VALUES(first_name), last_name=VALUES(last_name), "
      "name=VALUES(name), title=VALUES(title), company=VALUES(company), city=VALUES(city), "
      "country=VALUES(country), website=VALUES(website), website_domain=VALUES(website_domain), "
      "owner_id=VALUES(owner_id), owner_name=VALUES(owner_name), twitter=VALUES(twitter), "
      "facebook=VALUES(facebook), crm_date_modified=VALUES(crm_date_modified), "
      "fingerprint=VALUES(fingerprint), synced_at=VALUES(synced_at)"));
  int i = 1;
  for (size_t r = 0; r < rows.size(); ++r) i = BindCustomer(*ps, i, *rows[r], fingerprints[r]);
  ps->execute();

  if (!replacing.empty()) {
    DeleteByIds(conn, "scrm_customer_emails", "module = ? AND ", "crm_id", module, replacing);
  }
  size_t n_emails = 0;
  for (const Customer* c : rows) n_emails += c->emails.size();
  if (n_emails > 0) {
    std::unique_ptr<sql::PreparedStatement> em(conn.prepareStatement(
        "INSERT INTO scrm_customer_emails (module, crm_id, position, email, opt_out) VALUES " +
        Placeholders(n_emails, 5)));
    int j = 1;
    for (const Customer* c : rows) {
      for (size_t p = 0; p < c->emails.size(); ++p) {
        em->setString(j++, CrmModuleName(module));
        em->setString(j++, c->crm_id);
        em->setInt(j++, static_cast<int>(p));
        em->setString(j++, TruncateUtf8(c->emails[p].address, 255));
        em->setBoolean(j++, c->emails[p].opt_out);
      }
    }
    em->execute();
  }

  if (module == CrmModule::kContacts) {
    if (!replacing.empty()) {
      DeleteByIds(conn, "scrm_customer_accounts", "", "contact_id", module, replacing);
    }
    size_t n_accounts = 0;
    for (const Customer* c : rows) n_accounts += c->account_ids.size();
    if (n_accounts > 0) {
      std::unique_ptr<sql::PreparedStatement> ac(conn.prepareStatement(
          "INSERT IGNORE INTO scrm_customer_accounts (contact_id, account_id) VALUES " +
          Placeholders(n_accounts, 2)));
      int j = 1;
      for (const Customer* c : rows) {
        for (const std::string& a : c->account_ids) {
          ac->setString(j++, c->crm_id);
          ac->setString(j++, a);
        }
      }
      ac->execute();
    }
  }
}

}  // namespace

UpsertCounts CustomerRepository::Upsert(CrmModule module, const std::vector<Customer>& customers,
                                        bool dense) {
  UpsertCounts counts;
  // Range reads need the byte order of the input to be the column's
  // collation order: true for SuiteCRM's ids (lower-case hex and dashes).
  const bool sorted =
      dense &&
      std::all_of(customers.begin(), customers.end(),
                  [](const Customer& c) {
                    return c.crm_id.find_first_not_of("0123456789abcdef-") == std::string::npos;
                  }) &&
      std::is_sorted(customers.begin(), customers.end(),
                     [](const Customer& a, const Customer& b) { return a.crm_id < b.crm_id; });
  try {
    Pool::Lease conn = pool_.Acquire();
    for (size_t start = 0; start < customers.size(); start += kChunk) {
      size_t end = std::min(customers.size(), start + kChunk);
      std::unordered_map<std::string, std::string> stored;  // crm_id -> fingerprint
      {
        // Sorted input (a sync's pages are): one primary-key range scan.
        // Otherwise an IN list.
        const bool by_range = sorted;
        Statement ps = conn.Prepare(
            std::string("SELECT crm_id, fingerprint FROM scrm_customers WHERE module = ? AND ") +
            (by_range ? "crm_id >= ? AND crm_id <= ?" : "crm_id IN " + InList(end - start)));
        int i = 1;
        ps->setString(i++, CrmModuleName(module));
        if (by_range) {
          ps->setString(i++, customers[start].crm_id);
          ps->setString(i++, customers[end - 1].crm_id);
        } else {
          for (size_t k = start; k < end; ++k) ps->setString(i++, customers[k].crm_id);
        }
        std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
        while (rs->next()) stored[rs->getString(1)] = rs->getString(2);
      }
      std::vector<const Customer*> rows;
      std::vector<std::string> fingerprints;
      std::vector<const std::string*> replacing;
      for (size_t k = start; k < end; ++k) {
        std::string fp = customers[k].Fingerprint();
        auto it = stored.find(customers[k].crm_id);
        if (it == stored.end()) {
          ++counts.inserted;
        } else if (it->second != fp) {
          ++counts.updated;
          replacing.push_back(&customers[k].crm_id);
        } else {
          ++counts.unchanged;
          continue;
        }
        rows.push_back(&customers[k]);
        fingerprints.push_back(std::move(fp));
      }
      if (rows.empty()) continue;
      Transaction tx(*conn);
      WriteChunk(*conn, module, rows, fingerprints, replacing);
      tx.Commit();
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, std::string("writing ") + CrmModuleName(module) + " customers");
  }
  return counts;
}

int64_t CustomerRepository::Remove(CrmModule module, const std::vector<std::string>& crm_ids) {
  int64_t removed = 0;
  try {
    Pool::Lease conn = pool_.Acquire();
    for (size_t start = 0; start < crm_ids.size(); start += kChunk) {
      size_t end = std::min(crm_ids.size(), start + kChunk);
      std::vector<const std::string*> ids;
      for (size_t k = start; k < end; ++k) ids.push_back(&crm_ids[k]);
      Transaction tx(*conn);
      DeleteByIds(*conn, "scrm_customer_emails", "module = ? AND ", "crm_id", module, ids);
      if (module == CrmModule::kContacts) {
        DeleteByIds(*conn, "scrm_customer_accounts", "", "contact_id", module, ids);
      }
      Statement ps = conn.Prepare(
          "DELETE FROM scrm_customers WHERE module = ? AND crm_id IN " + InList(ids.size()));
      int i = 1;
      ps->setString(i++, CrmModuleName(module));
      for (const std::string* id : ids) ps->setString(i++, *id);
      removed += ps->executeUpdate();
      tx.Commit();
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, std::string("removing ") + CrmModuleName(module) + " customers");
  }
  return removed;
}

std::vector<std::string> CustomerRepository::AllIds(CrmModule module) {
  std::vector<std::string> ids;
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "SELECT crm_id FROM scrm_customers WHERE module = ? ORDER BY crm_id");
    ps->setString(1, CrmModuleName(module));
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    while (rs->next()) ids.push_back(rs->getString(1));
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "listing customers");
  }
  return ids;
}

std::optional<Customer> CustomerRepository::Get(CrmModule module, const std::string& crm_id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "SELECT first_name, last_name, name, title, company, city, country, website, "
        "website_domain, owner_id, owner_name, twitter, facebook, "
        "COALESCE(DATE_FORMAT(crm_date_modified, '%Y-%m-%d %H:%i:%s'), '') "
        "FROM scrm_customers WHERE module = ? AND crm_id = ?");
    ps->setString(1, CrmModuleName(module));
    ps->setString(2, crm_id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    Customer c;
    c.module = module;
    c.crm_id = crm_id;
    int i = 1;
    for (std::string* f : {&c.first_name, &c.last_name, &c.name, &c.title, &c.company, &c.city,
                           &c.country, &c.website, &c.website_domain, &c.owner_id, &c.owner_name,
                           &c.twitter, &c.facebook, &c.date_modified}) {
      *f = rs->getString(i++);
    }
    Statement em = conn.Prepare(
        "SELECT email, opt_out, position FROM scrm_customer_emails WHERE module = ? AND "
        "crm_id = ? ORDER BY position");
    em->setString(1, CrmModuleName(module));
    em->setString(2, crm_id);
    std::unique_ptr<sql::ResultSet> ers(em->executeQuery());
    while (ers->next()) {
      c.emails.push_back(CustomerEmail{ers->getString(1), ers->getInt(3) == 0, ers->getBoolean(2)});
    }
    if (module == CrmModule::kContacts) {
      Statement ac = conn.Prepare(
          "SELECT account_id FROM scrm_customer_accounts WHERE contact_id = ? ORDER BY account_id");
      ac->setString(1, crm_id);
      std::unique_ptr<sql::ResultSet> ars(ac->executeQuery());
      while (ars->next()) c.account_ids.push_back(ars->getString(1));
    }
    return c;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading a customer");
  }
}

std::optional<std::string> CustomerRepository::NameOf(CrmModule module, const std::string& crm_id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare("SELECT name FROM scrm_customers WHERE module = ? AND crm_id = ?");
    ps->setString(1, CrmModuleName(module));
    ps->setString(2, crm_id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    return rs->getString(1);
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading a customer's name");
  }
}

std::map<std::string, std::string> CustomerRepository::NamesOf(CrmModule module,
                                                               const std::vector<std::string>& crm_ids) {
  std::map<std::string, std::string> out;
  try {
    Pool::Lease conn = pool_.Acquire();
    for (size_t start = 0; start < crm_ids.size(); start += kChunk) {
      const size_t end = std::min(crm_ids.size(), start + kChunk);
      Statement ps = conn.Prepare(
          "SELECT crm_id, name FROM scrm_customers WHERE module = ? AND name <> '' AND crm_id IN " +
          InList(end - start));
      int i = 1;
      ps->setString(i++, CrmModuleName(module));
      for (size_t k = start; k < end; ++k) ps->setString(i++, crm_ids[k]);
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
      while (rs->next()) out[rs->getString(1)] = rs->getString(2);
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, std::string("reading the names of ") + CrmModuleName(module));
  }
  return out;
}

int64_t CustomerRepository::Count(CrmModule module) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare("SELECT COUNT(*) FROM scrm_customers WHERE module = ?");
    ps->setString(1, CrmModuleName(module));
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    return rs->next() ? rs->getInt64(1) : 0;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "counting customers");
  }
}

}  // namespace scrm::store
