// A hand-written scanner over code points that reproduces twitter-text 3.1's
// JavaScript regular expressions (js/src/regexp/*.js) match for match,
// including where the regex engine would backtrack, without their cost: the
// text is decoded once, and the sub-domain chains the URL expression would
// re-try at every position are memoised, so each extractor runs in about
// linear time. Comments name the upstream expression each function mirrors.
//
// Where it parts from the JS port, on purpose:
//  - It reads code points. JS's UTF-16 expressions can split an astral
//    character (an emoji) and start a protocol-less URL inside it; the Ruby
//    and Java ports, like this one, cannot.
//  - A host found without protocol inside a longer domain reports the offsets
//    of that match (as the Ruby port does), not of the first equal substring
//    (JS's indexOf).
//  - The path is given to the last such host only when it ends the domain,
//    so an entity's text is always the text at its offsets.

#include "sources/entities.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <utility>

#include "sources/entity_tables.h"

namespace scrm::sources {
namespace {

using internal::CodePointRange;

constexpr char32_t kNoChar = 0x110000;  // what lies past either end of the text
constexpr size_t kNone = static_cast<size_t>(-1);

// ------------------------------------------------------------------ text ---

// The input decoded once: its code points and the byte offset of each.
class Text {
 public:
  explicit Text(std::string_view utf8) : utf8_(utf8) { Decode(); }

  size_t size() const { return cps_.size(); }
  char32_t operator[](size_t i) const { return i < cps_.size() ? cps_[i] : kNoChar; }
  size_t Byte(size_t i) const { return bytes_[std::min(i, cps_.size())]; }
  std::string Slice(size_t start, size_t end) const {
    return std::string(utf8_.substr(Byte(start), Byte(end) - Byte(start)));
  }
  bool Contains(char32_t a, char32_t b = kNoChar) const {
    return std::any_of(cps_.begin(), cps_.end(), [&](char32_t c) { return c == a || c == b; });
  }
  // Length in UTF-16 code units, as JavaScript's String.length counts.
  size_t Utf16Length(size_t start, size_t end) const {
    size_t n = 0;
    for (size_t i = start; i < end && i < cps_.size(); ++i) n += cps_[i] > 0xFFFF ? 2 : 1;
    return n;
  }

 private:
  void Decode() {
    const size_t n = utf8_.size();
    cps_.reserve(n);
    bytes_.reserve(n + 1);
    size_t i = 0;
    while (i < n) {
      bytes_.push_back(i);
      const auto b0 = static_cast<unsigned char>(utf8_[i]);
      char32_t cp = b0;
      size_t len = 1;
      bool ok = true;
      if (b0 >= 0x80) {
        if (b0 >= 0xC2 && b0 <= 0xDF) {
          len = 2, cp = b0 & 0x1F;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
          len = 3, cp = b0 & 0x0F;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
          len = 4, cp = b0 & 0x07;
        } else {
          ok = false;
        }
        ok = ok && i + len <= n;
        for (size_t k = 1; ok && k < len; ++k) {
          const auto b = static_cast<unsigned char>(utf8_[i + k]);
          if ((b & 0xC0) != 0x80) ok = false;
          cp = (cp << 6) | (b & 0x3F);
        }
        if (ok && ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
                   (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))) {
          ok = false;
        }
        if (!ok) cp = 0xFFFD, len = 1;
      }
      cps_.push_back(cp);
      i += len;
    }
    bytes_.push_back(n);
  }

  std::string_view utf8_;
  std::u32string cps_;
  std::vector<size_t> bytes_;  // size() + 1 entries
};

// ------------------------------------------------------ character classes ---

bool InRanges(const CodePointRange* ranges, size_t count, char32_t c) {
  const CodePointRange* end = ranges + count;
  const CodePointRange* it = std::upper_bound(
      ranges, end, c, [](char32_t v, const CodePointRange& r) { return v < r.first; });
  return it != ranges && c <= (it - 1)->last;
}

bool IsAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlpha(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiAlnum(char32_t c) { return IsAsciiDigit(c) || IsAsciiAlpha(c); }

// A set of ASCII characters, tested in constant time.
class AsciiSet {
 public:
  constexpr explicit AsciiSet(const char* chars) {
    for (; *chars != '\0'; ++chars) {
      const auto c = static_cast<unsigned char>(*chars);
      bits_[c >> 6] |= uint64_t{1} << (c & 63);
    }
  }
  constexpr bool Contains(char32_t c) const { return c < 128 && ((bits_[c >> 6] >> (c & 63)) & 1); }

 private:
  uint64_t bits_[2] = {0, 0};
};

// The ASCII parts of twitter-text's character classes.
constexpr AsciiSet kPunct("!'#%&()*+,\\-./:;<=>?@[]^_{|}~$");  // punct: no '"', no '`'
constexpr AsciiSet kPathChars("!*';:=+,.$/%#[]-_~@|&");        // validGeneralUrlPathChars
constexpr AsciiSet kPathEndChars("+-=_#/");                    // validUrlPathEndingChars
constexpr AsciiSet kQueryChars("!?*'@();:&=+$/%#[]-_.,~|");    // validUrlQueryChars
constexpr AsciiSet kQueryEndChars("-_&=#/");                   // validUrlQueryEndingChars
// invalidUrlWithoutProtocolPrecedingChars.
constexpr AsciiSet kBadBeforeUrlWithoutProtocol("-_./");
// validMentionPrecedingChars: [^a-zA-Z0-9_!#$%&*@＠] and [^a-zA-Z0-9_+~.-]RT.
constexpr AsciiSet kBadBeforeMention("!#$%&*");
constexpr AsciiSet kBadBeforeRt("+~.-");
// E-mail local parts, beyond letters and digits.
constexpr AsciiSet kEmailLocalPunct("._%+-");

bool IsLetterOrMark(char32_t c) {
  if (c < 0x80) return IsAsciiAlpha(c);
  return InRanges(internal::kLetterOrMarkRanges, internal::kLetterOrMarkRangesCount, c);
}
bool IsDecimalDigit(char32_t c) {
  if (c < 0x80) return IsAsciiDigit(c);
  return InRanges(internal::kDecimalDigitRanges, internal::kDecimalDigitRangesCount, c);
}

// Simple lower-casing, for case-insensitive TLD matching.
char32_t Lower(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  const internal::CaseMapping* begin = internal::kLowercaseMappings;
  const internal::CaseMapping* end = begin + internal::kLowercaseMappingsCount;
  const internal::CaseMapping* it = std::lower_bound(
      begin, end, c, [](const internal::CaseMapping& m, char32_t v) { return m.from < v; });
  return (it != end && it->from == c) ? it->to : c;
}

bool IsAtSign(char32_t c) { return c == '@' || c == 0xFF20; }    // atSigns
bool IsHashSign(char32_t c) { return c == '#' || c == 0xFF03; }  // hashSigns

// spaces (spacesGroup): Unicode White_Space as twitter-text lists it.
bool IsSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         c == 0x180E || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}
// JavaScript's \s.
bool IsJsWhiteSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000 || c == 0xFEFF;
}
// punct (note: neither '"' nor '`').
bool IsPunct(char32_t c) { return kPunct.Contains(c); }
// invalidCharsGroup.
bool IsInvalidChar(char32_t c) { return c == 0xFFFE || c == 0xFEFF || c == 0xFFFF; }
// directionalMarkersGroup.
bool IsDirectional(char32_t c) {
  return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}
// latinAccentChars.
bool IsLatinAccent(char32_t c) {
  return (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x24F) ||
         c == 0x253 || c == 0x254 || c == 0x256 || c == 0x257 || c == 0x259 || c == 0x25B ||
         c == 0x263 || c == 0x268 || c == 0x26F || c == 0x272 || c == 0x289 || c == 0x28B ||
         c == 0x2BB || (c >= 0x300 && c <= 0x36F) || (c >= 0x1E00 && c <= 0x1EFF);
}
// cyrillicLettersAndMarks.
bool IsCyrillic(char32_t c) { return c >= 0x400 && c <= 0x4FF; }

// hashtagSpecialChars: '_', middle dot, Hebrew maqaf, geresh and gershayim,
// Tibetan tsheg and tsheg bstar, ZWNJ, ZWJ, ditto mark, wave dash, kana
// voiced sound marks, double hyphen and middle dot, Cyrillic kavyka,
// full-width tilde. Sorted.
bool IsHashtagSpecial(char32_t c) {
  static constexpr char32_t kSpecial[] = {'_',    0x00B7, 0x05BE, 0x05F3, 0x05F4, 0x0F0B,
                                          0x0F0C, 0x200C, 0x200D, 0x3003, 0x301C, 0x309B,
                                          0x309C, 0x30A0, 0x30FB, 0xA67E, 0xFF5E};
  return std::binary_search(std::begin(kSpecial), std::end(kSpecial), c);
}
// hashtagAlpha: letters and marks of every script.
bool IsHashtagAlpha(char32_t c) { return c != kNoChar && IsLetterOrMark(c); }
// hashtagAlphaNumeric.
bool IsHashtagAlnum(char32_t c) {
  return c != kNoChar && (IsLetterOrMark(c) || IsDecimalDigit(c) || IsHashtagSpecial(c));
}

// validDomainChars: anything but punctuation, space, invalid or directional.
bool IsDomainChar(char32_t c) {
  if (c < 0x80) return !kPunct.Contains(c) && c != '/' && !IsSpace(c);
  return c != kNoChar && !IsPunct(c) && c != '/' && !IsSpace(c) && !IsInvalidChar(c) &&
         !IsDirectional(c);
}
// validUrlPrecedingChars (the single-character alternative).
bool IsUrlPrecedingChar(char32_t c) {
  return c != kNoChar && !IsAsciiAlnum(c) && !IsAtSign(c) && c != '$' && !IsHashSign(c) &&
         !IsInvalidChar(c);
}
// validGeneralUrlPathChars.
bool IsPathChar(char32_t c) {
  return IsAsciiAlnum(c) || kPathChars.Contains(c) || c == 0x2013 || IsLatinAccent(c) ||
         IsCyrillic(c);
}
// validUrlPathEndingChars (the single-character alternative).
bool IsPathEndChar(char32_t c) {
  return IsAsciiAlnum(c) || kPathEndChars.Contains(c) || IsLatinAccent(c) || IsCyrillic(c);
}
// validUrlQueryChars, validUrlQueryEndingChars.
bool IsQueryChar(char32_t c) { return IsAsciiAlnum(c) || kQueryChars.Contains(c); }
bool IsQueryEndChar(char32_t c) { return IsAsciiAlnum(c) || kQueryEndChars.Contains(c); }
// The labels of validAsciiDomain.
bool IsAsciiDomainChar(char32_t c) { return IsAsciiAlnum(c) || c == '-' || IsLatinAccent(c); }

// ------------------------------------------------------------------ TLDs ---

// The TLD alternatives of validGTLD and validCCTLD as a trie over lower-cased
// code points. Built once; read-only afterwards.
class TldTrie {
 public:
  static const TldTrie& Get() {
    static const TldTrie trie;
    return trie;
  }

  // The length of the TLD the regex would match at t[p, limit): a generic
  // name before a country code, a longer name before its prefix (the order
  // of the upstream alternations), and only where the next character is not
  // [0-9A-Za-z@+-]: (?=[^0-9a-zA-Z@+-]|$). 0 when none matches.
  size_t MatchAt(const Text& t, size_t p, size_t limit) const {
    int node = 0;
    size_t generic = 0, country = 0;
    for (size_t i = p; i < limit; ++i) {
      node = Child(node, Lower(t[i]));
      if (node < 0) break;
      const uint8_t flags = nodes_[node].flags;
      if (flags != 0 && BoundaryAt(t, i + 1, limit)) {
        if (flags & kGeneric) generic = i + 1 - p;
        if (flags & kCountry) country = i + 1 - p;
      }
    }
    return generic != 0 ? generic : country;
  }

  // Whether t[begin, end) is exactly a TLD.
  bool IsTld(const Text& t, size_t begin, size_t end) const {
    int node = 0;
    for (size_t i = begin; i < end && node >= 0; ++i) node = Child(node, Lower(t[i]));
    return begin < end && node >= 0 && nodes_[node].flags != 0;
  }

 private:
  static constexpr uint8_t kGeneric = 1;
  static constexpr uint8_t kCountry = 2;

  struct Node {
    std::vector<std::pair<char32_t, int>> children;  // sorted by code point
    uint8_t flags = 0;
  };

  TldTrie() {
    nodes_.emplace_back();
    for (size_t i = 0; i < internal::kGenericTldsCount; ++i) {
      Insert(internal::kGenericTlds[i], kGeneric);
    }
    for (size_t i = 0; i < internal::kCountryTldsCount; ++i) {
      Insert(internal::kCountryTlds[i], kCountry);
    }
  }

  static bool BoundaryAt(const Text& t, size_t q, size_t limit) {
    if (q >= limit) return true;
    const char32_t c = t[q];
    return !(IsAsciiAlnum(c) || c == '@' || c == '+' || c == '-');
  }

  int Child(int node, char32_t c) const {
    const auto& children = nodes_[node].children;
    auto it = std::lower_bound(children.begin(), children.end(), std::make_pair(c, -1));
    return (it != children.end() && it->first == c) ? it->second : -1;
  }

  void Insert(std::string_view utf8, uint8_t flag) {
    const Text tld(utf8);
    int node = 0;
    for (size_t i = 0; i < tld.size(); ++i) {
      const char32_t c = Lower(tld[i]);
      int next = Child(node, c);
      if (next < 0) {
        next = static_cast<int>(nodes_.size());
        nodes_.emplace_back();
        auto& children = nodes_[node].children;
        children.insert(std::lower_bound(children.begin(), children.end(), std::make_pair(c, -1)),
                        {c, next});
      }
      node = next;
    }
    nodes_[node].flags |= flag;
  }

  std::vector<Node> nodes_;
};

// The TLD part of validDomain / validAsciiDomain at t[p, limit):
// validGTLD | validCCTLD | validPunycode (xn--[-0-9a-z]+). Its length, or 0.
size_t TldLength(const Text& t, size_t p, size_t limit) {
  if (size_t n = TldTrie::Get().MatchAt(t, p, limit)) return n;
  if (p + 4 < limit && Lower(t[p]) == 'x' && Lower(t[p + 1]) == 'n' && t[p + 2] == '-' &&
      t[p + 3] == '-') {
    size_t q = p + 4;
    while (q < limit && (IsAsciiAlnum(t[q]) || t[q] == '-')) ++q;
    if (q > p + 4) return q - p;
  }
  return 0;
}

// ------------------------------------------------------------ entities ---

Entity MakeEntity(const Text& t, EntityKind kind, size_t start, size_t end, size_t value_start,
                  size_t value_end) {
  Entity e;
  e.kind = kind;
  e.text = t.Slice(value_start, value_end);
  e.start = start;
  e.end = end;
  e.byte_start = t.Byte(start);
  e.byte_end = t.Byte(end);
  return e;
}

// removeOverlappingEntities: sorted by start (stable), an entity that
// starts before the previous kept one ends is dropped.
void RemoveOverlapping(std::vector<Entity>* entities) {
  std::stable_sort(entities->begin(), entities->end(),
                   [](const Entity& a, const Entity& b) { return a.start < b.start; });
  std::vector<Entity> kept;
  kept.reserve(entities->size());
  for (Entity& e : *entities) {
    if (kept.empty() || kept.back().end <= e.start) kept.push_back(std::move(e));
  }
  *entities = std::move(kept);
}

// Drops the entities of `found` that overlap a URL (twitter-text's
// checkUrlOverlap for hashtags).
std::vector<Entity> WithoutUrlOverlaps(std::vector<Entity> found, std::vector<Entity> urls) {
  if (urls.empty() || found.empty()) return found;
  const EntityKind kind = found.front().kind;
  for (Entity& u : urls) found.push_back(std::move(u));
  RemoveOverlapping(&found);
  found.erase(
      std::remove_if(found.begin(), found.end(), [&](const Entity& e) { return e.kind != kind; }),
      found.end());
  return found;
}

// ---------------------------------------------------------------- URLs ---

constexpr size_t kMaxUrlLength = 4096;  // UTF-16 units, protocol included
constexpr size_t kMaxTcoSlugLength = 40;
constexpr size_t kMaxDomainLabelLength = 63;
constexpr size_t kDefaultProtocolLength = 8;  // "https://"

// One match of the extractUrl expression.
struct UrlMatch {
  size_t before = kNone;  // the preceding character, kNone at the start of text
  size_t start = 0;       // $3, the URL
  size_t end = 0;
  size_t protocol_length = 0;  // $4
  size_t domain_start = 0;     // $5
  size_t domain_end = 0;
  bool has_path = false;  // $7
};

// Punycode (RFC 3492) length of the encoding of cps, kNone on overflow.
size_t PunycodeEncodedLength(const std::u32string& cps) {
  constexpr uint64_t kBase = 36, kTMin = 1, kTMax = 26, kSkew = 38, kDamp = 700;
  constexpr uint64_t kMaxInt = 0x7FFFFFFF;
  auto adapt = [](uint64_t delta, uint64_t points, bool first) {
    delta = first ? delta / kDamp : delta / 2;
    delta += delta / points;
    uint64_t k = 0;
    while (delta > ((kBase - kTMin) * kTMax) / 2) {
      delta /= kBase - kTMin;
      k += kBase;
    }
    return k + (kBase - kTMin + 1) * delta / (delta + kSkew);
  };
  size_t length = 0;
  uint64_t basic = 0;
  for (char32_t c : cps) basic += c < 0x80;
  length += basic;
  if (basic > 0) ++length;  // delimiter
  uint64_t n = 0x80, delta = 0, bias = 72, handled = basic;
  while (handled < cps.size()) {
    uint64_t m = kMaxInt;
    for (char32_t c : cps) {
      if (c >= n && c < m) m = c;
    }
    if (m - n > (kMaxInt - delta) / (handled + 1)) return kNone;
    delta += (m - n) * (handled + 1);
    n = m;
    for (char32_t c : cps) {
      if (c < n && ++delta > kMaxInt) return kNone;
      if (c == n) {
        uint64_t q = delta;
        for (uint64_t k = kBase;; k += kBase) {
          const uint64_t t = k <= bias ? kTMin : (k >= bias + kTMax ? kTMax : k - bias);
          if (q < t) break;
          ++length;
          q = (q - t) / (kBase - t);
        }
        ++length;
        bias = adapt(delta, handled + 1, handled == basic);
        delta = 0;
        ++handled;
      }
    }
    ++delta;
    ++n;
  }
  return length;
}

// Length of punycode.toASCII(label) (punycode.js 1.4.1): the label split on
// full stops (. 。 ． ｡), each part with a character above U+007E encoded as
// "xn--" + punycode, joined with '.'.
size_t ToAsciiLabelLength(const Text& t, size_t begin, size_t end) {
  size_t total = 0;
  size_t part_start = begin;
  for (size_t i = begin; i <= end; ++i) {
    const char32_t c = i < end ? t[i] : '.';
    if (c != '.' && c != 0x3002 && c != 0xFF0E && c != 0xFF61) continue;
    std::u32string part;
    bool ascii = true;
    for (size_t k = part_start; k < i; ++k) {
      part.push_back(t[k]);
      ascii = ascii && t[k] <= 0x7E;
    }
    if (ascii) {
      total += part.size();
    } else {
      const size_t encoded = PunycodeEncodedLength(part);
      if (encoded == kNone) return kNone;
      total += 4 + encoded;
    }
    if (i < end) ++total;  // the '.' between parts
    part_start = i + 1;
  }
  return total;
}

class UrlScanner {
 public:
  explicit UrlScanner(const Text& t)
      : t_(t),
        n_(t.size()),
        run_end_(n_ + 1, n_),
        underscores_(n_ + 1, 0),
        domain_memo_(n_ + 1, kUnknown),
        tld_memo_(n_ + 1, kUnknown) {
    for (size_t i = n_; i-- > 0;) {
      const char32_t c = t_[i];
      run_end_[i] = (IsDomainChar(c) || c == '-' || c == '_') ? run_end_[i + 1] : i;
    }
    for (size_t i = 0; i < n_; ++i) underscores_[i + 1] = underscores_[i] + (t_[i] == '_');
  }

  // extractUrlsWithIndices.
  std::vector<Entity> Extract() {
    std::vector<Entity> urls;
    size_t pos = 0;  // the regex's lastIndex
    while (pos < n_) {
      UrlMatch m;
      bool found = false;
      for (size_t s = pos; s < n_ && !found; ++s) {
        if (IsUrlPrecedingChar(t_[s]) && MatchAt(s + 1, &m)) {
          m.before = s;
          found = true;
        } else if (s == 0 && MatchAt(0, &m)) {
          m.before = kNone;
          found = true;
        }
      }
      if (!found) break;
      pos = m.end;
      Accept(m, &urls);
    }
    return urls;
  }

  // The validAsciiDomain matches inside t[begin, end), leftmost first, as
  // String.replace with the global expression finds them.
  std::vector<std::pair<size_t, size_t>> AsciiDomains(size_t begin, size_t end,
                                                      bool first_only) const {
    std::vector<std::pair<size_t, size_t>> found;
    const size_t len = end - begin;
    std::vector<size_t> run(len + 1, end), memo(len + 1, kUnknown);
    for (size_t i = len; i-- > 0;) {
      run[i] = IsAsciiDomainChar(t_[begin + i]) ? run[i + 1] : begin + i;
    }
    // G(p): the end of (?:[label]+\.)+TLD at p, kNone if it does not match.
    auto match_at = [&](size_t p) {
      std::vector<size_t> chain;
      size_t q = p;
      while (q < end && memo[q - begin] == kUnknown) {
        const size_t r = run[q - begin];
        if (r == q || r >= end || t_[r] != '.') {
          memo[q - begin] = kNone;
          break;
        }
        chain.push_back(q);
        q = r + 1;
      }
      for (size_t i = chain.size(); i-- > 0;) {
        const size_t next = run[chain[i] - begin] + 1;
        size_t result = next < end ? memo[next - begin] : kNone;
        if (result == kNone) {
          const size_t tld = TldLength(t_, next, end);
          if (tld != 0) result = next + tld;
        }
        memo[chain[i] - begin] = result;
      }
      return p < end ? memo[p - begin] : kNone;
    };
    size_t cur = begin;
    while (cur < end) {
      size_t hit = kNone, hit_end = kNone;
      for (size_t p = cur; p < end; ++p) {
        const size_t e = match_at(p);
        if (e != kNone) {
          hit = p, hit_end = e;
          break;
        }
      }
      if (hit == kNone) break;
      found.emplace_back(hit, hit_end);
      if (first_only) break;
      cur = hit_end;
    }
    return found;
  }

 private:
  static constexpr size_t kUnknown = static_cast<size_t>(-2);

  // The rest of extractUrl from the URL start u: (https?://)? validDomain
  // (:port)? (/path)? (?query)?
  bool MatchAt(size_t u, UrlMatch* m) {
    size_t protocol = 0;
    if (Lower(t_[u]) == 'h' && Lower(t_[u + 1]) == 't' && Lower(t_[u + 2]) == 't' &&
        Lower(t_[u + 3]) == 'p') {
      const size_t s = Lower(t_[u + 4]) == 's' ? 1 : 0;
      if (t_[u + 4 + s] == ':' && t_[u + 5 + s] == '/' && t_[u + 6 + s] == '/') protocol = 7 + s;
    }
    size_t domain_end = protocol != 0 ? DomainEnd(u + protocol) : kNone;
    if (domain_end == kNone) {
      protocol = 0;
      domain_end = DomainEnd(u);
      if (domain_end == kNone) return false;
    }
    m->start = u;
    m->protocol_length = protocol;
    m->domain_start = u + protocol;
    m->domain_end = domain_end;
    size_t e = domain_end;
    if (t_[e] == ':' && IsAsciiDigit(t_[e + 1])) {  // (?::(validPortNumber))?
      e += 2;
      while (IsAsciiDigit(t_[e])) ++e;
    }
    m->has_path = t_[e] == '/';
    if (m->has_path) e = PathEnd(e + 1);
    if (t_[e] == '?') {  // (\?validUrlQueryChars*validUrlQueryEndingChars)?
      size_t last = kNone;
      for (size_t q = e + 1; IsQueryChar(t_[q]); ++q) {
        if (IsQueryEndChar(t_[q])) last = q;
      }
      if (last != kNone) e = last + 1;
    }
    m->end = e;
    return true;
  }

  // validDomain at p: validSubdomain* validDomainName (TLD). Sub-domain
  // labels may hold '_' and '-', the domain name only '-'; neither may start
  // or end a label. The regex takes as many sub-domains as it can and gives
  // them back one by one until a domain name followed by a TLD is found;
  // F(p) = F(next label) if that matches, else label(p) "." TLD. Memoised.
  size_t DomainEnd(size_t p) {
    size_t q = p;
    chain_.clear();
    while (q < n_ && domain_memo_[q] == kUnknown) {
      const size_t r = run_end_[q];
      if (r == q || !IsDomainChar(t_[q]) || !IsDomainChar(t_[r - 1]) || t_[r] != '.') {
        domain_memo_[q] = kNone;
        break;
      }
      chain_.push_back(q);
      q = r + 1;
    }
    for (size_t i = chain_.size(); i-- > 0;) {
      const size_t label = chain_[i];
      const size_t dot = run_end_[label];
      const size_t next = dot + 1;
      size_t result = next < n_ ? domain_memo_[next] : kNone;
      if (result == kNone && underscores_[dot] == underscores_[label]) {
        const size_t tld = Tld(next);
        if (tld != 0) result = next + tld;
      }
      domain_memo_[label] = result;
    }
    return p < n_ ? domain_memo_[p] : kNone;
  }

  size_t Tld(size_t p) {
    if (p >= n_) return 0;
    if (tld_memo_[p] == kUnknown) tld_memo_[p] = TldLength(t_, p, n_);
    return tld_memo_[p];
  }

  // (\/validUrlPath*). Upstream splices validUrlPathEndingChars, itself
  // "[chars]|(?:parens)", into validUrlPath without a group, so each
  // repetition is either a run of path characters and balanced groups that
  // ends with an ending character, or one balanced group alone. The path thus
  // stops after the last ending character of the run ("/foo." leaves the
  // period out), plus any balanced groups right after it: "/Primer_(film)"
  // keeps its group, "/path.(x)" and "/path–(x)" do not.
  size_t PathEnd(size_t p) const {
    size_t i = p, end = p;
    for (;;) {
      const char32_t c = t_[i];
      if (IsPathChar(c)) {
        ++i;
        if (IsPathEndChar(c)) end = i;
        continue;
      }
      if (c == '(') {
        if (size_t len = BalancedParens(i)) {
          i += len;
          continue;
        }
      }
      break;
    }
    while (t_[end] == '(') {
      const size_t len = BalancedParens(end);
      if (len == 0) break;
      end += len;
    }
    return end;
  }

  // validUrlBalancedParens at i: "(x)" or "(x(y)z)", at most two levels.
  size_t BalancedParens(size_t i) const {
    size_t r = i + 1;
    while (IsPathChar(t_[r])) ++r;
    if (r > i + 1 && t_[r] == ')') return r + 1 - i;
    if (t_[r] != '(') return 0;
    size_t r2 = r + 1;
    while (IsPathChar(t_[r2])) ++r2;
    if (r2 == r + 1 || t_[r2] != ')') return 0;
    size_t r3 = r2 + 1;
    while (IsPathChar(t_[r3])) ++r3;
    return t_[r3] == ')' ? r3 + 1 - i : 0;
  }

  // idna.toAscii: a domain starting with "xn--" must hold an ASCII domain,
  // and every label must be 1 to 63 characters once punycode-encoded.
  bool IdnaValid(size_t begin, size_t end) const {
    if (end - begin >= 4 && t_[begin] == 'x' && t_[begin + 1] == 'n' && t_[begin + 2] == '-' &&
        t_[begin + 3] == '-' && AsciiDomains(begin, end, /*first_only=*/true).empty()) {
      return false;
    }
    size_t label = begin;
    for (size_t i = begin; i <= end; ++i) {
      if (i < end && t_[i] != '.') continue;
      const size_t len = ToAsciiLabelLength(t_, label, i);
      if (len == kNone || len < 1 || len > kMaxDomainLabelLength) return false;
      label = i + 1;
    }
    return true;
  }

  // validTcoUrl on the URL: ^https?://t\.co/([a-z0-9]+)(?:\?query)?. Its
  // end, and the slug length; kNone when the URL is not a t.co link.
  size_t TcoEnd(const UrlMatch& m, size_t* slug_length) const {
    size_t p = m.start + m.protocol_length;
    if (!(Lower(t_[p]) == 't' && t_[p + 1] == '.' && Lower(t_[p + 2]) == 'c' &&
          Lower(t_[p + 3]) == 'o' && t_[p + 4] == '/')) {
      return kNone;
    }
    p += 5;
    size_t q = p;
    while (q < m.end && IsAsciiAlnum(t_[q])) ++q;
    if (q == p) return kNone;
    *slug_length = q - p;
    if (q < m.end && t_[q] == '?') {
      size_t last = kNone;
      for (size_t k = q + 1; k < m.end && IsQueryChar(t_[k]); ++k) {
        if (IsQueryEndChar(t_[k])) last = k;
      }
      if (last != kNone) q = last + 1;
    }
    return q;
  }

  // The body of the extractUrlsWithIndices loop for one match.
  void Accept(const UrlMatch& m, std::vector<Entity>* urls) const {
    const size_t protocol = m.protocol_length != 0 ? m.protocol_length : kDefaultProtocolLength;
    if (!IdnaValid(m.domain_start, m.domain_end) ||
        protocol + t_.Utf16Length(m.start, m.end) > kMaxUrlLength) {
      return;
    }
    if (m.protocol_length == 0) {
      // Without protocol only ASCII host names count, each one a URL.
      if (m.before != kNone && kBadBeforeUrlWithoutProtocol.Contains(t_[m.before])) return;
      const auto domains = AsciiDomains(m.domain_start, m.domain_end, /*first_only=*/false);
      if (domains.empty()) return;
      for (const auto& d : domains) {
        urls->push_back(MakeEntity(t_, EntityKind::kUrl, d.first, d.second, d.first, d.second));
      }
      // The path belongs to the last host. twitter-text glues it on even when
      // text lies between them (its URL is then not the text at its indices);
      // here it is kept only when the last host ends the domain.
      if (m.has_path && domains.back().second == m.domain_end) {
        Entity& last = urls->back();
        last = MakeEntity(t_, EntityKind::kUrl, last.start, m.end, last.start, m.end);
      }
      return;
    }
    size_t end = m.end;
    size_t slug_length = 0;
    const size_t tco_end = TcoEnd(m, &slug_length);
    if (tco_end != kNone) {
      if (slug_length > kMaxTcoSlugLength) return;
      end = tco_end;
    }
    urls->push_back(MakeEntity(t_, EntityKind::kUrl, m.start, end, m.start, end));
  }

  const Text& t_;
  const size_t n_;
  std::vector<size_t> run_end_;      // end of the run of domain chars, '-' and '_'
  std::vector<size_t> underscores_;  // prefix counts of '_'
  std::vector<size_t> domain_memo_;
  std::vector<size_t> tld_memo_;
  std::vector<size_t> chain_;
};

std::vector<Entity> Urls(const Text& t) {
  if (!t.Contains('.')) return {};
  return UrlScanner(t).Extract();
}

// ------------------------------------------------------------ mentions ---

constexpr size_t kMaxScreenNameLength = 20;
constexpr size_t kMaxListSlugLength = 25;  // after the slash: a letter + 24

bool IsScreenNameChar(char32_t c) { return IsAsciiAlnum(c) || c == '_'; }
bool IsRt(const Text& t, size_t i) {
  return (t[i] == 'r' || t[i] == 'R') && (t[i + 1] == 't' || t[i + 1] == 'T');
}

// endMentionMatch: ^(?:[@＠]|[latinAccentChars]|://)
bool EndsMentionBadly(const Text& t, size_t p) {
  return IsAtSign(t[p]) || IsLatinAccent(t[p]) ||
         (t[p] == ':' && t[p + 1] == '/' && t[p + 2] == '/');
}

// The at-sign positions validMentionPrecedingChars allows for a match that
// starts at s, in the order the alternation tries them:
// ^ | [^a-zA-Z0-9_!#$%&*@＠] | (?:^|[^a-zA-Z0-9_+~.-])(?:rt|RT|rT|Rt):?
size_t MentionAtSignCandidates(const Text& t, size_t s, size_t out[4]) {
  size_t count = 0;
  const size_t n = t.size();
  if (s == 0) out[count++] = 0;
  if (s < n && !IsScreenNameChar(t[s]) && !kBadBeforeMention.Contains(t[s]) && !IsAtSign(t[s])) {
    out[count++] = s + 1;
  }
  auto after_rt = [&](size_t k) { return t[k] == ':' ? k + 1 : k; };
  if (s == 0 && IsRt(t, 0)) out[count++] = after_rt(2);
  if (s < n && !IsScreenNameChar(t[s]) && !kBadBeforeRt.Contains(t[s]) && IsRt(t, s + 1)) {
    out[count++] = after_rt(s + 3);
  }
  return count;
}

// Whether a mention (or fediverse handle) may start with the at-sign at a,
// whatever came before: the same preceding-character rule, without the
// regex's lastIndex.
bool MentionMayStartAt(const Text& t, size_t a) {
  for (size_t s = a >= 4 ? a - 4 : 0; s <= a; ++s) {
    size_t candidates[4];
    const size_t count = MentionAtSignCandidates(t, s, candidates);
    for (size_t i = 0; i < count; ++i) {
      if (candidates[i] == a) return true;
    }
  }
  return false;
}

// extractMentionsOrListsWithIndices, validMentionOrList.
std::vector<Entity> MentionsOrLists(const Text& t) {
  std::vector<Entity> found;
  if (!t.Contains('@', 0xFF20)) return found;
  const size_t n = t.size();
  size_t pos = 0;
  while (pos < n) {
    size_t at = kNone, name_end = 0;
    size_t next_at = pos;  // a match starting at s has its at-sign within s..s+4
    for (size_t s = pos; s < n && at == kNone; ++s) {
      next_at = std::max(next_at, s);
      while (next_at < n && !IsAtSign(t[next_at])) ++next_at;
      if (next_at == n) break;
      if (next_at > s + 4) s = next_at - 4;
      size_t candidates[4];
      const size_t count = MentionAtSignCandidates(t, s, candidates);
      for (size_t i = 0; i < count; ++i) {
        const size_t a = candidates[i];
        if (!IsAtSign(t[a]) || !IsScreenNameChar(t[a + 1])) continue;
        at = a;
        name_end = a + 1;
        while (name_end - (a + 1) < kMaxScreenNameLength && IsScreenNameChar(t[name_end])) {
          ++name_end;
        }
        break;
      }
    }
    if (at == kNone) break;
    size_t end = name_end;
    if (t[end] == '/' && IsAsciiAlpha(t[end + 1])) {
      end += 2;
      while (end - name_end < kMaxListSlugLength + 1 &&
             (IsAsciiAlnum(t[end]) || t[end] == '_' || t[end] == '-')) {
        ++end;
      }
    }
    pos = end;
    if (EndsMentionBadly(t, end)) continue;
    Entity e = MakeEntity(t, EntityKind::kMention, at, end, at + 1, name_end);
    e.list_slug = t.Slice(name_end, end);
    found.push_back(std::move(e));
  }
  return found;
}

std::optional<std::string> ReplyScreenName(const Text& t) {
  size_t i = 0;
  while (IsSpace(t[i])) ++i;  // ^(?:spaces)*
  if (!IsAtSign(t[i])) return std::nullopt;
  size_t end = i + 1;
  while (end - (i + 1) < kMaxScreenNameLength && IsScreenNameChar(t[end])) ++end;
  if (end == i + 1 || EndsMentionBadly(t, end)) return std::nullopt;
  return t.Slice(i + 1, end);
}

// ------------------------------------------------------------ hashtags ---

// extractHashtagsWithIndices without the URL check, validHashtag:
// (hashtagBoundary)(hashSigns)(?!\uFE0F|\u20E3)(alnum* alpha alnum*)
std::vector<Entity> RawHashtags(const Text& t) {
  std::vector<Entity> found;
  if (!t.Contains('#', 0xFF03)) return found;
  const size_t n = t.size();
  size_t pos = 0;
  while (pos < n) {
    size_t hash = kNone, end = 0;
    size_t next_hash = pos;  // a match starting at s has its hash sign at s or s+1
    for (size_t s = pos; s < n && hash == kNone; ++s) {
      next_hash = std::max(next_hash, s);
      while (next_hash < n && !IsHashSign(t[next_hash])) ++next_hash;
      if (next_hash == n) break;
      if (next_hash > s + 1) s = next_hash - 1;
      // hashtagBoundary: ^ | \uFE0E | \uFE0F | (?!hashtagAlphaNumeric|&)codePoint
      size_t candidates[2];
      size_t count = 0;
      if (s == 0) candidates[count++] = 0;
      const char32_t c = t[s];
      if (c == 0xFE0E || c == 0xFE0F || (!IsHashtagAlnum(c) && c != '&')) {
        candidates[count++] = s + 1;
      }
      for (size_t i = 0; i < count; ++i) {
        const size_t h = candidates[i];
        if (!IsHashSign(t[h]) || t[h + 1] == 0xFE0F || t[h + 1] == 0x20E3) continue;
        size_t j = h + 1;
        bool has_letter = false;
        while (IsHashtagAlnum(t[j])) has_letter |= IsHashtagAlpha(t[j++]);
        if (!has_letter) continue;
        hash = h;
        end = j;
        break;
      }
    }
    if (hash == kNone) break;
    pos = end;
    // endHashtagMatch: ^(?:[#＃]|://)
    if (IsHashSign(t[end]) || (t[end] == ':' && t[end + 1] == '/' && t[end + 2] == '/')) continue;
    found.push_back(MakeEntity(t, EntityKind::kHashtag, hash, end, hash + 1, end));
  }
  return found;
}

// ------------------------------------------------------------ cashtags ---

// (?=$|\s|[punct])
bool EndsCashtag(const Text& t, size_t q) {
  return q >= t.size() || IsJsWhiteSpace(t[q]) || IsPunct(t[q]);
}

// extractCashtagsWithIndices, validCashtag:
// (^|spaces)(\$)([a-z]{1,6}(?:[._][a-z]{1,2})?)(?=$|\s|[punct])
std::vector<Entity> Cashtags(const Text& t) {
  std::vector<Entity> found;
  if (!t.Contains('$')) return found;
  const size_t n = t.size();
  size_t pos = 0;
  while (pos < n) {
    size_t dollar = kNone, end = 0;
    size_t next_dollar = pos;  // a match starting at s has its '$' at s or s+1
    for (size_t s = pos; s < n && dollar == kNone; ++s) {
      next_dollar = std::max(next_dollar, s);
      while (next_dollar < n && t[next_dollar] != '$') ++next_dollar;
      if (next_dollar == n) break;
      if (next_dollar > s + 1) s = next_dollar - 1;
      size_t candidates[2];
      size_t count = 0;
      if (s == 0) candidates[count++] = 0;
      if (IsSpace(t[s])) candidates[count++] = s + 1;
      for (size_t i = 0; i < count && dollar == kNone; ++i) {
        const size_t d = candidates[i];
        if (t[d] != '$') continue;
        size_t letters = 0;
        while (letters < 6 && IsAsciiAlpha(t[d + 1 + letters])) ++letters;
        // Backtrack as the regex does: fewer letters, then shorter suffix.
        for (size_t k = letters; k >= 1 && dollar == kNone; --k) {
          const size_t p = d + 1 + k;
          if (t[p] == '.' || t[p] == '_') {
            size_t suffix = 0;
            while (suffix < 2 && IsAsciiAlpha(t[p + 1 + suffix])) ++suffix;
            for (size_t j = suffix; j >= 1; --j) {
              if (EndsCashtag(t, p + 1 + j)) {
                dollar = d, end = p + 1 + j;
                break;
              }
            }
          }
          if (dollar == kNone && EndsCashtag(t, p)) dollar = d, end = p;
        }
      }
    }
    if (dollar == kNone) break;
    pos = end;
    found.push_back(MakeEntity(t, EntityKind::kCashtag, dollar, end, dollar + 1, end));
  }
  return found;
}

// ---------------------------------------------- e-mail, fediverse handles ---

constexpr size_t kMaxEmailLocalLength = 64;
constexpr size_t kMaxHostLength = 253;

bool IsHostChar(char32_t c) {
  return IsAsciiAlnum(c) || c == '-' ||
         (c >= 0x80 && c != kNoChar && (IsLetterOrMark(c) || IsDecimalDigit(c)));
}
bool IsEmailLocalChar(char32_t c) {
  return IsAsciiAlnum(c) || kEmailLocalPunct.Contains(c) ||
         (c >= 0x80 && c != kNoChar && (IsLetterOrMark(c) || IsDecimalDigit(c)));
}

// The end of a host name at p: dot-separated labels of letters, digits and
// inner '-', the last one a TLD (or punycode). When labels follow the TLD
// ("exemple.fr.Merci") the host stops at the TLD. kNone when there is none.
size_t HostEnd(const Text& t, size_t p) {
  std::vector<std::pair<size_t, size_t>> labels;
  size_t q = p;
  for (;;) {
    size_t r = q;
    while (IsHostChar(t[r])) ++r;
    if (r == q || t[q] == '-' || t[r - 1] == '-') break;
    labels.emplace_back(q, r);
    if (t[r] != '.' || !IsHostChar(t[r + 1])) break;
    q = r + 1;
  }
  for (size_t j = labels.size(); j-- > 1;) {
    const auto [begin, end] = labels[j];
    const bool punycode = end - begin > 4 && Lower(t[begin]) == 'x' && Lower(t[begin + 1]) == 'n' &&
                          t[begin + 2] == '-' && t[begin + 3] == '-';
    if (!punycode && !TldTrie::Get().IsTld(t, begin, end)) continue;
    if (j + 1 == labels.size() && (t[end] == '_' || IsAtSign(t[end]))) return kNone;
    if (end - p > kMaxHostLength) return kNone;
    return end;
  }
  return kNone;
}

std::vector<Entity> RawEmails(const Text& t) {
  std::vector<Entity> found;
  const size_t n = t.size();
  size_t pos = 0;  // no address starts before the end of the previous one
  for (size_t a = 0; a < n; ++a) {
    if (t[a] != '@') continue;
    size_t l = a;
    while (l > pos && IsEmailLocalChar(t[l - 1])) --l;
    if (l > 0 && IsAtSign(t[l - 1])) continue;  // "@user@host" or "a@b@c"
    while (l < a && t[l] == '.') ++l;
    if (l == a || t[a - 1] == '.' || a - l > kMaxEmailLocalLength) continue;
    bool double_dot = false;
    for (size_t i = l; i + 1 < a; ++i) double_dot |= t[i] == '.' && t[i + 1] == '.';
    if (double_dot) continue;
    const size_t end = HostEnd(t, a + 1);
    if (end == kNone) continue;
    found.push_back(MakeEntity(t, EntityKind::kEmail, l, end, l, end));
    pos = end;
    a = end - 1;
  }
  return found;
}

std::vector<Entity> RawFediverseHandles(const Text& t) {
  std::vector<Entity> found;
  const size_t n = t.size();
  for (size_t a = 0; a < n; ++a) {
    if (t[a] != '@' || !MentionMayStartAt(t, a)) continue;
    // user: [A-Za-z0-9_]+, with '.' or '-' inside (Mastodon's rule).
    size_t u = a + 1;
    while (IsScreenNameChar(t[u]) || t[u] == '.' || t[u] == '-') ++u;
    if (u == a + 1 || t[u] != '@' || !IsScreenNameChar(t[a + 1]) || !IsScreenNameChar(t[u - 1])) {
      continue;
    }
    const size_t end = HostEnd(t, u + 1);
    if (end == kNone) continue;
    found.push_back(MakeEntity(t, EntityKind::kFediverseHandle, a, end, a + 1, end));
    a = end - 1;
  }
  return found;
}

std::vector<std::string> Texts(const std::vector<Entity>& entities) {
  std::vector<std::string> out;
  out.reserve(entities.size());
  for (const Entity& e : entities) out.push_back(e.text);
  return out;
}

std::vector<Entity> Mentions(const Text& t) {
  std::vector<Entity> mentions = MentionsOrLists(t);
  mentions.erase(std::remove_if(mentions.begin(), mentions.end(),
                                [](const Entity& e) { return !e.list_slug.empty(); }),
                 mentions.end());
  return mentions;
}

}  // namespace

std::string_view EntityKindName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kMention:
      return "mention";
    case EntityKind::kHashtag:
      return "hashtag";
    case EntityKind::kUrl:
      return "url";
    case EntityKind::kCashtag:
      return "cashtag";
    case EntityKind::kEmail:
      return "email";
    case EntityKind::kFediverseHandle:
      return "fediverse_handle";
  }
  return "unknown";
}

bool Entity::operator==(const Entity& other) const {
  return kind == other.kind && text == other.text && start == other.start && end == other.end &&
         byte_start == other.byte_start && byte_end == other.byte_end &&
         list_slug == other.list_slug;
}

std::vector<Entity> ExtractEntities(std::string_view utf8_text) {
  const Text t(utf8_text);
  std::vector<Entity> all = Urls(t);
  // Insertion order breaks ties at the same start (the sort is stable).
  auto append = [&all](std::vector<Entity> part) {
    for (Entity& e : part) all.push_back(std::move(e));
  };
  append(RawFediverseHandles(t));
  append(MentionsOrLists(t));
  append(RawHashtags(t));
  append(Cashtags(t));
  append(RawEmails(t));
  RemoveOverlapping(&all);
  return all;
}

std::vector<std::string> ExtractMentionedScreenNames(std::string_view utf8_text) {
  return Texts(Mentions(Text(utf8_text)));
}

std::vector<Entity> ExtractMentionedScreenNamesWithIndices(std::string_view utf8_text) {
  return Mentions(Text(utf8_text));
}

std::vector<Entity> ExtractMentionsOrListsWithIndices(std::string_view utf8_text) {
  return MentionsOrLists(Text(utf8_text));
}

std::optional<std::string> ExtractReplyScreenName(std::string_view utf8_text) {
  return ReplyScreenName(Text(utf8_text));
}

std::vector<std::string> ExtractHashtags(std::string_view utf8_text) {
  return Texts(ExtractHashtagsWithIndices(utf8_text));
}

std::vector<Entity> ExtractHashtagsWithIndices(std::string_view utf8_text) {
  const Text t(utf8_text);
  std::vector<Entity> tags = RawHashtags(t);
  if (tags.empty()) return tags;
  return WithoutUrlOverlaps(std::move(tags), Urls(t));
}

std::vector<std::string> ExtractCashtags(std::string_view utf8_text) {
  return Texts(Cashtags(Text(utf8_text)));
}

std::vector<Entity> ExtractCashtagsWithIndices(std::string_view utf8_text) {
  return Cashtags(Text(utf8_text));
}

std::vector<std::string> ExtractUrls(std::string_view utf8_text) {
  return Texts(Urls(Text(utf8_text)));
}

std::vector<Entity> ExtractUrlsWithIndices(std::string_view utf8_text) {
  return Urls(Text(utf8_text));
}

std::vector<Entity> ExtractEmailsWithIndices(std::string_view utf8_text) {
  const Text t(utf8_text);
  std::vector<Entity> emails = RawEmails(t);
  if (emails.empty()) return emails;
  return WithoutUrlOverlaps(std::move(emails), Urls(t));
}

std::vector<Entity> ExtractFediverseHandlesWithIndices(std::string_view utf8_text) {
  const Text t(utf8_text);
  std::vector<Entity> handles = RawFediverseHandles(t);
  if (handles.empty()) return handles;
  return WithoutUrlOverlaps(std::move(handles), Urls(t));
}

}  // namespace scrm::sources
