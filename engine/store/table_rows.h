// TableRows: the rows of the engine's own scrm_* tables as JSON objects,
// for `scrm export` and `scrm import` (engine/transfer). Tables are
// described from information_schema, so a column added by a migration is
// carried without code here; generated columns (the hash keys of sql/0003)
// are left out: MariaDB computes them again on insert.
//
// Scan() reads a table in primary-key order, page_size rows a query, with a
// keyset (WHERE key > last key): each page is one bounded query, memory
// stays flat whatever the table's size, and the order is the same on every
// run. Values: integers as numbers, doubles as numbers, DATETIME as
// "YYYY-MM-DD HH:MM:SS" (UTC, as stored), binary columns as json binary,
// NULL as null, everything else as text. Insert() takes the same objects
// back. Thread-safe; database failures throw store::DbError.
#ifndef SCRM_STORE_TABLE_ROWS_H_
#define SCRM_STORE_TABLE_ROWS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "store/pool.h"

namespace scrm::store {

enum class ColumnType { kInteger, kDouble, kDateTime, kBinary, kText };

struct ColumnInfo {
  std::string name;
  ColumnType type = ColumnType::kText;
  bool nullable = false;
};

struct TableInfo {
  std::string name;
  std::vector<ColumnInfo> columns;       // stored (not generated) columns, in table order
  std::vector<std::string> primary_key;  // in key order
  const ColumnInfo* Column(const std::string& name) const;
};

class TableRows {
 public:
  explicit TableRows(Pool& pool);
  ~TableRows();

  // From here on, Scan() and Count() read one consistent snapshot of the
  // database (one connection holding a read-only REPEATABLE READ transaction,
  // as mysqldump --single-transaction), until this object goes: an export of
  // a live instance is one cut in time. Writers are not blocked.
  void BeginSnapshot();

  // The scrm_* tables of the current database, by name.
  std::vector<std::string> EngineTables();
  // NotFound when the table does not exist; FailedPrecondition when it has
  // no primary key (no stable order to read it in).
  Result<TableInfo> Describe(const std::string& table);
  int64_t Count(const std::string& table);
  // Deletes every row of the table (an import replacing job state).
  void Clear(const std::string& table);
  // Every row, in primary-key order; `each` may throw to stop.
  void Scan(const TableInfo& table, int page_size,
            const std::function<void(nlohmann::json&& row)>& each);
  // Inserts rows holding exactly the table's stored columns (checked by the
  // caller), in one transaction per call.
  void Insert(const TableInfo& table, const std::vector<nlohmann::json>& rows);

 private:
  Pool& pool_;
  std::unique_ptr<Pool::Lease> snapshot_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_TABLE_ROWS_H_
