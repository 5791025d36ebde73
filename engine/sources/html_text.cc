#include "sources/html_text.h"

#include <algorithm>
#include <cstring>
#include <iterator>

namespace scrm::sources {
namespace {

struct EntityRow {
  const char* name;
  const char* value;
};

constexpr EntityRow kEntities[] = {
#include "sources/html_entities.inc"
};

// Windows-1252 meanings of 0x80..0x9F, which HTML applies to numeric
// references in that range (0 = keep the C1 code point).
constexpr uint16_t kCp1252C1[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || IsAsciiDigit(c); }
bool IsHexDigit(char c) {
  return IsAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsHtmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

// Decodes the reference starting at s[i] == '&'. On success appends its
// replacement, moves i past it and returns true; otherwise leaves both alone.
// `in_attribute` applies the HTML rule that a legacy name without ';'
// followed by an alphanumeric or '=' is not a reference there.
bool DecodeReference(std::string_view s, size_t& i, std::string& out, bool in_attribute) {
  size_t j = i + 1;
  if (j >= s.size()) return false;
  if (s[j] == '#') {
    ++j;
    bool hex = false;
    if (j < s.size() && (s[j] == 'x' || s[j] == 'X')) {
      hex = true;
      ++j;
    }
    size_t start = j;
    uint64_t cp = 0;
    while (j < s.size() && (hex ? IsHexDigit(s[j]) : IsAsciiDigit(s[j]))) {
      int d = IsAsciiDigit(s[j]) ? s[j] - '0' : LowerAscii(s[j]) - 'a' + 10;
      if (cp <= 0x10FFFF) cp = cp * (hex ? 16 : 10) + d;
      ++j;
    }
    if (j == start) return false;
    if (j < s.size() && s[j] == ';') ++j;
    if (cp >= 0x80 && cp <= 0x9F && kCp1252C1[cp - 0x80] != 0) cp = kCp1252C1[cp - 0x80];
    AppendUtf8(out, cp > 0x10FFFF ? 0xFFFD : static_cast<uint32_t>(cp));
    i = j;
    return true;
  }
  if (!IsAsciiAlnum(s[j])) return false;
  size_t end = j;
  while (end < s.size() && IsAsciiAlnum(s[end]) && end - j < 40) ++end;
  if (end < s.size() && s[end] == ';') {
    if (auto v = LookupHtmlEntity(s.substr(j, end + 1 - j))) {
      out.append(*v);
      i = end + 1;
      return true;
    }
  }
  // Legacy references without ';': the longest name the table knows.
  for (size_t len = end - j; len >= 2; --len) {
    auto v = LookupHtmlEntity(s.substr(j, len));
    if (!v) continue;
    size_t after = j + len;
    if (in_attribute && after < s.size() && (IsAsciiAlnum(s[after]) || s[after] == '=')) {
      return false;
    }
    out.append(*v);
    i = after;
    return true;
  }
  return false;
}

void AppendDecoded(std::string_view s, std::string& out, bool in_attribute) {
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '&' && DecodeReference(s, i, out, in_attribute)) continue;
    out.push_back(s[i]);
    ++i;
  }
}

// Case-insensitive search of `needle` (lower-case ASCII) from `from`.
size_t FindNoCase(std::string_view hay, std::string_view needle, size_t from) {
  if (needle.empty() || hay.size() < needle.size()) return std::string_view::npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && LowerAscii(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

// Builds the text: collapses white space and merges line breaks, so that
// "a</p>  <p>b" gives "a\n\nb" and never more than one blank line.
class TextBuilder {
 public:
  void Text(std::string_view s) {
    for (char c : s) {
      if (IsHtmlSpace(c)) {
        if (!out_.empty()) pending_space_ = true;
        continue;
      }
      if (!out_.empty()) {
        if (pending_breaks_ > 0) {
          out_.append(static_cast<size_t>(pending_breaks_), '\n');
        } else if (pending_space_) {
          out_.push_back(' ');
        }
      }
      pending_breaks_ = 0;
      pending_space_ = false;
      out_.push_back(c);
    }
  }
  // A <br>: one more line break, at most a blank line.
  void LineBreak() {
    pending_breaks_ = std::min(pending_breaks_ + 1, 2);
    pending_space_ = false;
  }
  // A block boundary: at least `n` line breaks before the next text.
  void Block(int n) {
    pending_breaks_ = std::max(pending_breaks_, n);
    pending_space_ = false;
  }
  size_t size() const { return out_.size(); }
  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
  int pending_breaks_ = 0;
  bool pending_space_ = false;
};

struct Attribute {
  std::string name;  // lower-case
  std::string value;  // decoded
};

struct Tag {
  std::string name;  // lower-case
  bool closing = false;
  std::vector<Attribute> attributes;
};

// Parses the tag at html[i] == '<' (i past '<' on entry is not assumed).
// Returns false when the input ends inside the tag; i is then html.size().
bool ParseTag(std::string_view html, size_t& i, Tag& tag) {
  size_t j = i + 1;
  if (j < html.size() && html[j] == '/') {
    tag.closing = true;
    ++j;
  }
  size_t name_start = j;
  while (j < html.size() && !IsHtmlSpace(html[j]) && html[j] != '/' && html[j] != '>') ++j;
  tag.name = LowerAscii(html.substr(name_start, j - name_start));
  while (j < html.size()) {
    while (j < html.size() && (IsHtmlSpace(html[j]) || html[j] == '/')) ++j;
    if (j >= html.size()) break;
    if (html[j] == '>') {
      i = j + 1;
      return true;
    }
    size_t an = j;
    while (j < html.size() && !IsHtmlSpace(html[j]) && html[j] != '/' && html[j] != '>' &&
           (html[j] != '=' || j == an)) {
      ++j;
    }
    Attribute attr;
    attr.name = LowerAscii(html.substr(an, j - an));
    while (j < html.size() && IsHtmlSpace(html[j])) ++j;
    if (j < html.size() && html[j] == '=') {
      ++j;
      while (j < html.size() && IsHtmlSpace(html[j])) ++j;
      std::string_view raw;
      if (j < html.size() && (html[j] == '"' || html[j] == '\'')) {
        char q = html[j++];
        size_t vs = j;
        while (j < html.size() && html[j] != q) ++j;
        raw = html.substr(vs, j - vs);
        if (j < html.size()) ++j;
      } else {
        size_t vs = j;
        while (j < html.size() && !IsHtmlSpace(html[j]) && html[j] != '>') ++j;
        raw = html.substr(vs, j - vs);
      }
      AppendDecoded(raw, attr.value, /*in_attribute=*/true);
    }
    if (!attr.name.empty() && tag.attributes.size() < 64) tag.attributes.push_back(std::move(attr));
  }
  i = html.size();
  return false;
}

const std::string* FindAttribute(const Tag& tag, std::string_view name) {
  for (const auto& a : tag.attributes) {
    if (a.name == name) return &a.value;
  }
  return nullptr;
}

// Line breaks a block element puts around itself: 2 for paragraph-like
// blocks, 1 for lighter ones, 0 for inline elements.
int BlockBreaks(std::string_view name) {
  static constexpr std::string_view kParagraphs[] = {
      "p", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "ul", "ol", "dl", "table", "hr"};
  static constexpr std::string_view kLines[] = {
      "div",     "li",    "tr",   "dt",   "dd",   "article", "section", "header",   "footer",
      "figure", "figcaption", "address", "aside", "nav", "main", "details", "summary", "form",
      "fieldset", "caption"};
  for (auto p : kParagraphs) {
    if (name == p) return 2;
  }
  for (auto l : kLines) {
    if (name == l) return 1;
  }
  return 0;
}

bool ContainsWord(std::string_view list, std::string_view word) {
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && IsHtmlSpace(list[i])) ++i;
    size_t s = i;
    while (i < list.size() && !IsHtmlSpace(list[i])) ++i;
    if (list.substr(s, i - s) == word) return true;
  }
  return false;
}

}  // namespace

bool HtmlLink::IsMentionOrHashtag() const {
  return ContainsWord(css_class, "mention") || ContainsWord(css_class, "hashtag") ||
         ContainsWord(rel, "tag");
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::optional<std::string_view> LookupHtmlEntity(std::string_view name) {
  auto it = std::lower_bound(std::begin(kEntities), std::end(kEntities), name,
                             [](const EntityRow& row, std::string_view n) { return row.name < n; });
  if (it == std::end(kEntities) || std::string_view(it->name) != name) return std::nullopt;
  return std::string_view(it->value);
}

std::string DecodeHtmlEntities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendDecoded(text, out, /*in_attribute=*/true);
  return out;
}

HtmlText HtmlToText(std::string_view html) {
  HtmlText result;
  TextBuilder text;
  std::string decoded;
  // The open <a>: index in result.links and where its text starts.
  std::optional<size_t> open_link;
  size_t link_text_start = 0;
  auto close_link = [&]() {
    if (!open_link) return;
    const std::string& s = text.str();
    if (link_text_start < s.size()) result.links[*open_link].text = s.substr(link_text_start);
    open_link.reset();
  };

  size_t i = 0;
  while (i < html.size()) {
    size_t lt = html.find('<', i);
    size_t run_end = lt == std::string_view::npos ? html.size() : lt;
    if (run_end > i) {
      decoded.clear();
      AppendDecoded(html.substr(i, run_end - i), decoded, /*in_attribute=*/true);
      text.Text(decoded);
      // Remember where a link's text begins once its first character lands.
    }
    if (lt == std::string_view::npos) break;
    i = lt;
    char next = i + 1 < html.size() ? html[i + 1] : '\0';
    if (html.substr(i, 4) == "<!--") {
      size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    if (html.substr(i, 9) == "<![CDATA[") {
      size_t end = html.find("]]>", i + 9);
      size_t stop = end == std::string_view::npos ? html.size() : end;
      text.Text(html.substr(i + 9, stop - (i + 9)));
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    if (next == '!' || next == '?') {
      size_t end = html.find('>', i);
      i = end == std::string_view::npos ? html.size() : end + 1;
      continue;
    }
    bool is_tag = IsAsciiAlpha(next) ||
                  (next == '/' && i + 2 < html.size() && IsAsciiAlpha(html[i + 2]));
    if (!is_tag) {
      if (next == '/' && i + 2 < html.size() && html[i + 2] == '>') {
        i += 3;  // "</>" is ignored, as browsers do
        continue;
      }
      text.Text("<");
      ++i;
      continue;
    }
    Tag tag;
    if (!ParseTag(html, i, tag)) break;  // the input ends inside a tag: drop it
    const std::string& name = tag.name;
    if (!tag.closing && (name == "script" || name == "style" || name == "template")) {
      std::string close = "</" + name;
      size_t end = FindNoCase(html, close, i);
      if (end == std::string_view::npos) break;
      size_t gt = html.find('>', end);
      i = gt == std::string_view::npos ? html.size() : gt + 1;
      continue;
    }
    if (name == "br") {
      text.LineBreak();
      continue;
    }
    if (name == "a") {
      close_link();
      if (!tag.closing) {
        if (const std::string* href = FindAttribute(tag, "href")) {
          HtmlLink link;
          link.href = *href;
          if (const std::string* rel = FindAttribute(tag, "rel")) link.rel = *rel;
          if (const std::string* cls = FindAttribute(tag, "class")) link.css_class = *cls;
          result.links.push_back(std::move(link));
          open_link = result.links.size() - 1;
          // Text already written is not the link's; pending space is resolved
          // when the first character arrives, so trim the link text later.
          link_text_start = text.size();
        }
      }
      continue;
    }
    if (int breaks = BlockBreaks(name)) text.Block(breaks);
  }
  close_link();
  result.text = text.Take();
  for (auto& link : result.links) {
    // The builder may have put the separating space or line break at the
    // start of the captured span.
    size_t s = 0;
    while (s < link.text.size() && IsHtmlSpace(link.text[s])) ++s;
    link.text.erase(0, s);
  }
  return result;
}

}  // namespace scrm::sources
