#include "store/migrator.h"

#include <algorithm>
#include <map>
#include <memory>

#include "core/hash.h"
#include "core/text.h"
#include "store/sql_util.h"

namespace scrm::store {

namespace {

bool OnlyCommentsAndBlanks(const std::string& chunk) {
  for (const std::string& line : Split(chunk, '\n')) {
    std::string t = Trim(line);
    if (!t.empty() && !StartsWith(t, "--")) return false;
  }
  return true;
}

std::string Checksum(const Migration& m) { return Fnv64().Add(m.sql).Hex(); }

bool TableExists(sql::Connection& conn, const std::string& table) {
  std::unique_ptr<sql::PreparedStatement> ps(conn.prepareStatement(
      "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND "
      "table_name = ?"));
  ps->setString(1, table);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  return rs->next();
}

const char kVersionTable[] =
    "CREATE TABLE IF NOT EXISTS scrm_schema_version ("
    " version int NOT NULL PRIMARY KEY,"
    " name varchar(255) NOT NULL,"
    " checksum char(16) NOT NULL,"
    " applied_at datetime NOT NULL"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

}  // namespace

std::vector<std::string> SplitStatements(const std::string& sql) {
  std::vector<std::string> out;
  std::string current;
  for (const std::string& line : Split(sql, '\n')) {
    current += line;
    current += '\n';
    std::string t = Trim(line);
    if (!t.empty() && t.back() == ';') {
      if (!OnlyCommentsAndBlanks(current)) out.push_back(Trim(current));
      current.clear();
    }
  }
  if (!OnlyCommentsAndBlanks(current)) out.push_back(Trim(current));
  return out;
}

const std::vector<std::string>& RequiredCrmTables() {
  static const std::vector<std::string> kTables = {
      "users", "contacts", "leads", "accounts", "accounts_contacts", "email_addresses",
      "email_addr_bean_rel"};
  return kTables;
}

int LatestVersion(const std::vector<Migration>& migrations) {
  int v = 0;
  for (const Migration& m : migrations) v = std::max(v, m.version);
  return v;
}

int CurrentSchemaVersion(Pool& pool) {
  try {
    Pool::Lease conn = pool.Acquire();
    if (!TableExists(*conn, "scrm_schema_version")) return 0;
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    std::unique_ptr<sql::ResultSet> rs(
        st->executeQuery("SELECT COALESCE(MAX(version), 0) FROM scrm_schema_version"));
    return rs->next() ? rs->getInt(1) : 0;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading the schema version");
  }
}

Result<MigrateReport> Migrate(Pool& pool, const std::vector<Migration>& migrations,
                              const MigrateOptions& options) {
  MigrateReport report;
  try {
    Pool::Lease conn = pool.Acquire();
    if (!options.allow_empty_crm) {
      std::vector<std::string> missing;
      for (const std::string& t : RequiredCrmTables()) {
        if (!TableExists(*conn, t)) missing.push_back(t);
      }
      if (!missing.empty()) {
        std::string list;
        for (const std::string& t : missing) list += (list.empty() ? "" : ", ") + t;
        return Status::FailedPrecondition(
            "database '" + pool.options().url.database + "' has no SuiteCRM tables (missing: " +
            list +
            "). Point db.url (or SCRM_DB_URL) at the CRM's database, or pass --allow-empty-crm "
            "to install the engine's tables alone.");
      }
    }
    NamedLock lock(*conn, "scrm_migrate", 60);
    if (!lock.held()) {
      return Status::Unavailable("another 'scrm migrate' holds the migration lock; try again");
    }
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    st->execute(kVersionTable);

    std::unique_ptr<sql::ResultSet> rs(
        st->executeQuery("SELECT version, name, checksum FROM scrm_schema_version"));
    std::map<int, std::pair<std::string, std::string>> applied;
    while (rs->next()) {
      applied[rs->getInt(1)] = {rs->getString(2), rs->getString(3)};
    }
    report.from_version = applied.empty() ? 0 : applied.rbegin()->first;

    for (const Migration& m : migrations) {
      auto it = applied.find(m.version);
      if (it != applied.end()) {
        if (it->second.second != Checksum(m)) {
          return Status::FailedPrecondition(
              "migration " + m.name + " was changed after it was applied to this database; "
              "never edit an applied migration: add a new sql/NNNN_*.sql file instead");
        }
        continue;
      }
      if (report.from_version > m.version) {
        return Status::FailedPrecondition("migration " + m.name +
                                          " is older than the database's version " +
                                          std::to_string(report.from_version) +
                                          " but was never applied");
      }
      for (const std::string& stmt : SplitStatements(m.sql)) {
        try {
          st->execute(stmt);
        } catch (const sql::SQLException& e) {
          throw DbError::From(e, "applying migration " + m.name);
        }
      }
      Statement ins = conn.Prepare(
          "INSERT INTO scrm_schema_version (version, name, checksum, applied_at) "
          "VALUES (?, ?, ?, UTC_TIMESTAMP())");
      ins->setInt(1, m.version);
      ins->setString(2, m.name);
      ins->setString(3, Checksum(m));
      ins->execute();
      report.applied.push_back(m.name);
    }
    report.to_version = std::max(report.from_version, LatestVersion(migrations));
    return report;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "migrating the database");
  }
}

}  // namespace scrm::store
