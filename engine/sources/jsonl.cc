#include "sources/jsonl.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/hash.h"
#include "core/text.h"
#include "sources/activitystreams.h"
#include "sources/dates.h"
#include "sources/entities.h"
#include "sources/html_text.h"

namespace scrm::sources {
namespace {

using nlohmann::json;

// Ids remembered to notice duplicates; past this many the check stops (with
// a note), so memory stays bounded on huge files.
constexpr size_t kMaxRememberedIds = 1000000;

// A field that is missing or wrong: thrown while reading one line, caught
// for that line, which becomes a Reject with what() as its reason.
class FieldError : public std::runtime_error {
 public:
  explicit FieldError(const std::string& reason) : std::runtime_error(reason) {}
};

std::string Quote(const std::string& s) {
  std::string cut = s.size() > 80 ? s.substr(0, 80) + "..." : s;
  return "'" + cut + "'";
}

// Typed access to the members of one line's object; the first wrong field
// throws FieldError.
class Fields {
 public:
  explicit Fields(const json& o) : o_(o) {}

  const json* Get(const char* key) const {
    auto it = o_.find(key);
    if (it == o_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  bool Has(const char* key) const { return Get(key) != nullptr; }

  std::string String(const char* key, const char* path = nullptr) const {
    return StringOf(Get(key), path ? path : key);
  }
  // Strings and integers (forum ids are often numbers).
  std::string Id(const char* key, const char* path = nullptr) const {
    const json* v = Get(key);
    if (v && (v->is_number_integer() || v->is_number_unsigned())) return v->dump();
    return StringOf(v, path ? path : key);
  }
  int64_t Count(const char* key) const {
    const json* v = Get(key);
    if (!v) return 0;
    if (v->is_number_unsigned()) return static_cast<int64_t>(v->get<uint64_t>());
    if (v->is_number_integer() && v->get<int64_t>() >= 0) return v->get<int64_t>();
    throw FieldError("'" + std::string(key) + "' must be a non-negative integer, found " +
                     v->dump().substr(0, 40));
  }
  // An array of strings, or one string.
  std::vector<std::string> Strings(const char* key) const {
    std::vector<std::string> out;
    const json* v = Get(key);
    if (!v) return out;
    if (v->is_string()) {
      if (!v->get_ref<const std::string&>().empty()) out.push_back(v->get<std::string>());
      return out;
    }
    if (!v->is_array()) {
      throw FieldError("'" + std::string(key) + "' must be an array of strings, found " +
                       std::string(v->type_name()));
    }
    for (size_t i = 0; i < v->size(); ++i) {
      const json& e = (*v)[i];
      if (!e.is_string()) {
        throw FieldError("'" + std::string(key) + "[" + std::to_string(i) +
                         "]' must be a string, found " + std::string(e.type_name()));
      }
      if (!e.get_ref<const std::string&>().empty()) out.push_back(e.get<std::string>());
    }
    return out;
  }
  std::optional<int64_t> Date(const char* key) const {
    std::string s = String(key);
    if (s.empty()) return std::nullopt;
    std::optional<int64_t> t = ParseRfc3339(s);
    if (!t) {
      throw FieldError("'" + std::string(key) + "' is not an RFC 3339 date: " + Quote(s) +
                       " (write e.g. \"2024-06-15T10:30:00Z\")");
    }
    return t;
  }

 private:
  static std::string StringOf(const json* v, const char* path) {
    if (!v) return "";
    if (!v->is_string()) {
      throw FieldError("'" + std::string(path) + "' must be a string, found " +
                       std::string(v->type_name()));
    }
    return v->get<std::string>();
  }
  const json& o_;
};

void AddUnique(std::vector<std::string>& v, std::string s) {
  if (s.empty()) return;
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

std::string Platform(const Fields& f, const ParseOptions& options) {
  std::string p = f.String("platform");
  if (!p.empty()) return p;
  return options.platform.empty() ? "other" : options.platform;
}

std::string Language(const Fields& f) {
  std::string lang = f.String("language");
  if (lang.empty()) return "";
  if (!IsWellFormedLanguageTag(lang)) {
    throw FieldError("'language' is not a language tag (\"fr\", \"en\", \"pt-BR\"): " +
                     Quote(lang));
  }
  size_t dash = lang.find('-');
  return ToLowerAscii(lang.substr(0, dash)) + (dash == std::string::npos ? "" : lang.substr(dash));
}

Post ReadPost(const json& o, const std::string& line, const ParseOptions& options) {
  Fields f(o);
  Post post;
  post.external_id = f.Id("id");
  if (post.external_id.empty()) throw FieldError("'id' is missing");
  post.platform = Platform(f, options);

  const json* author = f.Get("author");
  if (author && author->is_object()) {
    Fields a(*author);
    post.author_id = a.Id("id", "author.id");
    post.author_name = a.String("name", "author.name");
    post.author_handle = a.String("handle", "author.handle");
    if (!post.author_handle.empty() && post.author_handle[0] == '@') post.author_handle.erase(0, 1);
  } else if (author && (author->is_string() || author->is_number_integer())) {
    post.author_id = f.Id("author");
  } else if (author) {
    throw FieldError("'author' must be an object {\"id\", \"name\", \"handle\"} or a string, found " +
                     std::string(author->type_name()));
  }

  std::string text = f.String("text");
  std::string html = f.String("html");
  if (text.empty() && html.empty()) {
    throw FieldError("neither 'text' nor 'html' is given (one of them is required)");
  }
  std::vector<std::string> html_links;
  if (!html.empty()) {
    HtmlText h = HtmlToText(html);
    if (text.empty()) text = std::move(h.text);
    for (HtmlLink& l : h.links) {
      if (!l.IsMentionOrHashtag()) html_links.push_back(std::move(l.href));
    }
  }
  post.text = std::move(text);
  post.title = f.String("title");
  post.url = f.String("url");

  std::string published = f.String("published");
  if (published.empty()) {
    throw FieldError("'published' is missing (an RFC 3339 date, e.g. \"2024-06-15T10:30:00Z\")");
  }
  post.published = *f.Date("published");
  if (auto updated = f.Date("updated")) post.updated = *updated;

  post.in_reply_to = f.Id("in_reply_to");
  post.shared_id = f.Id("shared_id");
  std::string kind = f.String("kind");
  if (kind.empty()) {
    kind = !post.shared_id.empty() ? "share" : !post.in_reply_to.empty() ? "reply" : "post";
  }
  static const char* const kKinds[] = {"post",     "reply",   "share",  "article",
                                       "question", "comment", "message"};
  if (std::find(std::begin(kKinds), std::end(kKinds), kind) == std::end(kKinds)) {
    throw FieldError("'kind' is " + Quote(kind) +
                     ": expected post, reply, share, article, question, comment or message");
  }
  post.kind = kind;
  post.language = Language(f);

  // Entities: as given, else from the text (and the HTML's links).
  bool given_tags = f.Has("tags") || f.Has("hashtags");
  bool given_mentions = f.Has("mentions");
  bool given_links = f.Has("links");
  for (std::string& t : f.Strings("tags")) AddUnique(post.hashtags, t[0] == '#' ? t.substr(1) : t);
  for (std::string& t : f.Strings("hashtags")) {
    AddUnique(post.hashtags, t[0] == '#' ? t.substr(1) : t);
  }
  for (std::string& m : f.Strings("mentions")) {
    AddUnique(post.mentions, m[0] == '@' ? m.substr(1) : m);
  }
  for (std::string& l : f.Strings("links")) AddUnique(post.links, std::move(l));
  if (!given_links) {
    for (std::string& l : html_links) AddUnique(post.links, std::move(l));
  }
  if (!given_tags || !given_mentions || !given_links) {
    for (Entity& e : ExtractEntities(post.text)) {
      if (e.kind == EntityKind::kHashtag && !given_tags) AddUnique(post.hashtags, e.text);
      if ((e.kind == EntityKind::kMention || e.kind == EntityKind::kFediverseHandle) &&
          !given_mentions) {
        AddUnique(post.mentions, e.text);
      }
      if (e.kind == EntityKind::kUrl && !given_links) AddUnique(post.links, e.text);
    }
  }
  post.likes = f.Count("likes");
  post.shares = f.Count("shares");
  post.replies = f.Count("replies");
  post.raw = line;
  return post;
}

Profile ReadProfile(const json& o, const std::string& line, const ParseOptions& options) {
  Fields f(o);
  Profile p;
  p.external_id = f.Id("id");
  if (p.external_id.empty()) throw FieldError("'id' is missing");
  p.platform = Platform(f, options);
  p.handle = f.String("handle");
  if (!p.handle.empty() && p.handle[0] == '@' && p.handle.find('@', 1) == std::string::npos) {
    p.handle.erase(0, 1);
  }
  p.display_name = f.String("name");
  if (p.display_name.empty()) p.display_name = f.String("display_name");
  p.url = f.String("url");
  std::string bio = f.String("bio");
  std::string bio_html = f.String("bio_html");
  p.bio = !bio.empty() ? bio : bio_html.empty() ? "" : HtmlToText(bio_html).text;
  p.websites = f.Strings("websites");
  for (std::string& w : f.Strings("website")) AddUnique(p.websites, std::move(w));
  for (std::string e : f.Strings("emails")) {
    std::string n = NormalizeEmail(e);
    if (n.empty()) throw FieldError("'emails' holds something that is not an address: " + Quote(e));
    AddUnique(p.emails, n);
  }
  for (std::string e : f.Strings("email")) {
    std::string n = NormalizeEmail(e);
    if (n.empty()) throw FieldError("'email' is not an address: " + Quote(e));
    AddUnique(p.emails, n);
  }
  p.company = f.String("company");
  p.position = f.String("position");
  p.location = f.String("location");
  p.avatar_url = f.String("avatar");
  if (p.avatar_url.empty()) p.avatar_url = f.String("avatar_url");
  if (auto updated = f.Date("updated")) p.updated = *updated;
  p.raw = line;
  return p;
}

// nlohmann's message without its "[json.exception.parse_error.101] " tag.
std::string JsonError(const std::string& what) {
  size_t close = what.find("] ");
  return close == std::string::npos ? what : what.substr(close + 2);
}

}  // namespace

Status ParseScrmJsonLines(std::istream& in, const ParseOptions& options, RecordSink& sink,
                          ParseStats* stats) {
  ParseStats local;
  RecordEmitter out(sink, stats ? *stats : local);
  struct Seen {
    int64_t line;
    uint64_t hash;
  };
  std::unordered_map<std::string, Seen> seen;
  bool seen_full = false;

  std::string line;
  int64_t line_no = 0, offset = 0, next_offset = 0, index = 0;
  bool any_byte = false;
  while (std::getline(in, line)) {
    ++line_no;
    offset = next_offset;
    next_offset += static_cast<int64_t>(line.size()) + (in.eof() ? 0 : 1);
    any_byte = true;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1 && StartsWith(line, "\xEF\xBB\xBF")) line.erase(0, 3);
    if (Trim(line).empty()) continue;
    Position where{options.file, line_no, offset, index++};
    out.CountRecord();

    json o;
    try {
      o = json::parse(line);
    } catch (const json::parse_error& e) {
      out.EmitReject(where, "not JSON: " + JsonError(e.what()), line);
      continue;
    }
    if (!o.is_object()) {
      out.EmitReject(where,
                     "a line must hold one JSON object, found " + std::string(o.type_name()), line);
      continue;
    }
    auto type_it = o.find("type");
    if (type_it == o.end()) {
      if (o.contains("scrm") || o.contains("scrm_version")) {
        out.Skip(where, "a marker line (no 'type')");
      } else {
        out.EmitReject(where, "'type' is missing (\"post\" or \"profile\")", line);
      }
      continue;
    }
    if (!type_it->is_string() ||
        (*type_it != "post" && *type_it != "profile")) {
      out.EmitReject(where, "'type' is " + type_it->dump().substr(0, 40) +
                                ": expected \"post\" or \"profile\"", line);
      continue;
    }
    bool is_post = *type_it == "post";
    // Duplicates: noted, both emitted (the later one wins in the store).
    auto check_duplicate = [&](const std::string& platform, const std::string& id) {
      if (seen_full) return;
      std::string key = (is_post ? "post\n" : "profile\n") + platform + "\n" + id;
      uint64_t h = Fnv64().Add(line).value();
      auto [it, inserted] = seen.try_emplace(std::move(key), Seen{line_no, h});
      if (!inserted) {
        out.Note(RecordEmitter::Where(where) + ": " + (is_post ? "post" : "profile") + " id " +
                 Quote(id) + " already on line " + std::to_string(it->second.line) +
                 (it->second.hash == h ? " (same content)" : " with other content") +
                 "; both emitted, the later wins on import");
        it->second = Seen{line_no, h};
      }
      if (seen.size() >= kMaxRememberedIds) {
        seen_full = true;
        seen.clear();
        out.Note(options.file + ": more than " + std::to_string(kMaxRememberedIds) +
                 " ids, duplicates are no longer looked for");
      }
    };
    try {
      if (is_post) {
        Post post = ReadPost(o, line, options);
        check_duplicate(post.platform, post.external_id);
        out.EmitPost(std::move(post), where);
      } else {
        Profile profile = ReadProfile(o, line, options);
        check_duplicate(profile.platform, profile.external_id);
        out.EmitProfile(std::move(profile), where);
      }
    } catch (const FieldError& e) {
      out.EmitReject(where, e.what(), line);
    }
  }
  if (!any_byte) {
    return Status::InvalidArgument(options.file + ": empty input, expected scrm JSON Lines "
                                                  "(one {\"type\": \"post\"|\"profile\", ...} per line)");
  }
  return Status::Ok();
}

}  // namespace scrm::sources
