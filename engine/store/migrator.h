// Migrations of the engine's own scrm_* tables, from the versioned files in
// sql/ (compiled in). Migrate() applies, in order, every version above the
// one recorded in scrm_schema_version; it is idempotent, serialised between
// processes by a database lock, and refuses a database that holds no
// SuiteCRM tables unless allow_empty_crm is set (a typo in db.url must not
// quietly build an engine next to nothing).
#ifndef SCRM_STORE_MIGRATOR_H_
#define SCRM_STORE_MIGRATOR_H_

#include <string>
#include <vector>

#include "core/status.h"
#include "store/pool.h"

namespace scrm::store {

struct Migration {
  int version;
  std::string name;  // "0001_customers"
  std::string sql;   // statements, each ending with ';' at the end of a line
};

// The migrations of sql/, as built into this executable, by version.
const std::vector<Migration>& EmbeddedMigrations();

// The statements of a migration file: split at ';' ending a line; chunks
// holding only comments and blanks are dropped.
std::vector<std::string> SplitStatements(const std::string& sql);

struct MigrateOptions {
  bool allow_empty_crm = false;
};

struct MigrateReport {
  int from_version = 0;
  int to_version = 0;
  std::vector<std::string> applied;  // names, in order
};

// The SuiteCRM tables the engine reads; Migrate() wants them present.
const std::vector<std::string>& RequiredCrmTables();

Result<MigrateReport> Migrate(Pool& pool, const std::vector<Migration>& migrations,
                              const MigrateOptions& options);

// Version recorded in scrm_schema_version (0 when the table does not exist).
int CurrentSchemaVersion(Pool& pool);
int LatestVersion(const std::vector<Migration>& migrations);

}  // namespace scrm::store

#endif  // SCRM_STORE_MIGRATOR_H_
