#include "store/link_repository.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "core/text.h"
#include "store/id_hash.h"
#include "store/sql_util.h"

namespace scrm::store {

namespace {

constexpr size_t kChunk = 500;
const char kFmt[] = "'%Y-%m-%d %H:%i:%s'";

bool IsLive(const std::string& status) {
  return status == "auto" || status == "confirmed" || status == "manual";
}

// A link's profile, and the source that profile was last read from (its visibility).
constexpr char kLinkTables[] =
    " FROM scrm_links l LEFT JOIN scrm_profiles p ON p.platform = l.platform AND "
    "p.external_id = l.external_id LEFT JOIN scrm_sources s ON s.id = p.source_id";
// The same without the source, for locking reads (FOR UPDATE would lock the
// source's row too): their links carry no visibility, the callers checked
// it with a plain read before deciding.
constexpr char kLinkTablesToLock[] =
    " FROM scrm_links l LEFT JOIN scrm_profiles p ON p.platform = l.platform AND "
    "p.external_id = l.external_id";

std::string LinkColumns(bool to_lock = false) {
  return std::string(
             "l.id, l.profile_id, l.platform, l.external_id, COALESCE(p.handle, ''), "
             "COALESCE(p.url, ''), COALESCE(p.display_name, ''), l.module, l.crm_id, l.status, "
             "l.score, COALESCE(l.evidence, '[]'), l.decided_by, l.decided_by_name, "
             "COALESCE(DATE_FORMAT(l.decided_at, ") + kFmt + "), ''), DATE_FORMAT(l.created_at, " +
         kFmt + "), DATE_FORMAT(l.updated_at, " + kFmt +
         (to_lock ? std::string("), '', ''") + kLinkTablesToLock
                  : std::string("), COALESCE(s.visibility, ''), COALESCE(s.community, '')") +
                        kLinkTables);
}

Link LinkOf(sql::ResultSet& rs) {
  Link l;
  l.id = rs.getInt64(1);
  l.profile_id = rs.getInt64(2);
  l.platform = rs.getString(3);
  l.external_id = rs.getString(4);
  l.handle = rs.getString(5);
  l.profile_url = rs.getString(6);
  l.display_name = rs.getString(7);
  l.module = ParseCrmModule(rs.getString(8)).value_or(CrmModule::kContacts);
  l.crm_id = rs.getString(9);
  l.status = rs.getString(10);
  l.score = static_cast<double>(rs.getDouble(11));
  l.evidence = rs.getString(12);
  l.decided_by = rs.getString(13);
  l.decided_by_name = rs.getString(14);
  l.decided_at = rs.getString(15);
  l.created_at = rs.getString(16);
  l.updated_at = rs.getString(17);
  l.source_visibility = rs.getString(18);
  l.source_community = rs.getString(19);
  return l;
}

std::optional<Link> GetOn(sql::Connection& conn, int64_t id, bool for_update) {
  std::unique_ptr<sql::PreparedStatement> ps(conn.prepareStatement(
      "SELECT " + LinkColumns(for_update) + " WHERE l.id = ?" + (for_update ? " FOR UPDATE" : "")));
  ps->setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  if (!rs->next()) return std::nullopt;
  return LinkOf(*rs);
}

// One audit row: the link as it is now (after the decision).
void Audit(sql::Connection& conn, int64_t link_id, const std::string& action) {
  std::unique_ptr<sql::PreparedStatement> ps(conn.prepareStatement(
      "INSERT INTO scrm_link_decisions (link_id, platform, external_id, module, crm_id, action, "
      "status, score, evidence, decided_by, decided_by_name, decided_at) "
      "SELECT id, platform, external_id, module, crm_id, ?, status, score, evidence, decided_by, "
      "decided_by_name, COALESCE(decided_at, UTC_TIMESTAMP()) FROM scrm_links WHERE id = ?"));
  ps->setString(1, action);
  ps->setInt64(2, link_id);
  ps->execute();
}

// Queues every post of these authors for the search index (their linked
// customers changed).
void EnqueueAuthors(sql::Connection& conn,
                    const std::vector<std::pair<std::string, std::string>>& authors) {
  for (size_t start = 0; start < authors.size(); start += kChunk) {
    const size_t end = std::min(authors.size(), start + kChunk);
    std::string where;
    for (size_t k = start; k < end; ++k) {
      where += (k == start ? "" : " OR ");
      where += "(platform = ? AND author_hash = ? AND author_id = ?)";
    }
    std::unique_ptr<sql::PreparedStatement> ps(conn.prepareStatement(
        "INSERT INTO scrm_index_queue (post_id, queued_at) SELECT id, UTC_TIMESTAMP() FROM "
        "scrm_posts WHERE " + where));
    int i = 1;
    for (size_t k = start; k < end; ++k) {
      ps->setString(i++, authors[k].first);
      ps->setInt64(i++, static_cast<int64_t>(IdHash(authors[k].second)));  // as content_repository
      ps->setString(i++, authors[k].second);
    }
    ps->execute();
  }
}

void SetStatus(sql::Connection& conn, int64_t id, const std::string& status, const Actor& who) {
  std::unique_ptr<sql::PreparedStatement> ps(conn.prepareStatement(
      "UPDATE scrm_links SET status = ?, decided_by = ?, decided_by_name = ?, "
      "decided_at = UTC_TIMESTAMP(), updated_at = UTC_TIMESTAMP() WHERE id = ?"));
  ps->setString(1, status);
  ps->setString(2, TruncateUtf8(who.id, 100));
  ps->setString(3, TruncateUtf8(who.name, 100));
  ps->setInt64(4, id);
  ps->execute();
}

// The live link of a profile other than `except`, if any.
std::optional<Link> LiveLinkOf(sql::Connection& conn, const std::string& platform,
                               const std::string& external_id, int64_t except) {
  std::unique_ptr<sql::PreparedStatement> ps(conn.prepareStatement(
      "SELECT " + LinkColumns(true) +
      " WHERE l.platform = ? AND l.external_id = ? AND l.status IN ('auto', 'confirmed', "
      "'manual') AND l.id <> ? FOR UPDATE"));
  ps->setString(1, platform);
  ps->setString(2, external_id);
  ps->setInt64(3, except);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  if (!rs->next()) return std::nullopt;
  return LinkOf(*rs);
}

// The other suggestions of a profile go when one of its links is decided.
void WithdrawOthers(sql::Connection& conn, const std::string& platform,
                    const std::string& external_id, int64_t keep, const Actor& who) {
  std::vector<int64_t> ids;
  {
    std::unique_ptr<sql::PreparedStatement> ps(conn.prepareStatement(
        "SELECT id FROM scrm_links WHERE platform = ? AND external_id = ? AND status = "
        "'suggested' AND id <> ? FOR UPDATE"));
    ps->setString(1, platform);
    ps->setString(2, external_id);
    ps->setInt64(3, keep);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    while (rs->next()) ids.push_back(rs->getInt64(1));
  }
  for (int64_t id : ids) {
    SetStatus(conn, id, "withdrawn", who);
    Audit(conn, id, "withdraw");
    std::unique_ptr<sql::PreparedStatement> del(
        conn.prepareStatement("DELETE FROM scrm_links WHERE id = ?"));
    del->setInt64(1, id);
    del->execute();
  }
}

std::string ConflictText(const Link& other) {
  return "the profile is already linked to " + std::string(CrmModuleName(other.module)) + "/" +
         other.crm_id + " (link " + std::to_string(other.id) + ", " + other.status +
         "): unlink it first";
}

}  // namespace

std::string LinkRepository::PairKey(const std::string& platform, const std::string& external_id,
                                    CrmModule module, const std::string& crm_id) {
  return platform + '\x1f' + external_id + '\x1f' + CrmModuleName(module) + '\x1f' + crm_id;
}

std::string LinkRepository::ProfileKey(const std::string& platform,
                                       const std::string& external_id) {
  return platform + '\x1f' + external_id;
}

LinkRepository::MatchState LinkRepository::LoadMatchState(
    const std::vector<std::pair<std::string, std::string>>& profiles) {
  MatchState state;
  auto read = [&](sql::ResultSet& rs) {
    while (rs.next()) {
      const std::string platform = rs.getString(1), external_id = rs.getString(2),
                        status = rs.getString(5);
      if (status == "rejected") {
        state.rejected.insert(PairKey(platform, external_id,
                                      ParseCrmModule(rs.getString(3)).value_or(CrmModule::kContacts),
                                      rs.getString(4)));
      } else if (IsLive(status)) {
        state.settled.insert(ProfileKey(platform, external_id));
      }
    }
  };
  try {
    Pool::Lease conn = pool_.Acquire();
    const std::string select =
        "SELECT platform, external_id, module, crm_id, status FROM scrm_links WHERE status IN "
        "('rejected', 'auto', 'confirmed', 'manual')";
    if (profiles.empty()) {
      std::unique_ptr<sql::Statement> st(conn->createStatement());
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery(select));
      read(*rs);
      return state;
    }
    for (size_t start = 0; start < profiles.size(); start += kChunk) {
      const size_t end = std::min(profiles.size(), start + kChunk);
      std::string where;
      for (size_t k = start; k < end; ++k) {
        where += (k == start ? "" : " OR ");
        where += "(platform = ? AND external_id = ?)";
      }
      Statement ps = conn.Prepare(select + " AND (" + where + ")");
      int i = 1;
      for (size_t k = start; k < end; ++k) {
        ps->setString(i++, profiles[k].first);
        ps->setString(i++, profiles[k].second);
      }
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
      read(*rs);
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading link decisions");
  }
  return state;
}

ApplyCounts LinkRepository::ApplyMatches(
    const std::vector<std::pair<std::string, std::string>>& matched,
    const std::vector<ProposedLink>& proposals) {
  ApplyCounts counts;
  std::unordered_map<std::string, std::vector<const ProposedLink*>> by_profile;
  for (const ProposedLink& p : proposals) {
    by_profile[ProfileKey(p.platform, p.external_id)].push_back(&p);
  }
  const Actor scrm{"scrm", "matching"};
  try {
    Pool::Lease conn = pool_.Acquire();
    for (size_t start = 0; start < matched.size(); start += kChunk) {
      const size_t end = std::min(matched.size(), start + kChunk);
      Transaction tx(*conn);
      // What is stored for these profiles now.
      struct Row {
        int64_t id;
        std::string status;
        double score;
        std::string evidence;
      };
      std::unordered_map<std::string, std::map<std::string, Row>> existing;  // profile -> pair -> row
      {
        std::string where;
        for (size_t k = start; k < end; ++k) {
          where += (k == start ? "" : " OR ");
          where += "(platform = ? AND external_id = ?)";
        }
        Statement ps = conn.Prepare(
            "SELECT id, platform, external_id, module, crm_id, status, score, "
            "COALESCE(evidence, '') FROM scrm_links WHERE " + where + " FOR UPDATE");
        int i = 1;
        for (size_t k = start; k < end; ++k) {
          ps->setString(i++, matched[k].first);
          ps->setString(i++, matched[k].second);
        }
        std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
        while (rs->next()) {
          existing[ProfileKey(rs->getString(2), rs->getString(3))]
                  [std::string(rs->getString(4)) + '\x1f' + std::string(rs->getString(5))] =
              Row{rs->getInt64(1), rs->getString(6), static_cast<double>(rs->getDouble(7)),
                  rs->getString(8)};
        }
      }
      std::vector<const ProposedLink*> inserts;
      std::vector<std::pair<int64_t, const ProposedLink*>> updates;  // suggestion refreshed or promoted
      std::vector<int64_t> withdraw;
      std::vector<std::pair<std::string, std::string>> reindex;
      for (size_t k = start; k < end; ++k) {
        const std::string pkey = ProfileKey(matched[k].first, matched[k].second);
        auto ex = existing.find(pkey);
        bool live = false;
        if (ex != existing.end()) {
          for (const auto& [pair, row] : ex->second) live = live || IsLive(row.status);
        }
        if (live) {
          ++counts.skipped;
          continue;
        }
        auto props = by_profile.find(pkey);
        std::unordered_set<std::string> proposed;
        if (props != by_profile.end()) {
          for (const ProposedLink* p : props->second) {
            const std::string pair = std::string(CrmModuleName(p->module)) + '\x1f' + p->crm_id;
            proposed.insert(pair);
            const Row* row = nullptr;
            if (ex != existing.end()) {
              auto it = ex->second.find(pair);
              if (it != ex->second.end()) row = &it->second;
            }
            if (row == nullptr) {
              inserts.push_back(p);
              if (p->automatic) {
                ++counts.auto_links;
                reindex.emplace_back(p->platform, p->external_id);
              } else {
                ++counts.suggestions;
              }
            } else if (row->status == "suggested") {
              if (p->automatic) {
                updates.emplace_back(row->id, p);
                ++counts.auto_links;
                reindex.emplace_back(p->platform, p->external_id);
              } else if (row->score != p->score || row->evidence != p->evidence) {
                updates.emplace_back(row->id, p);
                ++counts.refreshed;
              }
            }
            // rejected: never proposed again (matching excludes it too).
          }
        }
        if (ex != existing.end()) {
          for (const auto& [pair, row] : ex->second) {
            if (row.status == "suggested" && !proposed.count(pair)) withdraw.push_back(row.id);
          }
        }
      }
      if (!inserts.empty()) {
        std::string values;
        for (size_t r = 0; r < inserts.size(); ++r) {
          values += r ? "," : "";
          values += "(?,?,?,?,?,?,?,?,'scrm','matching',UTC_TIMESTAMP(),UTC_TIMESTAMP(),UTC_TIMESTAMP())";
        }
        Statement ps = conn.Prepare(
            "INSERT INTO scrm_links (profile_id, platform, external_id, module, crm_id, status, "
            "score, evidence, decided_by, decided_by_name, decided_at, created_at, updated_at) "
            "VALUES " + values);
        int i = 1;
        for (const ProposedLink* p : inserts) {
          ps->setInt64(i++, p->profile_id);
          ps->setString(i++, p->platform);
          ps->setString(i++, p->external_id);
          ps->setString(i++, CrmModuleName(p->module));
          ps->setString(i++, p->crm_id);
          ps->setString(i++, p->automatic ? "auto" : "suggested");
          ps->setDouble(i++, p->score);
          ps->setString(i++, p->evidence);
        }
        ps->execute();
        // A multi-row INSERT takes consecutive ids from LAST_INSERT_ID() on
        // (innodb_autoinc_lock_mode 0 or 1, MariaDB's default is 1): audit them in one statement.
        std::unique_ptr<sql::Statement> st(conn->createStatement());
        std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT LAST_INSERT_ID()"));
        rs->next();
        const int64_t first = rs->getInt64(1);
        Statement au = conn.Prepare(
            "INSERT INTO scrm_link_decisions (link_id, platform, external_id, module, crm_id, "
            "action, status, score, evidence, decided_by, decided_by_name, decided_at) "
            "SELECT id, platform, external_id, module, crm_id, IF(status = 'auto', 'auto', "
            "'suggest'), status, score, evidence, decided_by, decided_by_name, decided_at FROM "
            "scrm_links WHERE id BETWEEN ? AND ?");
        au->setInt64(1, first);
        au->setInt64(2, first + static_cast<int64_t>(inserts.size()) - 1);
        au->execute();
      }
      for (const auto& [id, p] : updates) {
        Statement ps = conn.Prepare(
            "UPDATE scrm_links SET status = ?, score = ?, evidence = ?, profile_id = ?, "
            "updated_at = UTC_TIMESTAMP()" +
            std::string(p->automatic ? ", decided_by = 'scrm', decided_by_name = 'matching', "
                                       "decided_at = UTC_TIMESTAMP()"
                                     : "") +
            " WHERE id = ?");
        ps->setString(1, p->automatic ? "auto" : "suggested");
        ps->setDouble(2, p->score);
        ps->setString(3, p->evidence);
        ps->setInt64(4, p->profile_id);
        ps->setInt64(5, id);
        ps->execute();
        if (p->automatic) Audit(*conn, id, "auto");
      }
      for (int64_t id : withdraw) {
        SetStatus(*conn, id, "withdrawn", scrm);
        Audit(*conn, id, "withdraw");
        Statement del = conn.Prepare("DELETE FROM scrm_links WHERE id = ?");
        del->setInt64(1, id);
        del->execute();
        ++counts.withdrawn;
      }
      EnqueueAuthors(*conn, reindex);
      tx.Commit();
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "storing matching results");
  }
  return counts;
}

std::vector<Link> LinkRepository::List(const std::string& status, const std::string& module,
                                       const std::string& crm_id, int limit, int offset,
                                       const Viewer* viewer) {
  std::vector<Link> out;
  try {
    Pool::Lease conn = pool_.Acquire();
    std::string where = " WHERE 1 = 1";
    if (!status.empty()) where += " AND l.status = ?";
    if (!module.empty()) where += " AND l.module = ?";
    if (!crm_id.empty()) where += " AND l.crm_id = ?";
    std::vector<std::string> communities;
    if (viewer != nullptr) where += " AND " + VisibleSourceCondition(*viewer, "s", &communities);
    Statement ps = conn.Prepare(
        "SELECT " + LinkColumns() + where +
        (status == "suggested" ? " ORDER BY l.score DESC, l.id" : " ORDER BY l.updated_at DESC, l.id DESC") +
        " LIMIT ? OFFSET ?");
    int i = 1;
    if (!status.empty()) ps->setString(i++, status);
    if (!module.empty()) ps->setString(i++, module);
    if (!crm_id.empty()) ps->setString(i++, crm_id);
    for (const std::string& c : communities) ps->setString(i++, c);
    ps->setInt(i++, limit);
    ps->setInt(i++, offset);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    while (rs->next()) out.push_back(LinkOf(*rs));
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "listing links");
  }
  return out;
}

int64_t LinkRepository::Count(const std::string& status, const Viewer* viewer) {
  try {
    Pool::Lease conn = pool_.Acquire();
    std::vector<std::string> communities;
    std::string where = status.empty() ? " WHERE 1 = 1" : " WHERE l.status = ?";
    if (viewer != nullptr) where += " AND " + VisibleSourceCondition(*viewer, "s", &communities);
    const std::string tables = viewer != nullptr ? kLinkTables : " FROM scrm_links l";
    Statement ps = conn.Prepare("SELECT COUNT(*)" + tables + where);
    int i = 1;
    if (!status.empty()) ps->setString(i++, status);
    for (const std::string& c : communities) ps->setString(i++, c);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    return rs->next() ? rs->getInt64(1) : 0;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "counting links");
  }
}

std::optional<Link> LinkRepository::Get(int64_t id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    return GetOn(*conn, id, false);
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading a link");
  }
}

std::vector<LinkDecision> LinkRepository::History(int64_t link_id) {
  std::vector<LinkDecision> out;
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        std::string("SELECT id, link_id, action, status, score, COALESCE(evidence, '[]'), "
                    "decided_by, decided_by_name, DATE_FORMAT(decided_at, ") +
        kFmt + ") FROM scrm_link_decisions WHERE link_id = ? ORDER BY id");
    ps->setInt64(1, link_id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    while (rs->next()) {
      out.push_back(LinkDecision{rs->getInt64(1), rs->getInt64(2), rs->getString(3),
                                 rs->getString(4), static_cast<double>(rs->getDouble(5)),
                                 rs->getString(6),
                                 rs->getString(7), rs->getString(8), rs->getString(9)});
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading link decisions");
  }
  return out;
}

Result<Link> LinkRepository::Confirm(int64_t id, const Actor& who) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Transaction tx(*conn);
    std::optional<Link> l = GetOn(*conn, id, true);
    if (!l) return Status::NotFound("no link " + std::to_string(id));
    if (l->status == "rejected") {
      return Status::Conflict("link " + std::to_string(id) +
                              " was rejected; link the profile by hand (POST /api/v1/links) to "
                              "make it anyway");
    }
    if (l->status == "confirmed" || l->status == "manual") return *l;  // already decided
    if (std::optional<Link> other = LiveLinkOf(*conn, l->platform, l->external_id, id)) {
      return Status::Conflict(ConflictText(*other));
    }
    const bool was_live = IsLive(l->status);
    SetStatus(*conn, id, "confirmed", who);
    Audit(*conn, id, "confirm");
    WithdrawOthers(*conn, l->platform, l->external_id, id, who);
    if (!was_live) EnqueueAuthors(*conn, {{l->platform, l->external_id}});
    std::optional<Link> now = GetOn(*conn, id, false);
    tx.Commit();
    return *now;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "confirming a link");
  }
}

Result<Link> LinkRepository::Reject(int64_t id, const Actor& who) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Transaction tx(*conn);
    std::optional<Link> l = GetOn(*conn, id, true);
    if (!l) return Status::NotFound("no link " + std::to_string(id));
    if (l->status == "rejected") return *l;
    const bool was_live = IsLive(l->status);
    SetStatus(*conn, id, "rejected", who);
    Audit(*conn, id, was_live ? "unlink" : "reject");
    if (was_live) EnqueueAuthors(*conn, {{l->platform, l->external_id}});
    std::optional<Link> now = GetOn(*conn, id, false);
    tx.Commit();
    return *now;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "rejecting a link");
  }
}

Result<Link> LinkRepository::Unlink(int64_t id, const Actor& who) {
  std::optional<Link> l = Get(id);
  if (!l) return Status::NotFound("no link " + std::to_string(id));
  if (!IsLive(l->status)) {
    return Status::Conflict("link " + std::to_string(id) + " is " + l->status +
                            ", not a link to undo (reject a suggestion instead)");
  }
  return Reject(id, who);
}

constexpr int kLinkAttempts = 5;

Result<Link> LinkRepository::LinkManually(int64_t profile_id, CrmModule module,
                                          const std::string& crm_id, const Actor& who) {
  try {
    Pool::Lease conn = pool_.Acquire();
    // Matching may be writing the same pair at this moment (a CRM event
    // wakes it, and "Create lead" links the new record just after saving
    // it): MariaDB rolls one of the two back on the pair's unique-key locks;
    // when it is this one, it runs again and finds matching's row.
    return RetryLostRace(kLinkAttempts, [&]() -> Result<Link> {
      Transaction tx(*conn);
      std::string platform, external_id;
      {
        Statement ps = conn.Prepare("SELECT platform, external_id FROM scrm_profiles WHERE id = ?");
        ps->setInt64(1, profile_id);
        std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
        if (!rs->next()) return Status::NotFound("no profile " + std::to_string(profile_id));
        platform = rs->getString(1);
        external_id = rs->getString(2);
      }
      {
        Statement ps = conn.Prepare("SELECT 1 FROM scrm_customers WHERE module = ? AND crm_id = ?");
        ps->setString(1, CrmModuleName(module));
        ps->setString(2, crm_id);
        std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
        if (!rs->next()) {
          return Status::NotFound(std::string("no ") + CrmModuleName(module) + " record " + crm_id +
                                  " in the engine (scrm never creates CRM records)");
        }
      }
      int64_t id = 0;
      std::string status;
      {
        Statement ps = conn.Prepare("SELECT id, status FROM scrm_links WHERE platform = ? AND "
                                   "external_id = ? AND module = ? "
                                   "AND crm_id = ? FOR UPDATE");
        ps->setString(1, platform);
        ps->setString(2, external_id);
        ps->setString(3, CrmModuleName(module));
        ps->setString(4, crm_id);
        std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
        if (rs->next()) {
          id = rs->getInt64(1);
          status = rs->getString(2);
        }
      }
      if (status == "manual" || status == "confirmed") {
        return *GetOn(*conn, id, false);
      }
      if (std::optional<Link> other = LiveLinkOf(*conn, platform, external_id, id)) {
        return Status::Conflict(ConflictText(*other));
      }
      if (id == 0) {
        Statement ps = conn.Prepare(
            "INSERT INTO scrm_links (profile_id, platform, external_id, module, crm_id, status, "
            "score, evidence, decided_by, decided_by_name, decided_at, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, 'manual', 1, '[]', ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(), "
            "UTC_TIMESTAMP())");
        ps->setInt64(1, profile_id);
        ps->setString(2, platform);
        ps->setString(3, external_id);
        ps->setString(4, CrmModuleName(module));
        ps->setString(5, crm_id);
        ps->setString(6, TruncateUtf8(who.id, 100));
        ps->setString(7, TruncateUtf8(who.name, 100));
        ps->execute();
        std::unique_ptr<sql::Statement> st(conn->createStatement());
        std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT LAST_INSERT_ID()"));
        rs->next();
        id = rs->getInt64(1);
      } else {
        SetStatus(*conn, id, "manual", who);  // a suggestion, an auto link, or a rejected pair
      }
      Audit(*conn, id, "link");
      WithdrawOthers(*conn, platform, external_id, id, who);
      if (!IsLive(status)) EnqueueAuthors(*conn, {{platform, external_id}});
      std::optional<Link> now = GetOn(*conn, id, false);
      tx.Commit();
      return *now;
    });
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "linking a profile");
  }
}

std::vector<AuthorLinks> LinkRepository::LinkedOfAuthors(
    const std::vector<std::pair<std::string, std::string>>& authors) {
  std::vector<AuthorLinks> out;
  if (authors.empty()) return out;
  std::map<std::pair<std::string, std::string>, size_t> index;
  try {
    Pool::Lease conn = pool_.Acquire();
    for (size_t start = 0; start < authors.size(); start += kChunk) {
      const size_t end = std::min(authors.size(), start + kChunk);
      std::string where;
      for (size_t k = start; k < end; ++k) {
        where += (k == start ? "" : " OR ");
        where += "(l.platform = ? AND l.external_id = ?)";
      }
      // The linked record, its owner, and (contacts) its accounts and their owners.
      Statement ps = conn.Prepare(
          "SELECT l.platform, l.external_id, l.module, l.crm_id, COALESCE(c.owner_id, ''), "
          "COALESCE(a.account_id, ''), COALESCE(ac.owner_id, '') FROM scrm_links l "
          "LEFT JOIN scrm_customers c ON c.module = l.module AND c.crm_id = l.crm_id "
          "LEFT JOIN scrm_customer_accounts a ON l.module = 'Contacts' AND a.contact_id = l.crm_id "
          "LEFT JOIN scrm_customers ac ON ac.module = 'Accounts' AND ac.crm_id = a.account_id "
          "WHERE l.status IN ('auto', 'confirmed', 'manual') AND (" + where +
          ") ORDER BY l.platform, l.external_id, l.module, l.crm_id");
      int i = 1;
      for (size_t k = start; k < end; ++k) {
        ps->setString(i++, authors[k].first);
        ps->setString(i++, authors[k].second);
      }
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
      while (rs->next()) {
        auto key = std::make_pair(rs->getString(1), rs->getString(2));
        auto it = index.find(key);
        if (it == index.end()) {
          it = index.emplace(key, out.size()).first;
          out.push_back(AuthorLinks{key.first, key.second, {}});
        }
        AuthorLinks& a = out[it->second];
        const std::string module = rs->getString(3), crm_id = rs->getString(4);
        const std::string customer = module + "/" + crm_id;
        if (a.customers.empty() || a.customers.back().customer != customer) {
          LinkedCustomer lc;
          lc.customer = customer;
          if (module == "Accounts") lc.account_ids.push_back(crm_id);
          a.customers.push_back(std::move(lc));
        }
        LinkedCustomer& lc = a.customers.back();
        auto add = [](std::vector<std::string>& v, const std::string& s) {
          if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
        };
        add(lc.owner_ids, rs->getString(5));
        add(lc.account_ids, rs->getString(6));
        add(lc.owner_ids, rs->getString(7));
      }
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading the links of authors");
  }
  return out;
}

}  // namespace scrm::store
