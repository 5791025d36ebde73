#include "sources/feeds.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <streambuf>
#include <string>
#include <utility>
#include <vector>

#include <Poco/Exception.h>
#include <Poco/SAX/Attributes.h>
#include <Poco/SAX/ContentHandler.h>
#include <Poco/SAX/InputSource.h>
#include <Poco/SAX/Locator.h>
#include <Poco/SAX/SAXException.h>
#include <Poco/SAX/SAXParser.h>
#include <Poco/TextEncoding.h>
#include <nlohmann/json.hpp>

#include "core/hash.h"
#include "core/text.h"
#include "sources/dates.h"
#include "sources/html_text.h"
#include "sources/json_stream.h"
#include "sources/url_util.h"

namespace scrm::sources {
namespace {

// --- encodings --------------------------------------------------------------

// Windows-1252 0x80..0x9F; the rest of the 256 bytes are their own code point.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

using ByteTable = std::array<int32_t, 256>;

ByteTable Cp1252Table() {
  ByteTable t;
  for (int b = 0; b < 256; ++b) t[b] = (b >= 0x80 && b <= 0x9F) ? kCp1252High[b - 0x80] : b;
  return t;
}

enum class Decoding { kUtf8, kTable, kPassThrough };

// Reads the source and hands the XML parser UTF-8 it will accept:
//  - decodes single-byte encodings by table, validates UTF-8 and reads bytes
//    that are not UTF-8 as windows-1252 (counted);
//  - drops control characters XML 1.0 forbids;
//  - outside CDATA sections, comments and processing instructions, turns
//    HTML entities XML does not know (&nbsp;) into character references and
//    a bare '&' into "&amp;".
// kPassThrough (UTF-16) hands the bytes over untouched.
class FeedInput : public std::streambuf {
 public:
  FeedInput(std::istream& src, std::string prefix, Decoding decoding, ByteTable table)
      : src_(src), prefix_(std::move(prefix)), decoding_(decoding), table_(table) {}

  int64_t non_utf8_bytes() const { return non_utf8_bytes_; }
  int64_t repaired_references() const { return repaired_references_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (!Fill()) return traits_type::eof();
    setg(out_.data(), out_.data(), out_.data() + out_.size());
    return traits_type::to_int_type(*gptr());
  }

 private:
  bool Fill() {
    out_.clear();
    while (out_.empty()) {
      if (done_) return false;
      std::string chunk;
      if (!prefix_.empty()) {
        chunk.swap(prefix_);
      } else {
        chunk.resize(64 * 1024);
        src_.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        chunk.resize(static_cast<size_t>(std::max<std::streamsize>(0, src_.gcount())));
      }
      bool eof = chunk.empty();
      if (eof) done_ = true;
      if (decoding_ == Decoding::kPassThrough) {
        out_ = std::move(chunk);
        continue;
      }
      std::string raw = std::move(pending_raw_);
      pending_raw_.clear();
      raw += chunk;
      std::string text = std::move(pending_text_);
      pending_text_.clear();
      Decode(raw, eof, text);
      Repair(text, eof);
    }
    return true;
  }

  void Decode(const std::string& raw, bool eof, std::string& text) {
    if (decoding_ == Decoding::kTable) {
      for (unsigned char b : raw) {
        int32_t cp = table_[b];
        AppendUtf8(text, cp < 0 ? 0xFFFD : static_cast<uint32_t>(cp));
      }
      return;
    }
    size_t i = 0;
    while (i < raw.size()) {
      unsigned char b = static_cast<unsigned char>(raw[i]);
      if (b < 0x80) {
        text.push_back(static_cast<char>(b));
        ++i;
        continue;
      }
      size_t len = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
      if (len > 0 && i + len > raw.size() && !eof) {
        // Might be a sequence cut by the chunk boundary: wait for the rest.
        bool prefix_ok = true;
        for (size_t k = i + 1; k < raw.size(); ++k) {
          prefix_ok = prefix_ok && (static_cast<unsigned char>(raw[k]) & 0xC0) == 0x80;
        }
        if (prefix_ok) {
          pending_raw_ = raw.substr(i);
          return;
        }
      }
      bool valid = len > 0 && i + len <= raw.size();
      for (size_t k = 1; valid && k < len; ++k) {
        valid = (static_cast<unsigned char>(raw[i + k]) & 0xC0) == 0x80;
      }
      if (valid && len == 3) {
        unsigned char b1 = static_cast<unsigned char>(raw[i + 1]);
        if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 >= 0xA0)) valid = false;
      }
      if (valid && len == 4) {
        unsigned char b1 = static_cast<unsigned char>(raw[i + 1]);
        if ((b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 >= 0x90)) valid = false;
      }
      if (valid) {
        text.append(raw, i, len);
        i += len;
      } else {
        ++non_utf8_bytes_;
        int32_t cp = Cp1252Table()[b];
        AppendUtf8(text, static_cast<uint32_t>(cp));
        ++i;
      }
    }
  }

  static bool IsNameStart(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
  }
  static bool IsNameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':' || c == '.' ||
           c == '-';
  }

  void Repair(const std::string& t, bool eof) {
    size_t i = 0;
    auto need = [&](size_t n) { return !eof && i + n > t.size(); };
    while (i < t.size()) {
      char c = t[i];
      unsigned char uc = static_cast<unsigned char>(c);
      if (uc < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        ++i;  // forbidden in XML 1.0
        continue;
      }
      if (state_ == State::kCdata || state_ == State::kComment || state_ == State::kPi) {
        std::string_view end = state_ == State::kCdata ? "]]>" : state_ == State::kComment ? "-->"
                                                                                           : "?>";
        if (c == end[0]) {
          if (need(end.size())) break;
          if (t.compare(i, end.size(), end) == 0) {
            out_.append(end);
            i += end.size();
            state_ = State::kNormal;
            continue;
          }
        }
        out_.push_back(c);
        ++i;
        continue;
      }
      if (c == '<') {
        if (need(9)) break;
        if (t.compare(i, 9, "<![CDATA[") == 0) {
          out_.append("<![CDATA[");
          i += 9;
          state_ = State::kCdata;
          continue;
        }
        if (t.compare(i, 4, "<!--") == 0) {
          out_.append("<!--");
          i += 4;
          state_ = State::kComment;
          continue;
        }
        if (t.compare(i, 2, "<?") == 0) {
          out_.append("<?");
          i += 2;
          state_ = State::kPi;
          continue;
        }
        out_.push_back(c);
        ++i;
        continue;
      }
      if (c != '&') {
        out_.push_back(c);
        ++i;
        continue;
      }
      // A reference: keep it when XML knows it, repair it otherwise.
      size_t j = i + 1;
      if (j < t.size() && t[j] == '#') {
        ++j;
        bool hex = j < t.size() && (t[j] == 'x' || t[j] == 'X');
        if (hex) ++j;
        size_t ds = j;
        while (j < t.size() && j - ds < 12 &&
               (hex ? std::isxdigit(static_cast<unsigned char>(t[j]))
                    : std::isdigit(static_cast<unsigned char>(t[j])))) {
          ++j;
        }
        if (j >= t.size() && !eof) break;
        if (j > ds && j < t.size() && t[j] == ';') {
          // Reject references to characters XML forbids (&#0;, &#x1;).
          uint64_t cp = std::stoull(t.substr(ds, j - ds), nullptr, hex ? 16 : 10);
          bool ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                    (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
          if (ok) {
            out_.append(t, i, j + 1 - i);
          } else {
            ++repaired_references_;
          }
          i = j + 1;
          continue;
        }
        out_.append("&amp;");
        ++repaired_references_;
        ++i;
        continue;
      }
      if (j < t.size() && IsNameStart(t[j])) {
        size_t ns = j;
        while (j < t.size() && IsNameChar(t[j]) && j - ns < 48) ++j;
        if (j >= t.size() && !eof) break;
        if (j < t.size() && t[j] == ';') {
          std::string name = t.substr(ns, j - ns);
          if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") {
            out_.append(t, i, j + 1 - i);
            i = j + 1;
            continue;
          }
          if (auto v = LookupHtmlEntity(name + ";")) {
            // As character references: the replacement may be '<' or '&'.
            std::string_view s = *v;
            for (size_t k = 0; k < s.size();) {
              unsigned char lead = static_cast<unsigned char>(s[k]);
              size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
              uint32_t cp = len == 1 ? lead : lead & (0xFF >> (len + 1));
              for (size_t m = 1; m < len && k + m < s.size(); ++m) {
                cp = (cp << 6) | (static_cast<unsigned char>(s[k + m]) & 0x3F);
              }
              out_ += "&#" + std::to_string(cp) + ";";
              k += len;
            }
            ++repaired_references_;
            i = j + 1;
            continue;
          }
        }
      } else if (j >= t.size() && !eof) {
        break;
      }
      out_.append("&amp;");
      ++repaired_references_;
      ++i;
    }
    pending_text_ = t.substr(i);
    if (eof && !pending_text_.empty()) {
      // Cannot complete at the end of the input: pass it on as text.
      for (char c : pending_text_) {
        if (c == '&') {
          out_ += "&amp;";
        } else {
          out_.push_back(c);
        }
      }
      pending_text_.clear();
    }
  }

  enum class State { kNormal, kCdata, kComment, kPi };

  std::istream& src_;
  std::string prefix_;
  Decoding decoding_;
  ByteTable table_;
  bool done_ = false;
  std::string pending_raw_;
  std::string pending_text_;
  std::string out_;
  State state_ = State::kNormal;
  int64_t non_utf8_bytes_ = 0;
  int64_t repaired_references_ = 0;
};

std::string LowerTrim(std::string_view s) { return ToLowerAscii(Trim(s)); }

// The value of encoding="..." in an XML declaration at the start of `head`.
std::string DeclaredEncoding(const std::string& head, size_t* value_pos, size_t* value_len) {
  if (head.compare(0, 5, "<?xml") != 0) return "";
  size_t end = head.find("?>");
  size_t e = head.find("encoding", 5);
  if (e == std::string::npos || (end != std::string::npos && e > end)) return "";
  size_t q = head.find_first_of("\"'", e);
  if (q == std::string::npos) return "";
  size_t q2 = head.find(head[q], q + 1);
  if (q2 == std::string::npos) return "";
  if (value_pos) *value_pos = q + 1;
  if (value_len) *value_len = q2 - q - 1;
  return head.substr(q + 1, q2 - q - 1);
}

struct InputPlan {
  Decoding decoding = Decoding::kUtf8;
  ByteTable table{};
  std::string expat_encoding = "UTF-8";
  std::string prefix;  // bytes already read, adjusted (BOM, leading space, declaration)
  std::string encoding_name;
};

// Decides how to read the input from its first bytes.
Result<InputPlan> PlanInput(std::istream& in, const ParseOptions& options) {
  InputPlan plan;
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
  auto starts = [&](std::string_view p) { return head.compare(0, p.size(), p) == 0; };
  if (starts("\xFF\xFE") || starts("\xFE\xFF")) {
    plan.decoding = Decoding::kPassThrough;
    plan.expat_encoding = "UTF-16";
    plan.encoding_name = "UTF-16";
    plan.prefix = std::move(head);
    return plan;
  }
  if (starts(std::string_view("<\0?\0", 4)) || starts(std::string_view("\0<\0?", 4))) {
    plan.decoding = Decoding::kPassThrough;
    plan.expat_encoding = head[0] == '<' ? "UTF-16LE" : "UTF-16BE";
    plan.encoding_name = plan.expat_encoding;
    plan.prefix = std::move(head);
    return plan;
  }
  bool bom = starts("\xEF\xBB\xBF");
  if (bom) head.erase(0, 3);
  // XML allows nothing before its declaration; feeds put white space there.
  size_t lead = 0;
  while (lead < head.size() && std::isspace(static_cast<unsigned char>(head[lead]))) ++lead;
  head.erase(0, lead);
  size_t vpos = 0, vlen = 0;
  std::string declared = DeclaredEncoding(head, &vpos, &vlen);
  std::string name = bom ? "utf-8" : !options.charset.empty() ? LowerTrim(options.charset)
                                    : !declared.empty()        ? LowerTrim(declared)
                                                               : "utf-8";
  plan.encoding_name = name;
  if (name == "utf-8" || name == "utf8" || name == "us-ascii" || name == "ascii" ||
      name == "unicode-1-1-utf-8") {
    plan.decoding = Decoding::kUtf8;
  } else if (name == "iso-8859-1" || name == "iso8859-1" || name == "latin1" ||
             name == "latin-1" || name == "l1" || name == "windows-1252" || name == "cp1252" ||
             name == "x-cp1252" || name == "iso_8859-1") {
    plan.decoding = Decoding::kTable;
    plan.table = Cp1252Table();
  } else if (name == "utf-16" || name == "utf-16le" || name == "utf-16be") {
    plan.decoding = Decoding::kPassThrough;
    plan.expat_encoding = ToLowerAscii(name) == "utf-16" ? "UTF-16" : name;
    plan.prefix = std::move(head);
    return plan;
  } else {
    Poco::TextEncoding* enc = Poco::TextEncoding::find(name);
    bool single_byte = enc != nullptr;
    if (enc) {
      const Poco::TextEncoding::CharacterMap& map = enc->characterMap();
      for (int b = 0; b < 256; ++b) {
        if (map[b] < -1) single_byte = false;
        plan.table[b] = map[b] < 0 ? 0xFFFD : map[b];
      }
    }
    if (!single_byte) {
      return Status::InvalidArgument(options.file + ": unsupported character encoding '" + name +
                                     "' (read: UTF-8, UTF-16, US-ASCII, ISO-8859-1/2/15, "
                                     "windows-1250/1251/1252)", "encoding");
    }
    plan.decoding = Decoding::kTable;
  }
  // The parser reads UTF-8 from here on: say so in the declaration too.
  if (vlen > 0) head.replace(vpos, vlen, "UTF-8");
  plan.prefix = std::move(head);
  return plan;
}

// --- XML feed model ---------------------------------------------------------

struct Author {
  std::string name, email, uri;
  bool empty() const { return name.empty() && email.empty() && uri.empty(); }
};

// "email@example.org (Name)", "Name <email@example.org>", "Name", "email".
Author ParseRssPerson(std::string_view raw) {
  Author a;
  std::string s = Trim(raw);
  size_t open = s.find('(');
  size_t lt = s.find('<');
  if (open != std::string::npos && s.back() == ')') {
    std::string before = Trim(s.substr(0, open));
    std::string inside = Trim(s.substr(open + 1, s.size() - open - 2));
    if (NormalizeEmail(before).empty() && !NormalizeEmail(inside).empty()) {
      std::swap(before, inside);  // "Name (email)"
    }
    a.email = before;
    a.name = inside;
  } else if (lt != std::string::npos && s.back() == '>') {
    a.name = Trim(s.substr(0, lt));
    a.email = Trim(s.substr(lt + 1, s.size() - lt - 2));
  } else if (s.find('@') != std::string::npos && s.find(' ') == std::string::npos) {
    a.email = s;
  } else {
    a.name = s;
  }
  if (!a.email.empty() && NormalizeEmail(a.email).empty()) {
    // Not an address after all ("John (the editor)"): keep it all as a name.
    a.name = s;
    a.email.clear();
  }
  return a;
}

struct Text {
  std::string value;
  std::string type;  // Atom type or mode ("text", "html", "xhtml", "base64"...)
  bool set = false;
};

struct Entry {
  int64_t line = 0;
  Text title, content, description;
  std::string link, permalink_guid, id;
  std::vector<std::string> links;
  std::string published_raw, published_field, updated_raw, updated_field;
  std::vector<Author> authors;
  std::vector<std::string> categories;
  std::string in_reply_to;
  int64_t replies = -1;
  std::string base;  // xml:base in force at the entry
  std::string language;
  std::string raw;
  int children = 0;  // child elements read
};

struct FeedInfo {
  std::string title, link, id, self, description, image, language, updated_raw;
  std::vector<Author> authors;
  std::vector<std::string> emails;
};

// Short names for the namespaces feeds use.
std::string NamespaceShortName(const std::string& uri_raw) {
  std::string uri = Trim(uri_raw);
  static const std::pair<const char*, const char*> kKnown[] = {
      {"http://purl.org/rss/1.0/", ""},
      {"http://my.netscape.com/rdf/simple/0.9/", ""},
      {"http://backend.userland.com/rss2", ""},
      {"http://blogs.law.harvard.edu/tech/rss", ""},
      {"http://www.w3.org/2005/Atom", "atom"},
      {"http://purl.org/atom/ns#", "atom"},
      {"http://purl.org/rss/1.0/modules/content/", "content"},
      {"http://purl.org/dc/elements/1.1/", "dc"},
      {"http://purl.org/dc/terms/", "dcterms"},
      {"http://purl.org/rss/1.0/modules/slash/", "slash"},
      {"http://wellformedweb.org/CommentAPI/", "wfw"},
      {"http://purl.org/syndication/thread/1.0", "thr"},
      {"http://search.yahoo.com/mrss/", "media"},
      {"http://search.yahoo.com/mrss", "media"},
      {"http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf"},
      {"http://www.itunes.com/dtds/podcast-1.0.dtd", "itunes"},
      {"http://www.w3.org/XML/1998/namespace", "xml"},
  };
  for (const auto& [u, s] : kKnown) {
    if (ToLowerAscii(uri) == ToLowerAscii(u)) return s;
  }
  return "?";
}

class FeedHandler : public Poco::XML::ContentHandler {
 public:
  FeedHandler(const ParseOptions& options, RecordEmitter& out) : options_(options), out_(out) {}

  enum class Kind { kNone, kRss, kAtom, kOther };
  Kind kind() const { return kind_; }
  const std::string& root_name() const { return root_name_; }
  bool in_entry() const { return entry_depth_ > 0; }
  const Entry& entry() const { return entry_; }
  int64_t records() const { return index_; }

  void setDocumentLocator(const Poco::XML::Locator* loc) override { locator_ = loc; }
  void startDocument() override {}
  void endDocument() override { EmitFeedProfile(); }
  void ignorableWhitespace(const Poco::XML::XMLChar ch[], int start, int length) override {
    characters(ch, start, length);
  }
  void processingInstruction(const Poco::XML::XMLString&, const Poco::XML::XMLString&) override {}
  void startPrefixMapping(const Poco::XML::XMLString&, const Poco::XML::XMLString&) override {}
  void endPrefixMapping(const Poco::XML::XMLString&) override {}
  void skippedEntity(const Poco::XML::XMLString&) override {}

  void startElement(const Poco::XML::XMLString&, const Poco::XML::XMLString&,
                    const Poco::XML::XMLString& qname,
                    const Poco::XML::Attributes& attrs) override {
    // Namespace declarations and xml:base/xml:lang of this element.
    Frame frame;
    frame.ns_mark = ns_.size();
    std::map<std::string, std::string> a;
    for (int i = 0; i < attrs.getLength(); ++i) {
      std::string n = attrs.getQName(i);
      std::string v = attrs.getValue(i);
      if (n == "xmlns") {
        ns_.emplace_back("", v);
      } else if (StartsWith(n, "xmlns:")) {
        ns_.emplace_back(n.substr(6), v);
      }
      a[n] = v;
    }
    frame.base = stack_.empty() ? options_.base_url : stack_.back().base;
    frame.explicit_base = !stack_.empty() && stack_.back().explicit_base;
    if (auto it = a.find("xml:base"); it != a.end()) {
      frame.base = ResolveUrl(frame.base.empty() ? Base() : frame.base, Trim(it->second));
      frame.explicit_base = true;
    }
    frame.lang = stack_.empty() ? "" : stack_.back().lang;
    if (auto it = a.find("xml:lang"); it != a.end()) frame.lang = Trim(it->second);
    frame.key = Key(qname);
    const std::string& key = frame.key;
    stack_.push_back(frame);
    int depth = static_cast<int>(stack_.size());

    if (entry_depth_ > 0) {
      AppendStartTag(entry_.raw, qname, attrs);
      if (depth == entry_depth_ + 1) ++entry_.children;
    }
    if (capture_depth_ > 0) {
      AppendStartTag(capture_, qname, attrs);
      capture_has_markup_ = true;
      return;
    }
    if (depth == 1) {
      root_name_ = qname;
      if (key == "rss" || key == "rdf:RDF") {
        kind_ = Kind::kRss;
        platform_ = "rss";
      } else if (key == "atom:feed") {
        kind_ = Kind::kAtom;
        platform_ = "atom";
      } else {
        kind_ = Kind::kOther;
      }
      return;
    }
    if (kind_ == Kind::kOther) return;
    if (skip_depth_ > 0) return;
    // Containers.
    if (key == "item" || key == "atom:entry") {
      if (entry_depth_ > 0) return;  // nested entries are not supported: text of the outer one
      entry_ = Entry();
      entry_depth_ = depth;
      entry_.line = locator_ ? locator_->getLineNumber() : 0;
      entry_.base = frame.explicit_base ? frame.base : "";
      entry_.language = frame.lang;
      AppendStartTag(entry_.raw, qname, attrs);
      if (kind_ == Kind::kRss) {
        if (auto it = a.find("rdf:about"); it != a.end()) entry_.id = it->second;
      }
      return;
    }
    if (key == "channel" || key == "rdf:RDF" || key == "rss") return;
    if (key == "atom:author" || key == "atom:contributor" || key == "itunes:owner") {
      author_depth_ = depth;
      author_ = Author();
      author_is_contributor_ = key != "atom:author";
      return;
    }
    if (key == "image" || key == "textinput" || key == "textInput" || key == "atom:source" ||
        key == "media:group" || key == "cloud" || key == "skipHours" || key == "skipDays") {
      if (key == "image") {
        image_depth_ = depth;
      } else if (key != "media:group") {
        skip_depth_ = depth;
      }
      if (key == "media:group") return;
      if (key != "image") return;
      return;
    }
    // A field: collect its text (and any markup written inside it).
    capture_depth_ = depth;
    capture_.clear();
    capture_has_markup_ = false;
    capture_attrs_ = std::move(a);
  }

  void endElement(const Poco::XML::XMLString&, const Poco::XML::XMLString&,
                  const Poco::XML::XMLString& qname) override {
    int depth = static_cast<int>(stack_.size());
    Frame frame = stack_.back();
    if (entry_depth_ > 0) entry_.raw += "</" + qname + ">";
    if (capture_depth_ > 0 && depth > capture_depth_) {
      capture_ += "</" + qname + ">";
    } else if (capture_depth_ == depth) {
      capture_depth_ = 0;
      Field(frame);
    } else if (depth == entry_depth_) {
      entry_depth_ = 0;
      FinishEntry();
    } else if (depth == author_depth_) {
      author_depth_ = 0;
      if (!author_is_contributor_ && !author_.empty()) {
        (entry_depth_ > 0 ? entry_.authors : feed_.authors).push_back(author_);
      }
    } else if (depth == image_depth_) {
      image_depth_ = 0;
    } else if (depth == skip_depth_) {
      skip_depth_ = 0;
    }
    ns_.resize(frame.ns_mark);
    stack_.pop_back();
  }

  void characters(const Poco::XML::XMLChar ch[], int start, int length) override {
    std::string_view s(ch + start, static_cast<size_t>(length));
    if (entry_depth_ > 0) AppendEscaped(entry_.raw, s);
    if (capture_depth_ == 0) return;
    if (static_cast<int>(stack_.size()) > capture_depth_) {
      AppendEscaped(capture_, s);  // text inside markup written into the field
    } else {
      capture_.append(s);
    }
  }

 private:
  struct Frame {
    std::string key;
    std::string base;
    bool explicit_base = false;
    std::string lang;
    size_t ns_mark = 0;
  };

  // The effective base for relative URLs: xml:base, the feed's link, the
  // URL the feed came from.
  std::string Base() const {
    if (!stack_.empty() && stack_.back().explicit_base) return stack_.back().base;
    if (!feed_.link.empty()) return feed_.link;
    return options_.base_url;
  }
  std::string Resolve(const std::string& url, const std::string& base) const {
    std::string u = Trim(url);
    if (u.empty()) return u;
    return ResolveUrl(base.empty() ? Base() : base, u);
  }

  std::string Key(const std::string& qname) const {
    size_t colon = qname.find(':');
    std::string prefix = colon == std::string::npos ? "" : qname.substr(0, colon);
    std::string local = colon == std::string::npos ? qname : qname.substr(colon + 1);
    std::optional<std::string> uri;
    for (auto it = ns_.rbegin(); it != ns_.rend(); ++it) {
      if (it->first == prefix) {
        uri = it->second;
        break;
      }
    }
    std::string shortname;
    if (uri) {
      shortname = Trim(*uri).empty() ? "" : NamespaceShortName(*uri);
    } else if (prefix.empty()) {
      shortname = "";
    } else {
      // An undeclared prefix: trust the conventional ones.
      static const char* kConventional[] = {"content", "dc",  "dcterms", "slash", "wfw",
                                            "thr",     "atom", "media",  "rdf",   "itunes", "xml"};
      shortname = "?";
      for (const char* p : kConventional) {
        if (prefix == p) shortname = p;
      }
    }
    if (shortname == "dcterms") shortname = "dc";
    return shortname.empty() ? local : shortname + ":" + local;
  }

  static void AppendEscaped(std::string& out, std::string_view s) {
    for (char c : s) {
      switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        default: out.push_back(c);
      }
    }
  }
  static void AppendStartTag(std::string& out, const std::string& qname,
                             const Poco::XML::Attributes& attrs) {
    out += "<" + qname;
    for (int i = 0; i < attrs.getLength(); ++i) {
      out += " " + attrs.getQName(i) + "=\"";
      for (char c : attrs.getValue(i)) {
        if (c == '"') {
          out += "&quot;";
        } else if (c == '<') {
          out += "&lt;";
        } else if (c == '&') {
          out += "&amp;";
        } else {
          out.push_back(c);
        }
      }
      out += "\"";
    }
    out += ">";
  }

  std::string Attr(const char* name) const {
    auto it = capture_attrs_.find(name);
    return it == capture_attrs_.end() ? "" : it->second;
  }

  Text MakeText() const {
    Text t;
    t.value = capture_;
    t.type = ToLowerAscii(Trim(Attr("type")));
    std::string mode = ToLowerAscii(Trim(Attr("mode")));
    if (mode == "base64") t.type = "base64:" + t.type;
    if (mode == "escaped" && t.type.empty()) t.type = "html";
    // Markup written straight into a field typed (or defaulting to) text.
    if (capture_has_markup_ && (t.type.empty() || t.type == "text" || t.type == "text/plain")) {
      t.type = "xhtml";
    }
    t.set = true;
    return t;
  }

  void Field(const Frame& frame) {
    const std::string& key = frame.key;
    std::string text = capture_;
    if (author_depth_ > 0) {
      if (key == "atom:name" || key == "itunes:name") author_.name = Trim(text);
      if (key == "atom:email" || key == "itunes:email") author_.email = Trim(text);
      if (key == "atom:uri" || key == "atom:url") author_.uri = Resolve(text, frame.base);
      return;
    }
    if (image_depth_ > 0) {
      if (key == "url" && entry_depth_ == 0) feed_.image = Resolve(text, frame.base);
      return;
    }
    if (entry_depth_ > 0) {
      EntryField(frame, text);
      return;
    }
    // Feed level.
    if (key == "title" || key == "atom:title" || key == "dc:title") {
      if (feed_.title.empty()) feed_.title = RenderText(MakeText(), kind_ == Kind::kAtom);
    } else if (key == "link") {
      if (feed_.link.empty()) feed_.link = Resolve(text, frame.base);
    } else if (key == "atom:link") {
      std::string rel = Trim(Attr("rel"));
      std::string href = Resolve(Attr("href"), frame.base);
      if ((rel.empty() || rel == "alternate") && feed_.link.empty()) feed_.link = href;
      if (rel == "self") feed_.self = href;
    } else if (key == "atom:id") {
      feed_.id = Trim(text);
    } else if (key == "description" || key == "atom:subtitle" || key == "atom:tagline" ||
               key == "dc:description" || key == "itunes:summary") {
      if (feed_.description.empty()) {
        feed_.description = RenderText(MakeText(), kind_ == Kind::kAtom && key != "description");
      }
    } else if (key == "language" || key == "dc:language") {
      feed_.language = Trim(text);
    } else if (key == "lastBuildDate" || key == "atom:updated" || key == "atom:modified" ||
               key == "pubDate" || key == "dc:date") {
      if (feed_.updated_raw.empty()) feed_.updated_raw = Trim(text);
    } else if (key == "managingEditor" || key == "webMaster" || key == "dc:creator" ||
               key == "itunes:author" || key == "author") {
      Author a = ParseRssPerson(HtmlToText(text).text);
      if (!a.email.empty()) feed_.emails.push_back(a.email);
      if (!a.empty() && (key == "managingEditor" || key == "dc:creator" || key == "author")) {
        feed_.authors.push_back(a);
      }
    } else if (key == "atom:icon" || key == "atom:logo") {
      if (feed_.image.empty()) feed_.image = Resolve(text, frame.base);
    } else if (key == "itunes:image") {
      if (feed_.image.empty()) feed_.image = Resolve(Attr("href"), frame.base);
    }
  }

  void EntryField(const Frame& frame, const std::string& text) {
    const std::string& key = frame.key;
    Entry& e = entry_;
    if (key == "title" || key == "atom:title") {
      e.title = MakeText();
      if (key == "title") e.title.type = "html";
    } else if (key == "dc:title") {
      if (!e.title.set) {
        e.title = MakeText();
        e.title.type = "html";
      }
    } else if (key == "link") {
      if (e.link.empty()) e.link = Resolve(text, frame.base);
    } else if (key == "atom:link") {
      std::string rel = Trim(Attr("rel"));
      std::string href = Resolve(Attr("href"), frame.base);
      if (href.empty()) return;
      if (rel.empty() || rel == "alternate") {
        if (e.link.empty()) e.link = href;
        e.links.push_back(href);
      } else if (rel == "enclosure" || rel == "replies" || rel == "related" || rel == "via") {
        e.links.push_back(href);
      }
    } else if (key == "guid") {
      std::string g = Trim(text);
      e.id = g;
      std::string perma = ToLowerAscii(Trim(Attr("isPermaLink")));
      if (perma != "false" && (StartsWith(g, "http://") || StartsWith(g, "https://"))) {
        e.permalink_guid = g;
      }
    } else if (key == "atom:id") {
      e.id = Trim(text);
      // A relative id (it happens) is read against xml:base, as feed readers do.
      if (!e.id.empty() && !IsAbsoluteUrl(e.id) && frame.explicit_base) {
        e.id = ResolveUrl(frame.base, e.id);
      }
    } else if (key == "description" || key == "atom:summary" || key == "dc:description" ||
               key == "itunes:summary") {
      if (!e.description.set || key == "description" || key == "atom:summary") {
        e.description = MakeText();
        if (key == "description" || key == "dc:description" || key == "itunes:summary") {
          e.description.type = "html";
        }
      }
    } else if (key == "content:encoded") {
      e.content = MakeText();
      e.content.type = "html";
    } else if (key == "atom:content") {
      std::string src = Attr("src");
      if (!src.empty()) e.links.push_back(Resolve(src, frame.base));
      if (!e.content.set || e.content.value.empty()) e.content = MakeText();
    } else if (key == "pubDate" || key == "atom:published" || key == "atom:issued" ||
               key == "dc:date" || key == "atom:created") {
      if (e.published_raw.empty() || key == "pubDate" || key == "atom:published") {
        e.published_raw = Trim(text);
        e.published_field = frame.key;
      }
    } else if (key == "atom:updated" || key == "atom:modified" || key == "dc:modified") {
      e.updated_raw = Trim(text);
      e.updated_field = frame.key;
    } else if (key == "author" || key == "dc:creator" || key == "itunes:author" ||
               key == "dc:author") {
      Author a = ParseRssPerson(HtmlToText(text).text);
      bool dup = false;
      for (const auto& x : e.authors) dup = dup || (x.name == a.name && x.email == a.email);
      if (!a.empty() && !dup) e.authors.push_back(a);
    } else if (key == "category" || key == "dc:subject" || key == "atom:category" ||
               key == "media:keywords" || key == "itunes:keywords") {
      std::string value = key == "atom:category" ? Attr("term") : text;
      if (key == "atom:category" && Trim(value).empty()) value = Attr("label");
      if (key == "media:keywords" || key == "itunes:keywords") {
        for (const auto& k : Split(value, ',')) AddCategory(Trim(k));
      } else {
        AddCategory(Trim(HtmlToText(value).text));
      }
    } else if (key == "enclosure" || key == "media:content" || key == "media:thumbnail") {
      std::string url = Attr("url");
      if (!url.empty()) e.links.push_back(Resolve(url, frame.base));
    } else if (key == "comments") {
      if (!Trim(text).empty()) e.links.push_back(Resolve(text, frame.base));
    } else if (key == "wfw:commentRss" || key == "wfw:commentrss") {
      if (!Trim(text).empty()) e.links.push_back(Resolve(text, frame.base));
    } else if (key == "slash:comments" || key == "thr:total") {
      try {
        e.replies = std::stoll(Trim(text));
      } catch (const std::exception&) {
      }
    } else if (key == "thr:in-reply-to") {
      std::string ref = Attr("ref");
      if (ref.empty()) ref = Attr("href");
      if (e.in_reply_to.empty()) e.in_reply_to = Trim(ref);
    }
  }

  void AddCategory(std::string c) {
    if (c.empty()) return;
    auto& v = entry_.categories;
    if (std::find(v.begin(), v.end(), c) == v.end()) v.push_back(std::move(c));
  }

  // Clean text of a field: HTML unless typed text (Atom's default).
  std::string RenderText(const Text& t, bool atom_typing, std::vector<std::string>* links = nullptr,
                         const std::string& base = "") const {
    std::string value = t.value;
    std::string type = t.type;
    // Base64 content (Atom 0.3 mode="base64", Atom 1.0 non-text MIME types)
    // decodes to markup as often as to text: read it as HTML.
    if (StartsWith(type, "base64:")) {
      value = DecodeBase64(value);
      type = "html";
    }
    // Atom 1.0 (section 4.1.3.3): a MIME type that is neither text nor XML
    // means the content is base64.
    if (atom_typing && type.find('/') != std::string::npos && !StartsWith(type, "text/") &&
        type.find("xml") == std::string::npos && !StartsWith(t.type, "base64:")) {
      std::string decoded = DecodeBase64(value);
      if (!decoded.empty() && IsBase64(value) && IsUtf8(decoded)) {
        value = decoded;
        type = "html";
      } else {
        type = "text";  // not base64 after all
      }
    }
    bool plain = atom_typing && (type.empty() || type == "text" || type == "text/plain");
    if (plain) {
      return CollapseSpace(value);
    }
    HtmlText h = HtmlToText(value);
    if (links) {
      for (const auto& l : h.links) {
        std::string u = Resolve(l.href, base);
        if (!u.empty() && std::find(links->begin(), links->end(), u) == links->end()) {
          links->push_back(u);
        }
      }
    }
    return h.text;
  }

  static std::string CollapseSpace(const std::string& s) {
    std::string out;
    bool space = false;
    for (char c : s) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        space = !out.empty();
        continue;
      }
      if (space) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
    return out;
  }

  static bool IsBase64(const std::string& s) {
    for (char c : s) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && c != '=' &&
          !std::isspace(static_cast<unsigned char>(c))) {
        return false;
      }
    }
    return true;
  }

  static bool IsUtf8(const std::string& s) {
    for (size_t i = 0; i < s.size();) {
      unsigned char b = static_cast<unsigned char>(s[i]);
      size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
      if (len == 0 || i + len > s.size()) return false;
      for (size_t k = 1; k < len; ++k) {
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
      }
      i += len;
    }
    return true;
  }

  static std::string DecodeBase64(const std::string& in) {
    static const std::string kChars =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
      size_t v = kChars.find(c);
      if (v == std::string::npos) continue;
      acc = (acc << 6) | static_cast<uint32_t>(v);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.push_back(static_cast<char>((acc >> bits) & 0xFF));
      }
    }
    return out;
  }

  // The feed's identity: its site link, Atom id, self link, the URL it was
  // fetched from, else the file name it was read from.
  std::string FeedId() const {
    if (!feed_.link.empty()) return feed_.link;
    if (!feed_.id.empty()) return feed_.id;
    if (!feed_.self.empty()) return feed_.self;
    if (!options_.base_url.empty()) return options_.base_url;
    return options_.file == "-" ? "" : options_.file;
  }

  void FinishEntry() {
    Entry& e = entry_;
    Position where{options_.file, e.line, 0, index_++};
    out_.CountRecord();
    bool atom = kind_ == Kind::kAtom;
    Post p;
    p.platform = platform_;
    p.kind = e.in_reply_to.empty() ? "article" : "comment";
    p.in_reply_to = e.in_reply_to;
    p.raw = e.raw;
    p.language = e.language.empty() ? feed_.language : e.language;
    p.title = e.title.set ? RenderText(e.title, atom) : "";
    std::vector<std::string> content_links;
    const Text& body = (e.content.set && !Trim(e.content.value).empty()) ? e.content : e.description;
    if (body.set) p.text = RenderText(body, atom, &content_links, e.base);
    p.url = e.link.empty() ? e.permalink_guid : e.link;

    for (const auto& [raw, field, target] :
         {std::tuple<const std::string&, const std::string&, int64_t*>{e.published_raw,
                                                                        e.published_field,
                                                                        &p.published},
          std::tuple<const std::string&, const std::string&, int64_t*>{e.updated_raw,
                                                                        e.updated_field,
                                                                        &p.updated}}) {
      if (raw.empty()) continue;
      std::optional<int64_t> t = ParseFeedDate(raw);
      if (!t) {
        std::string kind = field == "pubDate" ? "an RFC 822" : "a W3C-DTF/RFC 3339";
        out_.EmitReject(where, "'" + field + "' is not " + kind + " date: '" + raw + "'", e.raw);
        return;
      }
      *target = *t;
    }
    // One date stands for both (Atom 1.0 requires only <updated>).
    if (p.published == 0) p.published = p.updated;
    if (p.updated == 0) p.updated = p.published;
    const std::vector<Author>& authors = e.authors.empty() && atom ? feed_.authors : e.authors;
    if (!authors.empty()) {
      const Author& a = authors.front();
      p.author_name = a.name;
      p.author_id = !a.uri.empty() ? a.uri : !a.email.empty() ? "mailto:" + a.email : "";
    }
    if (p.author_id.empty()) p.author_id = FeedId();
    p.hashtags = e.categories;
    auto add_link = [&](const std::string& u) {
      if (!u.empty() && std::find(p.links.begin(), p.links.end(), u) == p.links.end()) {
        p.links.push_back(u);
      }
    };
    add_link(p.url);
    for (const auto& l : e.links) add_link(l);
    for (const auto& l : content_links) add_link(l);
    if (e.replies >= 0) p.replies = e.replies;

    p.external_id = !e.id.empty() ? e.id : p.url;
    if (p.external_id.empty()) {
      if (e.children == 0) {
        out_.EmitReject(where, "an empty item: no id, guid, link, title, date or text", e.raw);
        return;
      }
      Fnv64 h;
      h.Add(p.title).Add(e.published_raw).Add(p.text);
      if (p.title.empty() && p.text.empty()) h.Add(e.raw);  // then the item's own XML
      p.external_id = "feed:" + h.Hex();
    }
    out_.EmitPost(std::move(p), where);
  }

  void EmitFeedProfile() {
    if (kind_ != Kind::kRss && kind_ != Kind::kAtom) return;
    std::string id = FeedId();
    if (id.empty()) return;
    Profile pr;
    pr.platform = platform_;
    pr.external_id = id;
    pr.display_name = feed_.title;
    pr.url = feed_.link.empty() ? feed_.self : feed_.link;
    pr.bio = feed_.description;
    pr.avatar_url = feed_.image;
    if (!feed_.link.empty()) pr.websites.push_back(feed_.link);
    for (const auto& a : feed_.authors) {
      if (!a.email.empty()) feed_.emails.push_back(a.email);
    }
    for (const auto& e : feed_.emails) {
      std::string n = NormalizeEmail(e);
      if (!n.empty() && std::find(pr.emails.begin(), pr.emails.end(), n) == pr.emails.end()) {
        pr.emails.push_back(n);
      }
    }
    if (auto t = ParseFeedDate(feed_.updated_raw)) pr.updated = *t;
    out_.EmitProfile(std::move(pr), Position{options_.file, 0, 0, index_});
  }

  const ParseOptions& options_;
  RecordEmitter& out_;
  const Poco::XML::Locator* locator_ = nullptr;
  std::vector<std::pair<std::string, std::string>> ns_;  // (prefix, uri), innermost last
  std::vector<Frame> stack_;
  Kind kind_ = Kind::kNone;
  std::string root_name_;
  std::string platform_;
  int entry_depth_ = 0;
  int author_depth_ = 0;
  bool author_is_contributor_ = false;
  int image_depth_ = 0;
  int skip_depth_ = 0;
  int capture_depth_ = 0;
  std::string capture_;
  bool capture_has_markup_ = false;  // elements written inside the field
  std::map<std::string, std::string> capture_attrs_;
  Entry entry_;
  Author author_;
  FeedInfo feed_;
  int64_t index_ = 0;
};

// --- JSON Feed --------------------------------------------------------------

using nlohmann::json;

std::string JStr(const json& o, const char* key) {
  if (!o.is_object()) return "";
  auto it = o.find(key);
  if (it == o.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer() || it->is_number_unsigned()) return it->dump();
  return "";
}

}  // namespace

Status ParseXmlFeed(std::istream& in, const ParseOptions& options, RecordSink& sink,
                    ParseStats* stats) {
  ParseStats local;
  ParseStats& st = stats ? *stats : local;
  RecordEmitter out(sink, st);
  Result<InputPlan> plan = PlanInput(in, options);
  if (!plan.ok()) return plan.status();
  if (plan->prefix.empty()) {
    return Status::InvalidArgument(options.file + ": empty input, expected an RSS or Atom feed");
  }
  FeedInput input(in, std::move(plan->prefix), plan->decoding, plan->table);
  std::istream decoded(&input);
  FeedHandler handler(options, out);
  Poco::XML::SAXParser parser;
  parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, false);
  parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
  parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
  parser.setEncoding(plan->expat_encoding);
  parser.setContentHandler(&handler);
  Poco::XML::InputSource source(decoded);
  std::string error;
  try {
    parser.parse(&source);
  } catch (const Poco::XML::SAXParseException& e) {
    error = "line " + std::to_string(e.getLineNumber()) + ", column " +
            std::to_string(e.getColumnNumber()) + ": " + e.message();
  } catch (const Poco::Exception& e) {
    error = e.displayText();
  }
  if (input.non_utf8_bytes() > 0) {
    out.Note(options.file + ": " + std::to_string(input.non_utf8_bytes()) +
             " bytes were not UTF-8 as declared; read them as windows-1252");
  }
  if (input.repaired_references() > 0) {
    out.Note(options.file + ": repaired " + std::to_string(input.repaired_references()) +
             " references XML does not define (HTML entities, bare '&')");
  }
  if (!error.empty()) {
    if (handler.kind() == FeedHandler::Kind::kNone || handler.kind() == FeedHandler::Kind::kOther) {
      return Status::InvalidArgument(options.file + ": not an RSS or Atom feed: XML error at " +
                                     error);
    }
    if (handler.in_entry()) {
      const Entry& e = handler.entry();
      out.CountRecord();
      out.EmitReject(Position{options.file, e.line, 0, handler.records()},
                     "cut short by an XML error at " + error, e.raw);
    }
    return Status::InvalidArgument(options.file + ": XML error at " + error + " after " +
                                   std::to_string(handler.records()) + " items");
  }
  if (handler.kind() == FeedHandler::Kind::kOther) {
    return Status::InvalidArgument(options.file + ": not an RSS or Atom feed: the root element is <" +
                                   handler.root_name() + ">, expected <rss>, <rdf:RDF> or <feed>");
  }
  return Status::Ok();
}

Status ParseJsonFeed(std::istream& in, const ParseOptions& options, RecordSink& sink,
                     ParseStats* stats) {
  ParseStats local;
  ParseStats& st = stats ? *stats : local;
  RecordEmitter out(sink, st);
  bool is_feed = false;
  bool checked = false;
  json top_seen;
  auto check = [&](const json& top) {
    checked = true;
    std::string version = JStr(top, "version");
    // Some producers write a bare "1.1" instead of the version URL.
    is_feed = top.is_object() && (version.find("jsonfeed.org/version") != std::string::npos ||
                                  version == "1" || version == "1.0" || version == "1.1");
    top_seen = top;
  };
  auto author_of = [](const json& o, std::string& name, std::string& url) {
    const json* a = nullptr;
    if (o.contains("authors") && o["authors"].is_array() && !o["authors"].empty()) {
      a = &o["authors"][0];
    } else if (o.contains("author") && o["author"].is_object()) {
      a = &o["author"];
    }
    if (a) {
      name = JStr(*a, "name");
      url = JStr(*a, "url");
    }
  };
  JsonStreamCallbacks callbacks;
  callbacks.on_items_begin = [&](const json& top, const std::string&) { check(top); };
  callbacks.on_item = [&](JsonItem item) {
    if (!is_feed) return;
    Position where{options.file, item.line, item.offset, item.index};
    out.CountRecord();
    const json& o = item.value;
    if (!o.is_object()) {
      out.EmitReject(where, "a JSON Feed item must be an object", item.raw);
      return;
    }
    Post p;
    p.platform = "jsonfeed";
    p.kind = "article";
    p.raw = item.raw;
    p.url = ResolveUrl(JStr(top_seen, "home_page_url"), JStr(o, "url"));
    p.title = HtmlToText(JStr(o, "title")).text;
    std::string text = JStr(o, "content_text");
    HtmlText html = HtmlToText(JStr(o, "content_html"));
    p.text = !html.text.empty() ? html.text : !Trim(text).empty() ? Trim(text)
                                                                  : HtmlToText(JStr(o, "summary")).text;
    p.language = JStr(o, "language");
    if (p.language.empty()) p.language = JStr(top_seen, "language");
    for (const char* field : {"date_published", "date_modified"}) {
      std::string raw = JStr(o, field);
      if (raw.empty()) continue;
      std::optional<int64_t> t = ParseRfc3339(raw);
      if (!t) {
        out.EmitReject(where, "'" + std::string(field) + "' is not an RFC 3339 date: '" + raw + "'",
                       item.raw);
        return;
      }
      (std::string(field) == "date_published" ? p.published : p.updated) = *t;
    }
    std::string author_url;
    author_of(o, p.author_name, author_url);
    if (p.author_name.empty() && author_url.empty()) author_of(top_seen, p.author_name, author_url);
    p.author_id = !author_url.empty() ? author_url : JStr(top_seen, "home_page_url");
    if (o.contains("tags") && o["tags"].is_array()) {
      for (const auto& t : o["tags"]) {
        if (!t.is_string()) continue;
        std::string tag = Trim(t.get<std::string>());
        if (!tag.empty() && std::find(p.hashtags.begin(), p.hashtags.end(), tag) == p.hashtags.end()) {
          p.hashtags.push_back(tag);
        }
      }
    }
    auto add_link = [&](const std::string& u) {
      if (!u.empty() && std::find(p.links.begin(), p.links.end(), u) == p.links.end()) {
        p.links.push_back(u);
      }
    };
    add_link(p.url);
    add_link(JStr(o, "external_url"));
    if (o.contains("attachments") && o["attachments"].is_array()) {
      for (const auto& a : o["attachments"]) add_link(JStr(a, "url"));
    }
    add_link(JStr(o, "image"));
    for (const auto& l : html.links) add_link(ResolveUrl(p.url, l.href));
    p.external_id = JStr(o, "id");
    if (p.external_id.empty()) p.external_id = p.url;
    if (p.external_id.empty()) {
      Fnv64 h;
      h.Add(p.title).Add(JStr(o, "date_published")).Add(p.text);
      p.external_id = "feed:" + h.Hex();
    }
    out.EmitPost(std::move(p), where);
  };
  JsonStreamResult r = StreamJson(in, {"items"}, callbacks);
  if (r.syntax_error && r.items == 0 && r.item_index < 0) {
    return Status::InvalidArgument(options.file + ": not a JSON Feed: not JSON: " + r.error);
  }
  if (!checked) check(r.top);
  if (!is_feed) {
    return Status::InvalidArgument(options.file + ": not a JSON Feed: no \"version\" with a "
                                                  "https://jsonfeed.org/version/ URL");
  }
  if (r.syntax_error) {
    if (r.item_index >= 0) {
      out.CountRecord();
      out.EmitReject(Position{options.file, r.item_line, r.item_offset, r.item_index},
                     "cut short by a JSON syntax error: " + r.error, r.item_raw);
    }
    return Status::InvalidArgument(options.file + ": JSON syntax error after " +
                                   std::to_string(r.items) + " items: " + r.error);
  }
  // The feed's own profile, after its items.
  const json& top = r.top;
  std::string id = JStr(top, "home_page_url");
  if (id.empty()) id = JStr(top, "feed_url");
  if (!id.empty()) {
    Profile pr;
    pr.platform = "jsonfeed";
    pr.external_id = id;
    pr.display_name = JStr(top, "title");
    pr.url = JStr(top, "home_page_url");
    pr.bio = HtmlToText(JStr(top, "description")).text;
    pr.avatar_url = JStr(top, "icon");
    if (!pr.url.empty()) pr.websites.push_back(pr.url);
    out.EmitProfile(std::move(pr), Position{options.file, 0, 0, r.items});
  }
  return Status::Ok();
}

}  // namespace scrm::sources
