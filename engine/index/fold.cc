// FoldText: the folding of indexed text and of queries, so that "reseau"
// finds "Réseaux" and "eric" finds "Éric": the engine's one folding
// (core/fold.h, shared with identity matching), then French elisions at the
// start of a word go ("l'été" -> "ete", "qu'il" -> "il").
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstring>
#include <string>

#include "core/fold.h"
#include "core/text.h"
#include "index/index.h"
#include "index/internal.h"

namespace scrm::index {
namespace internal {
namespace {

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
  scrm::FoldAppend(in, out);
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
  return ToLowerAscii(value.substr(b, e - b));
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
