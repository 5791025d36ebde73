#include "store/table_rows.h"

#include <memory>
#include <sstream>

#include "store/sql_util.h"

namespace scrm::store {

namespace {

ColumnType TypeOf(const std::string& data_type) {
  static const char* kIntegers[] = {"tinyint", "smallint", "mediumint", "int", "bigint", "bit"};
  for (const char* t : kIntegers) {
    if (data_type == t) return ColumnType::kInteger;
  }
  if (data_type == "double" || data_type == "float") return ColumnType::kDouble;
  if (data_type == "datetime" || data_type == "timestamp") return ColumnType::kDateTime;
  if (data_type.find("blob") != std::string::npos || data_type == "binary" ||
      data_type == "varbinary") {
    return ColumnType::kBinary;
  }
  return ColumnType::kText;
}

std::string Quoted(const std::string& name) { return "`" + name + "`"; }

void Bind(sql::PreparedStatement& ps, int index, const nlohmann::json& v,
          std::vector<std::unique_ptr<std::istringstream>>& blobs) {
  if (v.is_null()) {
    ps.setNull(index, 0);
  } else if (v.is_number_integer()) {
    ps.setInt64(index, v.get<int64_t>());
  } else if (v.is_number()) {
    ps.setDouble(index, v.get<double>());
  } else if (v.is_binary()) {
    const auto& bytes = v.get_binary();
    blobs.push_back(std::make_unique<std::istringstream>(std::string(bytes.begin(), bytes.end())));
    ps.setBlob(index, blobs.back().get());
  } else if (v.is_boolean()) {
    ps.setInt64(index, v.get<bool>() ? 1 : 0);
  } else if (v.is_string()) {
    ps.setString(index, v.get<std::string>());
  } else {
    // Objects and arrays are the caller's to turn into text; dump what is left.
    ps.setString(index, v.dump());
  }
}

}  // namespace

TableRows::TableRows(Pool& pool) : pool_(pool) {}

TableRows::~TableRows() {
  if (!snapshot_) return;
  try {
    Execute(**snapshot_, "ROLLBACK");  // read only: nothing to keep
  } catch (const sql::SQLException&) {
    snapshot_->Discard();
  }
}

void TableRows::BeginSnapshot() {
  if (snapshot_) return;
  try {
    snapshot_ = std::make_unique<Pool::Lease>(pool_.Acquire());
    Execute(**snapshot_, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    Execute(**snapshot_, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "starting a consistent snapshot");
  }
}

const ColumnInfo* TableInfo::Column(const std::string& column) const {
  for (const ColumnInfo& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

std::vector<std::string> TableRows::EngineTables() {
  try {
    Pool::Lease conn = pool_.Acquire();
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
        "AND TABLE_NAME LIKE 'scrm\\_%' AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME"));
    std::vector<std::string> out;
    while (rs->next()) out.push_back(rs->getString(1));
    return out;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "listing the engine's tables");
  }
}

Result<TableInfo> TableRows::Describe(const std::string& table) {
  try {
    Pool::Lease conn = pool_.Acquire();
    TableInfo info;
    info.name = table;
    Statement ps = conn.Prepare(
        "SELECT COLUMN_NAME, DATA_TYPE, IS_NULLABLE, IS_GENERATED FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION");
    ps->setString(1, table);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    while (rs->next()) {
      if (rs->getString(4) == "ALWAYS") continue;  // generated: MariaDB computes it
      info.columns.push_back(
          ColumnInfo{rs->getString(1), TypeOf(rs->getString(2)), rs->getString(3) == "YES"});
    }
    if (info.columns.empty()) return Status::NotFound("no table " + table + " in the database");
    Statement pk = conn.Prepare(
        "SELECT COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
        "AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX");
    pk->setString(1, table);
    std::unique_ptr<sql::ResultSet> keys(pk->executeQuery());
    while (keys->next()) info.primary_key.push_back(keys->getString(1));
    if (info.primary_key.empty()) {
      return Status::FailedPrecondition("table " + table + " has no primary key");
    }
    return info;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "describing table " + table);
  }
}

int64_t TableRows::Count(const std::string& table) {
  try {
    std::unique_ptr<Pool::Lease> own;
    if (!snapshot_) own = std::make_unique<Pool::Lease>(pool_.Acquire());
    sql::Connection& conn = snapshot_ ? **snapshot_ : **own;
    std::unique_ptr<sql::Statement> st(conn.createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT COUNT(*) FROM " + Quoted(table)));
    return rs->next() ? rs->getInt64(1) : 0;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "counting the rows of " + table);
  }
}

void TableRows::Clear(const std::string& table) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Execute(*conn, "DELETE FROM " + Quoted(table));
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "clearing " + table);
  }
}

void TableRows::Scan(const TableInfo& table, int page_size,
                     const std::function<void(nlohmann::json&&)>& each) {
  std::string select = "SELECT ";
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const ColumnInfo& c = table.columns[i];
    if (i) select += ", ";
    select += c.type == ColumnType::kDateTime
                  ? "DATE_FORMAT(" + Quoted(c.name) + ", '%Y-%m-%d %H:%i:%s')"
                  : Quoted(c.name);
  }
  select += " FROM " + Quoted(table.name);
  std::string order = " ORDER BY ";
  for (size_t i = 0; i < table.primary_key.size(); ++i) {
    order += (i ? ", " : "") + Quoted(table.primary_key[i]);
  }
  order += " LIMIT " + std::to_string(page_size);
  // After the first page: (k1 > ?) OR (k1 = ? AND k2 > ?) OR ...
  std::string after;
  for (size_t i = 0; i < table.primary_key.size(); ++i) {
    after += i ? " OR (" : "(";
    for (size_t j = 0; j < i; ++j) after += Quoted(table.primary_key[j]) + " = ? AND ";
    after += Quoted(table.primary_key[i]) + " > ?)";
  }
  after = " WHERE " + after;

  try {
    std::unique_ptr<Pool::Lease> own;
    if (!snapshot_) own = std::make_unique<Pool::Lease>(pool_.Acquire());
    sql::Connection& conn = snapshot_ ? **snapshot_ : **own;
    std::unique_ptr<sql::PreparedStatement> first(conn.prepareStatement(select + order));
    std::unique_ptr<sql::PreparedStatement> next(conn.prepareStatement(select + after + order));
    nlohmann::json last_key;
    bool more = true;
    std::vector<std::unique_ptr<std::istringstream>> unused;
    while (more) {
      sql::PreparedStatement* ps = first.get();
      if (!last_key.is_null()) {
        ps = next.get();
        int index = 1;
        for (size_t i = 0; i < table.primary_key.size(); ++i) {
          for (size_t j = 0; j <= i; ++j) {
            Bind(*ps, index++, last_key[j], unused);
          }
        }
      }
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
      int rows = 0;
      while (rs->next()) {
        ++rows;
        nlohmann::json row = nlohmann::json::object();
        for (size_t i = 0; i < table.columns.size(); ++i) {
          const ColumnInfo& c = table.columns[i];
          const int k = static_cast<int>(i + 1);
          if (rs->isNull(k)) {
            row[c.name] = nullptr;
            continue;
          }
          switch (c.type) {
            case ColumnType::kInteger:
              row[c.name] = static_cast<int64_t>(rs->getInt64(k));
              break;
            case ColumnType::kDouble:
              row[c.name] = static_cast<double>(rs->getDouble(k));
              break;
            case ColumnType::kBinary: {
              const std::string bytes = rs->getString(k);
              row[c.name] = nlohmann::json::binary(std::vector<uint8_t>(bytes.begin(), bytes.end()));
              break;
            }
            default:
              row[c.name] = std::string(rs->getString(k));
          }
        }
        last_key = nlohmann::json::array();
        for (const std::string& k : table.primary_key) last_key.push_back(row[k]);
        each(std::move(row));
      }
      more = rows == page_size;
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading " + table.name);
  }
}

void TableRows::Insert(const TableInfo& table, const std::vector<nlohmann::json>& rows) {
  if (rows.empty()) return;
  std::string columns;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    columns += (i ? ", " : "") + Quoted(table.columns[i].name);
  }
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "INSERT INTO " + Quoted(table.name) + " (" + columns + ") VALUES " +
        Placeholders(rows.size(), table.columns.size()));
    std::vector<std::unique_ptr<std::istringstream>> blobs;
    int index = 1;
    for (const nlohmann::json& row : rows) {
      for (const ColumnInfo& c : table.columns) Bind(*ps, index++, row.at(c.name), blobs);
    }
    ps->execute();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "writing rows into " + table.name);
  }
}

}  // namespace scrm::store
