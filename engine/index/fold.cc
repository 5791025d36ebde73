// FoldText: the one folding of indexed text and of queries, so that "reseau"
// finds "Réseaux" and "eric" finds "Éric". Per code point: a few letters that
// Unicode does not decompose (œ, æ, ø, ł, đ, ð, þ, ı) are spelt out, others
// take their compatibility decomposition (NFKD: "ﬁ" -> "fi", "é" -> "e" + a
// combining accent) whose nonspacing marks are dropped, then full case
// folding ("ß" -> "ss"). Typographic apostrophes become ASCII ones and French
// elisions at the start of a word go ("l'été" -> "ete", "qu'il" -> "il").
//
// Speed: ASCII takes a table lookup per byte; every other code point of the
// Basic Multilingual Plane is folded once with ICU, on first use of FoldText,
// into a flat table; code points beyond it (emoji...) call ICU each time.
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <array>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "index/index.h"
#include "index/internal.h"

namespace scrm::index {
namespace internal {
namespace {

// The fold of one code point as UTF-8, with ICU.
std::string ComputeFold(UChar32 c) {
  switch (c) {
    case 0x0152: case 0x0153: return "oe";
    case 0x00C6: case 0x00E6: return "ae";
    case 0x00D8: case 0x00F8: return "o";
    case 0x0141: case 0x0142: return "l";
    case 0x0110: case 0x0111: case 0x00D0: case 0x00F0: return "d";
    case 0x00DE: case 0x00FE: return "th";
    case 0x0131: return "i";
    case 0x00DF: case 0x1E9E: return "ss";
    // Apostrophes: the typographic ones of French text, the modifier letter.
    case 0x2018: case 0x2019: case 0x201B: case 0x02BC: case 0x2032: case 0xFF07: return "'";
    // Invisible joiners inside words: gone. A zero-width space separates.
    case 0x00AD: case 0x2060: case 0xFEFF: case 0x200C: case 0x200D: return "";
    case 0x200B: return " ";
    default: break;
  }
  if (U_IS_SURROGATE(c)) return " ";
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
  icu::UnicodeString decomposed;
  if (U_FAILURE(status) || !nfkd->getDecomposition(c, decomposed)) decomposed = icu::UnicodeString(c);
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

bool IsWordCodePoint(UChar32 c) {
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  return Xapian::Unicode::is_wordchar(static_cast<unsigned>(c));
}

// The code point at byte `at` of s (negative when invalid); *next, when
// given, receives the byte after it.
UChar32 CodePointAt(const std::string& s, size_t at, size_t* next = nullptr) {
  int32_t i = static_cast<int32_t>(at);
  UChar32 c;
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, static_cast<int32_t>(s.size()), c);
  if (next != nullptr) *next = static_cast<size_t>(i);
  return c;
}

// Length of the elision starting at s[at] (a word start), 0 when none: one
// of l' d' j' m' n' s' t' c' qu' jusqu' lorsqu' puisqu' quoiqu', followed by
// a letter.
size_t ElisionAt(const std::string& s, size_t at) {
  static constexpr std::string_view kLong[] = {"qu'", "jusqu'", "lorsqu'", "puisqu'", "quoiqu'"};
  const std::string_view rest(s.data() + at, s.size() - at);
  size_t len = 0;
  if (rest.size() >= 2 && rest[1] == '\'' && std::strchr("ldjmnstc", rest[0]) != nullptr) {
    len = 2;
  } else {
    for (std::string_view e : kLong) {
      if (rest.substr(0, e.size()) == e) {
        len = e.size();
        break;
      }
    }
  }
  if (len == 0 || at + len >= s.size()) return 0;
  const UChar32 next = CodePointAt(s, at + len);
  if (next < 0 || !IsWordCodePoint(next) || (next >= '0' && next <= '9')) return 0;
  return len;
}

// Removes elisions from s[from...], in place.
void RemoveElisions(std::string* s, size_t from) {
  if (s->find('\'', from) == std::string::npos) return;
  std::string& t = *s;
  size_t w = from;
  bool word_before = false;  // the last code point copied was a word character
  for (size_t r = from; r < t.size();) {
    const unsigned char b = static_cast<unsigned char>(t[r]);
    if (!word_before && b >= 'c' && b <= 't') {
      const size_t e = ElisionAt(t, r);
      if (e > 0) {
        r += e;
        continue;
      }
    }
    if (b < 0x80) {
      word_before = IsWordCodePoint(b);
      t[w++] = t[r++];
    } else {
      size_t next;
      const UChar32 c = CodePointAt(t, r, &next);
      word_before = c >= 0 && IsWordCodePoint(c);
      while (r < next) t[w++] = t[r++];
    }
  }
  t.resize(w);
}

}  // namespace

void FoldAppend(std::string_view in, std::string* out) {
  const size_t from = out->size();
  out->reserve(from + in.size() + 8);
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
  RemoveElisions(out, from);
}

std::string FoldValue(std::string_view value) {
  std::string f;
  FoldAppend(value, &f);
  for (char& c : f) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  size_t b = 0, e = f.size();
  while (b < e && f[b] == ' ') ++b;
  while (e > b && f[e - 1] == ' ') --e;
  return f.substr(b, e - b);
}

std::string LowerValue(std::string_view value) {
  size_t b = 0, e = value.size();
  while (b < e && static_cast<unsigned char>(value[b]) <= 0x20) ++b;
  while (e > b && static_cast<unsigned char>(value[e - 1]) <= 0x20) --e;
  std::string out;
  out.reserve(e - b);
  for (size_t i = b; i < e; ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    out.push_back(c < 0x80 ? kLowerAscii[c] : static_cast<char>(c));
  }
  return out;
}

bool IsStopWord(std::string_view w) {
  // Folded forms. Short on purpose: each word here is unsearchable on its
  // own in a query of several words (it still counts inside "phrases").
  static constexpr std::string_view kWords[] = {
      // English
      "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "i",
      "in", "into", "is", "it", "its", "of", "on", "or", "our", "so", "that", "the", "their",
      "them", "then", "there", "these", "they", "this", "to", "was", "we", "were", "will", "with",
      "you", "your",
      // French (folded: "à" is "a", "où" is "ou")
      "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "il", "ils",
      "je", "la", "le", "les", "leur", "lui", "ma", "mais", "me", "mes", "mon", "ne", "nos",
      "notre", "nous", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "son",
      "sur", "ta", "te", "tes", "ton", "tu", "un", "une", "vos", "votre", "vous", "y"};
  for (std::string_view s : kWords) {
    if (s == w) return true;
  }
  return false;
}

namespace {
class ScrmStopper : public Xapian::Stopper {
 public:
  bool operator()(const std::string& term) const override { return IsStopWord(term); }
  std::string get_description() const override { return "scrm::index::Stopper()"; }
};
}  // namespace

const Xapian::Stopper& QueryStopper() {
  static const ScrmStopper stopper;
  return stopper;
}

}  // namespace internal

std::string FoldText(const std::string& text) {
  std::string out;
  internal::FoldAppend(text, &out);
  return out;
}

}  // namespace scrm::index
