#include "store/source_repository.h"

#include "core/reasons.h"
#include "store/sql_util.h"

namespace scrm::store {

namespace {

const char kSelect[] =
    "SELECT id, name, type, format, COALESCE(location, ''), poll_interval_seconds, visibility, "
    "community, push_secret, etag, last_modified, "
    "COALESCE(DATE_FORMAT(last_run_at, '%Y-%m-%d %H:%i:%s'), ''), "
    "COALESCE(DATE_FORMAT(last_success_at, '%Y-%m-%d %H:%i:%s'), ''), COALESCE(last_error, ''), "
    "items_total, retention_days, COALESCE(state, '') FROM scrm_sources";

Source Read(sql::ResultSet& rs) {
  Source s;
  s.id = rs.getInt64(1);
  s.name = rs.getString(2);
  s.type = rs.getString(3);
  s.format = rs.getString(4);
  s.location = rs.getString(5);
  s.poll_interval_seconds = rs.getInt(6);
  s.visibility = rs.getString(7);
  s.community = rs.getString(8);
  s.push_secret = rs.getString(9);
  s.etag = rs.getString(10);
  s.last_modified = rs.getString(11);
  s.last_run_at = rs.getString(12);
  s.last_success_at = rs.getString(13);
  s.last_error = rs.getString(14);
  s.items_total = rs.getInt64(15);
  s.retention_days = rs.getInt(16);
  s.state = rs.getString(17);
  return s;
}

void BindSettings(sql::PreparedStatement& ps, const Source& s) {
  ps.setString(1, s.type);
  ps.setString(2, s.format);
  ps.setString(3, s.location);
  ps.setInt(4, s.poll_interval_seconds);
  ps.setString(5, s.visibility);
  ps.setString(6, s.community);
  ps.setString(7, s.push_secret);
  ps.setInt(8, s.retention_days);
  ps.setString(9, s.name);
}

// A location as the security log may hold it: a URL without its user,
// password, query or fragment (where feeds put their credentials).
std::string LoggedLocation(const std::string& location) {
  const size_t scheme = location.find("://");
  if (scheme == std::string::npos) return location;
  std::string out = location;
  const size_t cut = out.find_first_of("?#", scheme + 3);
  if (cut != std::string::npos) out.resize(cut);
  const size_t path = out.find('/', scheme + 3);
  const size_t at = out.rfind('@', path == std::string::npos ? std::string::npos : path);
  if (at != std::string::npos && at > scheme) out.erase(scheme + 3, at - scheme - 2);
  return out;
}

nlohmann::json Settings(const Source& s) {
  return {{"type", s.type},
          {"format", s.format},
          {"location", LoggedLocation(s.location)},
          {"poll_interval_seconds", s.poll_interval_seconds},
          {"visibility", s.visibility},
          {"community", s.community},
          {"retention_days", s.retention_days}};
}

void Audit(Pool& pool, const AuditBy* by, const char* kind, const std::string& name,
           nlohmann::json detail) {
  if (by == nullptr) return;
  AuditRepository(pool).Add(
      AuditEntry{kind, by->actor, "", std::move(detail), "source:" + name, by->address});
}

}  // namespace

Result<Source> SourceRepository::Add(const Source& source, const AuditBy* by) {
  if (Status s = ValidateSource(source); !s.ok()) return s;
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "INSERT INTO scrm_sources (type, format, location, poll_interval_seconds, visibility, "
        "community, push_secret, retention_days, name, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())");
    BindSettings(*ps, source);
    ps->execute();
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == 1062) {  // ER_DUP_ENTRY
      return Status::Conflict("a source named '" + source.name +
                              "' exists already (scrm sources show " + source.name + ")")
          .WithReason(reason::kSourceExists, {{"name", source.name}});
    }
    throw DbError::From(e, "adding source " + source.name);
  }
  Audit(pool_, by, "source_added", source.name, Settings(source));
  return *Get(source.name);
}

Status SourceRepository::Update(const Source& source, const AuditBy* by) {
  if (Status s = ValidateSource(source); !s.ok()) return s;
  const std::optional<Source> before = by != nullptr ? Get(source.name) : std::nullopt;
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "UPDATE scrm_sources SET type = ?, format = ?, location = ?, poll_interval_seconds = ?, "
        "visibility = ?, community = ?, push_secret = ?, retention_days = ?, "
        "updated_at = UTC_TIMESTAMP() "
        "WHERE name = ?");
    BindSettings(*ps, source);
    if (ps->executeUpdate() == 0 && !Get(source.name)) {
      return Status::NotFound("no source named '" + source.name + "' (scrm sources list)")
          .WithReason(reason::kSourceUnknown, {{"name", source.name}});
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "updating source " + source.name);
  }
  if (before) {
    const nlohmann::json old = Settings(*before), now = Settings(source);
    nlohmann::json changed = nlohmann::json::object();
    for (auto it = now.begin(); it != now.end(); ++it) {
      if (old[it.key()] != it.value()) changed[it.key()] = {{"from", old[it.key()]}, {"to", it.value()}};
    }
    nlohmann::json detail = {{"changed", changed}};
    // The push secret is named, never shown (not even sealed).
    if (before->push_secret != source.push_secret) detail["changed_too"] = {"push_secret"};
    Audit(pool_, by, "source_changed", source.name, std::move(detail));
  }
  return Status::Ok();
}

std::optional<Source> SourceRepository::Get(const std::string& name) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(std::string(kSelect) + " WHERE name = ?");
    ps->setString(1, name);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    return Read(*rs);
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading source " + name);
  }
}

std::optional<Source> SourceRepository::GetById(int64_t id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(std::string(kSelect) + " WHERE id = ?");
    ps->setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    return Read(*rs);
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading a source");
  }
}

std::vector<Source> SourceRepository::List() {
  std::vector<Source> out;
  try {
    Pool::Lease conn = pool_.Acquire();
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(std::string(kSelect) + " ORDER BY name"));
    while (rs->next()) out.push_back(Read(*rs));
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "listing sources");
  }
  return out;
}

Status SourceRepository::Remove(const std::string& name, const AuditBy* by) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare("DELETE FROM scrm_sources WHERE name = ?");
    ps->setString(1, name);
    if (ps->executeUpdate() == 0) {
      return Status::NotFound("no source named '" + name + "' (scrm sources list)")
          .WithReason(reason::kSourceUnknown, {{"name", name}});
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "removing source " + name);
  }
  Audit(pool_, by, "source_removed", name, nullptr);
  return Status::Ok();
}

void SourceRepository::RecordSuccess(int64_t id, int64_t items, const std::string& etag,
                                     const std::string& last_modified) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "UPDATE scrm_sources SET last_run_at = UTC_TIMESTAMP(), last_success_at = UTC_TIMESTAMP(), "
        "last_error = NULL, items_total = items_total + ?, etag = ?, last_modified = ? "
        "WHERE id = ?");
    ps->setInt64(1, items);
    ps->setString(2, etag);
    ps->setString(3, last_modified);
    ps->setInt64(4, id);
    ps->execute();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "recording a source's run");
  }
}

void SourceRepository::RecordState(int64_t id, const std::string& state) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare("UPDATE scrm_sources SET state = ? WHERE id = ?");
    ps->setString(1, state);
    ps->setInt64(2, id);
    ps->execute();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "recording a source's state");
  }
}

void SourceRepository::RecordFailure(int64_t id, const std::string& error) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "UPDATE scrm_sources SET last_run_at = UTC_TIMESTAMP(), last_error = ? WHERE id = ?");
    ps->setString(1, error);
    ps->setInt64(2, id);
    ps->execute();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "recording a source's failure");
  }
}

Result<int64_t> SourceRepository::RewritePushSecrets(const SecretRewrite& rewrite) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Transaction tx(*conn);
    std::vector<std::pair<std::string, std::string>> rows;  // name, stored
    {
      std::unique_ptr<sql::Statement> st(conn->createStatement());
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
          "SELECT name, push_secret FROM scrm_sources WHERE push_secret <> '' ORDER BY name "
          "FOR UPDATE"));
      while (rs->next()) rows.emplace_back(rs->getString(1), rs->getString(2));
    }
    Statement update = conn.Prepare(
        "UPDATE scrm_sources SET push_secret = ?, updated_at = UTC_TIMESTAMP() WHERE name = ?");
    int64_t changed = 0;
    for (const auto& [name, stored] : rows) {
      Result<std::string> now = rewrite(name, stored);
      if (!now.ok()) return now.status();
      if (*now == stored) continue;
      update->setString(1, *now);
      update->setString(2, name);
      update->execute();
      ++changed;
    }
    tx.Commit();
    return changed;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "rewriting the sources' push secrets");
  }
}

}  // namespace scrm::store
