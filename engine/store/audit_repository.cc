#include "store/audit_repository.h"

#include <cctype>
#include <map>
#include <mutex>
#include <stdexcept>

#include "core/time.h"
#include "store/sql_util.h"

namespace scrm::store {

namespace {

constexpr size_t kAggregatesPerStatement = 200;

// The columns' sizes (sql/0008, 0013), in bytes cut at a character boundary:
// a long value is shortened, never refused.
std::string Clip(const std::string& s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

bool NamesASecret(const std::string& key) {
  std::string k;
  for (char c : key) k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return k == "key" || k.find("secret") != std::string::npos ||
         k.find("password") != std::string::npos || k.find("token") != std::string::npos;
}

// A detail is ids and counts: a key that names a secret is a programming
// error, caught before anything is written.
void CheckDetail(const nlohmann::json& j, const std::string& kind) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (NamesASecret(it.key())) {
        throw std::invalid_argument("audit entry '" + kind + "': detail field '" + it.key() +
                                    "' names a secret, which the security log never holds");
      }
      CheckDetail(it.value(), kind);
    }
  } else if (j.is_array()) {
    for (const nlohmann::json& v : j) CheckDetail(v, kind);
  }
}

void CheckEntry(const AuditEntry& e) {
  if (!IsAuditKind(e.kind)) throw std::invalid_argument("unknown audit kind '" + e.kind + "'");
  CheckDetail(e.detail, e.kind);
}

std::string DetailText(const nlohmann::json& detail) {
  return detail.is_null() ? ""
                          : detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// "2026-12-05T07:52:02Z".
std::string Iso(int64_t t) {
  std::string s = FormatSqlDateTime(t);
  if (s.size() > 10) s[10] = 'T';
  return s + "Z";
}

struct Tally {
  std::mutex mu;
  std::map<std::string, int64_t> counts;
};

Tally& Counts() {
  static Tally tally;
  return tally;
}

}  // namespace

bool IsAuditKind(const std::string& kind) {
  for (const char* k : kAuditKinds) {
    if (kind == k) return true;
  }
  return false;
}

void CountAuditEvents(const std::string& kind, int64_t n) {
  Tally& t = Counts();
  std::lock_guard<std::mutex> lock(t.mu);
  t.counts[kind] += n;
}

int64_t AuditEventsCounted(const std::string& kind) {
  Tally& t = Counts();
  std::lock_guard<std::mutex> lock(t.mu);
  auto it = t.counts.find(kind);
  return it == t.counts.end() ? 0 : it->second;
}

nlohmann::json AuditRow::ToJson() const {
  return {{"id", id},
          {"at", Iso(created_at)},
          {"last_at", Iso(last_at)},
          {"kind", kind},
          {"actor", actor},
          {"address", address},
          {"object", object},
          {"subject_hash", subject_hash},
          {"count", count},
          {"detail", detail}};
}

int64_t WriteAuditOn(sql::Connection& conn, const AuditEntry& e) {
  CheckEntry(e);
  std::unique_ptr<sql::PreparedStatement> ps(conn.prepareStatement(
      "INSERT INTO scrm_audit (kind, actor, address, object, subject_hash, detail, count, "
      "created_at) VALUES (?, ?, ?, ?, IF(? = '', '', SHA2(?, 256)), NULLIF(?, ''), 1, "
      "UTC_TIMESTAMP())"));
  ps->setString(1, e.kind);
  ps->setString(2, Clip(e.actor, 100));
  ps->setString(3, Clip(e.address, 64));
  ps->setString(4, Clip(e.object, 255));
  ps->setString(5, e.subject);
  ps->setString(6, e.subject);
  ps->setString(7, DetailText(e.detail));
  ps->execute();
  std::unique_ptr<sql::Statement> st(conn.createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT LAST_INSERT_ID()"));
  CountAuditEvents(e.kind, 1);
  return rs->next() ? rs->getInt64(1) : 0;
}

int64_t AuditRepository::Add(const AuditEntry& entry) {
  try {
    Pool::Lease conn = pool_.Acquire();
    return WriteAuditOn(*conn, entry);
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "writing the security log (scrm_audit)");
  }
}

void AuditRepository::AddAggregates(const std::vector<AuditAggregate>& aggregates) {
  for (const AuditAggregate& a : aggregates) CheckEntry(a.entry);
  try {
    Pool::Lease conn = pool_.Acquire();
    for (size_t start = 0; start < aggregates.size(); start += kAggregatesPerStatement) {
      const size_t end = std::min(aggregates.size(), start + kAggregatesPerStatement);
      Statement ps = conn.Prepare(
          "INSERT INTO scrm_audit (aggregate_key, kind, actor, address, object, subject_hash, "
          "detail, count, created_at, last_at) VALUES " +
          Placeholders(end - start, 10) +
          " ON DUPLICATE KEY UPDATE count = count + VALUES(count), "
          "last_at = GREATEST(last_at, VALUES(last_at))");
      int i = 1;
      for (size_t k = start; k < end; ++k) {
        const AuditAggregate& a = aggregates[k];
        ps->setString(i++, a.key);
        ps->setString(i++, a.entry.kind);
        ps->setString(i++, Clip(a.entry.actor, 100));
        ps->setString(i++, Clip(a.entry.address, 64));
        ps->setString(i++, Clip(a.entry.object, 255));
        ps->setString(i++, "");
        const std::string detail = DetailText(a.entry.detail);
        if (detail.empty()) {
          ps->setNull(i++, sql::DataType::VARCHAR);
        } else {
          ps->setString(i++, detail);
        }
        ps->setInt64(i++, a.count);
        ps->setString(i++, FormatSqlDateTime(a.first_at));
        ps->setString(i++, FormatSqlDateTime(a.last_at));
      }
      ps->execute();
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "writing refusals to the security log (scrm_audit)");
  }
}

void AuditRepository::MakeRoomUpTo(int64_t max_id) {
  static const char kColumns[] =
      "kind, actor, address, object, subject_hash, detail, count, created_at, last_at";
  try {
    Pool::Lease conn = pool_.Acquire();
    // First the counter (DDL: it commits by itself), so that rows logged
    // meanwhile land above max_id too.
    Execute(*conn, "ALTER TABLE scrm_audit AUTO_INCREMENT = " + std::to_string(max_id + 1));
    Execute(*conn, "DROP TEMPORARY TABLE IF EXISTS scrm_audit_moved");
    Transaction tx(*conn);
    Execute(*conn, "CREATE TEMPORARY TABLE scrm_audit_moved AS SELECT id, " +
                       std::string(kColumns) +
                       " FROM scrm_audit WHERE id <= " + std::to_string(max_id) + " FOR UPDATE");
    Execute(*conn, "DELETE FROM scrm_audit WHERE id <= " + std::to_string(max_id));
    Execute(*conn, "INSERT INTO scrm_audit (" + std::string(kColumns) + ") SELECT " + kColumns +
                       " FROM scrm_audit_moved ORDER BY id");
    Execute(*conn, "DROP TEMPORARY TABLE scrm_audit_moved");
    tx.Commit();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "making room in the security log for an import");
  }
}

std::vector<AuditRow> AuditRepository::List(const AuditFilter& f) {
  std::string sql =
      "SELECT id, kind, actor, address, object, subject_hash, COALESCE(detail, ''), count, "
      "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'), "
      "DATE_FORMAT(COALESCE(last_at, created_at), '%Y-%m-%d %H:%i:%s') FROM scrm_audit WHERE 1 = 1";
  if (!f.kinds.empty()) sql += " AND kind IN " + Placeholders(1, f.kinds.size());
  if (f.since > 0) sql += " AND COALESCE(last_at, created_at) >= ?";
  if (!f.actor.empty()) sql += " AND actor = ?";
  if (!f.address.empty()) sql += " AND address = ?";
  sql += " ORDER BY id DESC LIMIT ?";
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(sql);
    int i = 1;
    for (const std::string& k : f.kinds) ps->setString(i++, k);
    if (f.since > 0) ps->setString(i++, FormatSqlDateTime(f.since));
    if (!f.actor.empty()) ps->setString(i++, f.actor);
    if (!f.address.empty()) ps->setString(i++, f.address);
    ps->setInt(i++, f.limit);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    std::vector<AuditRow> out;
    while (rs->next()) {
      AuditRow r;
      r.id = rs->getInt64(1);
      r.kind = rs->getString(2);
      r.actor = rs->getString(3);
      r.address = rs->getString(4);
      r.object = rs->getString(5);
      r.subject_hash = rs->getString(6);
      const std::string detail = rs->getString(7);
      if (!detail.empty()) r.detail = nlohmann::json::parse(detail, nullptr, false);
      if (r.detail.is_discarded()) r.detail = detail;  // not JSON: shown as stored
      r.count = rs->getInt64(8);
      r.created_at = ParseSqlDateTime(rs->getString(9)).value_or(0);
      r.last_at = ParseSqlDateTime(rs->getString(10)).value_or(0);
      out.push_back(std::move(r));
    }
    return out;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading the security log (scrm_audit)");
  }
}

}  // namespace scrm::store
