#include "store/privacy_repository.h"

#include <algorithm>
#include <set>

#include "store/content_repository.h"
#include "store/id_hash.h"
#include "store/sql_util.h"

namespace scrm::store {

namespace {

constexpr size_t kChunk = 1000;

struct Identity {
  std::string platform;
  std::string external_id;
  bool operator<(const Identity& o) const {
    return std::tie(platform, external_id) < std::tie(o.platform, o.external_id);
  }
};

std::vector<int64_t> Ids(sql::PreparedStatement& ps) {
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  std::vector<int64_t> out;
  while (rs->next()) out.push_back(rs->getInt64(1));
  return out;
}

}  // namespace

namespace {

// Removes the people behind these identities (and, when module is set, every
// link to that CRM record) in one transaction.
EraseCounts Erase(sql::Connection& conn, const std::set<Identity>& people, const std::string& module,
                  const std::string& crm_id, const AuditEntry& audit_base, bool dry_run) {
  Transaction tx(conn);
  std::vector<int64_t> profiles, posts, links;
  std::unique_ptr<sql::PreparedStatement> profile_q(conn.prepareStatement(
      "SELECT id FROM scrm_profiles WHERE platform = ? AND external_id = ?"));
  std::unique_ptr<sql::PreparedStatement> post_q(conn.prepareStatement(
      "SELECT id FROM scrm_posts WHERE platform = ? AND author_hash = ? AND author_id = ?"));
  std::unique_ptr<sql::PreparedStatement> link_q(conn.prepareStatement(
      "SELECT id FROM scrm_links WHERE platform = ? AND external_id = ?"));
  for (const Identity& p : people) {
    profile_q->setString(1, p.platform);
    profile_q->setString(2, p.external_id);
    for (int64_t id : Ids(*profile_q)) profiles.push_back(id);
    post_q->setString(1, p.platform);
    post_q->setInt64(2, IdHash(p.external_id));
    post_q->setString(3, p.external_id);
    for (int64_t id : Ids(*post_q)) posts.push_back(id);
    link_q->setString(1, p.platform);
    link_q->setString(2, p.external_id);
    for (int64_t id : Ids(*link_q)) links.push_back(id);
  }
  if (!module.empty()) {
    std::unique_ptr<sql::PreparedStatement> ps(
        conn.prepareStatement("SELECT id FROM scrm_links WHERE module = ? AND crm_id = ?"));
    ps->setString(1, module);
    ps->setString(2, crm_id);
    for (int64_t id : Ids(*ps)) links.push_back(id);
  }
  std::sort(links.begin(), links.end());
  links.erase(std::unique(links.begin(), links.end()), links.end());

  EraseCounts counts;
  counts.profiles = static_cast<int64_t>(profiles.size());
  counts.posts = static_cast<int64_t>(posts.size());
  counts.links = static_cast<int64_t>(links.size());
  if (dry_run) {
    for (size_t start = 0; start < links.size(); start += kChunk) {
      std::vector<int64_t> part(links.begin() + start, links.begin() + std::min(links.size(), start + kChunk));
      std::string list = "(";
      for (size_t k = 0; k < part.size(); ++k) list += k ? ",?" : "?";
      std::unique_ptr<sql::PreparedStatement> ps(conn.prepareStatement(
          "SELECT COUNT(*) FROM scrm_link_decisions WHERE link_id IN " + list + ")"));
      for (size_t k = 0; k < part.size(); ++k) ps->setInt64(static_cast<int>(k + 1), part[k]);
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
      if (rs->next()) counts.decisions += rs->getInt64(1);
    }
    return counts;
  }
  RemovePostsOn(conn, posts);
  ExecuteForIds(conn, "DELETE FROM scrm_profiles WHERE id IN ", profiles);
  counts.decisions = ExecuteForIds(conn, "DELETE FROM scrm_link_decisions WHERE link_id IN ", links);
  ExecuteForIds(conn, "DELETE FROM scrm_links WHERE id IN ", links);
  AuditEntry audit = audit_base;
  audit.detail = counts.ToJson();
  audit.detail.erase("audit_id");
  audit.detail["subject"] = module.empty() ? "profile" : "customer";
  counts.audit_id = WriteAuditOn(conn, audit);
  tx.Commit();
  return counts;
}

}  // namespace

nlohmann::json EraseCounts::ToJson() const {
  return {{"profiles", profiles}, {"posts", posts}, {"links", links}, {"decisions", decisions},
          {"audit_id", audit_id}};
}

Result<EraseCounts> PrivacyRepository::EraseCustomer(const std::string& module,
                                                     const std::string& crm_id,
                                                     const AuditBy& by, bool dry_run) {
  try {
    Pool::Lease conn = pool_.Acquire();
    std::set<Identity> people;
    Statement ps = conn.Prepare(
        "SELECT platform, external_id FROM scrm_links WHERE module = ? AND crm_id = ? "
        "AND status IN ('auto', 'confirmed', 'manual')");
    ps->setString(1, module);
    ps->setString(2, crm_id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    while (rs->next()) people.insert(Identity{rs->getString(1), rs->getString(2)});
    Statement any = conn.Prepare(
        "SELECT (SELECT COUNT(*) FROM scrm_links WHERE module = ? AND crm_id = ?) + "
        "(SELECT COUNT(*) FROM scrm_customers WHERE module = ? AND crm_id = ?)");
    any->setString(1, module);
    any->setString(2, crm_id);
    any->setString(3, module);
    any->setString(4, crm_id);
    std::unique_ptr<sql::ResultSet> n(any->executeQuery());
    if (!n->next() || n->getInt64(1) == 0) {
      return Status::NotFound("no CRM record " + module + "/" + crm_id +
                              " in the engine (no link, no synced record): nothing to erase");
    }
    return Erase(*conn, people, module, crm_id,
                 AuditEntry{"erase", by.actor, "customer:" + module + "/" + crm_id, {}, "customer",
                            by.address},
                 dry_run);
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "erasing a customer's social data");
  }
}

Result<EraseCounts> PrivacyRepository::EraseProfile(int64_t profile_id, const AuditBy& by,
                                                    bool dry_run) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare("SELECT platform, external_id FROM scrm_profiles WHERE id = ?");
    ps->setInt64(1, profile_id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) {
      return Status::NotFound("no profile " + std::to_string(profile_id) +
                              " (see scrm links list, or search author:HANDLE)");
    }
    std::set<Identity> people{Identity{rs->getString(1), rs->getString(2)}};
    return Erase(*conn, people, "", "",
                 AuditEntry{"erase", by.actor, "profile:" + std::to_string(profile_id), {}, "profile",
                            by.address},
                 dry_run);
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "erasing a profile");
  }
}

std::vector<RetentionCounts> PrivacyRepository::ApplyRetention(const std::string& actor,
                                                               bool dry_run) {
  std::vector<RetentionCounts> out;
  try {
    Pool::Lease conn = pool_.Acquire();
    {
      std::unique_ptr<sql::Statement> st(conn->createStatement());
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
          "SELECT id, name, retention_days, DATE_FORMAT(UTC_TIMESTAMP() - INTERVAL retention_days "
          "DAY, '%Y-%m-%d %H:%i:%s') FROM scrm_sources WHERE retention_days > 0 ORDER BY id"));
      while (rs->next()) {
        RetentionCounts c;
        c.source_id = rs->getInt64(1);
        c.source = rs->getString(2);
        c.retention_days = rs->getInt(3);
        c.cutoff = rs->getString(4);
        out.push_back(c);
      }
    }
    // By the published index; batches keep each transaction (and its
    // undo log) small on a large first run.
    Statement batch = conn.Prepare(
        "SELECT id FROM scrm_posts WHERE published < ? AND source_id = ? ORDER BY published, id "
        "LIMIT 1000");
    Statement count = conn.Prepare(
        "SELECT COUNT(*) FROM scrm_posts WHERE published < ? AND source_id = ?");
    for (RetentionCounts& c : out) {
      if (dry_run) {
        count->setString(1, c.cutoff);
        count->setInt64(2, c.source_id);
        std::unique_ptr<sql::ResultSet> rs(count->executeQuery());
        c.posts = rs->next() ? rs->getInt64(1) : 0;
        continue;
      }
      for (;;) {
        Transaction tx(*conn);
        batch->setString(1, c.cutoff);
        batch->setInt64(2, c.source_id);
        std::vector<int64_t> ids = Ids(*batch);
        if (ids.empty()) break;
        RemovePostsOn(*conn, ids);
        tx.Commit();
        c.posts += static_cast<int64_t>(ids.size());
      }
      if (c.posts > 0) {
        WriteAuditOn(*conn, AuditEntry{"retention", actor, "",
                                {{"source_id", c.source_id}, {"retention_days", c.retention_days},
                                 {"cutoff", c.cutoff}, {"posts", c.posts}},
                                "source:" + c.source, ""});
      }
    }
    return out;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "applying the retention of sources");
  }
}


}  // namespace scrm::store
