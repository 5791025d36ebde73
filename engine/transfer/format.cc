#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <set>
#include <sstream>

#include "transfer/internal.h"
#include "transfer/transfer.h"

namespace scrm::transfer {

bool IsExcludedTable(const std::string& table) {
  // Sessions, their messages and used sign-on nonces (scrm_ui_*) are the
  // engines' short-lived state, and a session's hash is a credential's.
  return table == "scrm_index_queue" || table == "scrm_schema_version" ||
         table.rfind("scrm_ui_", 0) == 0;
}

std::string KindOf(const std::string& table) {
  return table.rfind("scrm_", 0) == 0 ? table.substr(5) : table;
}

bool IsSecretColumn(const std::string& column) {
  for (const char* word : {"secret", "password", "token"}) {
    if (column.find(word) != std::string::npos) return true;
  }
  return false;
}

nlohmann::json FileEntry::ToJson() const {
  return {{"file", file}, {"kind", kind}, {"table", table}, {"view", view},
          {"rows", rows}, {"bytes", bytes}, {"sha256", sha256}};
}

struct HashingSink::Engine {
  Poco::SHA2Engine sha{Poco::SHA2Engine::SHA_256};
};

HashingSink::HashingSink(std::ostream* out) : engine_(std::make_unique<Engine>()), out_(out) {}
HashingSink::~HashingSink() = default;

void HashingSink::Write(const std::string& bytes) {
  engine_->sha.update(bytes.data(), static_cast<unsigned>(bytes.size()));
  bytes_ += static_cast<int64_t>(bytes.size());
  if (out_ != nullptr) out_->write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string HashingSink::HexDigest() { return Poco::DigestEngine::digestToHex(engine_->sha.digest()); }

nlohmann::json EncodeRow(const store::TableInfo& table, nlohmann::json&& row) {
  for (const store::ColumnInfo& c : table.columns) {
    nlohmann::json& v = row[c.name];
    if (IsSecretColumn(c.name)) {
      // Set or not, never written: the record does not even tell which.
      v = {{"omitted", true}};
    } else if (v.is_binary()) {
      std::ostringstream text;
      Poco::Base64Encoder enc(text);
      enc.rdbuf()->setLineLength(0);
      const auto& bytes = v.get_binary();
      enc.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
      enc.close();
      v = {{"base64", text.str()}};
    }
  }
  return std::move(row);
}

Result<nlohmann::json> DecodeRecord(const store::TableInfo& table, nlohmann::json&& record) {
  if (!record.is_object()) return Status::InvalidArgument("a record must be a JSON object");
  for (auto it = record.begin(); it != record.end(); ++it) {
    if (table.Column(it.key()) == nullptr) {
      return Status::InvalidArgument("unknown field '" + it.key() + "' (table " + table.name +
                                     " has no such column)", it.key());
    }
  }
  for (const store::ColumnInfo& c : table.columns) {
    auto it = record.find(c.name);
    if (it == record.end()) {
      return Status::InvalidArgument("missing field '" + c.name + "'", c.name);
    }
    nlohmann::json& v = *it;
    if (IsSecretColumn(c.name)) {
      v = c.nullable ? nlohmann::json(nullptr) : nlohmann::json("");
      continue;
    }
    if (v.is_null()) {
      if (!c.nullable) return Status::InvalidArgument("field '" + c.name + "' may not be null", c.name);
      continue;
    }
    bool ok = true;
    switch (c.type) {
      case store::ColumnType::kInteger:
        ok = v.is_number_integer();
        break;
      case store::ColumnType::kDouble:
        ok = v.is_number();
        break;
      case store::ColumnType::kBinary: {
        ok = v.is_object() && v.size() == 1 && v.contains("base64") && v["base64"].is_string();
        if (!ok) break;
        std::istringstream text(v["base64"].get<std::string>());
        Poco::Base64Decoder dec(text);
        std::string bytes((std::istreambuf_iterator<char>(dec)), std::istreambuf_iterator<char>());
        if (!dec.eof() && dec.fail()) ok = false;
        v = nlohmann::json::binary(std::vector<uint8_t>(bytes.begin(), bytes.end()));
        break;
      }
      default:
        ok = v.is_string();
    }
    if (!ok) {
      static const char* kExpected[] = {"an integer", "a number", "a \"YYYY-MM-DD HH:MM:SS\" string",
                                        "{\"base64\": \"...\"}", "a string"};
      return Status::InvalidArgument(
          "field '" + c.name + "' must be " + kExpected[static_cast<int>(c.type)], c.name);
    }
  }
  return std::move(record);
}

const std::vector<CsvView>& CsvViews() {
  static const std::vector<CsvView> kViews = {
      {"links", "links.csv",
       {"id", "profile_id", "platform", "external_id", "module", "crm_id", "status", "score",
        "decided_by", "decided_by_name", "decided_at", "created_at", "updated_at"}},
      {"posts", "posts.csv",
       {"id", "source", "platform", "kind", "external_id", "url", "published", "author_id",
        "author_handle", "author_name", "language", "title", "body", "likes", "shares", "replies",
        "ingested_at"}},
      {"profiles", "profiles.csv",
       {"id", "platform", "external_id", "handle", "display_name", "company", "position",
        "location", "url", "first_seen_at", "updated_at"}},
  };
  return kViews;
}

const CsvView* CsvViewOf(const std::string& kind) {
  for (const CsvView& v : CsvViews()) {
    if (v.kind == kind) return &v;
  }
  return nullptr;
}

std::string CsvCell(const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

// RFC 4180: a cell holding a comma, quote, CR or LF is quoted, quotes doubled.
std::string CsvLine(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) line += ',';
    const std::string& c = cells[i];
    if (c.find_first_of(",\"\r\n") == std::string::npos) {
      line += c;
      continue;
    }
    line += '"';
    for (char ch : c) {
      if (ch == '"') line += '"';
      line += ch;
    }
    line += '"';
  }
  line += "\r\n";
  return line;
}

}  // namespace scrm::transfer
