// An RFC 4180 CSV reader that streams: one record in memory at a time, with
// the line and byte offset where it starts. Quoted fields may hold commas,
// doubled quotes and line breaks; records end with CRLF, LF or a lone CR; a
// UTF-8 byte-order mark at the start is dropped. Malformed records (a stray
// quote, text after a closing quote, a quote never closed) come back with an
// error naming line and column, and reading goes on with the next line.
// Not thread-safe per instance; pure (reads only the stream it is given).
#ifndef SCRM_SOURCES_CSV_H_
#define SCRM_SOURCES_CSV_H_

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace scrm::sources {

struct CsvRecord {
  std::vector<std::string> fields;  // line breaks inside fields read as "\n"
  int64_t line = 0;    // 1-based line of its first byte
  int64_t offset = 0;  // byte offset of its first byte (the BOM counts)
  int64_t end_line = 0;  // line of its last byte (> line when a field spans lines)
  std::string raw;     // the record's bytes, without its line break (cut past 1 MiB)
  // Empty when the record is well formed, else what is wrong and where
  // ("line 4, column 12: '\"' inside an unquoted field; quote the field and
  // double the quote"). Fields are then as read, best effort.
  std::string error;

  // A record that is one empty field: a blank line.
  bool blank() const { return fields.size() == 1 && fields[0].empty() && error.empty(); }
};

class CsvReader {
 public:
  explicit CsvReader(std::istream& in, char delimiter = ',');

  // The next record, false at the end of input.
  bool Next(CsvRecord* record);

 private:
  int Get();   // next byte or -1, counting offsets
  int Peek();
  void Append(char c, CsvRecord* record);

  std::istream& in_;
  char delimiter_;
  int64_t offset_ = 0;
  int64_t line_ = 1;
  bool started_ = false;
  std::string lookahead_;  // bytes read to look for a BOM, not yet consumed
};

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_CSV_H_
