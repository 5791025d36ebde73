#include "sources/linkedin.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>
#include <vector>

#include "core/hash.h"
#include "core/text.h"
#include "sources/csv.h"
#include "sources/dates.h"
#include "sources/entities.h"
#include "sources/html_text.h"

namespace scrm::sources {
namespace {

// How many records may precede the header (the "Notes:" preamble is three).
constexpr int kMaxPreambleRecords = 10;

enum class FileKind { kUnknown, kConnections, kMessages };

std::string Key(std::string_view header_cell) { return ToLowerAscii(Trim(header_cell)); }

// Column indexes by lower-cased header name.
class Header {
 public:
  explicit Header(const std::vector<std::string>& cells) : names_(cells) {
    for (std::string& n : names_) n = Trim(n);
  }
  int Find(std::string_view name) const {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (Key(names_[i]) == name) return static_cast<int>(i);
    }
    return -1;
  }
  size_t size() const { return names_.size(); }
  const std::string& name(size_t i) const { return names_[i]; }

 private:
  std::vector<std::string> names_;
};

FileKind KindOf(const Header& h) {
  if (h.Find("first name") >= 0 && h.Find("last name") >= 0) return FileKind::kConnections;
  if (h.Find("conversation id") >= 0) return FileKind::kMessages;
  return FileKind::kUnknown;
}

bool IsUnreservedAscii(int c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-escapes of unreserved ASCII decoded, the others upper-cased;
// ASCII letters lower-cased when `lower`.
std::string NormalizePathSegment(std::string_view s, bool lower) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      int v = HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]);
      if (IsUnreservedAscii(v)) {
        char d = static_cast<char>(v);
        out.push_back(lower ? static_cast<char>(std::tolower(v)) : d);
      } else {
        out.push_back('%');
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 1]))));
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 2]))));
      }
      i += 2;
      continue;
    }
    out.push_back(lower ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c);
  }
  return out;
}

bool IsLinkedInHost(const std::string& host) {
  return host == "linkedin.com" ||
         (host.size() > 13 && host.compare(host.size() - 13, 13, ".linkedin.com") == 0);
}

// The /in/ name of a normalised profile URL ("jean-dupont-12345").
std::string HandleOf(const std::string& normalized) {
  const std::string prefix = "https://www.linkedin.com/in/";
  if (!StartsWith(normalized, prefix)) return "";
  std::string rest = normalized.substr(prefix.size());
  return rest.substr(0, rest.find('/'));
}

bool LooksLikeHtml(const std::string& s) {
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] != '<') continue;
    char n = s[i + 1];
    if ((std::isalpha(static_cast<unsigned char>(n)) || n == '/') &&
        s.find('>', i) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string JoinNames(const Header& h) {
  std::string s;
  for (size_t i = 0; i < h.size(); ++i) s += (i ? ", " : "") + h.name(i);
  return s;
}

class LinkedInParser {
 public:
  LinkedInParser(const ParseOptions& options, RecordEmitter& out) : options_(options), out_(out) {}

  Status Run(std::istream& in) {
    CsvReader reader(in);
    CsvRecord rec;
    int preamble = 0;
    bool any = false;
    while (true) {
      if (!reader.Next(&rec)) {
        if (!any) return Status::InvalidArgument(options_.file + ": empty input, expected a "
                                                                 "LinkedIn CSV export");
        return Status::InvalidArgument(options_.file + ": no LinkedIn header line (expected "
                                                       "'First Name,Last Name,...' or "
                                                       "'CONVERSATION ID,...')");
      }
      any = true;
      if (rec.error.empty() && !rec.blank()) {
        Header h(rec.fields);
        kind_ = KindOf(h);
        if (kind_ != FileKind::kUnknown) {
          header_ = std::move(h);
          break;
        }
      }
      if (++preamble >= kMaxPreambleRecords) {
        return Status::InvalidArgument(
            options_.file + ": no LinkedIn header line in the first " +
            std::to_string(kMaxPreambleRecords) + " lines (expected 'First Name,Last Name,...' "
            "for Connections.csv or 'CONVERSATION ID,...' for messages.csv); line 1 reads '" +
            first_line_ + "'");
      }
      if (first_line_.empty()) first_line_ = rec.raw.substr(0, 80);
    }
    if (preamble > 0) {
      out_.Note(options_.file + ": " + std::to_string(preamble) +
                " lines before the header skipped (LinkedIn's Notes: preamble)");
    }
    Status s = MapColumns();
    if (!s.ok()) return s;

    int64_t index = 0;
    while (reader.Next(&rec)) {
      Position where{options_.file, rec.line, rec.offset, index};
      if (rec.blank()) continue;  // blank lines carry nothing; not records
      ++index;
      out_.CountRecord();
      if (!rec.error.empty()) {
        out_.EmitReject(where, "malformed CSV: " + rec.error, rec.raw);
        continue;
      }
      if (rec.fields.size() != header_->size()) {
        out_.EmitReject(where, FieldCountError(rec), rec.raw);
        continue;
      }
      if (kind_ == FileKind::kConnections) {
        Connection(rec, where);
      } else {
        Message(rec, where);
      }
    }
    return Status::Ok();
  }

 private:
  Status MapColumns() {
    const Header& h = *header_;
    auto missing = [&](const char* name) {
      return Status::InvalidArgument(options_.file + ": the header has no '" + name +
                                         "' column (it has: " + JoinNames(h) + ")",
                                     name);
    };
    if (kind_ == FileKind::kConnections) {
      first_ = h.Find("first name");
      last_ = h.Find("last name");
      url_ = h.Find("url");
      email_ = h.Find("email address");
      company_ = h.Find("company");
      position_ = h.Find("position");
      connected_ = h.Find("connected on");
      return Status::Ok();
    }
    conversation_ = h.Find("conversation id");
    title_ = h.Find("conversation title");
    from_ = h.Find("from");
    sender_url_ = h.Find("sender profile url");
    date_ = h.Find("date");
    subject_ = h.Find("subject");
    content_ = h.Find("content");
    draft_ = h.Find("is message draft");
    if (from_ < 0) return missing("FROM");
    if (date_ < 0) return missing("DATE");
    if (content_ < 0) return missing("CONTENT");
    return Status::Ok();
  }

  std::string FieldCountError(const CsvRecord& rec) const {
    size_t n = rec.fields.size(), want = header_->size();
    std::string s = std::to_string(n) + (n == 1 ? " field" : " fields") + " where the header has " +
                    std::to_string(want);
    if (n < want) {
      s += ": column '" + header_->name(n) + "' (column " + std::to_string(n + 1) +
           ") and after are missing";
    } else {
      s += ": column " + std::to_string(want + 1) + " ('" + rec.fields[want].substr(0, 40) +
           "') is beyond the header";
    }
    s += " (a comma in a field needs the field in double quotes)";
    if (rec.end_line > rec.line) {
      s += " [lines " + std::to_string(rec.line) + "-" + std::to_string(rec.end_line) + "]";
    }
    return s;
  }

  std::string Field(const CsvRecord& rec, int col) const {
    return col < 0 ? std::string() : Trim(rec.fields[static_cast<size_t>(col)]);
  }

  std::string ColumnError(int col, const std::string& what) const {
    return "column '" + header_->name(static_cast<size_t>(col)) + "' (column " +
           std::to_string(col + 1) + ") " + what;
  }

  void Connection(const CsvRecord& rec, const Position& where) {
    Profile p;
    p.platform = "linkedin";
    std::string first = Field(rec, first_), last = Field(rec, last_);
    p.display_name = Trim(first + " " + last);
    std::string url = Field(rec, url_);
    std::string email = NormalizeEmail(Field(rec, email_));
    if (!Field(rec, email_).empty() && email.empty()) {
      out_.Note(RecordEmitter::Where(where) + ": " +
                ColumnError(email_, "is not an e-mail address: '" + Field(rec, email_) +
                                        "' (left out)"));
    }
    if (!url.empty()) {
      p.external_id = NormalizeLinkedInProfileUrl(url);
      if (!StartsWith(p.external_id, "https://") && !StartsWith(p.external_id, "http://")) {
        out_.EmitReject(where, ColumnError(url_, "is not a profile URL: '" + url + "'"), rec.raw);
        return;
      }
      p.url = p.external_id;
      p.handle = HandleOf(p.url);
    } else if (!email.empty()) {
      p.external_id = "mailto:" + email;
    } else {
      out_.EmitReject(where,
                      url_ >= 0 ? ColumnError(url_, "is empty and so is 'Email Address': nothing "
                                                    "identifies this connection")
                                : "no URL column and 'Email Address' is empty: nothing identifies "
                                  "this connection",
                      rec.raw);
      return;
    }
    if (!email.empty()) p.emails.push_back(email);
    p.company = Field(rec, company_);
    p.position = Field(rec, position_);
    std::string connected = Field(rec, connected_);
    if (!connected.empty()) {
      if (auto when = ParseLinkedInDate(connected)) {
        p.updated = *when;
      } else {
        out_.Note(RecordEmitter::Where(where) + ": " +
                  ColumnError(connected_, "is not a date like '22 Dec 2025': '" + connected +
                                              "' (left out)"));
      }
    }
    p.raw = rec.raw;
    out_.EmitProfile(std::move(p), where);
  }

  void Message(const CsvRecord& rec, const Position& where) {
    std::string conversation = Field(rec, conversation_);
    if (conversation.empty()) {
      out_.EmitReject(where, ColumnError(conversation_, "is empty"), rec.raw);
      return;
    }
    std::string date = Field(rec, date_);
    std::optional<int64_t> when = ParseLinkedInDate(date);
    if (!when) {
      out_.EmitReject(where,
                      ColumnError(date_, date.empty() ? std::string("is empty")
                                                      : "is not a date like '2024-06-15 10:30:00 "
                                                        "UTC': '" + date + "'"),
                      rec.raw);
      return;
    }
    std::string draft = ToLowerAscii(Field(rec, draft_));
    if (draft == "yes" || draft == "true") {
      out_.Skip(where, "a draft message");
      return;
    }
    Post post;
    post.platform = "linkedin";
    post.kind = "message";
    post.published = *when;
    post.author_name = Field(rec, from_);
    post.author_id = NormalizeLinkedInProfileUrl(Field(rec, sender_url_));
    post.author_handle = HandleOf(post.author_id);
    post.title = Field(rec, subject_);
    if (post.title.empty()) post.title = Field(rec, title_);
    std::string content = rec.fields[static_cast<size_t>(content_)];
    if (LooksLikeHtml(content)) {
      HtmlText html = HtmlToText(content);
      post.text = std::move(html.text);
      for (HtmlLink& l : html.links) {
        if (!l.href.empty() &&
            std::find(post.links.begin(), post.links.end(), l.href) == post.links.end()) {
          post.links.push_back(std::move(l.href));
        }
      }
    } else {
      post.text = Trim(content);
    }
    for (Entity& e : ExtractEntities(post.text)) {
      std::vector<std::string>* to = nullptr;
      if (e.kind == EntityKind::kHashtag) to = &post.hashtags;
      if (e.kind == EntityKind::kMention) to = &post.mentions;
      if (e.kind == EntityKind::kUrl) to = &post.links;
      if (to && std::find(to->begin(), to->end(), e.text) == to->end()) {
        to->push_back(std::move(e.text));
      }
    }
    Fnv64 h;
    h.Add(date).Add(post.author_id).Add(post.author_name).Add(content);
    post.external_id = conversation + "/" + h.Hex();
    post.in_reply_to = conversation;
    post.url = "https://www.linkedin.com/messaging/thread/" + conversation + "/";
    post.raw = rec.raw;
    out_.EmitPost(std::move(post), where);
  }

  const ParseOptions& options_;
  RecordEmitter& out_;
  FileKind kind_ = FileKind::kUnknown;
  std::optional<Header> header_;
  std::string first_line_;
  // Column indexes, -1 when the header has no such column.
  int first_ = -1, last_ = -1, url_ = -1, email_ = -1, company_ = -1, position_ = -1,
      connected_ = -1;
  int conversation_ = -1, title_ = -1, from_ = -1, sender_url_ = -1, date_ = -1, subject_ = -1,
      content_ = -1, draft_ = -1;
};

}  // namespace

Status ParseLinkedInFile(std::istream& in, const ParseOptions& options, RecordSink& sink,
                         ParseStats* stats) {
  ParseStats local;
  RecordEmitter out(sink, stats ? *stats : local);
  LinkedInParser parser(options, out);
  return parser.Run(in);
}

std::string NormalizeLinkedInProfileUrl(std::string_view url_in) {
  std::string url = Trim(url_in);
  if (url.empty()) return "";
  size_t scheme_end = url.find("://");
  std::string scheme = "https";
  if (scheme_end == std::string::npos) {
    scheme_end = 0;
  } else {
    scheme = ToLowerAscii(url.substr(0, scheme_end));
    scheme_end += 3;
  }
  std::string rest = url.substr(scheme_end);
  size_t cut = rest.find_first_of("?#");
  std::string query_fragment;
  if (cut != std::string::npos) {
    query_fragment = rest.substr(cut);
    rest.resize(cut);
  }
  size_t slash = rest.find('/');
  std::string host = ToLowerAscii(rest.substr(0, slash));
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  if (!IsLinkedInHost(host)) {
    if (scheme_end == 0 && host.find('.') == std::string::npos) return url;  // not a URL at all
    return scheme + "://" + host + path + query_fragment;
  }
  std::vector<std::string> segments;
  for (const std::string& seg : Split(path, '/')) {
    if (!seg.empty()) segments.push_back(seg);
  }
  std::string out = "https://www.linkedin.com";
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& seg = segments[i];
    bool member_id = i == 1 && Key(segments[0]) == "in" &&
                     (StartsWith(seg, "ACo") || StartsWith(seg, "AEM"));
    out += "/" + NormalizePathSegment(seg, !member_id);
  }
  return out;
}

std::optional<int64_t> ParseLinkedInDate(std::string_view s_in) {
  std::string s = Trim(s_in);
  if (s.empty()) return std::nullopt;
  // "22 Dec 2025"
  std::vector<std::string> f;
  for (const std::string& part : Split(s, ' ')) {
    if (!part.empty()) f.push_back(part);
  }
  if (f.size() == 3 && f[0].size() <= 2 && f[2].size() == 4 &&
      std::all_of(f[0].begin(), f[0].end(), ::isdigit) &&
      std::all_of(f[2].begin(), f[2].end(), ::isdigit)) {
    static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec"};
    std::string mon = ToLowerAscii(f[1]).substr(0, 3);
    for (int m = 0; m < 12; ++m) {
      if (mon != kMonths[m]) continue;
      int day = std::stoi(f[0]);
      if (day < 1 || day > 31) return std::nullopt;
      return UnixSecondsFromCivil(std::stoi(f[2]), m + 1, day, 0, 0, 0);
    }
    return std::nullopt;
  }
  // "2024-06-15 10:30:00 UTC"
  constexpr std::string_view kUtc = " UTC";
  if (s.size() > kUtc.size() && s.compare(s.size() - kUtc.size(), kUtc.size(), kUtc) == 0) {
    s = s.substr(0, s.size() - kUtc.size()) + "Z";
  }
  if (auto t = ParseRfc3339(s)) return t;
  return ParseRfc3339(s + "Z");  // no zone: UTC, as LinkedIn writes every date
}

}  // namespace scrm::sources
