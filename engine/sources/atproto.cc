#include "sources/atproto.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/source.h"
#include "core/text.h"
#include "sources/dates.h"
#include "sources/entities.h"
#include "sources/url_util.h"

namespace scrm::sources {

namespace {

using json = nlohmann::json;

constexpr char kPostCollection[] = "app.bsky.feed.post";
constexpr char kProfileCollection[] = "app.bsky.actor.profile";
constexpr size_t kMaxRecordBytes = 64 * 1024;  // a post's text is 300 graphemes; this is plenty

std::string Str(const json& o, const char* key) {
  if (!o.is_object()) return "";
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : "";
}

const json* Obj(const json& o, const char* key) {
  if (!o.is_object()) return nullptr;
  auto it = o.find(key);
  return it != o.end() && it->is_object() ? &*it : nullptr;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// "did:plc:abc" or "did:web:host": the DID syntax (method, then an id of
// the allowed characters), bounded.
bool IsDid(std::string_view s) {
  if (s.size() < 8 || s.size() > 2048 || !StartsWith(s, "did:")) return false;
  size_t colon = s.find(':', 4);
  if (colon == std::string_view::npos || colon == 4 || colon + 1 == s.size()) return false;
  for (size_t i = 4; i < colon; ++i) {
    if (!std::islower(static_cast<unsigned char>(s[i]))) return false;
  }
  for (size_t i = colon + 1; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (!std::isalnum(c) && c != '.' && c != '_' && c != ':' && c != '%' && c != '-') return false;
  }
  return true;
}

// A handle: a domain name of at least two labels (letters, digits, '-').
bool IsHandle(std::string_view s) {
  if (s.size() < 3 || s.size() > 253 || s.find('.') == std::string_view::npos) return false;
  if (s.front() == '.' || s.back() == '.' || s.find("..") != std::string_view::npos) return false;
  for (unsigned char c : s) {
    if (!std::isalnum(c) && c != '.' && c != '-') return false;
  }
  return !std::isdigit(static_cast<unsigned char>(s.back()));  // not an IPv4 address
}

std::string LowerAscii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The record key of an at:// URI (its last segment).
std::string RkeyOf(const std::string& uri) {
  size_t slash = uri.rfind('/');
  return slash == std::string::npos ? "" : uri.substr(slash + 1);
}

Result<json> ParseObject(std::string_view text, const std::string& what) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::FailedPrecondition(what + " is not a JSON object (" +
                                      std::to_string(text.size()) + " bytes)");
  }
  return j;
}

void AddUnique(std::vector<std::string>& v, const std::string& s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

// Facets (app.bsky.richtext.facet): byte ranges of the text with features.
// Mentions are written as the text shows them ("bob.test"), links as their
// URI, tags without '#'.
void ApplyFacets(const json& record, Post& post) {
  auto facets = record.find("facets");
  if (facets == record.end() || !facets->is_array()) return;
  for (const json& facet : *facets) {
    const json* index = Obj(facet, "index");
    auto features = facet.is_object() ? facet.find("features") : facet.end();
    if (features == facet.end() || !features->is_array()) continue;
    std::string slice;
    if (index != nullptr && index->contains("byteStart") && index->contains("byteEnd") &&
        (*index)["byteStart"].is_number_unsigned() && (*index)["byteEnd"].is_number_unsigned()) {
      const size_t start = (*index)["byteStart"].get<size_t>();
      const size_t end = (*index)["byteEnd"].get<size_t>();
      if (start < end && end <= post.text.size()) slice = post.text.substr(start, end - start);
    }
    for (const json& feature : *features) {
      const std::string type = Str(feature, "$type");
      if (type == "app.bsky.richtext.facet#mention") {
        std::string handle = slice;
        if (!handle.empty() && handle[0] == '@') handle.erase(0, 1);
        AddUnique(post.mentions, handle.empty() ? Str(feature, "did") : handle);
      } else if (type == "app.bsky.richtext.facet#link") {
        AddUnique(post.links, Str(feature, "uri"));
      } else if (type == "app.bsky.richtext.facet#tag") {
        std::string tag = Str(feature, "tag");
        if (!tag.empty() && tag[0] == '#') tag.erase(0, 1);
        AddUnique(post.hashtags, tag);
      }
    }
  }
}

// A record of listRecords (the record under "value") or a post view of
// searchPosts (under "record") as a Post, or why not.
Result<Post> PostOf(const json& item, const char* record_key, const RemoteAccount& account,
                    const std::string& app_url) {
  const std::string uri = Str(item, "uri");
  const std::string prefix = "at://" + account.id + "/" + kPostCollection + "/";
  if (!StartsWith(uri, prefix) || uri.size() == prefix.size()) {
    return Status::InvalidArgument("'uri' must be at://" + account.id + "/" + kPostCollection +
                                   "/RKEY, got '" + uri.substr(0, 200) + "'");
  }
  const json* value = Obj(item, record_key);
  if (value == nullptr) {
    return Status::InvalidArgument("'" + std::string(record_key) + "' (the post record) is missing");
  }
  const std::string type = Str(*value, "$type");
  if (!type.empty() && type != kPostCollection) {
    return Status::InvalidArgument("the record's $type is '" + type + "', not " + kPostCollection);
  }
  Post post;
  post.external_id = uri;
  post.platform = account.platform.empty() ? "bluesky" : account.platform;
  post.author_id = account.id;
  post.author_handle = account.handle;
  post.text = Str(*value, "text");
  const std::string created = Str(*value, "createdAt");
  std::optional<int64_t> published = ParseRfc3339(created);
  if (!published) {
    return Status::InvalidArgument("'createdAt' must be an RFC 3339 time, got '" +
                                   created.substr(0, 60) + "'");
  }
  post.published = *published;
  post.url = app_url + "/profile/" + (account.handle.empty() ? account.id : account.handle) +
             "/post/" + RkeyOf(uri);
  if (auto langs = value->find("langs"); langs != value->end() && langs->is_array() &&
                                         !langs->empty() && (*langs)[0].is_string()) {
    post.language = LowerAscii((*langs)[0].get<std::string>().substr(0, 2));
  }
  if (const json* reply = Obj(*value, "reply")) {
    if (const json* parent = Obj(*reply, "parent")) {
      post.in_reply_to = Str(*parent, "uri");
      post.kind = "reply";
    }
  }
  if (const json* embed = Obj(*value, "embed")) {
    const json* record = Obj(*embed, "record");
    if (record != nullptr && Obj(*record, "record") != nullptr) record = Obj(*record, "record");
    if (record != nullptr && !Str(*record, "uri").empty()) post.shared_id = Str(*record, "uri");
    if (const json* external = Obj(*embed, "external")) AddUnique(post.links, Str(*external, "uri"));
  }
  ApplyFacets(*value, post);
  post.raw = item.dump();
  if (post.raw.size() > kMaxRecordBytes) {
    return Status::InvalidArgument("the record is " + std::to_string(post.raw.size()) +
                                   " bytes, more than a post may be (" +
                                   std::to_string(kMaxRecordBytes) + ")");
  }
  return post;
}

// E-mail addresses and websites written in a profile's bio, for matching.
void AddBioEntities(Profile& p) {
  for (const Entity& e : ExtractEntities(p.bio)) {
    if (e.kind == EntityKind::kEmail) AddUnique(p.emails, NormalizeEmail(e.text));
    if (e.kind == EntityKind::kUrl) {
      AddUnique(p.websites, StartsWith(e.text, "http") ? e.text : "https://" + e.text);
    }
  }
}

// The account of an AppView's profile view (author of a post view, or a
// getProfiles entry); its id empty when the view has no valid DID.
RemoteAccount AccountOfView(const json& view, const std::string& app_url) {
  RemoteAccount a;
  a.network = "atproto";
  a.platform = "bluesky";
  if (IsDid(Str(view, "did"))) a.id = Str(view, "did");
  const std::string handle = LowerAscii(Str(view, "handle"));
  if (IsHandle(handle)) a.handle = handle;
  a.profile_url = app_url + "/profile/" + (a.handle.empty() ? a.id : a.handle);
  return a;
}

Reject RejectOf(const json& item, const std::string& file, int64_t record, const Status& why) {
  Position where;
  where.file = file;
  where.record = record;
  std::string raw = item.dump();
  if (raw.size() > 1024 * 1024) raw.resize(1024 * 1024);
  return Reject{where, why.message(), std::move(raw)};
}

std::string Epoch() { return std::to_string(static_cast<int64_t>(std::time(nullptr))); }

}  // namespace

Result<std::string> ParseResolvedDid(std::string_view text) {
  // nlohmann's parser refuses invalid UTF-8: every string below is valid.
  Result<json> j = ParseObject(text, "the resolveHandle answer");
  if (!j.ok()) return j.status();
  const std::string did = Str(*j, "did");
  if (!IsDid(did)) {
    return Status::FailedPrecondition("the resolveHandle answer has no valid 'did' (got '" +
                                      did.substr(0, 100) + "')");
  }
  return did;
}

Result<DidDocument> ParseDidDocument(std::string_view text) {
  Result<json> j = ParseObject(text, "the DID document");
  if (!j.ok()) return j.status();
  DidDocument doc;
  doc.did = Str(*j, "id");
  if (!IsDid(doc.did)) return Status::FailedPrecondition("the DID document has no valid 'id'");
  if (auto aka = j->find("alsoKnownAs"); aka != j->end() && aka->is_array()) {
    for (const json& a : *aka) {
      if (!a.is_string()) continue;
      const std::string s = a.get<std::string>();
      if (StartsWith(s, "at://") && IsHandle(s.substr(5))) {
        doc.handle = LowerAscii(s.substr(5));
        break;
      }
    }
  }
  if (auto services = j->find("service"); services != j->end() && services->is_array()) {
    for (const json& s : *services) {
      const std::string id = Str(s, "id");
      if ((id == "#atproto_pds" || id == doc.did + "#atproto_pds") &&
          Str(s, "type") == "AtprotoPersonalDataServer") {
        doc.pds = Str(s, "serviceEndpoint");
        break;
      }
    }
  }
  if (!StartsWith(doc.pds, "https://") && !StartsWith(doc.pds, "http://")) {
    return Status::FailedPrecondition("the DID document of " + doc.did +
                                      " names no PDS (service #atproto_pds with an http(s) "
                                      "endpoint)");
  }
  while (!doc.pds.empty() && doc.pds.back() == '/') doc.pds.pop_back();
  return doc;
}

Result<PostPage> ParsePostPage(std::string_view text, const RemoteAccount& account,
                               const std::string& app_url) {
  Result<json> j = ParseObject(text, "the listRecords answer");
  if (!j.ok()) return j.status();
  auto records = j->find("records");
  if (records == j->end() || !records->is_array()) {
    return Status::FailedPrecondition("the listRecords answer has no 'records' list");
  }
  PostPage page;
  page.cursor = Str(*j, "cursor");
  int64_t n = 0;
  for (const json& item : *records) {
    Position where;
    where.file = account.id;
    where.record = n++;
    if (const std::string uri = Str(item, "uri"); !uri.empty()) page.uris.push_back(uri);
    Result<Post> post = PostOf(item, "value", account, app_url);
    if (post.ok()) {
      page.rkeys.push_back(RkeyOf(post->external_id));
      page.posts.push_back(std::move(*post));
    } else {
      page.rejects.push_back(RejectOf(item, where.file, where.record, post.status()));
    }
  }
  return page;
}

Result<SearchPage> ParseSearchPage(std::string_view text, const std::string& app_url) {
  Result<json> j = ParseObject(text, "the searchPosts answer");
  if (!j.ok()) return j.status();
  auto posts = j->find("posts");
  if (posts == j->end() || !posts->is_array()) {
    return Status::FailedPrecondition("the searchPosts answer has no 'posts' list");
  }
  SearchPage page;
  page.cursor = Str(*j, "cursor");
  int64_t n = 0;
  for (const json& item : *posts) {
    const int64_t record = n++;
    const json* author = Obj(item, "author");
    RemoteAccount account = AccountOfView(author != nullptr ? *author : json(), app_url);
    Result<Post> post = account.id.empty()
                            ? Result<Post>(Status::InvalidArgument(
                                  "'author' has no valid 'did' (a did:plc: or did:web: identity)"))
                            : PostOf(item, "record", account, app_url);
    std::optional<int64_t> indexed = ParseRfc3339(Str(item, "indexedAt"));
    if (post.ok() && !indexed) {
      post = Status::InvalidArgument("'indexedAt' must be an RFC 3339 time, got '" +
                                     Str(item, "indexedAt").substr(0, 60) + "'");
    }
    if (!post.ok()) {
      page.rejects.push_back(RejectOf(item, "searchPosts", record, post.status()));
      continue;
    }
    page.sort_keys.push_back(std::min(post->published, *indexed));
    page.authors.push_back(std::move(account));
    page.posts.push_back(std::move(*post));
  }
  return page;
}

Result<std::vector<Profile>> ParseProfileViews(std::string_view text, const std::string& app_url) {
  Result<json> j = ParseObject(text, "the getProfiles answer");
  if (!j.ok()) return j.status();
  auto views = j->find("profiles");
  if (views == j->end() || !views->is_array()) {
    return Status::FailedPrecondition("the getProfiles answer has no 'profiles' list");
  }
  std::vector<Profile> out;
  for (const json& view : *views) {
    const RemoteAccount account = AccountOfView(view, app_url);
    if (account.id.empty()) continue;  // a profile of nobody: nothing to store it under
    Profile p;
    p.platform = account.platform;
    p.external_id = account.id;
    p.handle = account.handle;
    p.url = account.profile_url;
    p.display_name = Str(view, "displayName");
    p.bio = Str(view, "description");
    AddBioEntities(p);
    const std::string avatar = Str(view, "avatar");
    if (StartsWith(avatar, "https://") || StartsWith(avatar, "http://")) p.avatar_url = avatar;
    if (auto t = ParseRfc3339(Str(view, "createdAt"))) p.updated = *t;
    p.raw = view.dump();
    out.push_back(std::move(p));
  }
  return out;
}

Result<Profile> ParseProfileRecord(std::string_view text, const RemoteAccount& account,
                                   const std::string& pds, std::string* cid) {
  Result<json> j = ParseObject(text, "the profile record");
  if (!j.ok()) return j.status();
  const json* value = Obj(*j, "value");
  if (value == nullptr) return Status::FailedPrecondition("the profile record has no 'value'");
  if (cid != nullptr) *cid = Str(*j, "cid");
  Profile p;
  p.platform = account.platform.empty() ? "bluesky" : account.platform;
  p.external_id = account.id;
  p.handle = account.handle;
  p.url = account.profile_url;
  p.display_name = Str(*value, "displayName");
  p.bio = Str(*value, "description");
  AddBioEntities(p);
  const std::string website = Str(*value, "website");
  if (StartsWith(website, "https://") || StartsWith(website, "http://")) {
    AddUnique(p.websites, website);
  }
  if (const json* avatar = Obj(*value, "avatar")) {
    std::string link;
    if (const json* ref = Obj(*avatar, "ref")) link = Str(*ref, "$link");
    if (!link.empty() && !pds.empty()) {
      p.avatar_url = pds + "/xrpc/com.atproto.sync.getBlob?did=" + PercentEncode(account.id, ":") +
                     "&cid=" + PercentEncode(link, ":");
    }
  }
  if (auto t = ParseRfc3339(Str(*value, "createdAt"))) p.updated = *t;
  p.raw = j->dump();
  return p;
}

std::string AtprotoIdentifierOf(std::string_view in) {
  std::string s(in);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(0, 1);
  for (const char* prefix : {"https://bsky.app/profile/", "http://bsky.app/profile/"}) {
    if (StartsWith(s, prefix)) {
      s = s.substr(std::string_view(prefix).size());
      s = s.substr(0, s.find('/'));
      break;
    }
  }
  if (StartsWith(s, "at://")) {
    s = s.substr(5);
    s = s.substr(0, s.find('/'));
  }
  if (!s.empty() && s[0] == '@') s.erase(0, 1);
  if (IsDid(s)) return s;
  if (s.find('@') != std::string::npos) return "";  // @alice@host: ActivityPub's
  return IsHandle(s) ? LowerAscii(s) : "";
}

AtprotoNetwork::AtprotoNetwork(Fetcher& fetcher, AtprotoOptions options)
    : fetcher_(fetcher), options_(std::move(options)) {
  for (std::string* url : {&options_.plc_url, &options_.handle_resolver_url, &options_.appview_url,
                           &options_.app_url}) {
    while (!url->empty() && url->back() == '/') url->pop_back();
  }
}

bool AtprotoNetwork::Recognises(std::string_view handle_or_url) const {
  return !AtprotoIdentifierOf(handle_or_url).empty();
}

Result<std::string> AtprotoNetwork::Get(const std::string& url, const FollowLimits& limits,
                                        int* requests) {
  FetchRequest req;
  req.url = url;
  req.accept = "application/json";
  req.timeout_seconds = limits.timeout_seconds;
  req.max_bytes = limits.max_page_bytes;
  ++*requests;
  Result<FetchResult> r = fetcher_.Fetch(req);
  if (!r.ok()) return r.status();
  return std::move(r->body);
}

Result<std::string> AtprotoNetwork::DidOfHandle(const std::string& handle, int* requests) {
  FollowLimits limits;
  // The handle's own host first: what a handle on a custom domain proves.
  Result<std::string> well_known =
      Get("https://" + handle + "/.well-known/atproto-did", limits, requests);
  if (well_known.ok()) {
    std::string did = *well_known;
    while (!did.empty() && std::isspace(static_cast<unsigned char>(did.back()))) did.pop_back();
    if (IsDid(did)) return did;
  }
  Result<std::string> resolved =
      Get(options_.handle_resolver_url + "/xrpc/com.atproto.identity.resolveHandle?handle=" +
              PercentEncode(handle, ":"),
          limits, requests);
  if (!resolved.ok()) {
    if (resolved.status().code() == Status::Code::kFailedPrecondition &&
        resolved.status().message().find("answered 400") != std::string::npos) {
      return Status::NotFound("no AT Protocol account has the handle '" + handle + "' (" +
                              resolved.status().message() + ")");
    }
    return resolved.status();
  }
  return ParseResolvedDid(*resolved);
}

Result<DidDocument> AtprotoNetwork::ReadDidDocument(const std::string& did,
                                                    const FollowLimits& limits, int* requests) {
  std::string url;
  if (StartsWith(did, "did:plc:")) {
    url = options_.plc_url + "/" + PercentEncode(did, ":");
  } else if (StartsWith(did, "did:web:")) {
    std::string host = did.substr(8);
    if (host.find(':') != std::string::npos || !IsHandle(host)) {
      return Status::InvalidArgument("'" + did + "': only did:web of a bare host name is read");
    }
    url = "https://" + host + "/.well-known/did.json";
  } else {
    return Status::InvalidArgument("'" + did + "': only did:plc and did:web identities are read");
  }
  Result<std::string> body = Get(url, limits, requests);
  if (!body.ok()) return body.status();
  Result<DidDocument> doc = ParseDidDocument(*body);
  if (!doc.ok()) return Status::FailedPrecondition(url + ": " + doc.status().message());
  if (doc->did != did) {
    return Status::FailedPrecondition(url + ": the DID document is of " + doc->did + ", not " + did);
  }
  return doc;
}

Result<RemoteAccount> AtprotoNetwork::Resolve(std::string_view handle_or_url) {
  const std::string id = AtprotoIdentifierOf(handle_or_url);
  if (id.empty()) {
    return Status::InvalidArgument("'" + std::string(handle_or_url) +
                                   "' is not an AT Protocol handle or DID");
  }
  int requests = 0;
  std::string did = id;
  if (!IsDid(id)) {
    Result<std::string> resolved = DidOfHandle(id, &requests);
    if (!resolved.ok()) return resolved.status();
    did = *resolved;
  }
  Result<DidDocument> doc = ReadDidDocument(did, FollowLimits{}, &requests);
  if (!doc.ok()) return doc.status();
  RemoteAccount a;
  a.network = "atproto";
  a.id = did;
  // A handle given is the one the document claims, or it is not trusted.
  a.handle = doc->handle;
  if (!IsDid(id) && doc->handle != id) {
    return Status::FailedPrecondition("the handle '" + id + "' resolves to " + did +
                                      ", whose DID document claims '" + doc->handle +
                                      "' instead: the handle is not verified");
  }
  a.profile_url = options_.app_url + "/profile/" + (a.handle.empty() ? did : a.handle);
  a.platform = "bluesky";
  return a;
}

namespace {

// A page whose posts all went to the sink widens the span read to its
// oldest record key (listRecords lists newest first). Only the account's
// own post records count: a stray URI must not stretch the span.
void AddToSpan(const PostPage& page, const RemoteAccount& account, ReadSpan& span) {
  const std::string prefix = "at://" + account.id + "/" + kPostCollection + "/";
  for (const std::string& uri : page.uris) {
    const std::string rkey(RecordKeyOf(uri));
    if (!StartsWith(uri, prefix) || rkey.empty()) continue;
    span.seen.insert(uri);
    if (span.oldest_key.empty() || rkey < span.oldest_key) span.oldest_key = rkey;
  }
  if (!span.oldest_key.empty()) span.order = ReadSpan::Order::kRecordKey;
}

}  // namespace

std::string AtprotoNetwork::HostOf(const RemoteAccount&, const std::string& state) const {
  const json st = json::parse(state.empty() ? "{}" : state, nullptr, false);
  return st.is_object() ? UrlHostPort(Str(st, "pds")) : "";
}

Result<FollowReport> AtprotoNetwork::Follow(const RemoteAccount& account, const std::string& state,
                                            const FollowLimits& limits, RecordSink& sink) {
  FollowReport report;
  json st = json::parse(state.empty() ? "{}" : state, nullptr, false);
  if (!st.is_object()) st = json::object();
  // The PDS, from the DID document when unknown or not read for a day.
  std::string pds = Str(st, "pds");
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  int64_t pds_at = 0;
  try {
    pds_at = std::stoll(Str(st, "pds_at").empty() ? "0" : Str(st, "pds_at"));
  } catch (const std::exception&) {
  }
  if (pds.empty() || now - pds_at > options_.pds_recheck_seconds) {
    Result<DidDocument> doc = ReadDidDocument(account.id, limits, &report.requests);
    if (!doc.ok()) return doc.status();
    pds = doc->pds;
    st["pds"] = pds;
    st["pds_at"] = Epoch();
    // A new handle counts once it resolves back to the DID (as the
    // document's claim alone proves nothing); the profile is given again
    // with it.
    if (!doc->handle.empty() && doc->handle != account.handle) {
      Result<std::string> back = DidOfHandle(doc->handle, &report.requests);
      if (back.ok() && *back == account.id) {
        report.handle = doc->handle;
        report.profile_url = options_.app_url + "/profile/" + doc->handle;
        st.erase("profile_cid");
      }
    }
  }
  RemoteAccount current = account;
  if (!report.handle.empty()) {
    current.handle = report.handle;
    current.profile_url = report.profile_url;
  }
  const std::string repo = PercentEncode(account.id, ":");

  // The profile, when its record changed.
  std::string cid;
  Result<std::string> profile_body =
      Get(pds + "/xrpc/com.atproto.repo.getRecord?repo=" + repo + "&collection=" +
              kProfileCollection + "&rkey=self",
          limits, &report.requests);
  if (profile_body.ok()) {
    Result<Profile> profile = ParseProfileRecord(*profile_body, current, pds, &cid);
    if (!profile.ok()) return Status::FailedPrecondition(pds + ": " + profile.status().message());
    if (cid.empty() || cid != Str(st, "profile_cid")) {
      Position where;
      where.file = account.id;
      sink.OnProfile(std::move(*profile), where);
      report.profile = true;
      st["profile_cid"] = cid;
    }
  } else if (profile_body.status().message().find("answered 400") == std::string::npos) {
    return profile_body.status();  // 400: no profile record (RecordNotFound), which may be
  }

  // Posts, newest first: the first page always, older ones until the newest seen before.
  const std::string seen = Str(st, "newest");
  std::string cursor, newest;
  const int per_page = std::max(1, std::min(100, limits.max_posts));
  for (int page_no = 0; page_no < limits.max_pages && report.posts < limits.max_posts;
       ++page_no) {
    std::string url = pds + "/xrpc/com.atproto.repo.listRecords?repo=" + repo +
                      "&collection=" + kPostCollection + "&limit=" + std::to_string(per_page);
    if (!cursor.empty()) url += "&cursor=" + PercentEncode(cursor, ":");
    Result<std::string> body = Get(url, limits, &report.requests);
    if (!body.ok()) return body.status();
    Result<PostPage> page = ParsePostPage(*body, current, options_.app_url);
    if (!page.ok()) return Status::FailedPrecondition(url + ": " + page.status().message());
    bool reached_seen = false;
    for (Reject& r : page->rejects) sink.OnReject(std::move(r));
    size_t i = 0;
    for (; i < page->posts.size() && report.posts < limits.max_posts; ++i) {
      const std::string& rkey = page->rkeys[i];
      if (newest.empty() || rkey > newest) newest = rkey;
      if (!seen.empty() && rkey <= seen) reached_seen = true;
      Position where;
      where.file = account.id;
      where.record = report.posts;
      sink.OnPost(std::move(page->posts[i]), where);
      ++report.posts;
    }
    if (i < page->posts.size()) break;  // cut off by max_posts: not part of the span
    AddToSpan(*page, account, report.span);
    if (reached_seen || page->cursor.empty() || page->cursor == cursor ||
        page->posts.size() + page->rejects.size() == 0) {
      break;
    }
    cursor = page->cursor;
  }
  if (!newest.empty() && (seen.empty() || newest > seen)) st["newest"] = newest;
  report.state = st.dump();
  return report;
}

bool AtprotoNetwork::Takes(const std::string& term) const { return !FediverseTagOf(term); }

Result<ListenReport> AtprotoNetwork::Listen(const std::string& term, const std::string& state,
                                            const FollowLimits& limits, RecordSink& sink) {
  ListenReport report;
  json st = json::parse(state.empty() ? "{}" : state, nullptr, false);
  if (!st.is_object()) st = json::object();
  const int64_t seen = st.value("newest", int64_t{0});
  std::vector<std::string> seen_uris;  // the matches of second `seen` handed over before
  if (auto u = st.find("uris"); u != st.end() && u->is_array()) {
    for (const json& uri : *u) {
      if (uri.is_string()) seen_uris.push_back(uri.get<std::string>());
    }
  }
  int64_t newest = seen;
  std::vector<std::string> newest_uris = seen_uris;
  std::vector<std::string> authors_seen;  // whose profile this call handed over
  const std::string search = options_.appview_url + "/xrpc/app.bsky.feed.searchPosts?q=" +
                             PercentEncode(term, "") + "&sort=latest&limit=" +
                             std::to_string(std::max(1, std::min(100, limits.max_posts)));
  std::string cursor;
  for (int page_no = 0; page_no < limits.max_pages && report.posts < limits.max_posts;
       ++page_no) {
    const std::string url = cursor.empty() ? search : search + "&cursor=" + PercentEncode(cursor, "");
    Result<std::string> body = Get(url, limits, &report.requests);
    if (!body.ok()) return body.status();
    Result<SearchPage> page = ParseSearchPage(*body, options_.app_url);
    if (!page.ok()) return Status::FailedPrecondition(url + ": " + page.status().message());
    for (Reject& r : page->rejects) sink.OnReject(std::move(r));
    bool reached_seen = false;
    std::vector<std::string> new_authors;
    for (size_t i = 0; i < page->posts.size() && report.posts < limits.max_posts; ++i) {
      const int64_t key = page->sort_keys[i];
      const std::string& uri = page->posts[i].external_id;
      if (key < seen || (key == seen && std::find(seen_uris.begin(), seen_uris.end(), uri) !=
                                            seen_uris.end())) {
        reached_seen = true;  // newest first: the rest was handed over before
        break;
      }
      if (key > newest) {
        newest = key;
        newest_uris.clear();
      }
      if (key == newest && newest_uris.size() < 100) newest_uris.push_back(uri);
      if (std::find(authors_seen.begin(), authors_seen.end(), page->authors[i].id) ==
          authors_seen.end()) {
        authors_seen.push_back(page->authors[i].id);
        new_authors.push_back(page->authors[i].id);
      }
      Position where;
      where.file = "searchPosts " + term;
      where.record = report.posts;
      sink.OnPost(std::move(page->posts[i]), where);
      ++report.posts;
    }
    // The authors' profiles, so that matching can link them to CRM records.
    for (size_t first = 0; first < new_authors.size(); first += 25) {
      std::string profiles_url = options_.appview_url + "/xrpc/app.bsky.actor.getProfiles?";
      for (size_t i = first; i < std::min(new_authors.size(), first + 25); ++i) {
        profiles_url += (i == first ? "actors=" : "&actors=") + PercentEncode(new_authors[i], ":");
      }
      Result<std::string> answer = Get(profiles_url, limits, &report.requests);
      if (!answer.ok()) return answer.status();
      Result<std::vector<Profile>> profiles = ParseProfileViews(*answer, options_.app_url);
      if (!profiles.ok()) {
        return Status::FailedPrecondition(profiles_url + ": " + profiles.status().message());
      }
      for (Profile& p : *profiles) {
        Position where;
        where.file = "getProfiles";
        sink.OnProfile(std::move(p), where);
        ++report.profiles;
      }
    }
    if (reached_seen || page->cursor.empty() || page->cursor == cursor ||
        page->posts.size() + page->rejects.size() == 0) {
      break;
    }
    cursor = page->cursor;
  }
  report.state = json{{"newest", newest}, {"uris", newest_uris}}.dump();
  return report;
}

}  // namespace scrm::sources
