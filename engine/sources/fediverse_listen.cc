#include "sources/fediverse_listen.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/source.h"
#include "core/text.h"
#include "sources/activitystreams.h"
#include "sources/json_members.h"
#include "sources/url_util.h"

namespace scrm::sources {
namespace {

using nlohmann::json;

constexpr const char* kActivityJson =
    "application/activity+json, application/ld+json; "
    "profile=\"https://www.w3.org/ns/activitystreams\"";

bool IsHttpUrl(const std::string& s) { return StartsWith(s, "https://") || StartsWith(s, "http://"); }

// The ActivityPub id of a status's author: the account's `uri` (servers
// older than Mastodon 4.2 give only `url`, which Pleroma and Akkoma make the
// same); "" when it has no http(s) one.
std::string AuthorIdOf(const json& status) {
  const json* account = Member(status, "account");
  if (!account) return "";
  std::string id = StringMember(*account, "uri");
  if (!IsHttpUrl(id)) id = StringMember(*account, "url");
  return IsHttpUrl(id) ? id : "";
}

// The ActivityStreams Note a status stands for, its author named by id and
// the post it replies to by `in_reply_to` (its ActivityPub id, "" when not
// known). Null with *problem naming the field when the status cannot be one.
json NoteOf(const json& status, const std::string& in_reply_to, std::string* problem) {
  const std::string uri = StringMember(status, "uri");
  if (!IsHttpUrl(uri)) {
    *problem = "the status has no http(s) 'uri' (the post's ActivityPub id)";
    return json();
  }
  const std::string author = AuthorIdOf(status);
  if (author.empty()) {
    *problem = "the status's 'account' has no http(s) 'uri' or 'url' (its author's id)";
    return json();
  }
  json note{{"type", "Note"}, {"id", uri}, {"content", StringMember(status, "content")},
            {"attributedTo", author}};
  if (std::string v = StringMember(status, "created_at"); !v.empty()) note["published"] = v;
  if (std::string v = StringMember(status, "edited_at"); !v.empty()) note["updated"] = v;
  if (std::string v = StringMember(status, "url"); IsHttpUrl(v)) note["url"] = v;
  if (std::string v = StringMember(status, "spoiler_text"); !v.empty()) note["summary"] = v;
  if (!in_reply_to.empty()) note["inReplyTo"] = in_reply_to;
  if (std::string lang = StringMember(status, "language"); IsWellFormedLanguageTag(lang)) {
    note["contentMap"] = {{lang, note["content"]}};
  }
  json tags = json::array();
  if (const json* list = Member(status, "tags"); list && list->is_array()) {
    for (const json& t : *list) {
      if (std::string name = StringMember(t, "name"); !name.empty()) {
        tags.push_back({{"type", "Hashtag"}, {"name", "#" + name}, {"href", StringMember(t, "url")}});
      }
    }
  }
  if (const json* list = Member(status, "mentions"); list && list->is_array()) {
    for (const json& m : *list) {
      std::string acct = StringMember(m, "acct");
      const std::string href = StringMember(m, "url");
      if (acct.empty()) continue;
      // A local account's acct is its bare name: its server is its page's.
      if (acct.find('@') == std::string::npos && !UrlHostPort(href).empty()) {
        acct += "@" + UrlHostPort(href);
      }
      tags.push_back({{"type", "Mention"}, {"name", "@" + acct}, {"href", href}});
    }
  }
  if (!tags.empty()) note["tag"] = std::move(tags);
  if (const json* media = Member(status, "media_attachments"); media && media->is_array()) {
    json attachment = json::array();
    for (const json& m : *media) {
      std::string url = StringMember(m, "remote_url");
      if (!IsHttpUrl(url)) url = StringMember(m, "url");
      if (!IsHttpUrl(url)) continue;
      json a{{"type", "Document"}, {"url", url}};
      if (std::string d = StringMember(m, "description"); !d.empty()) a["name"] = d;
      attachment.push_back(std::move(a));
    }
    if (!attachment.empty()) note["attachment"] = std::move(attachment);
  }
  return note;
}

// Hands on what the parser made of one status, with the status as the
// server gave it as the post's raw record: what an export gives back.
class AsRead : public RecordSink {
 public:
  AsRead(RecordSink& next, const json& status) : next_(next), status_(status) {}
  void OnPost(Post post, const Position& where) override {
    post.raw = status_.dump();
    next_.OnPost(std::move(post), where);
  }
  void OnProfile(Profile profile, const Position& where) override {
    next_.OnProfile(std::move(profile), where);
  }
  void OnDelete(Deletion deletion, const Position& where) override {
    next_.OnDelete(std::move(deletion), where);
  }
  void OnReject(Reject reject) override {
    reject.raw = status_.dump();
    next_.OnReject(std::move(reject));
  }

 private:
  RecordSink& next_;
  const json& status_;
};

// A fetch's refusal as the admin can act on it.
Status Refused(const Status& s, const FediverseTag& t, const std::string& url) {
  const std::string& m = s.message();
  const std::string where = "#" + t.tag + " on " + t.host;
  for (const char* code : {"401", "403", "422"}) {
    if (m.find(std::string("server answered ") + code) != std::string::npos) {
      return Status::FailedPrecondition(
          RedactUrl(url) + ": " + t.host + " answered " + code +
          ": it shows its hashtag timelines only to its signed-in users; listen for " + where +
          "'s tag on another server");
    }
  }
  if (m.find("server answered 404") != std::string::npos ||
      m.find("server answered 410") != std::string::npos) {
    return Status::NotFound(RedactUrl(url) + ": " + t.host +
                            " has no hashtag timeline at /api/v1/timelines/tag: it does not "
                            "offer the Mastodon client API that Mastodon, Pleroma, Akkoma and "
                            "GoToSocial serve; listen on one of those");
  }
  if (s.code() == Status::Code::kUnavailable) return s;
  return Status::FailedPrecondition(m);
}

}  // namespace

FediverseListener::FediverseListener(Fetcher& fetcher, FediverseListenOptions options)
    : fetcher_(fetcher), options_(std::move(options)) {}

std::string FediverseListener::ParentOf(const json& status, const std::string& base_url,
                                        const FollowLimits& limits, Parents& parents,
                                        int* requests) {
  const std::string parent = StringMember(status, "in_reply_to_id");
  if (parent.empty()) return "";
  auto [it, asked_now] = parents.emplace(parent, "");
  if (!asked_now) return it->second;
  // Not among this poll's statuses: the server's own record of it.
  FetchRequest req;
  req.url = base_url + "/api/v1/statuses/" + PercentEncode(parent);
  req.accept = "application/json";
  req.timeout_seconds = limits.timeout_seconds;
  req.max_bytes = limits.max_page_bytes;
  ++*requests;
  Result<FetchResult> got = fetcher_.Fetch(req);
  if (!got.ok()) return "";  // gone, or not public: the reply is kept without its parent
  const json doc = json::parse(got->body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_object() && StringMember(doc, "id") == parent &&
      IsHttpUrl(StringMember(doc, "uri"))) {
    it->second = StringMember(doc, "uri");
  }
  return it->second;
}

int FediverseListener::ProfileFromOrigin(const std::string& actor_id, const FollowLimits& limits,
                                         RecordSink& sink, int* requests,
                                         std::set<std::string>& failed_hosts) {
  const std::string host = ToLowerAscii(UrlHostPort(actor_id));
  if (host.empty() || failed_hosts.count(host)) return 0;
  FetchRequest req;
  req.url = actor_id;
  req.accept = kActivityJson;
  req.timeout_seconds = limits.timeout_seconds;
  req.max_bytes = limits.max_page_bytes;
  ++*requests;
  Result<FetchResult> got = fetcher_.Fetch(req);
  if (!got.ok()) {
    failed_hosts.insert(host);
    return 0;
  }
  // Its own document, from its own server.
  const json doc = json::parse(got->body, nullptr, /*allow_exceptions=*/false);
  const std::string final_url = got->final_url.empty() ? actor_id : got->final_url;
  if (!doc.is_object() || StringMember(doc, "id") != actor_id ||
      ToLowerAscii(UrlHostPort(final_url)) != host) {
    return 0;
  }
  ParseOptions parse;
  parse.platform = "mastodon";
  parse.file = actor_id;
  ParseStats stats;
  std::istringstream in(got->body);
  ParseActivityStreams(in, parse, sink, &stats);
  return static_cast<int>(stats.profiles);
}

bool FediverseListener::Takes(const std::string& term) const {
  return FediverseTagOf(term).has_value();
}

Result<ListenReport> FediverseListener::Listen(const std::string& term, const std::string& state,
                                               const FollowLimits& limits, RecordSink& sink) {
  const std::optional<FediverseTag> t = FediverseTagOf(term);
  if (!t) {
    return Status::InvalidArgument("'" + term + "' is not a fediverse hashtag (#tag@server)");
  }
  json st = json::parse(state.empty() ? "{}" : state, nullptr, false);
  const std::string seen = st.is_object() ? StringMember(st, "newest") : "";
  const std::string host_only = t->host.substr(0, t->host.find(':'));
  const bool plain = std::find(options_.http_hosts.begin(), options_.http_hosts.end(),
                               host_only) != options_.http_hosts.end();
  const int per_page = std::max(1, std::min(40, limits.max_posts));
  const std::string server = std::string(plain ? "http://" : "https://") + t->host;
  std::string base = server + "/api/v1/timelines/tag/" + PercentEncode(t->tag) +
                     "?limit=" + std::to_string(per_page);
  if (!seen.empty()) base += "&since_id=" + PercentEncode(seen);

  ListenReport report;
  std::string newest, max_id;
  std::set<std::string> authors;       // whose actor was read in this poll
  std::set<std::string> failed_hosts;  // whose actors could not be read this poll
  Parents parents;                     // server's status id -> ActivityPub id, this poll
  int handed = 0;
  ParseOptions parse;
  parse.platform = "mastodon";
  for (int page_no = 0; page_no < limits.max_pages && handed < limits.max_posts; ++page_no) {
    const std::string url = max_id.empty() ? base : base + "&max_id=" + PercentEncode(max_id);
    FetchRequest req;
    req.url = url;
    req.accept = "application/json";
    req.timeout_seconds = limits.timeout_seconds;
    req.max_bytes = limits.max_page_bytes;
    ++report.requests;
    Result<FetchResult> got = fetcher_.Fetch(req);
    if (!got.ok()) return Refused(got.status(), *t, url);
    const json page = json::parse(got->body, nullptr, /*allow_exceptions=*/false);
    if (!page.is_array()) {
      return Status::FailedPrecondition(
          RedactUrl(url) + ": the answer is not a JSON array of statuses (" +
          std::to_string(got->body.size()) + " bytes): " + t->host +
          " does not serve Mastodon's hashtag timeline there");
    }
    // A reply's parent is often on the same page (older, so after it).
    for (const json& status : page) {
      const std::string id = StringMember(status, "id"), uri = StringMember(status, "uri");
      if (!id.empty() && IsHttpUrl(uri)) parents.emplace(id, uri);
    }
    bool reached_seen = false;
    std::string last_id;
    int64_t record = 0;
    for (const json& status : page) {
      if (handed >= limits.max_posts) break;
      const std::string id = StringMember(status, "id");
      Position where;
      where.file = RedactUrl(url);
      where.record = record++;
      if (id.empty()) {
        sink.OnReject({where, "the status has no 'id' (the server's id of it, a string)",
                       status.dump()});
        continue;
      }
      if (id == seen) {  // a server that does not honour since_id
        reached_seen = true;
        break;
      }
      if (newest.empty()) newest = id;
      last_id = id;
      if (Member(status, "reblog")) continue;  // a share, not a post of the tag's
      std::string problem;
      const json note =
          NoteOf(status, ParentOf(status, server, limits, parents, &report.requests), &problem);
      if (note.is_null()) {
        sink.OnReject({where, problem, status.dump()});
        continue;
      }
      // The author's profile from their actor document, once per poll.
      if (const std::string author = AuthorIdOf(status); authors.insert(author).second) {
        report.profiles += ProfileFromOrigin(author, limits, sink, &report.requests, failed_hosts);
      }
      std::istringstream in(note.dump());
      parse.file = where.file;
      ParseStats stats;
      AsRead as_read(sink, status);
      ParseActivityStreams(in, parse, as_read, &stats);
      handed += static_cast<int>(stats.posts);
      report.posts += static_cast<int>(stats.posts);
      report.profiles += static_cast<int>(stats.profiles);
    }
    if (reached_seen || last_id.empty() || static_cast<int>(page.size()) < per_page) break;
    max_id = last_id;
  }
  report.state = json{{"newest", newest.empty() ? seen : newest}}.dump();
  return report;
}

}  // namespace scrm::sources
