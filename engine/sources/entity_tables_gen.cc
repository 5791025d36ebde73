// Build-time generator for entity_tables.cc: reads the Unicode Character
// Database (UnicodeData.txt, Debian package unicode-data) and a TLD list, and
// writes the compact tables that entities.cc scans with. The data is read at
// build time so that no copy of upstream data lives in the repository.
//
// Usage: entity_tables_gen UnicodeData.txt TLD_FILE OUTPUT.cc
//   TLD_FILE is either twitter-text's tld_lib.yml (sections `country:` and
//   `generic:`, one `- tld` item a line) or the Public Suffix List
//   (public_suffix_list.dat), whose single-label ICANN entries are the TLDs.
// A standalone program (std only): it runs before the engine library exists.

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

struct Range {
  uint32_t first;
  uint32_t last;
};

std::vector<std::string> SplitFields(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ';')) out.push_back(field);
  if (!line.empty() && line.back() == ';') out.emplace_back();
  return out;
}

void AddToRanges(std::vector<Range>* ranges, uint32_t first, uint32_t last) {
  if (!ranges->empty() && ranges->back().last + 1 == first) {
    ranges->back().last = last;
  } else {
    ranges->push_back({first, last});
  }
}

struct UnicodeTables {
  std::vector<Range> letters_and_marks;                  // L* and M*
  std::vector<Range> decimal_digits;                     // Nd
  std::vector<std::pair<uint32_t, uint32_t>> lowercase;  // simple mappings
};

bool ReadUnicodeData(const std::string& path, UnicodeTables* tables) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "entity_tables_gen: cannot read " << path << "\n";
    return false;
  }
  std::string line;
  uint32_t range_first = 0;
  bool in_range = false;
  size_t rows = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f = SplitFields(line);
    if (f.size() < 14) continue;
    ++rows;
    uint32_t cp = static_cast<uint32_t>(std::stoul(f[0], nullptr, 16));
    const std::string& name = f[1];
    const std::string& category = f[2];
    uint32_t first = cp;
    if (name.size() > 8 && name.compare(name.size() - 8, 8, ", First>") == 0) {
      range_first = cp;
      in_range = true;
      continue;
    }
    if (in_range && name.size() > 7 && name.compare(name.size() - 7, 7, ", Last>") == 0) {
      first = range_first;
      in_range = false;
    }
    if (category[0] == 'L' || category[0] == 'M') {
      AddToRanges(&tables->letters_and_marks, first, cp);
    } else if (category == "Nd") {
      AddToRanges(&tables->decimal_digits, first, cp);
    }
    if (!f[13].empty()) {
      uint32_t lower = static_cast<uint32_t>(std::stoul(f[13], nullptr, 16));
      // Like ECMAScript's case-insensitive matching without the `u` flag,
      // never fold a non-ASCII character onto an ASCII one (U+0130, U+212A).
      if (cp < 0x80 || lower >= 0x80) tables->lowercase.emplace_back(cp, lower);
    }
  }
  if (rows < 1000) {
    std::cerr << "entity_tables_gen: " << path << " does not look like UnicodeData.txt\n";
    return false;
  }
  return true;
}

std::string Unquote(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front()) {
    s = s.substr(1, s.size() - 2);
  }
  return s;
}

std::string ToLowerAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

struct TldLists {
  std::vector<std::string> generic;
  std::vector<std::string> country;
  std::string origin;
};

// twitter-text's tld_lib.yml: "country:" and "generic:" sections of "- tld".
bool ReadTldLibYaml(std::istream& in, TldLists* lists) {
  std::vector<std::string>* current = nullptr;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("country:", 0) == 0) {
      current = &lists->country;
    } else if (line.rfind("generic:", 0) == 0) {
      current = &lists->generic;
    } else if (line.rfind("- ", 0) == 0 && current != nullptr) {
      std::string tld = ToLowerAscii(Unquote(line.substr(2)));
      if (!tld.empty()) current->push_back(tld);
    }
  }
  lists->origin = "twitter-text tld_lib.yml";
  return !lists->country.empty() && !lists->generic.empty();
}

// The Public Suffix List: single-label entries of the ICANN section. It does
// not tell country codes from generic names; two ASCII letters are taken as a
// country code, everything else as generic.
bool ReadPublicSuffixList(std::istream& in, TldLists* lists) {
  std::string line;
  bool icann = false;
  while (std::getline(in, line)) {
    if (line.find("===BEGIN ICANN DOMAINS===") != std::string::npos) icann = true;
    if (line.find("===END ICANN DOMAINS===") != std::string::npos) icann = false;
    if (!icann || line.empty() || line.rfind("//", 0) == 0) continue;
    std::string entry = Unquote(line);
    size_t space = entry.find_first_of(" \t");
    if (space != std::string::npos) entry.resize(space);
    if (entry.empty() || entry.find_first_of(".*!") != std::string::npos) continue;
    entry = ToLowerAscii(entry);
    bool ascii_pair = entry.size() == 2 && entry[0] >= 'a' && entry[0] <= 'z' && entry[1] >= 'a' &&
                      entry[1] <= 'z';
    (ascii_pair ? lists->country : lists->generic).push_back(entry);
  }
  lists->origin = "Public Suffix List (ICANN section)";
  return !lists->country.empty() && !lists->generic.empty();
}

bool ReadTlds(const std::string& path, TldLists* lists) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "entity_tables_gen: cannot read " << path << "\n";
    return false;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  std::istringstream stream(text);
  bool ok = text.find("===BEGIN ICANN DOMAINS===") != std::string::npos
                ? ReadPublicSuffixList(stream, lists)
                : ReadTldLibYaml(stream, lists);
  if (!ok) std::cerr << "entity_tables_gen: no TLDs found in " << path << "\n";
  return ok;
}

// A narrow string literal; UTF-8 bytes are written as they are (GCC and
// Clang read and execute UTF-8), so TLDs stay readable in the output.
std::string CppString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

void WriteRanges(std::ostream& out, const char* name, const std::vector<Range>& ranges) {
  out << "const CodePointRange " << name << "[] = {";
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (i % 6 == 0) out << "\n   ";
    char buf[48];
    std::snprintf(buf, sizeof buf, " {0x%X, 0x%X},", ranges[i].first, ranges[i].last);
    out << buf;
  }
  out << "\n};\nconst size_t " << name << "Count = " << ranges.size() << ";\n\n";
}

void WriteTlds(std::ostream& out, const char* name, const std::vector<std::string>& tlds) {
  out << "const char* const " << name << "[] = {\n";
  for (const std::string& tld : tlds) out << "    " << CppString(tld) << ",\n";
  out << "};\nconst size_t " << name << "Count = " << tlds.size() << ";\n\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: entity_tables_gen UnicodeData.txt TLD_FILE OUTPUT.cc\n";
    return 2;
  }
  UnicodeTables unicode;
  TldLists tlds;
  if (!ReadUnicodeData(argv[1], &unicode) || !ReadTlds(argv[2], &tlds)) return 1;

  std::ostringstream out;
  out << "// Generated at build time by entity_tables_gen from\n"
      << "//   " << argv[1] << "\n//   " << argv[2] << " (" << tlds.origin << ")\n"
      << "// Do not edit; do not commit.\n\n"
      << "#include \"sources/entity_tables.h\"\n\n"
      << "namespace scrm::sources::internal {\n\n";
  WriteRanges(out, "kLetterOrMarkRanges", unicode.letters_and_marks);
  WriteRanges(out, "kDecimalDigitRanges", unicode.decimal_digits);
  out << "const CaseMapping kLowercaseMappings[] = {";
  for (size_t i = 0; i < unicode.lowercase.size(); ++i) {
    if (i % 6 == 0) out << "\n   ";
    char buf[48];
    std::snprintf(buf, sizeof buf, " {0x%X, 0x%X},", unicode.lowercase[i].first,
                  unicode.lowercase[i].second);
    out << buf;
  }
  out << "\n};\nconst size_t kLowercaseMappingsCount = " << unicode.lowercase.size() << ";\n\n";
  WriteTlds(out, "kGenericTlds", tlds.generic);
  WriteTlds(out, "kCountryTlds", tlds.country);
  out << "const char kTldOrigin[] = " << CppString(tlds.origin) << ";\n\n"
      << "}  // namespace scrm::sources::internal\n";

  std::ofstream file(argv[3], std::ios::binary | std::ios::trunc);
  file << out.str();
  if (!file) {
    std::cerr << "entity_tables_gen: cannot write " << argv[3] << "\n";
    return 1;
  }
  return 0;
}
