#include "store/follow_repository.h"

#include "core/text.h"
#include "store/sql_util.h"

namespace scrm::store {

namespace {

// A follow is live while a link to a CRM record is: auto, confirmed or manual.
constexpr char kLinked[] =
    "EXISTS (SELECT 1 FROM scrm_links l WHERE l.platform = f.platform AND "
    "l.external_id = f.account_id AND l.status IN ('auto', 'confirmed', 'manual'))";

}  // namespace

void FollowRepository::Upsert(const FollowRow& row) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "INSERT INTO scrm_follows (network, account_id, handle, profile_url, platform, state, "
        "next_due_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '', UTC_TIMESTAMP(), "
        "UTC_TIMESTAMP(), UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE handle = VALUES(handle), "
        "profile_url = VALUES(profile_url), platform = VALUES(platform), "
        "next_due_at = UTC_TIMESTAMP(), updated_at = UTC_TIMESTAMP()");
    ps->setString(1, row.network);
    ps->setString(2, row.account_id);
    ps->setString(3, row.handle);
    ps->setString(4, row.profile_url);
    ps->setString(5, row.platform);
    ps->execute();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "storing the followed account " + row.account_id);
  }
}

int64_t FollowRepository::AddLinked(const std::string& network,
                                    const std::vector<std::string>& platforms) {
  if (platforms.empty()) return 0;
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "INSERT IGNORE INTO scrm_follows (network, account_id, handle, profile_url, platform, "
        "state, next_due_at, created_at, updated_at) "
        "SELECT DISTINCT ?, p.external_id, COALESCE(p.handle, ''), p.url, p.platform, '', "
        "UTC_TIMESTAMP(), UTC_TIMESTAMP(), UTC_TIMESTAMP() FROM scrm_links l "
        "JOIN scrm_profiles p ON p.platform = l.platform AND p.external_id = l.external_id "
        "WHERE l.status IN ('auto', 'confirmed', 'manual') AND l.platform IN " +
        Placeholders(1, platforms.size()));
    ps->setString(1, network);
    for (size_t i = 0; i < platforms.size(); ++i) {
      ps->setString(static_cast<int>(i + 2), platforms[i]);
    }
    return ps->executeUpdate();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "adding the linked accounts of " + network + " to follow");
  }
}

std::vector<FollowRow> FollowRepository::Due(const std::string& network, int limit) {
  std::vector<FollowRow> out;
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        std::string("SELECT f.id, f.account_id, f.handle, COALESCE(f.profile_url, ''), "
                    "f.platform, COALESCE(f.state, ''), f.failures FROM scrm_follows f "
                    "WHERE f.network = ? AND f.next_due_at <= UTC_TIMESTAMP() AND ") +
        kLinked + " ORDER BY f.next_due_at, f.id LIMIT ?");
    ps->setString(1, network);
    ps->setInt(2, limit);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    while (rs->next()) {
      FollowRow r;
      r.id = rs->getInt64(1);
      r.network = network;
      r.account_id = rs->getString(2);
      r.handle = rs->getString(3);
      r.profile_url = rs->getString(4);
      r.platform = rs->getString(5);
      r.state = rs->getString(6);
      r.failures = rs->getInt(7);
      out.push_back(std::move(r));
    }
    return out;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading the accounts of " + network + " due");
  }
}

void FollowRepository::RecordSuccess(int64_t id, const std::string& state, int requests,
                                     int posts, int next_seconds) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "UPDATE scrm_follows SET state = ?, failures = 0, last_error = NULL, "
        "last_checked_at = UTC_TIMESTAMP(), last_success_at = UTC_TIMESTAMP(), "
        "requests_total = requests_total + ?, posts_total = posts_total + ?, "
        "next_due_at = UTC_TIMESTAMP() + INTERVAL ? SECOND, updated_at = UTC_TIMESTAMP() "
        "WHERE id = ?");
    ps->setString(1, state);
    ps->setInt(2, requests);
    ps->setInt(3, posts);
    ps->setInt(4, next_seconds);
    ps->setInt64(5, id);
    ps->execute();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "recording a followed account's round");
  }
}

void FollowRepository::Rename(int64_t id, const std::string& handle,
                              const std::string& profile_url) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "UPDATE scrm_follows SET handle = ?, profile_url = ?, updated_at = UTC_TIMESTAMP() "
        "WHERE id = ?");
    ps->setString(1, handle);
    ps->setString(2, profile_url);
    ps->setInt64(3, id);
    ps->execute();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "renaming the followed account " + std::to_string(id));
  }
}

void FollowRepository::RecordFailure(int64_t id, const std::string& error, int requests,
                                     int next_seconds) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "UPDATE scrm_follows SET last_error = ?, failures = failures + 1, "
        "last_checked_at = UTC_TIMESTAMP(), requests_total = requests_total + ?, "
        "next_due_at = UTC_TIMESTAMP() + INTERVAL ? SECOND, updated_at = UTC_TIMESTAMP() "
        "WHERE id = ?");
    ps->setString(1, TruncateUtf8(error, 4000));
    ps->setInt(2, requests);
    ps->setInt(3, next_seconds);
    ps->setInt64(4, id);
    ps->execute();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "recording a followed account's failure");
  }
}

FollowHealth FollowRepository::Health(const std::string& network) {
  FollowHealth h;
  h.network = network;
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        std::string("SELECT COUNT(*), COALESCE(SUM(f.failures > 0), 0), "
                    "COALESCE(DATE_FORMAT(MAX(f.last_success_at), '%Y-%m-%d %H:%i:%s'), '') "
                    "FROM scrm_follows f WHERE f.network = ? AND ") +
        kLinked);
    ps->setString(1, network);
    {
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
      if (rs->next()) {
        h.accounts = rs->getInt64(1);
        h.failing = rs->getInt64(2);
        h.last_success_at = rs->getString(3);
      }
    }
    Statement last = conn.Prepare(
        "SELECT DATE_FORMAT(last_checked_at, '%Y-%m-%d %H:%i:%s'), last_error FROM scrm_follows "
        "WHERE network = ? AND failures > 0 ORDER BY last_checked_at DESC LIMIT 1");
    last->setString(1, network);
    std::unique_ptr<sql::ResultSet> rs(last->executeQuery());
    if (rs->next()) {
      h.last_error_at = rs->getString(1);
      h.last_error = rs->getString(2);
    }
    return h;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading the health of " + network);
  }
}

std::optional<int64_t> FollowRepository::IdOf(const std::string& network,
                                              const std::string& account_id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "SELECT id FROM scrm_follows WHERE network = ? AND account_id = ?");
    ps->setString(1, network);
    ps->setString(2, account_id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    return rs->getInt64(1);
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading the followed account " + account_id);
  }
}

int64_t FollowRepository::ProfileId(const std::string& platform, const std::string& external_id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "SELECT id FROM scrm_profiles WHERE platform = ? AND external_id = ?");
    ps->setString(1, platform);
    ps->setString(2, external_id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    return rs->next() ? rs->getInt64(1) : 0;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading the profile " + external_id);
  }
}

}  // namespace scrm::store
