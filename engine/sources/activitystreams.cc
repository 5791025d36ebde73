#include "sources/activitystreams.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/hash.h"
#include "core/text.h"
#include "sources/dates.h"
#include "sources/html_text.h"
#include "sources/json_members.h"
#include "sources/json_stream.h"
#include "sources/url_util.h"

namespace scrm::sources {
namespace {

using nlohmann::json;

constexpr std::string_view kAsContext = "www.w3.org/ns/activitystreams";

// --- small readers of AS2 values --------------------------------------------

// The id of a value that may be a URI string, an object with an id (or a
// Link with an href) or an array of those (the first that has one).
std::string IdOf(const json* v) {
  if (!v) return "";
  if (v->is_string()) return v->get<std::string>();
  if (v->is_object()) {
    std::string id = StringMember(*v, "id");
    return id.empty() ? StringMember(*v, "href") : id;
  }
  if (v->is_array()) {
    for (const auto& e : *v) {
      std::string id = IdOf(&e);
      if (!id.empty()) return id;
    }
  }
  return "";
}

// Every type of a record ("type" may be an array).
std::vector<std::string> TypesOf(const json& o) {
  std::vector<std::string> types;
  const json* t = Member(o, "type");
  if (t && t->is_string()) types.push_back(t->get<std::string>());
  if (t && t->is_array()) {
    for (const auto& e : *t) {
      if (e.is_string()) types.push_back(e.get<std::string>());
    }
  }
  return types;
}

bool HasType(const std::vector<std::string>& types, std::initializer_list<std::string_view> any) {
  for (const auto& t : types) {
    for (auto a : any) {
      if (t == a) return true;
    }
  }
  return false;
}

std::string Quoted(const json& v) {
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return "'" + s + "'";
}

std::string Article(std::string_view type_name) {
  return (type_name == "object" || type_name == "array") ? std::string("an ") + std::string(type_name)
                                                         : std::string("a ") + std::string(type_name);
}

// --- validation -----------------------------------------------------------

std::optional<std::string> CheckLanguageMap(const json& o, const char* key) {
  const json* m = Member(o, key);
  if (!m) return std::nullopt;
  if (!m->is_object()) {
    return "'" + std::string(key) + "' must be an object of language tag -> text, found " +
           Article(m->type_name());
  }
  for (auto it = m->begin(); it != m->end(); ++it) {
    if (!IsWellFormedLanguageTag(it.key())) {
      return "'" + std::string(key) + "' has an invalid language tag (RFC 5646): '" + it.key() +
             "'";
    }
    if (!it->is_string() && !it->is_null()) {
      return "'" + std::string(key) + "' value for '" + it.key() + "' must be a string, found " +
             Article(it->type_name());
    }
  }
  return std::nullopt;
}

std::optional<std::string> CheckUrlValue(const json& v, const char* key) {
  if (v.is_string()) {
    if (!IsAbsoluteUrl(v.get<std::string>())) {
      return "'" + std::string(key) + "' is not an absolute URL: " + Quoted(v);
    }
    return std::nullopt;
  }
  if (v.is_object()) {
    const json* href = Member(v, "href");
    if (href) return CheckUrlValue(*href, key);
    return std::nullopt;
  }
  if (v.is_array()) {
    for (const auto& e : v) {
      if (auto err = CheckUrlValue(e, key)) return err;
    }
    return std::nullopt;
  }
  return "'" + std::string(key) + "' must be a URL, a Link or an array, found " +
         Article(v.type_name());
}

// Field errors that make a record unusable, named after the field.
std::optional<std::string> CheckRecord(const json& o) {
  const json* id = Member(o, "id");
  if (id && !id->is_string()) {
    return "'id' must be a string (a URI), found " + Article(id->type_name()) + ": " + Quoted(*id);
  }
  const json* type = Member(o, "type");
  if (!type) return std::nullopt;  // an untyped Object: skipped by the converter
  bool type_ok = type->is_string() ||
                 (type->is_array() && !type->empty() &&
                  std::all_of(type->begin(), type->end(), [](const json& e) { return e.is_string(); }));
  if (!type_ok) {
    return "'type' must be a string or an array of strings, found " + Article(type->type_name()) +
           ": " + Quoted(*type);
  }
  for (const char* key : {"name", "content", "summary", "mediaType"}) {
    const json* v = Member(o, key);
    if (v && !v->is_string()) {
      std::string msg = "'" + std::string(key) + "' must be a string, found " +
                        Article(v->type_name());
      if (v->is_object() && std::string(key) != "mediaType") {
        msg += "; a per-language object goes in '" + std::string(key) + "Map'";
      }
      return msg;
    }
  }
  for (const char* key : {"nameMap", "contentMap", "summaryMap"}) {
    if (auto err = CheckLanguageMap(o, key)) return err;
  }
  for (const char* key : {"actor", "attributedTo", "object", "inReplyTo", "target", "origin"}) {
    const json* v = Member(o, key);
    if (v && !v->is_string() && !v->is_object() && !v->is_array()) {
      return "'" + std::string(key) + "' must be a URI, an object or an array, found " +
             Article(v->type_name()) + ": " + Quoted(*v);
    }
  }
  if (const json* url = Member(o, "url")) {
    if (auto err = CheckUrlValue(*url, "url")) return err;
  }
  for (const char* key : {"published", "updated"}) {
    const json* v = Member(o, key);
    if (!v) continue;
    if (!v->is_string()) {
      return "'" + std::string(key) + "' must be an RFC 3339 date string, found " +
             Article(v->type_name());
    }
    // RFC 3339, with the W3C-DTF leniency some producers need (no zone = UTC).
    if (!ParseW3cDate(v->get<std::string>())) {
      return "'" + std::string(key) + "' is not an RFC 3339 date: " + Quoted(*v);
    }
  }
  return std::nullopt;
}

bool IsAsContext(const json* ctx) {
  if (!ctx) return false;
  if (ctx->is_string()) return ctx->get<std::string>().find(kAsContext) != std::string::npos;
  if (ctx->is_array()) {
    for (const auto& e : *ctx) {
      if (IsAsContext(&e)) return true;
    }
  }
  return false;
}

bool LooksLikeMastodonId(const std::string& id) {
  size_t users = id.find("/users/");
  return users != std::string::npos && id.find("/statuses/", users) != std::string::npos;
}

bool ShowsMastodonMarks(const json& o) {
  if (Member(o, "atomUri") || Member(o, "conversation")) return true;
  if (const json* ctx = Member(o, "@context")) {
    if (ctx->dump().find("joinmastodon.org") != std::string::npos) return true;
  }
  if (LooksLikeMastodonId(StringMember(o, "id"))) return true;
  if (const json* obj = Member(o, "object")) {
    if (obj->is_object()) return ShowsMastodonMarks(*obj);
    if (obj->is_string()) return LooksLikeMastodonId(obj->get<std::string>());
  }
  return false;
}

// "@name@host" for https://host/users/name and https://host/@name.
std::string HandleFromActorUrl(const std::string& url) {
  std::string host = UrlHost(url);
  if (host.empty()) return "";
  size_t path = url.find('/', url.find("://") + 3);
  if (path == std::string::npos) return "";
  std::string p = url.substr(path);
  std::string name;
  if (StartsWith(p, "/users/")) {
    name = p.substr(7);
  } else if (StartsWith(p, "/@")) {
    name = p.substr(2);
  }
  if (name.empty() || name.find_first_of("/?#") != std::string::npos) return "";
  return "@" + name + "@" + host;
}

void AddUnique(std::vector<std::string>& v, std::string s) {
  if (s.empty()) return;
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

// URLs of an attachment or url value (string, Link, object with url, array).
void CollectUrls(const json* v, std::vector<std::string>& out, int depth = 0) {
  if (!v || depth > 4) return;
  if (v->is_string()) {
    AddUnique(out, v->get<std::string>());
  } else if (v->is_array()) {
    for (const auto& e : *v) CollectUrls(&e, out, depth + 1);
  } else if (v->is_object()) {
    if (const json* href = Member(*v, "href")) {
      CollectUrls(href, out, depth + 1);
    } else if (const json* url = Member(*v, "url")) {
      CollectUrls(url, out, depth + 1);
    }
  }
}

// The page a human opens: the first text/html link of `url`, else the first.
std::string PrimaryUrl(const json& o) {
  const json* url = Member(o, "url");
  if (!url) return "";
  if (url->is_array()) {
    for (const auto& e : *url) {
      if (e.is_object() && StringMember(e, "mediaType") == "text/html") return IdOf(&e);
    }
  }
  return IdOf(url);
}

std::string LanguageAndContent(const json& o, std::string& content) {
  content = StringMember(o, "content");
  const json* map = Member(o, "contentMap");
  if (!map || !map->is_object() || map->empty()) return "";
  if (map->size() == 1) {
    if (content.empty() && map->begin()->is_string()) content = map->begin()->get<std::string>();
    return map->begin().key();
  }
  for (auto it = map->begin(); it != map->end(); ++it) {
    if (it->is_string() && !content.empty() && it->get<std::string>() == content) return it.key();
  }
  if (content.empty() && map->begin()->is_string()) content = map->begin()->get<std::string>();
  return map->begin().key();
}

int64_t CountOf(const json& o, const char* key) {
  const json* v = Member(o, key);
  if (!v || !v->is_object()) return 0;
  const json* n = Member(*v, "totalItems");
  return n && n->is_number_integer() ? n->get<int64_t>() : 0;
}

std::string SyntheticId(const json& o, const std::string& author) {
  Fnv64 h;
  h.Add(o.contains("type") ? o["type"].dump() : "");
  h.Add(author);
  h.Add(StringMember(o, "published"));
  h.Add(StringMember(o, "name"));
  h.Add(o.contains("content") ? o["content"].dump() : "");
  h.Add(o.contains("contentMap") ? o["contentMap"].dump() : "");
  return "as2:" + h.Hex();
}

// --- the converter --------------------------------------------------------

class Converter {
 public:
  Converter(const ParseOptions& options, RecordEmitter& out) : options_(options), out_(out) {}

  void set_document_is_mastodon(bool v) { document_is_mastodon_ = v; }

  // One record: an element of a collection, a line, or a whole document.
  void Record(const json& o, const std::string& raw, const Position& where) {
    out_.CountRecord();
    if (o.is_string()) {
      out_.Skip(where, "a bare reference (" + Quoted(o) +
                           "), not an object: nothing to import without fetching it");
      return;
    }
    if (!o.is_object()) {
      out_.EmitReject(where,
                      "an ActivityStreams record must be a JSON object, found " +
                          Article(o.type_name()),
                      raw);
      return;
    }
    if (auto err = CheckRecord(o)) {
      out_.EmitReject(where, *err, raw);
      return;
    }
    std::string platform = Platform(o);
    std::vector<std::string> types = TypesOf(o);
    if (types.empty()) {
      out_.Skip(where, "no 'type': an untyped Object, not a post, a share or an actor");
      return;
    }
    if (HasType(types, {"Create", "Update"})) {
      const json* obj = Member(o, "object");
      if (!obj) {
        out_.EmitReject(where, "'object' is missing: a " + types[0] + " needs the object it creates",
                        raw);
        return;
      }
      if (!obj->is_object()) {
        out_.Skip(where, types[0] + " of a bare reference (" + IdOf(obj) +
                             "): the object is not embedded, nothing to import");
        return;
      }
      if (auto err = CheckRecord(*obj)) {
        out_.EmitReject(where, "in 'object': " + *err, raw);
        return;
      }
      ConvertObject(*obj, &o, platform, raw, where);
      return;
    }
    if (HasType(types, {"Announce"})) {
      ConvertAnnounce(o, platform, raw, where);
      return;
    }
    if (HasType(types, {"Delete"})) {
      ConvertDelete(o, raw, where);
      return;
    }
    ConvertObject(o, nullptr, platform, raw, where);
  }

 private:
  std::string Platform(const json& o) const {
    if (!options_.platform.empty()) return options_.platform;
    return document_is_mastodon_ || ShowsMastodonMarks(o) ? "mastodon" : "activitypub";
  }

  void ConvertObject(const json& o, const json* activity, const std::string& platform,
                     const std::string& raw, const Position& where) {
    std::vector<std::string> types = TypesOf(o);
    if (HasType(types, {"Note", "Article", "Page", "Question", "Image", "Video", "Audio"})) {
      ConvertPost(o, activity, types, platform, raw, where);
    } else if (HasType(types,
                       {"Person", "Service", "Application", "Group", "Organization"})) {
      ConvertProfile(o, platform, raw, where);
    } else if (HasType(types, {"Delete", "Tombstone"})) {
      out_.Skip(where, types[0] + " skipped: only a Delete activity, which names who deletes, "
                                  "removes a post");
    } else {
      out_.Skip(where, "type " + (types.empty() ? std::string("?") : types[0]) +
                           " is not a post, a share or an actor: not imported");
    }
  }

  // An author given as a full object (an activity's `actor`, an object's
  // `attributedTo`) is a profile like a standalone actor document; emitted
  // before the post it wrote, and once per parse while it does not change
  // (an outbox repeats its author in every activity).
  void EmbeddedActor(const json* v, const std::string& platform, const Position& where) {
    if (!v) return;
    if (v->is_array()) {
      for (const auto& e : *v) EmbeddedActor(&e, platform, where);
      return;
    }
    if (!v->is_object()) return;
    if (!HasType(TypesOf(*v), {"Person", "Service", "Application", "Group", "Organization"})) return;
    if (auto err = CheckRecord(*v)) {
      out_.Note(RecordEmitter::Where(where) + ": embedded actor " + Quoted(IdOf(v)) +
                " not imported: " + *err);
      return;
    }
    std::string id = StringMember(*v, "id");
    if (id.empty()) {
      out_.Note(RecordEmitter::Where(where) +
                ": embedded actor without 'id' not imported: a profile needs its URI");
      return;
    }
    std::string raw = v->dump();
    std::string digest = Fnv64().Add(raw).Hex();
    auto [it, inserted] = embedded_seen_.emplace(id, digest);
    if (!inserted) {
      if (it->second == digest) return;
      it->second = digest;
    }
    ConvertProfile(*v, platform, raw, where);
  }

  void ConvertPost(const json& o, const json* activity, const std::vector<std::string>& types,
                   const std::string& platform, const std::string& raw, const Position& where) {
    EmbeddedActor(Member(o, "attributedTo"), platform, where);
    if (activity) EmbeddedActor(Member(*activity, "actor"), platform, where);
    Post post;
    post.platform = platform;
    post.raw = raw;
    post.author_id = IdOf(Member(o, "attributedTo"));
    if (post.author_id.empty() && activity) post.author_id = IdOf(Member(*activity, "actor"));
    if (const json* author = Member(o, "attributedTo"); author && author->is_object()) {
      post.author_name = StringMember(*author, "name");
      std::string user = StringMember(*author, "preferredUsername");
      if (!user.empty() && !UrlHost(post.author_id).empty()) {
        post.author_handle = "@" + user + "@" + UrlHost(post.author_id);
      }
    }
    if (post.author_handle.empty()) post.author_handle = HandleFromActorUrl(post.author_id);

    post.external_id = StringMember(o, "id");
    if (post.external_id.empty()) {
      post.external_id = SyntheticId(o, post.author_id);
      out_.Note(RecordEmitter::Where(where) + ": no 'id'; using " + post.external_id);
    }
    post.in_reply_to = IdOf(Member(o, "inReplyTo"));
    if (HasType(types, {"Article", "Page"})) {
      post.kind = "article";
    } else if (HasType(types, {"Question"})) {
      post.kind = "question";
    } else if (!post.in_reply_to.empty()) {
      post.kind = "reply";
    } else {
      post.kind = "post";
    }
    post.url = PrimaryUrl(o);
    if (post.url.empty() && StartsWith(post.external_id, "http")) post.url = post.external_id;
    post.title = StringMember(o, "name");

    std::string content;
    post.language = LanguageAndContent(o, content);
    HtmlText body = HtmlToText(content);
    std::string summary = HtmlToText(StringMember(o, "summary")).text;
    post.text = body.text;
    if (!summary.empty() && summary != post.text) {
      post.text = post.text.empty() ? summary : summary + "\n\n" + post.text;
    }
    if (HasType(types, {"Question"})) AppendPollOptions(o, post.text);

    if (auto t = ParseW3cDate(StringMember(o, "published"))) {
      post.published = *t;
    } else if (activity) {
      if (auto at = ParseW3cDate(StringMember(*activity, "published"))) post.published = *at;
    }
    if (auto t = ParseW3cDate(StringMember(o, "updated"))) post.updated = *t;

    if (const json* tags = Member(o, "tag")) {
      std::vector<json> list = tags->is_array() ? tags->get<std::vector<json>>()
                                                : std::vector<json>{*tags};
      for (const auto& tag : list) {
        if (!tag.is_object()) continue;
        std::vector<std::string> tt = TypesOf(tag);
        std::string name = StringMember(tag, "name");
        if (HasType(tt, {"Hashtag"})) {
          if (!name.empty() && name[0] == '#') name.erase(0, 1);
          AddUnique(post.hashtags, name);
        } else if (HasType(tt, {"Mention"})) {
          if (name.empty()) name = StringMember(tag, "href");
          if (!name.empty() && name[0] == '@') name.erase(0, 1);
          AddUnique(post.mentions, name);
        }
      }
    }
    CollectUrls(Member(o, "attachment"), post.links);
    for (const auto& link : body.links) {
      if (!link.IsMentionOrHashtag()) AddUnique(post.links, link.href);
    }
    post.likes = CountOf(o, "likes");
    post.shares = CountOf(o, "shares");
    post.replies = CountOf(o, "replies");
    out_.EmitPost(std::move(post), where);
  }

  static void AppendPollOptions(const json& o, std::string& text) {
    for (const char* key : {"oneOf", "anyOf"}) {
      const json* options = Member(o, key);
      if (!options || !options->is_array()) continue;
      for (const auto& opt : *options) {
        std::string name = opt.is_object() ? StringMember(opt, "name") : "";
        if (name.empty()) continue;
        text += (text.empty() ? "- " : "\n- ") + name;
      }
    }
  }

  // A Delete of an object (its id, or a Tombstone or the object with its
  // id): handed on with its actor, whom the pipeline checks against the
  // stored post's author.
  void ConvertDelete(const json& o, const std::string& raw, const Position& where) {
    const json* obj = Member(o, "object");
    if (!obj) {
      out_.EmitReject(where,
                      "'object' is missing: a Delete names what it deletes (an id, or a "
                      "Tombstone with its id)",
                      raw);
      return;
    }
    Deletion deletion;
    deletion.object_id = IdOf(obj);
    if (deletion.object_id.empty()) {
      out_.EmitReject(where, "'object' of the Delete has no 'id': nothing to delete", raw);
      return;
    }
    deletion.actor_id = IdOf(Member(o, "actor"));
    if (deletion.actor_id.empty()) {
      out_.EmitReject(where,
                      "'actor' is missing: a Delete removes a post only for its author, who "
                      "must be named",
                      raw);
      return;
    }
    deletion.raw = raw;
    out_.EmitDelete(std::move(deletion), where);
  }

  void ConvertAnnounce(const json& o, const std::string& platform, const std::string& raw,
                       const Position& where) {
    const json* obj = Member(o, "object");
    EmbeddedActor(Member(o, "actor"), platform, where);
    Post post;
    post.platform = platform;
    post.kind = "share";
    post.raw = raw;
    post.author_id = IdOf(Member(o, "actor"));
    post.author_handle = HandleFromActorUrl(post.author_id);
    post.shared_id = IdOf(obj);
    if (post.shared_id.empty()) {
      out_.EmitReject(where, "'object' is missing: an Announce shares an object", raw);
      return;
    }
    post.external_id = StringMember(o, "id");
    if (post.external_id.empty()) {
      post.external_id = SyntheticId(o, post.author_id);
      out_.Note(RecordEmitter::Where(where) + ": no 'id'; using " + post.external_id);
    }
    if (auto t = ParseW3cDate(StringMember(o, "published"))) post.published = *t;
    if (obj && obj->is_object()) {
      std::string content;
      post.language = LanguageAndContent(*obj, content);
      post.text = HtmlToText(content).text;
      post.title = StringMember(*obj, "name");
      post.url = PrimaryUrl(*obj);
    }
    out_.EmitPost(std::move(post), where);
  }

  void ConvertProfile(const json& o, const std::string& platform, const std::string& raw,
                      const Position& where) {
    Profile p;
    p.platform = platform;
    p.raw = raw;
    p.external_id = StringMember(o, "id");
    if (p.external_id.empty()) {
      out_.EmitReject(where, "'id' is missing: an actor needs its URI to be linked to anyone", raw);
      return;
    }
    std::string user = StringMember(o, "preferredUsername");
    std::string host = UrlHostPort(p.external_id);
    if (!user.empty()) p.handle = host.empty() ? "@" + user : "@" + user + "@" + host;
    p.display_name = StringMember(o, "name");
    p.url = PrimaryUrl(o);
    if (p.url.empty()) p.url = p.external_id;
    p.bio = HtmlToText(StringMember(o, "summary")).text;
    // One attachment may come alone, not in an array (JSON-LD compaction,
    // as Fedify writes an actor with a single profile field).
    if (const json* given = Member(o, "attachment")) {
      const json attachments = given->is_array() ? *given : json::array({*given});
      for (const auto& a : attachments) {
        if (!a.is_object() || !HasType(TypesOf(a), {"PropertyValue"})) continue;
        HtmlText value = HtmlToText(StringMember(a, "value"));
        std::string name = ToLowerAscii(StringMember(a, "name"));
        bool any_link = false;
        for (const auto& link : value.links) {
          if (link.IsMentionOrHashtag()) continue;
          if (StartsWith(link.href, "mailto:")) {
            AddUnique(p.emails, NormalizeEmail(link.href.substr(7)));
          } else {
            AddUnique(p.websites, link.href);
          }
          any_link = true;
        }
        if (any_link) continue;
        std::string text = Trim(value.text);
        if (StartsWith(text, "mailto:")) text = text.substr(7);
        if (std::string email = NormalizeEmail(text); !email.empty()) {
          AddUnique(p.emails, email);
        } else if (StartsWith(text, "http://") || StartsWith(text, "https://")) {
          AddUnique(p.websites, text);
        } else if (text.find(' ') == std::string::npos && !WebsiteDomain(text).empty() &&
                   (name.find("web") != std::string::npos || name.find("site") != std::string::npos ||
                    name.find("blog") != std::string::npos || name.find("home") != std::string::npos)) {
          AddUnique(p.websites, "https://" + text);
        }
      }
    }
    p.avatar_url = IdOf(Member(o, "icon"));
    if (const json* icon = Member(o, "icon"); icon && icon->is_object()) {
      p.avatar_url = IdOf(Member(*icon, "url"));
    } else if (icon && icon->is_array() && !icon->empty() && (*icon)[0].is_object()) {
      p.avatar_url = IdOf(Member((*icon)[0], "url"));
    }
    if (auto t = ParseW3cDate(StringMember(o, "updated"))) {
      p.updated = *t;
    } else if (auto pt = ParseW3cDate(StringMember(o, "published"))) {
      p.updated = *pt;
    }
    out_.EmitProfile(std::move(p), where);
  }

  const ParseOptions& options_;
  RecordEmitter& out_;
  bool document_is_mastodon_ = false;
  std::unordered_map<std::string, std::string> embedded_seen_;  // actor id -> hash of its JSON
};

bool IsCollectionType(const std::vector<std::string>& types) {
  return HasType(types, {"OrderedCollection", "OrderedCollectionPage", "Collection",
                         "CollectionPage"});
}

Status NotAs2(const ParseOptions& options, const std::string& what) {
  return Status::InvalidArgument(options.file + ": not an ActivityStreams 2.0 document: " + what);
}

}  // namespace

bool IsWellFormedLanguageTag(std::string_view tag) {
  std::vector<std::string> parts = Split(ToLowerAscii(tag), '-');
  if (parts.empty()) return false;
  auto alpha = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  };
  auto digit = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  auto alnum = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
  };
  for (const auto& p : parts) {
    if (p.empty() || p.size() > 8 || !alnum(p)) return false;
  }
  size_t i = 0;
  // "x-..." private use: at least one subtag after the "x".
  auto privateuse = [&](size_t from) { return from + 1 < parts.size(); };
  if (parts[0] == "x") return privateuse(0);
  // language
  if (!alpha(parts[0]) || parts[0].size() < 2) return false;
  bool short_lang = parts[0].size() <= 3;
  ++i;
  // extlang (only after a 2-3 letter language)
  for (int n = 0; short_lang && n < 3 && i < parts.size() && parts[i].size() == 3 &&
                  alpha(parts[i]);
       ++n) {
    ++i;
  }
  if (i < parts.size() && parts[i].size() == 4 && alpha(parts[i])) ++i;  // script
  if (i < parts.size() && ((parts[i].size() == 2 && alpha(parts[i])) ||
                           (parts[i].size() == 3 && digit(parts[i])))) {
    ++i;  // region
  }
  std::vector<std::string> variants;
  while (i < parts.size() &&
         ((parts[i].size() >= 5) ||
          (parts[i].size() == 4 && parts[i][0] >= '0' && parts[i][0] <= '9'))) {
    if (std::find(variants.begin(), variants.end(), parts[i]) != variants.end()) return false;
    variants.push_back(parts[i]);
    ++i;
  }
  std::vector<char> singletons;
  while (i < parts.size() && parts[i].size() == 1 && parts[i] != "x") {
    char s = parts[i][0];
    if (std::find(singletons.begin(), singletons.end(), s) != singletons.end()) return false;
    singletons.push_back(s);
    ++i;
    size_t n = 0;
    while (i < parts.size() && parts[i].size() >= 2) {
      ++i;
      ++n;
    }
    if (n == 0) return false;
  }
  if (i < parts.size() && parts[i] == "x") return privateuse(i);
  return i == parts.size();
}

Status ParseActivityStreams(std::istream& in, const ParseOptions& options, RecordSink& sink,
                            ParseStats* stats) {
  ParseStats local;
  ParseStats& st = stats ? *stats : local;
  RecordEmitter out(sink, st);
  Converter converter(options, out);

  bool streamed = false;
  JsonStreamCallbacks callbacks;
  callbacks.on_items_begin = [&](const json& top, const std::string&) {
    streamed = true;
    if (ShowsMastodonMarks(top)) converter.set_document_is_mastodon(true);
  };
  callbacks.on_item = [&](JsonItem item) {
    Position where{options.file, item.line, item.offset, item.index};
    converter.Record(item.value, item.raw, where);
  };
  JsonStreamResult r = StreamJson(in, {"orderedItems", "items"}, callbacks);

  if (r.syntax_error) {
    if (r.item_index >= 0) {
      Position where{options.file, r.item_line, r.item_offset, r.item_index};
      out.CountRecord();
      out.EmitReject(where, "cut short by a JSON syntax error: " + r.error, r.item_raw);
    }
    if (r.items == 0 && r.item_index < 0) {
      if (r.error_offset <= 1 && r.error.find("end of input") != std::string::npos) {
        return Status::InvalidArgument(options.file + ": empty input, expected an ActivityStreams "
                                                      "JSON document");
      }
      return Status::InvalidArgument(options.file + ": not JSON, expected an ActivityStreams "
                                                    "document: " + r.error);
    }
    return Status::InvalidArgument(options.file + ": JSON syntax error at byte " +
                                   std::to_string(r.error_offset) + " after " +
                                   std::to_string(r.items) + " records: " + r.error);
  }

  const json& top = r.top;
  if (!top.is_object()) {
    std::string hint = top.is_array() ? " (several objects go in a collection or in JSON Lines)"
                                      : "";
    return NotAs2(options, "expected a JSON object at the top, found " +
                               Article(top.type_name()) + hint);
  }
  const json* ctx = Member(top, "@context");
  if (ctx && !IsAsContext(ctx)) {
    return NotAs2(options, "its @context is " + Quoted(*ctx) +
                               ", not https://www.w3.org/ns/activitystreams");
  }
  if (ShowsMastodonMarks(top)) converter.set_document_is_mastodon(true);

  std::vector<std::string> types = TypesOf(top);
  if (streamed || IsCollectionType(types)) {
    if (Member(top, "items") && HasType(types, {"OrderedCollection", "OrderedCollectionPage"})) {
      out.Note(options.file + ": an OrderedCollection with 'items' (AS2 says 'orderedItems'); read "
                              "them in order anyway");
    }
    if (Member(top, "orderedItems") && !HasType(types, {"OrderedCollection", "OrderedCollectionPage"}) &&
        IsCollectionType(types)) {
      out.Note(options.file + ": an unordered Collection with 'orderedItems'; read them anyway");
    }
    // An embedded first page (an actor's outbox fetched from a server).
    if (const json* first = Member(top, "first"); first && first->is_object()) {
      Position where{options.file, 0, 0, r.items};
      std::vector<std::string> ft = TypesOf(*first);
      if (!HasType(ft, {"CollectionPage", "OrderedCollectionPage"})) {
        out.CountRecord();
        out.EmitReject(where,
                       "'first' of a collection must be a CollectionPage or a link, found " +
                           (ft.empty() ? std::string("no type") : "a " + ft[0]),
                       first->dump());
      } else {
        int64_t index = r.items;
        for (const char* key : {"orderedItems", "items"}) {
          const json* items = Member(*first, key);
          if (!items || !items->is_array()) continue;
          for (const auto& item : *items) {
            Position w{options.file, 0, 0, index++};
            converter.Record(item, item.dump(), w);
          }
        }
      }
    }
    return Status::Ok();
  }
  // One object, activity or actor: the whole document is the record.
  converter.Record(top, top.dump(), Position{options.file, 1, 0, 0});
  return Status::Ok();
}

Status ParseActivityStreamsLines(std::istream& in, const ParseOptions& options, RecordSink& sink,
                                 ParseStats* stats) {
  ParseStats local;
  ParseStats& st = stats ? *stats : local;
  RecordEmitter out(sink, st);
  Converter converter(options, out);
  std::string line;
  int64_t line_no = 0;
  int64_t offset = 0;
  int64_t index = 0;
  bool first = true;
  while (std::getline(in, line)) {
    ++line_no;
    int64_t line_offset = offset;
    offset += static_cast<int64_t>(line.size()) + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1 && StartsWith(line, "\xEF\xBB\xBF")) line.erase(0, 3);
    if (Trim(line).empty()) continue;
    json value = json::parse(line, nullptr, /*allow_exceptions=*/false);
    Position where{options.file, line_no, line_offset, index++};
    if (value.is_discarded()) {
      std::string why;
      try {
        json ignored = json::parse(line);
      } catch (const json::parse_error& e) {
        why = e.what();
      }
      if (first) {
        return Status::InvalidArgument(options.file + ": not JSON Lines of ActivityStreams "
                                                      "objects: line " +
                                       std::to_string(line_no) + " is not JSON: " + why);
      }
      out.CountRecord();
      out.EmitReject(where, "not a JSON value: " + why, line);
      continue;
    }
    if (first && !value.is_object()) {
      return Status::InvalidArgument(options.file + ": not JSON Lines of ActivityStreams objects: "
                                                    "line " + std::to_string(line_no) + " is " +
                                     Article(value.type_name()));
    }
    first = false;
    converter.Record(value, line, where);
  }
  return Status::Ok();
}

}  // namespace scrm::sources
