// AtprotoNetwork: following accounts on the AT Protocol (Bluesky) as any
// client does, over XRPC. A handle resolves to a DID (`/.well-known/
// atproto-did` on the handle's host, then the resolver's
// com.atproto.identity.resolveHandle); the DID document (the PLC directory
// for did:plc, the host's /.well-known/did.json for did:web) names the
// account's PDS; the PDS gives the `app.bsky.actor.profile` record and the
// `app.bsky.feed.post` records (com.atproto.repo.listRecords, newest first,
// cursor paging). Every request goes through the Fetcher, so a DID document
// pointing at a private address is refused like any other (net.allow_hosts).
//
// The parsers below are pure (JSON text in, values out) and tested from
// recorded answers: facets become mentions, links and hashtags; a reply
// keeps its parent (in_reply_to, the parent's at:// URI); posts and
// profiles come out with platform "bluesky", posts keyed by their at:// URI.
//
// Listening asks an AppView's app.bsky.feed.searchPosts (sort=latest,
// cursor paging) and the matches' authors' app.bsky.actor.getProfiles.
#ifndef SCRM_SOURCES_ATPROTO_H_
#define SCRM_SOURCES_ATPROTO_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/post.h"
#include "core/status.h"
#include "sources/fetcher.h"
#include "sources/open_network.h"

namespace scrm::sources {

struct AtprotoOptions {
  std::string plc_url = "https://plc.directory";                 // atproto.plc_url
  std::string handle_resolver_url = "https://public.api.bsky.app";  // atproto.handle_resolver_url
  std::string appview_url = "https://public.api.bsky.app";  // atproto.appview_url: search
  // Where a person opens a post or a profile ("{app}/profile/{handle}").
  std::string app_url = "https://bsky.app";
  int pds_recheck_seconds = 86400;  // the DID document is read again after this
};

// The DID of a com.atproto.identity.resolveHandle answer ({"did": ...}).
Result<std::string> ParseResolvedDid(std::string_view json);
// A DID document's PDS endpoint (service "#atproto_pds") and its handle
// (the first "at://" of alsoKnownAs, "" when none).
struct DidDocument {
  std::string did;
  std::string pds;
  std::string handle;
};
Result<DidDocument> ParseDidDocument(std::string_view json);

// One page of com.atproto.repo.listRecords of app.bsky.feed.post: its posts
// (bad records rejected with their reason, never dropped) and the cursor of
// the next page ("" at the end).
struct PostPage {
  std::vector<Post> posts;
  std::vector<Reject> rejects;
  std::vector<std::string> rkeys;  // of every post, in page order
  std::vector<std::string> uris;   // of every record listed, rejected ones too
  std::string cursor;
};
Result<PostPage> ParsePostPage(std::string_view json, const RemoteAccount& account,
                               const std::string& app_url);
// The app.bsky.actor.profile record of com.atproto.repo.getRecord; `cid`
// gets the record's CID (unchanged CID: unchanged profile).
Result<Profile> ParseProfileRecord(std::string_view json, const RemoteAccount& account,
                                   const std::string& pds, std::string* cid);

// One page of app.bsky.feed.searchPosts: its posts (authors' accounts in
// `authors`, the AppView's order key in `sort_keys`: the earlier of the
// record's createdAt and the AppView's indexedAt, seconds since the epoch),
// bad ones rejected with their reason, and the next page's cursor.
struct SearchPage {
  std::vector<Post> posts;
  std::vector<RemoteAccount> authors;  // of each post
  std::vector<int64_t> sort_keys;      // of each post
  std::vector<Reject> rejects;
  std::string cursor;
};
Result<SearchPage> ParseSearchPage(std::string_view json, const std::string& app_url);
// The profiles of an app.bsky.actor.getProfiles answer (ProfileViewDetailed:
// name, bio with its e-mail addresses and websites, avatar).
Result<std::vector<Profile>> ParseProfileViews(std::string_view json, const std::string& app_url);

// What a person typed, as the AT Protocol reads it: a DID ("did:plc:...",
// "at://did:plc:..."), or a handle ("alice.test", "@alice.bsky.social",
// "at://alice.test", "https://bsky.app/profile/alice.test"); "" when it is
// neither.
std::string AtprotoIdentifierOf(std::string_view handle_or_url);

class AtprotoNetwork : public OpenNetwork, public Listener {
 public:
  AtprotoNetwork(Fetcher& fetcher, AtprotoOptions options);

  std::string_view network() const override { return "atproto"; }
  bool Recognises(std::string_view handle_or_url) const override;
  Result<RemoteAccount> Resolve(std::string_view handle_or_url) override;
  // The account's PDS, once a round has read its DID document (the state
  // keeps it); "" before.
  std::string HostOf(const RemoteAccount& account, const std::string& state) const override;
  // State: {"pds","pds_at","newest","profile_cid"}: the PDS (read again
  // daily), the newest post's record key seen, the profile's CID. Reads the
  // newest page always (edits there are seen), older pages until the newest
  // post seen before, within `limits`. The span: the pages whose posts all
  // went to the sink (ReadSpan::Order::kRecordKey), from the oldest record
  // key they list.
  Result<FollowReport> Follow(const RemoteAccount& account, const std::string& state,
                              const FollowLimits& limits, RecordSink& sink) override;
  // Every term but a fediverse hashtag ("#tag@server").
  bool Takes(const std::string& term) const override;
  // State: {"newest": sort key, "uris": [the matches of that second seen]}.
  // Pages until a match seen before, within `limits`; each new author's
  // profile once per call (getProfiles, 25 a request).
  Result<ListenReport> Listen(const std::string& term, const std::string& state,
                              const FollowLimits& limits, RecordSink& sink) override;

 private:
  Result<std::string> Get(const std::string& url, const FollowLimits& limits, int* requests);
  Result<std::string> DidOfHandle(const std::string& handle, int* requests);
  Result<DidDocument> ReadDidDocument(const std::string& did, const FollowLimits& limits,
                                      int* requests);

  Fetcher& fetcher_;
  AtprotoOptions options_;
};

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_ATPROTO_H_
