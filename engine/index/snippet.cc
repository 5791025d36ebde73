#include "index/snippet.h"

#include <unicode/utf8.h>

#include <algorithm>

#include "index/internal.h"
#include "index/terms.h"

namespace scrm::index::internal {
namespace {

constexpr size_t kLead = 40;  // context kept before the first match
constexpr char kEllipsis[] = "\xE2\x80\xA6";

struct Token {
  size_t begin, end;
  bool match;
};

bool IsApostrophe(UChar32 c) { return c == '\'' || c == 0x2019 || c == 0x02BC; }

bool IsWord(UChar32 c) {
  if (c < 0) return false;
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  return Xapian::Unicode::is_wordchar(static_cast<unsigned>(c));
}

// Words of text (letters, digits, marks; an apostrophe between letters
// belongs to the word, so "l'été" is one word whose fold is "ete").
std::vector<Token> Tokenise(std::string_view text) {
  std::vector<Token> out;
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const auto n = static_cast<int32_t>(text.size());
  int32_t i = 0;
  int32_t start = -1;
  while (i < n) {
    const int32_t at = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (IsWord(c)) {
      if (start < 0) start = at;
      continue;
    }
    if (start >= 0 && IsApostrophe(c) && i < n) {
      int32_t j = i;
      UChar32 next;
      U8_NEXT(p, j, n, next);
      if (IsWord(next)) continue;  // inside the word
    }
    if (start >= 0) out.push_back(Token{static_cast<size_t>(start), static_cast<size_t>(at), false});
    start = -1;
  }
  if (start >= 0) out.push_back(Token{static_cast<size_t>(start), text.size(), false});
  return out;
}

void AppendEscaped(std::string_view s, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '&': *out += "&amp;"; break;
      case '<': *out += "&lt;"; break;
      case '>': *out += "&gt;"; break;
      case '"': *out += "&quot;"; break;
      case '\'': *out += "&#39;"; break;
      default: out->push_back(c);
    }
  }
}

}  // namespace

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  AppendEscaped(s, &out);
  return out;
}

Highlighter::Highlighter(const Xapian::Query& query, std::vector<std::string> wildcard_prefixes)
    : prefixes_(std::move(wildcard_prefixes)), french_("french"), english_("english") {
  for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end(); ++it) {
    const std::string& t = *it;
    if (t.empty()) continue;
    const auto first = static_cast<unsigned char>(t[0]);
    if (first == 'Z' && t.size() > 1) {
      stems_.insert(t.substr(1));
      stem_starts_.insert(t.substr(1, 2));
    } else if (!(first >= 'A' && first <= 'Z')) {
      words_.insert(t);
    }
  }
  prefixes_.erase(std::remove(prefixes_.begin(), prefixes_.end(), std::string()), prefixes_.end());
}

bool Highlighter::Matches(const std::string& f) {
  if (f.empty()) return false;
  if (auto it = memo_.find(f); it != memo_.end()) return it->second;
  bool m = words_.count(f) > 0;
  for (size_t i = 0; !m && i < prefixes_.size(); ++i) m = f.compare(0, prefixes_[i].size(), prefixes_[i]) == 0;
  // Stemming every word of every hit would cost more than the search: only
  // words that start like one of the stems are stemmed.
  if (!m && !stems_.empty() && stem_starts_.count(f.substr(0, 2)) > 0) {
    m = stems_.count(french_(f)) > 0 || stems_.count(english_(f)) > 0;
  }
  if (memo_.size() < 100000) memo_.emplace(f, m);
  return m;
}

std::string Highlighter::Snippet(std::string_view text, size_t window) {
  std::vector<Token> tokens = Tokenise(text);
  bool any = false;
  for (Token& t : tokens) {
    folded_.clear();
    FoldAppend(text.substr(t.begin, t.end - t.begin), &folded_);
    t.match = Matches(folded_);
    any = any || t.match;
  }
  size_t ws = 0, we = text.size();
  if (text.size() > window + kLead) {
    if (any) {
      int best = -1;
      size_t best_ws = 0;
      for (size_t i = 0; i < tokens.size(); ++i) {
        if (!tokens[i].match) continue;
        const size_t want = tokens[i].begin > kLead ? tokens[i].begin - kLead : 0;
        size_t j = i;
        while (j > 0 && tokens[j - 1].begin >= want) --j;
        const size_t start = j == 0 && want < kLead ? 0 : tokens[j].begin;
        int count = 0;
        for (size_t k = j; k < tokens.size() && tokens[k].end <= start + window; ++k) count += tokens[k].match;
        if (count > best) best = count, best_ws = start;
      }
      ws = best_ws;
    }
    // End on the last word that fits.
    we = ws;
    for (const Token& t : tokens) {
      if (t.begin < ws) continue;
      if (t.end > ws + window) break;
      we = t.end;
    }
    if (we == ws) we = ws + TruncateBytes(text.substr(ws), window).size();  // one huge word
  }
  std::string out;
  out.reserve(we - ws + 64);
  if (ws > 0) out += kEllipsis;
  size_t at = ws;
  for (const Token& t : tokens) {
    if (!t.match || t.begin < ws) continue;
    if (t.end > we) break;
    AppendEscaped(text.substr(at, t.begin - at), &out);
    out += "<mark>";
    AppendEscaped(text.substr(t.begin, t.end - t.begin), &out);
    out += "</mark>";
    at = t.end;
  }
  AppendEscaped(text.substr(at, we - at), &out);
  if (we < text.size()) out += kEllipsis;
  return out;
}

}  // namespace scrm::index::internal
