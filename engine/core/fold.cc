// The one text folding (fold.h), on ICU.
//
// Speed: ASCII takes a table lookup per byte; every other code point of the
// Basic Multilingual Plane is folded once with ICU, on first use, into a
// flat table; code points beyond it (emoji...) call ICU each time.
#include "core/fold.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace scrm {
namespace {

// The fold of one code point as UTF-8, with ICU.
std::string ComputeFold(UChar32 c) {
  switch (c) {
    case 0x0152:
    case 0x0153:
      return "oe";
    case 0x00C6:
    case 0x00E6:
      return "ae";
    case 0x00D8:
    case 0x00F8:
      return "o";
    case 0x0141:
    case 0x0142:
      return "l";
    case 0x0110:
    case 0x0111:
    case 0x00D0:
    case 0x00F0:
      return "d";
    case 0x00DE:
    case 0x00FE:
      return "th";
    case 0x0131:
      return "i";
    case 0x0126:
    case 0x0127:
      return "h";
    case 0x0166:
    case 0x0167:
      return "t";
    case 0x014A:
    case 0x014B:
      return "n";
    case 0x0138:
      return "k";
    case 0x013F:
    case 0x0140:
      return "l";  // NFKD would leave a middle dot
    case 0x0149:
      return "n";  // NFKD would leave an apostrophe
    case 0x00DF:
    case 0x1E9E:
      return "ss";
    // Apostrophes: the typographic ones of French text, the modifier letter.
    case 0x2018:
    case 0x2019:
    case 0x201B:
    case 0x02BC:
    case 0x2032:
    case 0xFF07:
      return "'";
    // Invisible joiners inside words: gone. A zero-width space separates.
    case 0x00AD:
    case 0x2060:
    case 0xFEFF:
    case 0x200C:
    case 0x200D:
      return "";
    case 0x200B:
      return " ";
    default:
      break;
  }
  if (U_IS_SURROGATE(c)) return " ";
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
  icu::UnicodeString decomposed;
  if (U_FAILURE(status) || !nfkd->getDecomposition(c, decomposed))
    decomposed = icu::UnicodeString(c);
  icu::UnicodeString kept;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 d = decomposed.char32At(i);
    i += U16_LENGTH(d);
    if (u_charType(d) == U_NON_SPACING_MARK) continue;
    kept.append(d);
  }
  kept.foldCase(U_FOLD_CASE_DEFAULT);
  std::string out;
  kept.toUTF8String(out);
  // A decomposition may produce one of the letters spelt out above
  // (e.g. a compatibility form of "œ"): fold those too.
  std::string fixed;
  for (size_t i = 0; i < out.size();) {
    UChar32 d;
    const size_t at = i;
    U8_NEXT(reinterpret_cast<const uint8_t*>(out.data()), i, out.size(), d);
    if (d >= 0x80 && d != c) {
      std::string again = ComputeFold(d);
      if (again.size() != i - at || again.compare(0, std::string::npos, out, at, i - at) != 0) {
        fixed += again;
        continue;
      }
    }
    fixed.append(out, at, i - at);
  }
  return fixed;
}

// Folds of the BMP, built once: table[c] = (offset << 8) | length into
// bytes; kIdentity when the fold is the code point itself.
class BmpTable {
 public:
  static const BmpTable& Get() {
    static const BmpTable table;
    return table;
  }
  // Appends the fold of c (c < 0x10000, c >= 0x80) to out.
  void Append(UChar32 c, const char* original, size_t len, std::string* out) const {
    const uint32_t e = table_[static_cast<size_t>(c)];
    if (e == kIdentity) {
      out->append(original, len);
    } else {
      out->append(bytes_.data() + (e >> 8), e & 0xff);
    }
  }

 private:
  static constexpr uint32_t kIdentity = 0xffffffffu;
  BmpTable() : table_(0x10000, kIdentity) {
    for (UChar32 c = 0x80; c < 0x10000; ++c) {
      std::string f = ComputeFold(c);
      char self[4];
      size_t n = 0;
      U8_APPEND_UNSAFE(self, n, c);
      if (f.size() == n && std::memcmp(f.data(), self, n) == 0) continue;
      table_[static_cast<size_t>(c)] = static_cast<uint32_t>(bytes_.size() << 8 | f.size());
      bytes_ += f;
    }
  }
  std::vector<uint32_t> table_;
  std::string bytes_;
};

constexpr std::array<char, 128> MakeLowerAscii() {
  std::array<char, 128> t{};
  for (int i = 0; i < 128; ++i) t[i] = static_cast<char>(i >= 'A' && i <= 'Z' ? i - 'A' + 'a' : i);
  return t;
}
constexpr std::array<char, 128> kLowerAscii = MakeLowerAscii();

bool IsWordPart(UChar32 c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  const int8_t t = u_charType(c);
  return u_isalnum(c) || t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK ||
         t == U_ENCLOSING_MARK;
}

}  // namespace

void FoldAppend(std::string_view in, std::string* out) {
  out->reserve(out->size() + in.size() + 8);
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  const int32_t n = static_cast<int32_t>(in.size());
  const BmpTable* table = nullptr;
  for (int32_t i = 0; i < n;) {
    const uint8_t b = p[i];
    if (b < 0x80) {
      out->push_back(kLowerAscii[b]);
      ++i;
      continue;
    }
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) {
      out->push_back(' ');  // invalid UTF-8: a separator, never a crash
      continue;
    }
    if (c < 0x10000) {
      if (table == nullptr) table = &BmpTable::Get();
      table->Append(c, in.data() + start, static_cast<size_t>(i - start), out);
    } else {
      *out += ComputeFold(c);
    }
  }
}

std::string FoldText(std::string_view in) {
  std::string out;
  FoldAppend(in, &out);
  return out;
}

std::string FoldWords(std::string_view in) {
  const std::string f = FoldText(in);
  std::string out;
  out.reserve(f.size());
  bool pending_space = false;
  const auto* p = reinterpret_cast<const uint8_t*>(f.data());
  const int32_t n = static_cast<int32_t>(f.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0 || !IsWordPart(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    out.append(f, static_cast<size_t>(start), static_cast<size_t>(i - start));
  }
  return out;
}

}  // namespace scrm
