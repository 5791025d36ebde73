#include "sources/csv.h"

#include <string>

#include "sources/parse.h"

namespace scrm::sources {

CsvReader::CsvReader(std::istream& in, char delimiter) : in_(in), delimiter_(delimiter) {}

int CsvReader::Peek() {
  if (!lookahead_.empty()) return static_cast<unsigned char>(lookahead_.front());
  int c = in_.rdbuf()->sgetc();
  return c == std::char_traits<char>::eof() ? -1 : c;
}

int CsvReader::Get() {
  int c;
  if (!lookahead_.empty()) {
    c = static_cast<unsigned char>(lookahead_.front());
    lookahead_.erase(0, 1);
  } else {
    c = in_.rdbuf()->sbumpc();
    if (c == std::char_traits<char>::eof()) return -1;
  }
  ++offset_;
  return c;
}

void CsvReader::Append(char c, CsvRecord* record) {
  if (record->raw.size() < kMaxRawBytes) record->raw.push_back(c);
}

bool CsvReader::Next(CsvRecord* record) {
  if (!started_) {
    started_ = true;
    // A UTF-8 BOM is dropped (its bytes still count in offsets); bytes that
    // only start like one are data.
    std::streambuf* sb = in_.rdbuf();
    while (lookahead_.size() < 3) {
      int c = sb->sbumpc();
      if (c == std::char_traits<char>::eof()) break;
      lookahead_.push_back(static_cast<char>(c));
    }
    if (lookahead_ == "\xEF\xBB\xBF") {
      lookahead_.clear();
      offset_ = 3;
    }
  }
  if (Peek() < 0) return false;

  CsvRecord& r = *record;
  r = CsvRecord();
  r.line = line_;
  r.offset = offset_;

  enum class State { kStartField, kUnquoted, kQuoted, kAfterQuote };
  State state = State::kStartField;
  std::string field;
  int64_t column = 0;  // 1-based byte column of the last byte read
  int64_t quote_line = 0, quote_column = 0;
  auto error = [&](const std::string& what) {
    if (r.error.empty()) {
      r.error = "line " + std::to_string(line_) + ", column " + std::to_string(column) + ": " + what;
    }
  };
  auto next = [&]() -> int {
    ++column;
    return Get();
  };
  auto new_line = [&]() {
    ++line_;
    column = 0;
  };

  while (true) {
    int c = next();
    bool end_of_record = c < 0 || (state != State::kQuoted && (c == '\n' || c == '\r'));
    if (end_of_record) {
      r.end_line = line_;
      if (c == '\r' && Peek() == '\n') Get();
      if (c >= 0) new_line();
      r.fields.push_back(std::move(field));
      break;
    }
    switch (state) {
      case State::kStartField:
        if (c == '"') {
          state = State::kQuoted;
          quote_line = line_;
          quote_column = column;
        } else if (c == delimiter_) {
          r.fields.push_back(std::move(field));
          field.clear();
        } else {
          field.push_back(static_cast<char>(c));
          state = State::kUnquoted;
        }
        break;
      case State::kUnquoted:
        if (c == delimiter_) {
          r.fields.push_back(std::move(field));
          field.clear();
          state = State::kStartField;
        } else {
          if (c == '"') error("'\"' inside an unquoted field; quote the field and double the quote");
          field.push_back(static_cast<char>(c));
        }
        break;
      case State::kQuoted:
        if (c == '"') {
          if (Peek() == '"') {
            Get();
            ++column;
            Append('"', &r);
            field.push_back('"');
          } else {
            state = State::kAfterQuote;
          }
        } else if (c == '\r' || c == '\n') {
          if (c == '\r' && Peek() == '\n') {
            Get();
            Append('\r', &r);
            c = '\n';
          }
          field.push_back('\n');
          Append(static_cast<char>(c), &r);
          new_line();
          continue;
        } else {
          field.push_back(static_cast<char>(c));
        }
        break;
      case State::kAfterQuote:
        if (c == delimiter_) {
          r.fields.push_back(std::move(field));
          field.clear();
          state = State::kStartField;
        } else {
          error("text after the closing quote of a field (a quote inside a quoted field is "
                "written '\"\"')");
          field.push_back(static_cast<char>(c));
          state = State::kUnquoted;
        }
        break;
    }
    Append(static_cast<char>(c), &r);
  }
  if (state == State::kQuoted) {
    r.error = "line " + std::to_string(quote_line) + ", column " + std::to_string(quote_column) +
              ": a quoted field is never closed (the input ends inside it)";
  }
  return true;
}

}  // namespace scrm::sources
