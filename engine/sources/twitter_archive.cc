#include "sources/twitter_archive.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <iterator>
#include <map>
#include <streambuf>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "sources/dates.h"
#include "sources/entities.h"
#include "sources/html_text.h"
#include "sources/json_stream.h"

namespace scrm::sources {
namespace {

using nlohmann::json;

constexpr char kBom[] = "\xEF\xBB\xBF";
// What stands in for "window.YTD.x.partN =" so that the archive's array
// becomes a member StreamJson can stream.
constexpr char kWrapHead[] = "{\"items\":";
constexpr char kWrapTail[] = "}";

// The archive file's body (after its "window.YTD... =" prefix) framed as
// {"items": <body>}. A trailing ';' (some exports and hand-edited files have
// one) is dropped: bytes that are only white space and ';' are held back
// until more input shows they were not the end.
class WrappedBodyBuf : public std::streambuf {
 public:
  explicit WrappedBodyBuf(std::istream& src) : src_(src) {}

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    out_.clear();
    while (out_.empty() && phase_ != Phase::kDone) {
      switch (phase_) {
        case Phase::kHead:
          out_ = kWrapHead;
          phase_ = Phase::kBody;
          break;
        case Phase::kBody: {
          std::string chunk = std::move(pending_);
          pending_.clear();
          size_t had = chunk.size();
          chunk.resize(had + kChunk);
          src_.read(&chunk[had], kChunk);
          size_t n = static_cast<size_t>(std::max<std::streamsize>(0, src_.gcount()));
          chunk.resize(had + n);
          if (n == 0) {
            // End of input: what is pending is white space and ';' only.
            out_ = kWrapTail;
            phase_ = Phase::kDone;
            break;
          }
          size_t keep = chunk.size();
          while (keep > 0 && (chunk[keep - 1] == ';' ||
                              std::isspace(static_cast<unsigned char>(chunk[keep - 1])))) {
            --keep;
          }
          pending_ = chunk.substr(keep);
          chunk.resize(keep);
          out_ = std::move(chunk);
          break;
        }
        case Phase::kDone:
          break;
      }
    }
    if (out_.empty()) return traits_type::eof();
    setg(&out_[0], &out_[0], &out_[0] + out_.size());
    return traits_type::to_int_type(out_[0]);
  }

 private:
  enum class Phase { kHead, kBody, kDone };
  static constexpr size_t kChunk = 64 * 1024;
  std::istream& src_;
  Phase phase_ = Phase::kHead;
  std::string out_;
  std::string pending_;
};

// "123", 123 -> "123"; anything else -> "".
std::string Str(const json& o, const char* key) {
  if (!o.is_object()) return "";
  auto it = o.find(key);
  if (it == o.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return it->dump();
  return "";
}

int64_t Int(const json& o, const char* key) {
  if (!o.is_object()) return 0;
  auto it = o.find(key);
  if (it == o.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    if (s.empty() || s.size() > 18) return 0;
    int64_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return 0;
      v = v * 10 + (c - '0');
    }
    return v;
  }
  return 0;
}

const json& Member(const json& o, const char* key) {
  static const json kNull;
  if (!o.is_object()) return kNull;
  auto it = o.find(key);
  return it == o.end() ? kNull : *it;
}

void AddUnique(std::vector<std::string>& v, std::string s) {
  if (s.empty()) return;
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  size_t pos = 0;
  while ((pos = text.find(from, pos)) != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
}

// Twitter writes "und" for undetermined and private-use codes for tweets
// with no language of their own ("qme" media only, "qht" hashtags only,
// "qam" mentions only, "zxx" no linguistic content). "in" and "iw" are the
// withdrawn codes it still uses for Indonesian and Hebrew.
std::string NormalizeLang(const std::string& lang) {
  std::string l = ToLowerAscii(lang);
  if (l.empty() || l == "und" || l == "zxx" || l[0] == 'q') return "";
  if (l == "in") return "id";
  if (l == "iw") return "he";
  return l;
}

std::string ProfileUrl(const std::string& username) {
  return username.empty() ? "" : "https://twitter.com/" + username;
}

std::string TweetUrl(const std::string& username, const std::string& id) {
  if (username.empty()) return "https://twitter.com/i/web/status/" + id;
  return "https://twitter.com/" + username + "/status/" + id;
}

// A record is either {"tweet": {...}} (current archives) or the tweet itself
// (tweet.js of 2019 and API v1.1).
const json& Unwrap(const json& record, const char* key) {
  if (record.is_object() && record.size() == 1) {
    auto it = record.find(key);
    if (it != record.end() && it->is_object()) return *it;
  }
  return record;
}

struct FieldError {
  std::string reason;
};

// One tweet to a Post, or the reason it cannot be one.
std::variant<Post, FieldError> TweetToPost(const json& record, const std::string& raw,
                                           const TwitterArchiveOwner* owner, bool api) {
  const json& t = Unwrap(record, "tweet");
  if (!t.is_object()) return FieldError{"a tweet must be a JSON object, found " +
                                        std::string(t.type_name())};
  Post post;
  post.platform = "twitter";
  post.external_id = Str(t, "id_str");
  if (post.external_id.empty()) post.external_id = Str(t, "id");
  if (post.external_id.empty()) return FieldError{"'id_str' is missing (and so is 'id')"};

  std::string created = Str(t, "created_at");
  if (created.empty()) return FieldError{"'created_at' is missing"};
  std::optional<int64_t> when = ParseTwitterDate(created);
  if (!when) when = ParseRfc3339(created);
  if (!when) {
    return FieldError{"'created_at' is not a Twitter date (\"Wed Oct 10 20:19:24 +0000 2018\"): '" +
                      created + "'"};
  }
  post.published = *when;

  const json* text_field = nullptr;
  for (const char* key : {"full_text", "text"}) {
    auto it = t.find(key);
    if (it != t.end() && it->is_string()) {
      text_field = &*it;
      break;
    }
  }
  if (!text_field) return FieldError{"'full_text' is missing or not a string"};
  // Twitter escapes &, < and > in tweet text; the t.co links hold none.
  post.text = DecodeHtmlEntities(text_field->get<std::string>());

  // Author: the archive's owner, or the API tweet's user.
  std::string username;
  if (api || t.contains("user")) {
    const json& user = Member(t, "user");
    post.author_id = Str(user, "id_str");
    if (post.author_id.empty()) post.author_id = Str(user, "id");
    post.author_handle = Str(user, "screen_name");
    post.author_name = Str(user, "name");
    username = post.author_handle;
  } else if (owner) {
    post.author_id = owner->account_id;
    post.author_handle = owner->username;
    post.author_name = owner->display_name;
    username = owner->username;
  }
  post.url = TweetUrl(username, post.external_id);

  // Entities: t.co links expanded in the text, hashtags, mentions, links.
  auto entities_it = t.find("entities");
  bool has_entities = entities_it != t.end() && entities_it->is_object();
  if (has_entities) {
    const json& e = *entities_it;
    for (const json& u : Member(e, "urls")) {
      std::string expanded = Str(u, "expanded_url");
      std::string short_url = Str(u, "url");
      if (expanded.empty()) expanded = short_url;
      ReplaceAll(post.text, short_url, expanded);
      AddUnique(post.links, expanded);
    }
    for (const json& h : Member(e, "hashtags")) AddUnique(post.hashtags, Str(h, "text"));
    for (const json& m : Member(e, "user_mentions")) AddUnique(post.mentions, Str(m, "screen_name"));
    std::vector<const json*> media_lists = {&Member(e, "media"),
                                            &Member(Member(t, "extended_entities"), "media")};
    for (const json* list : media_lists) {
      if (!list->is_array()) continue;
      for (const json& m : *list) {
        std::string expanded = Str(m, "expanded_url");
        ReplaceAll(post.text, Str(m, "url"), expanded);
        std::string file = Str(m, "media_url_https");
        if (file.empty()) file = Str(m, "media_url");
        AddUnique(post.links, file.empty() ? expanded : file);
      }
    }
  } else {
    for (Entity& e : ExtractEntities(post.text)) {
      if (e.kind == EntityKind::kHashtag) AddUnique(post.hashtags, std::move(e.text));
      if (e.kind == EntityKind::kMention) AddUnique(post.mentions, std::move(e.text));
      if (e.kind == EntityKind::kUrl) AddUnique(post.links, std::move(e.text));
    }
  }

  // Kind: a retweet is a share, a tweet answering another a reply.
  const json& retweeted = Member(t, "retweeted_status");
  bool retweet = retweeted.is_object() || StartsWith(post.text, "RT @");
  post.in_reply_to = Str(t, "in_reply_to_status_id_str");
  if (post.in_reply_to.empty()) post.in_reply_to = Str(t, "in_reply_to_status_id");
  if (retweet) {
    post.kind = "share";
    if (retweeted.is_object()) {
      post.shared_id = Str(retweeted, "id_str");
      if (post.shared_id.empty()) post.shared_id = Str(retweeted, "id");
    }
  } else if (!post.in_reply_to.empty()) {
    post.kind = "reply";
  }

  post.likes = Int(t, "favorite_count");
  post.shares = Int(t, "retweet_count");
  post.replies = Int(t, "reply_count");
  post.language = NormalizeLang(Str(t, "lang"));
  post.raw = raw;
  return post;
}

Profile OwnerProfile(const TwitterArchiveOwner& owner, std::string raw) {
  Profile p;
  p.platform = "twitter";
  p.external_id = owner.account_id;
  p.handle = owner.username;
  p.display_name = owner.display_name;
  p.url = ProfileUrl(owner.username);
  p.bio = owner.bio;
  if (!owner.website.empty()) p.websites.push_back(owner.website);
  if (!owner.email.empty()) p.emails.push_back(owner.email);
  p.location = owner.location;
  p.avatar_url = owner.avatar_url;
  p.raw = std::move(raw);
  return p;
}

void SetIfEmpty(std::string& field, std::string value) {
  if (field.empty()) field = std::move(value);
}

// account.js: {"account": {"username", "accountId", "accountDisplayName",
// "email", "createdAt", ...}}. False when it names no account.
bool ReadAccount(const json& record, TwitterArchiveOwner& owner) {
  const json& a = Unwrap(record, "account");
  std::string id = Str(a, "accountId");
  if (id.empty()) return false;
  owner.account_id = id;
  std::string username = Str(a, "username");
  if (!username.empty()) owner.username = username;
  std::string name = Str(a, "accountDisplayName");
  if (!name.empty()) owner.display_name = name;
  std::string email = Str(a, "email");
  if (!email.empty()) owner.email = email;
  if (auto created = ParseRfc3339(Str(a, "createdAt"))) owner.created = *created;
  return true;
}

// profile.js: {"profile": {"description": {"bio", "website", "location"},
// "avatarMediaUrl", "headerMediaUrl"}}.
void ReadProfile(const json& record, TwitterArchiveOwner& owner) {
  const json& p = Unwrap(record, "profile");
  const json& d = Member(p, "description");
  owner.bio = DecodeHtmlEntities(Str(d, "bio"));
  owner.website = Str(d, "website");
  owner.location = Str(d, "location");
  owner.avatar_url = Str(p, "avatarMediaUrl");
}

// What a manifest.js says: the owner and, per data type, its files.
struct Manifest {
  std::map<std::string, std::vector<std::string>> files;  // "tweets" -> {"tweets.js", ...}
};

Status ReadManifest(std::istream& in, const ParseOptions& options, TwitterArchiveOwner* owner,
                    Manifest* manifest) {
  // What follows "window.__THAR_CONFIG =": a small object, read whole.
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!body.empty() && (body.back() == ';' || std::isspace(static_cast<unsigned char>(body.back())))) {
    body.pop_back();
  }
  json m = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (m.is_discarded() || !m.is_object()) {
    return Status::InvalidArgument(options.file + ": manifest.js is not a JSON object after '='");
  }
  const json& user = Member(m, "userInfo");
  if (owner) {
    SetIfEmpty(owner->account_id, Str(user, "accountId"));
    SetIfEmpty(owner->username, Str(user, "userName"));
    SetIfEmpty(owner->display_name, Str(user, "displayName"));
  }
  if (manifest) {
    const json& types = Member(m, "dataTypes");
    if (types.is_object()) {
      for (auto it = types.begin(); it != types.end(); ++it) {
        for (const json& f : Member(it.value(), "files")) {
          std::string name = Str(f, "fileName");
          if (StartsWith(name, "data/")) name.erase(0, 5);
          if (!name.empty()) manifest->files[it.key()].push_back(name);
        }
      }
    }
  }
  return Status::Ok();
}

// Reads what precedes the JSON value: "window.YTD.<type>.partN =" or
// "window.__THAR_CONFIG =" (consumed), or nothing before a '[' (left in the
// stream). Returns the data type, the bytes consumed and their newlines.
struct Prefix {
  std::string type;  // as TwitterArchiveDataType; empty when not an archive file
  int64_t bytes = 0;
  int64_t newlines = 0;
  std::string seen;  // the bytes consumed, for messages
};

Prefix ReadPrefix(std::istream& in) {
  Prefix p;
  std::streambuf* sb = in.rdbuf();
  constexpr int kEof = std::char_traits<char>::eof();
  auto take = [&]() {
    int c = sb->sbumpc();
    if (c != kEof) {
      ++p.bytes;
      p.seen.push_back(static_cast<char>(c));
    }
    return c;
  };
  // A BOM, white space, then either '[' or "window.<name> =".
  while (true) {
    int c = sb->sgetc();
    if (c == kEof) return p;
    if (p.bytes == 0 && c == 0xEF) {
      if (take() != 0xEF || take() != 0xBB || take() != 0xBF) return p;
      p.seen.clear();
      continue;
    }
    if (!std::isspace(c)) break;
    if (c == '\n') ++p.newlines;
    take();
  }
  if (sb->sgetc() == '[') {
    p.type = "api-tweets";
    return p;
  }
  size_t start = p.seen.size();
  while (p.seen.size() - start < 200) {
    int c = take();
    if (c == kEof) return p;
    if (c == '=') break;
  }
  std::optional<std::string> type = TwitterArchiveDataType(p.seen.substr(start));
  if (type) p.type = *type;
  return p;
}

std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) {
    unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7F ? c : '.');
  }
  return out;
}

enum class OwnerMode { kEmit, kCollect };

struct FileResult {
  Status status;
  std::string type;
  std::string owner_raw;  // kCollect: the account/profile record as read
};

FileResult ParseFile(std::istream& in, const ParseOptions& options, RecordEmitter& out,
                     TwitterArchiveOwner* owner, OwnerMode mode, Manifest* manifest) {
  FileResult fr;
  Prefix prefix = ReadPrefix(in);
  if (prefix.type.empty()) {
    std::string seen = Trim(prefix.seen);
    fr.status = Status::InvalidArgument(
        options.file + ": not a Twitter archive file (expected 'window.YTD.<type>.part0 = [' or a "
                       "JSON array of tweets); " +
        (seen.empty() ? std::string("the input is empty")
                      : "it starts with '" + Printable(seen) + "'"));
    return fr;
  }
  fr.type = prefix.type;
  if (prefix.type == "manifest") {
    fr.status = ReadManifest(in, options, owner, manifest);
    return fr;
  }

  TwitterArchiveOwner local_owner;
  TwitterArchiveOwner* who = owner ? owner : &local_owner;
  const std::string& type = prefix.type;
  const int64_t shift = prefix.bytes - static_cast<int64_t>(std::strlen(kWrapHead));

  JsonStreamCallbacks cb;
  cb.on_item = [&](JsonItem item) {
    Position where{options.file, item.line + prefix.newlines, item.offset + shift, item.index};
    out.CountRecord();
    if (type == "tweets" || type == "tweet" || type == "api-tweets") {
      auto result = TweetToPost(item.value, item.raw, who, type == "api-tweets");
      if (auto* post = std::get_if<Post>(&result)) {
        out.EmitPost(std::move(*post), where);
      } else {
        out.EmitReject(where, std::get<FieldError>(result).reason, item.raw);
      }
    } else if (type == "account") {
      if (!ReadAccount(item.value, *who)) {
        out.EmitReject(where, "'account.accountId' is missing", item.raw);
      } else if (mode == OwnerMode::kEmit) {
        out.EmitProfile(OwnerProfile(*who, item.raw), where);
      } else {
        fr.owner_raw = item.raw;
      }
    } else if (type == "profile") {
      ReadProfile(item.value, *who);
      if (mode == OwnerMode::kCollect) {
        fr.owner_raw = item.raw;
      } else if (who->account_id.empty()) {
        out.EmitReject(where,
                       "profile.js does not say whose profile it is: read account.js (or "
                       "manifest.js) first with the same TwitterArchiveOwner",
                       item.raw);
      } else {
        out.EmitProfile(OwnerProfile(*who, item.raw), where);
      }
    } else if (type == "follower" || type == "following") {
      const json& f = Unwrap(item.value, type.c_str());
      Profile p;
      p.platform = "twitter";
      p.external_id = Str(f, "accountId");
      if (p.external_id.empty()) {
        out.EmitReject(where, "'" + type + ".accountId' is missing", item.raw);
        return;
      }
      p.url = Str(f, "userLink");
      if (p.url.empty()) p.url = "https://twitter.com/intent/user?user_id=" + p.external_id;
      p.raw = item.raw;
      out.EmitProfile(std::move(p), where);
    } else {
      out.Skip(where, "YTD." + type + ": a data type scrm does not read");
    }
  };

  WrappedBodyBuf wrapped(in);
  std::istream body(&wrapped);
  JsonStreamResult r = StreamJson(body, {"items"}, cb);
  if (r.syntax_error) {
    if (r.item_index >= 0) {
      Position where{options.file, r.item_line + prefix.newlines, r.item_offset + shift,
                     r.item_index};
      out.CountRecord();
      out.EmitReject(where, "cut short by a JSON syntax error: " + r.error, r.item_raw);
    }
    fr.status = Status::InvalidArgument(
        options.file + ": JSON syntax error near byte " +
        std::to_string(std::max<int64_t>(0, r.error_offset + shift)) + " after " +
        std::to_string(r.items) + " records: " + r.error);
    return fr;
  }
  const json& items = Member(r.top, "items");
  if (!items.is_array()) {
    fr.status = Status::InvalidArgument(options.file + ": YTD." + type +
                                        " holds " + std::string(items.type_name()) +
                                        ", expected an array of records");
  }
  return fr;
}

}  // namespace

std::optional<std::string> TwitterArchiveDataType(std::string_view head) {
  if (StartsWith(head, kBom)) head.remove_prefix(3);
  while (!head.empty() && std::isspace(static_cast<unsigned char>(head.front()))) {
    head.remove_prefix(1);
  }
  if (!head.empty() && head.front() == '[') return std::string("api-tweets");
  if (StartsWith(head, "window.__THAR_CONFIG")) {
    std::string_view rest = head.substr(std::strlen("window.__THAR_CONFIG"));
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (!rest.empty() && rest.front() == '=') return std::string("manifest");
    return std::nullopt;
  }
  constexpr std::string_view kYtd = "window.YTD.";
  if (!StartsWith(head, kYtd)) return std::nullopt;
  std::string_view rest = head.substr(kYtd.size());
  size_t eq = rest.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  std::string_view name = rest.substr(0, eq);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  // "<type>.part<N>"
  size_t dot = name.rfind(".part");
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  std::string_view part = name.substr(dot + 5);
  if (part.empty() || !std::all_of(part.begin(), part.end(),
                                   [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::string_view type = name.substr(0, dot);
  for (char c : type) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return std::nullopt;
  }
  return std::string(type);
}

Status ParseTwitterArchiveFile(std::istream& in, const ParseOptions& options, RecordSink& sink,
                               ParseStats* stats, TwitterArchiveOwner* owner) {
  ParseStats local;
  RecordEmitter out(sink, stats ? *stats : local);
  return ParseFile(in, options, out, owner, OwnerMode::kEmit, nullptr).status;
}

Status ParseTwitterArchive(const TwitterArchiveOpener& open, const ParseOptions& options,
                           RecordSink& sink, ParseStats* stats) {
  ParseStats local;
  RecordEmitter out(sink, stats ? *stats : local);
  TwitterArchiveOwner owner;
  Manifest manifest;

  auto file_options = [&](const std::string& name) {
    ParseOptions o = options;
    o.file = options.file + "/" + name;
    return o;
  };
  auto names_of = [&](const std::string& type, std::vector<std::string> fallback) {
    auto it = manifest.files.find(type);
    return it != manifest.files.end() && !it->second.empty() ? it->second : fallback;
  };

  if (auto in = open("manifest.js")) {
    FileResult r = ParseFile(*in, file_options("manifest.js"), out, &owner, OwnerMode::kCollect,
                             &manifest);
    if (!r.status.ok()) return r.status;
  }

  // The owner: account.js and profile.js merged into one Profile.
  json owner_raw = json::object();
  Position owner_where;
  bool have_owner_file = false;
  for (const std::string& type : {std::string("account"), std::string("profile")}) {
    for (const std::string& name : names_of(type, {type + ".js"})) {
      auto in = open(name);
      if (!in) continue;
      FileResult r = ParseFile(*in, file_options(name), out, &owner, OwnerMode::kCollect, nullptr);
      if (!r.status.ok()) return r.status;
      if (!r.owner_raw.empty()) {
        json parsed = json::parse(r.owner_raw, nullptr, false);
        owner_raw[type] = parsed.is_discarded() ? json(r.owner_raw) : Unwrap(parsed, type.c_str());
        if (!have_owner_file) owner_where = Position{options.file + "/" + name, 1, 0, 0};
        have_owner_file = true;
      }
    }
  }
  if (!owner.account_id.empty()) {
    if (!have_owner_file) owner_where = Position{options.file + "/manifest.js", 1, 0, 0};
    out.EmitProfile(OwnerProfile(owner, owner_raw.dump()), owner_where);
  }

  std::vector<std::string> tweet_files = names_of("tweets", {});
  if (tweet_files.empty()) {
    tweet_files = {"tweets.js", "tweet.js"};
    for (int i = 1; i < 100; ++i) tweet_files.push_back("tweets-part" + std::to_string(i) + ".js");
  }
  std::vector<std::string> files = tweet_files;
  for (const char* type : {"follower", "following"}) {
    for (const std::string& name : names_of(type, {std::string(type) + ".js"})) {
      files.push_back(name);
    }
  }
  for (const std::string& name : files) {
    auto in = open(name);
    if (!in) continue;
    FileResult r = ParseFile(*in, file_options(name), out, &owner, OwnerMode::kEmit, nullptr);
    if (!r.status.ok()) return r.status;
  }
  return Status::Ok();
}

std::optional<int64_t> ParseTwitterDate(std::string_view s) {
  // "Wed Oct 10 20:19:24 +0000 2018"
  std::vector<std::string> f;
  for (const std::string& part : Split(Trim(s), ' ')) {
    if (!part.empty()) f.push_back(part);
  }
  if (f.size() != 6) return std::nullopt;
  static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
  std::string mon = ToLowerAscii(f[1]);
  int month = 0;
  for (int i = 0; i < 12; ++i) {
    if (mon == kMonths[i]) month = i + 1;
  }
  if (month == 0) return std::nullopt;
  auto number = [](const std::string& t, size_t from, size_t n) -> int {
    if (from + n > t.size()) return -1;
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return -1;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  int day = f[2].size() <= 2 ? number(f[2], 0, f[2].size()) : -1;
  const std::string& hms = f[3];
  if (hms.size() != 8 || hms[2] != ':' || hms[5] != ':') return std::nullopt;
  int hour = number(hms, 0, 2), minute = number(hms, 3, 2), second = number(hms, 6, 2);
  const std::string& zone = f[4];
  if (zone.size() != 5 || (zone[0] != '+' && zone[0] != '-')) return std::nullopt;
  int zh = number(zone, 1, 2), zm = number(zone, 3, 2);
  int year = f[5].size() == 4 ? number(f[5], 0, 4) : -1;
  if (day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 ||
      second > 60 || zh < 0 || zh > 23 || zm < 0 || zm > 59 || year < 0) {
    return std::nullopt;
  }
  int64_t offset = (zh * 3600 + zm * 60) * (zone[0] == '-' ? -1 : 1);
  return UnixSecondsFromCivil(year, month, day, hour, minute, second) - offset;
}

}  // namespace scrm::sources
