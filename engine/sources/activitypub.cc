#include "sources/activitypub.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "sources/activitystreams.h"
#include "sources/dates.h"
#include "sources/json_members.h"
#include "sources/url_util.h"

namespace scrm::sources {
namespace {

using nlohmann::json;

constexpr const char* kActivityJson =
    "application/activity+json, application/ld+json; "
    "profile=\"https://www.w3.org/ns/activitystreams\"";
constexpr const char* kJrdJson = "application/jrd+json, application/json";

// The id of a value that is a URI or an object with an id.
std::string IdOf(const json* v) {
  if (!v) return "";
  if (v->is_string()) return v->get<std::string>();
  return v->is_object() ? StringMember(*v, "id") : std::string();
}

bool IsHttpUrl(std::string_view s) { return StartsWith(s, "https://") || StartsWith(s, "http://"); }

// The host with its port ("host:8080"), lower-cased: what must match for a
// document to speak for an actor.
std::string Origin(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  size_t begin = scheme + 3;
  size_t end = url.find_first_of("/?#", begin);
  std::string authority(url.substr(begin, end == std::string_view::npos ? url.npos : end - begin));
  size_t at = authority.rfind('@');
  if (at != std::string::npos) authority.erase(0, at + 1);
  return ToLowerAscii(authority);
}

bool IsActorType(const json& o) {
  static const std::set<std::string> kActors = {"Person", "Service", "Application", "Group",
                                                "Organization"};
  const json* t = Member(o, "type");
  if (t && t->is_string()) return kActors.count(t->get<std::string>()) > 0;
  if (t && t->is_array()) {
    for (const auto& e : *t) {
      if (e.is_string() && kActors.count(e.get<std::string>())) return true;
    }
  }
  return false;
}

// Forwards to the caller's sink and counts what passed.
class CountingSink : public RecordSink {
 public:
  explicit CountingSink(RecordSink& next) : next_(next) {}
  void OnPost(Post post, const Position& where) override {
    ++posts;
    next_.OnPost(std::move(post), where);
  }
  void OnProfile(Profile profile, const Position& where) override {
    ++profiles;
    next_.OnProfile(std::move(profile), where);
  }
  void OnDelete(Deletion deletion, const Position& where) override {
    next_.OnDelete(std::move(deletion), where);
  }
  void OnReject(Reject reject) override { next_.OnReject(std::move(reject)); }
  int posts = 0;
  int profiles = 0;

 private:
  RecordSink& next_;
};

// What a round leaves for the next: the actor's ETag, its outbox, and the
// id of the newest outbox item read.
struct State {
  std::string etag;
  std::string outbox;
  std::string seen;
  std::string moved_to;         // the actor's movedTo, kept while its document is not modified
  bool sign_path_only = false;  // Client::sign_path_only, learnt in an earlier round

  static State Parse(const std::string& text) {
    State s;
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return s;  // "" (first round) or unreadable: start afresh
    s.etag = StringMember(j, "etag");
    s.outbox = StringMember(j, "outbox");
    s.seen = StringMember(j, "seen");
    s.moved_to = StringMember(j, "moved_to");
    const json* path_only = Member(j, "sign_path_only");
    s.sign_path_only = path_only && path_only->is_boolean() && path_only->get<bool>();
    return s;
  }
  std::string Dump() const {
    json j{{"etag", etag}, {"outbox", outbox}, {"seen", seen}};
    if (sign_path_only) j["sign_path_only"] = true;
    if (!moved_to.empty()) j["moved_to"] = moved_to;
    return j.dump();
  }
};

// When an outbox item happened: the later of the activity's and its
// object's `published` (an Update of an old post is as new as the Update);
// 0 when neither says.
int64_t ItemTime(const json& item) {
  int64_t t = ParseW3cDate(StringMember(item, "published")).value_or(0);
  if (const json* obj = Member(item, "object"); obj && obj->is_object()) {
    t = std::max(t, ParseW3cDate(StringMember(*obj, "published")).value_or(0));
  }
  return t;
}

// The post ids an outbox item lists: its own id (a share's, a bare
// object's) and its object's (a Create's or Update's post); a Delete's
// object is not listed but removed.
void ListedIds(const json& item, std::set<std::string>& seen) {
  if (std::string id = IdOf(&item); !id.empty()) seen.insert(id);
  const json* type = Member(item, "type");
  if (type && type->is_string() && type->get<std::string>() == "Delete") return;
  if (std::string object = IdOf(Member(item, "object")); !object.empty()) seen.insert(object);
}

}  // namespace

std::string ActivityPubAcct(std::string_view text) {
  std::string s(Trim(std::string(text)));
  if (StartsWith(s, "acct:")) s.erase(0, 5);
  if (IsHttpUrl(s)) {
    // https://host/@alice (a profile page): alice@host.
    std::string host = Origin(s);
    size_t path = s.find('/', s.find("://") + 3);
    if (host.empty() || path == std::string::npos || s.compare(path, 2, "/@") != 0) return "";
    std::string user = s.substr(path + 2);
    while (!user.empty() && user.back() == '/') user.pop_back();
    if (user.empty() || user.find_first_of("/?#@") != std::string::npos) return "";
    return user + "@" + host;
  }
  if (!s.empty() && s[0] == '@') s.erase(0, 1);
  size_t at = s.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= s.size()) return "";
  std::string user = s.substr(0, at), host = ToLowerAscii(s.substr(at + 1));
  auto bad = [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '@' || c == '?' ||
           c == '#';
  };
  if (std::any_of(user.begin(), user.end(), bad) || std::any_of(host.begin(), host.end(), bad)) {
    return "";
  }
  // A host has a dot or a port ("localhost:3000"): "alice@bob" is not an address.
  if (host.find('.') == std::string::npos && host.find(':') == std::string::npos) return "";
  return user + "@" + host;
}

ActivityPubNetwork::ActivityPubNetwork(Fetcher& fetcher, ActivityPubOptions options)
    : fetcher_(fetcher), options_(std::move(options)) {}

bool ActivityPubNetwork::Recognises(std::string_view handle_or_url) const {
  std::string s(Trim(std::string(handle_or_url)));
  if (!ActivityPubAcct(s).empty()) return true;
  // Any other web address may be an actor, except Bluesky's profile pages.
  return IsHttpUrl(s) && Origin(s) != "bsky.app" && !Origin(s).empty();
}

namespace {

// One request as every request of this client is made.
struct Client {
  Fetcher& fetcher;
  const ActivityPubOptions& options;
  int timeout_seconds = 10;
  int64_t max_bytes = 4 * 1024 * 1024;
  int requests = 0;
  // Sign the request target without its query: what Fedify (Ghost, Hollo...)
  // verifies, draft-cavage's "(request-target)" being the path and query
  // for Mastodon and the draft. Learnt from a 401 to a signed fetch with a
  // query that the same fetch signed this way passes; kept in the state.
  bool sign_path_only = false;

  std::string Scheme(const std::string& host_port) const {
    std::string host = host_port.substr(0, host_port.rfind(':') == std::string::npos
                                               ? host_port.size()
                                               : host_port.rfind(':'));
    bool plain = std::find(options.http_hosts.begin(), options.http_hosts.end(), host) !=
                 options.http_hosts.end();
    return plain ? "http://" : "https://";
  }

  Result<FetchResult> Get(const std::string& url, const char* accept, const std::string& etag = "") {
    FetchRequest r;
    r.url = url;
    r.accept = accept;
    r.etag = etag;
    r.timeout_seconds = timeout_seconds;
    r.max_bytes = max_bytes;
    r.headers_for = sign_path_only ? PathOnly(options.sign) : options.sign;
    ++requests;
    Result<FetchResult> got = fetcher.Fetch(r);
    if (!got.ok() && options.sign && !sign_path_only && IsUnauthorized(got.status()) &&
        url.find('?') != std::string::npos) {
      r.headers_for = PathOnly(options.sign);
      ++requests;
      Result<FetchResult> again = fetcher.Fetch(r);
      if (again.ok()) {
        sign_path_only = true;
        return again;
      }
    }
    if (got.ok()) return got;
    return Refused(got.status(), url, static_cast<bool>(options.sign));
  }

  static bool IsUnauthorized(const Status& s) {
    return s.message().find("server answered 401") != std::string::npos;
  }

  static decltype(ActivityPubOptions::sign) PathOnly(decltype(ActivityPubOptions::sign) sign) {
    return [sign = std::move(sign)](const std::string& host, const std::string& target) {
      return sign(host, target.substr(0, target.find('?')));
    };
  }

  // A 401 says what the admin can do about it: servers that require
  // authorized fetch answer it to unsigned requests and to signatures they
  // cannot verify (they fetch the key's actor again first, so a key that
  // changed only fails when that actor cannot be fetched, or is stale).
  static Status Refused(const Status& s, const std::string& url, bool signed_fetch) {
    if (!IsUnauthorized(s)) return s;
    const std::string host = Origin(url);
    return Status::FailedPrecondition(
        s.message() +
        (signed_fetch
             ? ": " + host + " did not accept the engine's signature; it verifies it with the "
                   "public key of the engine's actor (activitypub.base_url + /ap/actor), which it "
                   "must be able to fetch and which must show the key of activitypub.key_file"
             : ": " + host + " requires signed fetches (authorized fetch); set "
                   "activitypub.base_url so that scrm signs them with its actor's key"));
  }

  // A JSON object from a response, or a Status naming the URL.
  static Result<json> Object(const FetchResult& r, const std::string& url, const char* what) {
    json j = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) {
      return Status::FailedPrecondition(std::string(what) + " at " + RedactUrl(url) +
                                        " is not a JSON object (" + std::to_string(r.body.size()) +
                                        " bytes): the server does not speak ActivityPub there");
    }
    return j;
  }
};

Status WithAccount(const Status& s, const std::string& who) {
  if (s.ok()) return s;
  std::string msg = who + ": " + s.message();
  switch (s.code()) {
    case Status::Code::kUnavailable: return Status::Unavailable(msg);
    case Status::Code::kNotFound: return Status::NotFound(msg);
    case Status::Code::kInvalidArgument: return Status::InvalidArgument(msg);
    default: return Status::FailedPrecondition(msg);
  }
}

}  // namespace

Result<RemoteAccount> ActivityPubNetwork::Resolve(std::string_view handle_or_url) {
  Client client{fetcher_, options_};
  std::string text(Trim(std::string(handle_or_url)));
  std::string acct = ActivityPubAcct(text);
  std::string actor_url;
  if (!acct.empty()) {
    std::string host = acct.substr(acct.find('@') + 1);
    std::string url = client.Scheme(host) + host +
                      "/.well-known/webfinger?resource=" + PercentEncode("acct:" + acct, "@:");
    auto r = client.Get(url, kJrdJson);
    if (!r.ok()) {
      const std::string& m = r.status().message();
      if (m.find("server answered 404") != std::string::npos ||
          m.find("server answered 410") != std::string::npos) {
        return Status::NotFound("WebFinger at " + host + " knows no account " + acct +
                                " (check the spelling of the handle)");
      }
      return WithAccount(r.status(), "resolving " + acct + " by WebFinger");
    }
    auto jrd = Client::Object(*r, url, "the WebFinger answer");
    if (!jrd.ok()) return WithAccount(jrd.status(), "resolving " + acct);
    if (const json* links = Member(*jrd, "links"); links && links->is_array()) {
      for (const auto& l : *links) {
        std::string type = StringMember(l, "type");
        if (StringMember(l, "rel") == "self" &&
            (type == "application/activity+json" ||
             (StartsWith(type, "application/ld+json") &&
              type.find("activitystreams") != std::string::npos)) &&
            IsHttpUrl(StringMember(l, "href"))) {
          actor_url = StringMember(l, "href");
          break;
        }
      }
    }
    if (actor_url.empty()) {
      return Status::NotFound("WebFinger at " + RedactUrl(url) + " gives " + acct +
                              " no 'self' link of type application/activity+json: not an "
                              "ActivityPub account");
    }
  } else if (IsHttpUrl(text)) {
    actor_url = text;
  } else {
    return Status::InvalidArgument("'" + text + "' is neither a fediverse handle (@alice@host) "
                                   "nor an actor's URL (https://host/users/alice)");
  }

  auto r = client.Get(actor_url, kActivityJson);
  if (!r.ok()) return WithAccount(r.status(), "resolving " + text);
  auto doc = Client::Object(*r, actor_url, "the actor document");
  if (!doc.ok()) return WithAccount(doc.status(), "resolving " + text);
  std::string id = StringMember(*doc, "id");
  if (!IsActorType(*doc) || !IsHttpUrl(id)) {
    return Status::FailedPrecondition("resolving " + text + ": " + RedactUrl(actor_url) +
                                      " is not an actor (Person, Service, Group...) with an id");
  }
  // The document speaks for its own server only: an id on another host
  // would let one server pose as another's users.
  if (Origin(id) != Origin(r->final_url.empty() ? actor_url : r->final_url)) {
    return Status::FailedPrecondition("resolving " + text + ": the document at " +
                                      RedactUrl(actor_url) + " claims the id " + id +
                                      ", on another host: refused");
  }
  RemoteAccount account;
  account.network = "activitypub";
  account.id = id;
  std::string user = StringMember(*doc, "preferredUsername");
  account.handle = !acct.empty() ? acct : (user.empty() ? "" : user + "@" + Origin(id));
  std::string page;
  if (const json* url = Member(*doc, "url")) {
    page = url->is_string() ? url->get<std::string>() : IdOf(url);
  }
  account.profile_url = IsHttpUrl(page) ? page : id;
  account.platform = "mastodon";
  if (const json* aka = Member(*doc, "alsoKnownAs")) {
    for (const json& a : aka->is_array() ? *aka : json::array({*aka})) {
      if (std::string other = IdOf(&a); IsHttpUrl(other)) account.also_known_as.push_back(other);
    }
  }
  return account;
}

std::string ActivityPubNetwork::HostOf(const RemoteAccount& account, const std::string&) const {
  return Origin(account.id);
}

Result<FollowReport> ActivityPubNetwork::Follow(const RemoteAccount& account,
                                                const std::string& state_text,
                                                const FollowLimits& limits, RecordSink& sink) {
  Client client{fetcher_, options_, limits.timeout_seconds, limits.max_page_bytes};
  State state = State::Parse(state_text);
  client.sign_path_only = state.sign_path_only;
  FollowReport report;
  CountingSink counted(sink);
  const std::string who = "following " + account.id;
  ParseOptions parse;
  parse.platform = account.platform.empty() ? "mastodon" : account.platform;

  // The actor: its profile, and where its outbox is.
  auto actor = client.Get(account.id, kActivityJson, state.etag);
  if (!actor.ok()) return WithAccount(actor.status(), who);
  if (actor->status != 304) {
    auto doc = Client::Object(*actor, account.id, "the actor document");
    if (!doc.ok()) return WithAccount(doc.status(), who);
    if (StringMember(*doc, "id") != account.id || !IsActorType(*doc)) {
      return Status::FailedPrecondition(who + ": the document at " + RedactUrl(account.id) +
                                        " is not that actor any more (its id is '" +
                                        StringMember(*doc, "id") + "'): resolve the handle again");
    }
    std::istringstream in(actor->body);
    parse.file = account.id;
    Status s = ParseActivityStreams(in, parse, counted);
    if (!s.ok()) return WithAccount(s, who);
    std::string outbox = IdOf(Member(*doc, "outbox"));
    state.outbox = Origin(outbox) == Origin(account.id) ? outbox : "";
    state.etag = actor->etag;
    const std::string moved_to = IdOf(Member(*doc, "movedTo"));
    state.moved_to = IsHttpUrl(moved_to) && moved_to != account.id ? moved_to : "";
  }
  report.profile = counted.profiles > 0;
  report.moved_to = state.moved_to;
  if (state.outbox.empty()) {
    report.requests = client.requests;
    state.sign_path_only = client.sign_path_only;
    report.state = state.Dump();
    return report;
  }

  // The outbox, newest first, page by page. The items from the newest one
  // seen before onwards were handed over in an earlier round: the rest of
  // their page is only looked at, so that its posts count as still listed.
  // A page read to its end widens the span read (FollowReport::span) down
  // to its last item's time; one cut off by max_posts does not.
  std::set<std::string> visited;
  std::string newest;
  bool done = false;
  bool past_seen = false;
  auto read_page = [&](const json& page, const std::string& where) {
    std::set<std::string> listed;
    int64_t last_time = 0;
    for (const char* key : {"orderedItems", "items"}) {
      const json* items = Member(page, key);
      if (!items || !items->is_array()) continue;
      for (const auto& item : *items) {
        std::string id = IdOf(&item);
        if (!past_seen && !state.seen.empty() && id == state.seen) {
          past_seen = true;
          done = true;
        }
        if (!past_seen && counted.posts >= limits.max_posts) {
          done = true;
          report.span.seen.insert(listed.begin(), listed.end());
          return;  // cut off: the page does not widen the span
        }
        if (!past_seen && newest.empty()) newest = id;
        // Only the account's own activities and objects: an outbox that
        // carries someone else's words is not believed.
        std::string by = IdOf(Member(item, "actor"));
        if (by.empty()) by = IdOf(Member(item, "attributedTo"));
        if (by != account.id) continue;
        ListedIds(item, listed);
        if (int64_t t = ItemTime(item); t > 0) last_time = t;
        if (past_seen) continue;
        std::istringstream in(item.dump());
        parse.file = where;
        ParseActivityStreams(in, parse, counted);
      }
    }
    report.span.seen.insert(listed.begin(), listed.end());
    if (last_time > 0) {
      report.span.order = ReadSpan::Order::kPublished;
      report.span.oldest_published = last_time;
    }
  };

  auto outbox = client.Get(state.outbox, kActivityJson);
  if (!outbox.ok()) return WithAccount(outbox.status(), who);
  auto collection = Client::Object(*outbox, state.outbox, "the outbox");
  if (!collection.ok()) return WithAccount(collection.status(), who);
  visited.insert(state.outbox);
  std::string next;
  int pages = 0;
  if (const json* first = Member(*collection, "first"); first && first->is_object()) {
    ++pages;
    read_page(*first, state.outbox);
    next = IdOf(Member(*first, "next"));
  } else if (first) {
    next = IdOf(first);
  } else {
    ++pages;
    read_page(*collection, state.outbox);  // an outbox that is not paged
  }
  while (!done && !next.empty() && pages < limits.max_pages) {
    if (visited.count(next) || Origin(next) != Origin(state.outbox)) break;
    visited.insert(next);
    auto page = client.Get(next, kActivityJson);
    if (!page.ok()) return WithAccount(page.status(), who);
    auto doc = Client::Object(*page, next, "the outbox page");
    if (!doc.ok()) return WithAccount(doc.status(), who);
    ++pages;
    read_page(*doc, next);
    next = IdOf(Member(*doc, "next"));
  }
  if (!newest.empty()) state.seen = newest;
  state.sign_path_only = client.sign_path_only;
  report.requests = client.requests;
  report.posts = counted.posts;
  report.state = state.Dump();
  return report;
}

}  // namespace scrm::sources
