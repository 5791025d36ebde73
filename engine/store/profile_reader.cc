#include "store/profile_reader.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "core/text.h"
#include "store/sql_util.h"

namespace scrm::store {

namespace {

const char kProfileColumns[] =
    "id, platform, external_id, handle, display_name, COALESCE(url, ''), COALESCE(bio, ''), "
    "COALESCE(websites, ''), COALESCE(emails, ''), company, position, location";

std::vector<std::string> JsonStrings(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& v : j) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

StoredProfile ProfileOf(sql::ResultSet& rs) {
  StoredProfile s;
  s.id = rs.getInt64(1);
  Profile& p = s.profile;
  p.platform = rs.getString(2);
  p.external_id = rs.getString(3);
  p.handle = rs.getString(4);
  p.display_name = rs.getString(5);
  p.url = rs.getString(6);
  p.bio = rs.getString(7);
  p.websites = JsonStrings(rs.getString(8));
  p.emails = JsonStrings(rs.getString(9));
  p.company = rs.getString(10);
  p.position = rs.getString(11);
  p.location = rs.getString(12);
  return s;
}

}  // namespace

int64_t ProfileReader::ForEachProfile(
    const std::function<void(std::vector<StoredProfile>&)>& on_batch, int batch_size,
    int64_t after_id) {
  int64_t total = 0;
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        std::string("SELECT ") + kProfileColumns +
        " FROM scrm_profiles WHERE id > ? ORDER BY id LIMIT ?");
    for (;;) {
      ps->setInt64(1, after_id);
      ps->setInt(2, batch_size);
      std::vector<StoredProfile> batch;
      batch.reserve(batch_size);
      {
        std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
        while (rs->next()) batch.push_back(ProfileOf(*rs));
      }
      if (batch.empty()) break;
      after_id = batch.back().id;
      total += static_cast<int64_t>(batch.size());
      const bool last = batch.size() < static_cast<size_t>(batch_size);
      on_batch(batch);
      if (last) break;
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading profiles");
  }
  return total;
}

std::vector<StoredProfile> ProfileReader::ProfilesUpdatedSince(const std::string& since, int limit) {
  std::vector<StoredProfile> out;
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        std::string("SELECT ") + kProfileColumns +
        " FROM scrm_profiles WHERE updated_at >= ? ORDER BY updated_at, id LIMIT ?");
    ps->setString(1, since);
    ps->setInt(2, limit);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    while (rs->next()) out.push_back(ProfileOf(*rs));
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading changed profiles");
  }
  return out;
}

std::vector<StoredProfile> ProfileReader::ProfilesByIds(const std::vector<int64_t>& ids) {
  std::vector<StoredProfile> out;
  if (ids.empty()) return out;
  try {
    Pool::Lease conn = pool_.Acquire();
    ForIdChunks(
        conn, ids,
        [](size_t n) {
          return std::string("SELECT ") + kProfileColumns + " FROM scrm_profiles WHERE id IN " +
                 Placeholders(1, n) + " ORDER BY id";
        },
        [&](sql::PreparedStatement& ps) {
          std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
          while (rs->next()) out.push_back(ProfileOf(*rs));
        });
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading profiles");
  }
  return out;
}

std::vector<int64_t> ProfileReader::VisibleProfileIds(const std::vector<int64_t>& ids,
                                                     const Viewer& viewer) {
  std::vector<int64_t> out;
  if (ids.empty()) return out;
  const size_t n = std::min(ids.size(), kIdChunk);
  std::vector<std::string> communities;
  const std::string condition = VisibleSourceCondition(viewer, "s", &communities);
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "SELECT p.id FROM scrm_profiles p LEFT JOIN scrm_sources s ON s.id = p.source_id "
        "WHERE p.id IN " + Placeholders(1, n) + " AND " + condition);
    int i = 1;
    for (size_t k = 0; k < n; ++k) ps->setInt64(i++, ids[k]);
    for (const std::string& c : communities) ps->setString(i++, c);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    std::unordered_set<int64_t> seen;
    while (rs->next()) seen.insert(rs->getInt64(1));
    for (size_t k = 0; k < n; ++k) {
      if (seen.count(ids[k]) != 0) out.push_back(ids[k]);
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "checking which profiles a caller may see");
  }
  return out;
}

std::vector<StoredProfile> ProfileReader::ProfilesByKeys(
    const std::vector<std::pair<std::string, std::string>>& keys) {
  std::vector<StoredProfile> out;
  if (keys.empty()) return out;
  const size_t n = std::min<size_t>(keys.size(), 1000);
  std::string where;
  for (size_t k = 0; k < n; ++k) where += k ? " OR (platform = ? AND external_id = ?)" : "(platform = ? AND external_id = ?)";
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        std::string("SELECT ") + kProfileColumns + " FROM scrm_profiles WHERE " + where +
        " ORDER BY id");
    for (size_t k = 0; k < n; ++k) {
      ps->setString(static_cast<unsigned>(2 * k + 1), keys[k].first);
      ps->setString(static_cast<unsigned>(2 * k + 2), keys[k].second);
    }
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    while (rs->next()) out.push_back(ProfileOf(*rs));
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading profiles");
  }
  return out;
}

std::vector<int64_t> ProfileReader::ProfileIdsMentioning(const std::vector<std::string>& needles,
                                                       int limit) {
  std::vector<int64_t> out;
  std::vector<std::string> patterns;
  for (const std::string& n : needles) {
    const std::string t = Trim(n);
    if (t.size() < 3) continue;  // too short to say anything
    std::string p = "%";
    for (char c : t) {
      if (c == '%' || c == '_' || c == '\\') p += '\\';
      p += c;
    }
    patterns.push_back(p + "%");
  }
  if (patterns.empty()) return out;
  try {
    Pool::Lease conn = pool_.Acquire();
    std::string where;
    for (size_t k = 0; k < patterns.size(); ++k) {
      where += k ? " OR " : "";
      where += "display_name LIKE ? OR handle LIKE ? OR url LIKE ? OR emails LIKE ?";
    }
    Statement ps = conn.Prepare(
        "SELECT id FROM scrm_profiles WHERE " + where + " ORDER BY id LIMIT ?");
    int i = 1;
    for (const std::string& p : patterns) {
      for (int k = 0; k < 4; ++k) ps->setString(i++, p);
    }
    ps->setInt(i, limit);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    while (rs->next()) out.push_back(rs->getInt64(1));
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "finding profiles of changed customers");
  }
  return out;
}

std::vector<Customer> ProfileReader::ReadCustomers(const std::string& where,
                                                   const std::string& since) {
  std::vector<Customer> out;
  std::unordered_map<std::string, size_t> index;  // module|crm_id -> position in out
  try {
    Pool::Lease conn = pool_.Acquire();
    {
      Statement ps = conn.Prepare(
          "SELECT module, crm_id, first_name, last_name, name, title, company, city, country, "
          "website, website_domain, owner_id, owner_name, twitter, facebook FROM scrm_customers" +
          where);
      if (!since.empty()) ps->setString(1, since);
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
      while (rs->next()) {
        std::optional<CrmModule> m = ParseCrmModule(rs->getString(1));
        if (!m) continue;
        Customer c;
        c.module = *m;
        c.crm_id = rs->getString(2);
        int i = 3;
        for (std::string* f : {&c.first_name, &c.last_name, &c.name, &c.title, &c.company, &c.city,
                               &c.country, &c.website, &c.website_domain, &c.owner_id,
                               &c.owner_name, &c.twitter, &c.facebook}) {
          *f = rs->getString(i++);
        }
        index[std::string(CrmModuleName(c.module)) + '|' + c.crm_id] = out.size();
        out.push_back(std::move(c));
      }
    }
    if (out.empty()) return out;
    // E-mails and memberships: whole tables for a full read, else joined to the changed rows.
    const std::string join =
        since.empty() ? "" : " JOIN scrm_customers c ON c.module = e.module AND c.crm_id = e.crm_id AND c.synced_at >= ?";
    {
      Statement ps = conn.Prepare(
          "SELECT e.module, e.crm_id, e.email, e.opt_out, e.position FROM scrm_customer_emails e" +
          join + " ORDER BY e.module, e.crm_id, e.position");
      if (!since.empty()) ps->setString(1, since);
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
      while (rs->next()) {
        auto it = index.find(std::string(rs->getString(1)) + '|' + std::string(rs->getString(2)));
        if (it == index.end()) continue;
        out[it->second].emails.push_back(
            CustomerEmail{rs->getString(3), rs->getInt(5) == 0, rs->getBoolean(4)});
      }
    }
    {
      const std::string ajoin =
          since.empty() ? "" : " JOIN scrm_customers c ON c.module = 'Contacts' AND c.crm_id = a.contact_id AND c.synced_at >= ?";
      Statement ps = conn.Prepare(
          "SELECT a.contact_id, a.account_id FROM scrm_customer_accounts a" + ajoin +
          " ORDER BY a.contact_id, a.account_id");
      if (!since.empty()) ps->setString(1, since);
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
      while (rs->next()) {
        auto it = index.find("Contacts|" + rs->getString(1));
        if (it != index.end()) out[it->second].account_ids.push_back(rs->getString(2));
      }
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading customers for matching");
  }
  return out;
}

std::vector<Customer> ProfileReader::AllCustomers() { return ReadCustomers("", ""); }

std::vector<Customer> ProfileReader::CustomersSyncedSince(const std::string& since, int limit) {
  return ReadCustomers(" WHERE synced_at >= ? ORDER BY synced_at LIMIT " + std::to_string(limit),
                       since);
}

std::string ProfileReader::DatabaseNow() {
  try {
    Pool::Lease conn = pool_.Acquire();
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    std::unique_ptr<sql::ResultSet> rs(
        st->executeQuery("SELECT DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d %H:%i:%s')"));
    return rs->next() ? rs->getString(1) : "";
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading the database clock");
  }
}

}  // namespace scrm::store
