// Shared by exporter.cc and importer.cc: the record encoding, the SHA-256
// counting sink and the CSV views. Not a public face of transfer/.
#ifndef SCRM_TRANSFER_INTERNAL_H_
#define SCRM_TRANSFER_INTERNAL_H_

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "store/table_rows.h"

namespace scrm::transfer {

// Counts and hashes what goes through it, then passes it to out (or nowhere).
class HashingSink {
 public:
  explicit HashingSink(std::ostream* out);
  ~HashingSink();
  void Write(const std::string& bytes);
  std::string HexDigest();  // once, at the end
  int64_t bytes() const { return bytes_; }

 private:
  struct Engine;
  std::unique_ptr<Engine> engine_;
  std::ostream* out_;
  int64_t bytes_ = 0;
};

// A row as read from the table -> its JSON Lines record (secrets omitted,
// binary as {"base64": ...}), and back (InvalidArgument naming the field).
nlohmann::json EncodeRow(const store::TableInfo& table, nlohmann::json&& row);
Result<nlohmann::json> DecodeRecord(const store::TableInfo& table, nlohmann::json&& record);

// A spreadsheet view of one kind: its file and its columns, each a field of
// the record (or "source" for posts: the source's name).
struct CsvView {
  std::string kind;
  std::string file;
  std::vector<std::string> columns;
};
const std::vector<CsvView>& CsvViews();
const CsvView* CsvViewOf(const std::string& kind);
std::string CsvLine(const std::vector<std::string>& cells);
std::string CsvCell(const nlohmann::json& value);

}  // namespace scrm::transfer

#endif  // SCRM_TRANSFER_INTERNAL_H_
