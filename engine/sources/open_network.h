// OpenNetwork: one open network (ActivityPub, the AT Protocol) as the
// follower sees it; Listener: a network's search, as a listen source sees it. A client resolves what a person types
// ("@alice@host", "https://host/@alice", "alice.test", "at://did:plc:...")
// to a stable account, then reads that account's profile and recent public
// posts page by page, handing them to a RecordSink exactly as a file parser
// does: the pipeline that stores, completes and indexes them is the same.
//
// Clients fetch only through a sources::Fetcher (so every request obeys the
// engine's address rules: net.allow_hosts), bound their work by
// FollowLimits, and report failures as values naming the account, the URL
// and the reason. They are not thread-safe; one per worker.
#ifndef SCRM_SOURCES_OPEN_NETWORK_H_
#define SCRM_SOURCES_OPEN_NETWORK_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/post.h"
#include "core/status.h"
#include "sources/gone_upstream.h"

namespace scrm::sources {

// A followed account, as resolved once and stored.
struct RemoteAccount {
  std::string network;      // "activitypub" or "atproto"
  std::string id;           // stable: the actor's URL, or the DID
  std::string handle;       // "alice@host" (no leading '@'), or "alice.test"
  std::string profile_url;  // the page a person opens
  std::string platform;     // Profile::platform of what it yields ("mastodon", "bluesky")
  // The account's other ids, as it states them (ActivityPub alsoKnownAs):
  // what proves a move to it from one of them.
  std::vector<std::string> also_known_as;
};

struct FollowLimits {
  int max_pages = 3;         // pages read per account and round
  int max_posts = 100;       // posts handed to the sink per account and round
  int64_t max_page_bytes = 4 * 1024 * 1024;
  int timeout_seconds = 10;  // per request
};

// What one round did for one account. `state` is the client's own opaque
// text (cursors, ETags, the newest post seen), stored between rounds and
// given back to the next: "" the first time.
struct FollowReport {
  int requests = 0;
  int posts = 0;            // handed to the sink (new or changed or not: the store tells)
  bool profile = false;     // a profile was handed to the sink
  std::string state;
  // The pages this round read to their end and the posts they list: the
  // span in which a stored post missing upstream is gone (GoneUpstream).
  ReadSpan span;
  // The account says it moved to this id (ActivityPub movedTo: Mastodon's
  // account migration); "" when it did not.
  std::string moved_to;
  // The account's handle and page now, when its handle changed (the AT
  // Protocol's DID document names another handle, which resolves back to the
  // DID); "" when it did not.
  std::string handle;
  std::string profile_url;
};

class OpenNetwork {
 public:
  virtual ~OpenNetwork() = default;
  // "activitypub" or "atproto".
  virtual std::string_view network() const = 0;
  // Whether `handle_or_url` is written as this network's (syntax only, no request).
  virtual bool Recognises(std::string_view handle_or_url) const = 0;
  // The account behind a handle or URL, resolved live. NotFound when the
  // network says there is none; Unavailable when it cannot be asked now.
  virtual Result<RemoteAccount> Resolve(std::string_view handle_or_url) = 0;
  // The host that serves the account's posts ("host" or "host:port"), as
  // known without a request from the account and its client state: a
  // follower stops asking a host that keeps failing. "" when unknown.
  virtual std::string HostOf(const RemoteAccount& account, const std::string& state) const = 0;
  // Reads the account's profile and its public posts newer than `state`
  // says were seen, within `limits`, into `sink`; reports the span it read
  // in full (FollowReport::span).
  virtual Result<FollowReport> Follow(const RemoteAccount& account, const std::string& state,
                                      const FollowLimits& limits, RecordSink& sink) = 0;
};

// What one poll did for one term of a listen source. `state` is the
// client's own text (the newest match seen), given back to the next poll.
struct ListenReport {
  int requests = 0;
  int posts = 0;     // matches handed to the sink: new since the state given
  int profiles = 0;  // their authors' profiles handed to the sink
  std::string state;
};

// A network's search for hashtags ("#suitecrm") and keywords ("open source
// crm"), newest match first. Listen() hands the matches newer than `state`
// says were seen, and their authors' profiles, to `sink`, within `limits`
// (pages and posts per term and poll). Thread-safe when its Fetcher is.
class Listener {
 public:
  virtual ~Listener() = default;
  virtual std::string_view network() const = 0;
  // Whether this network hears `term` as written: "#tag@server" is the
  // fediverse's (FediverseTagOf), every other term Bluesky's.
  virtual bool Takes(const std::string& term) const = 0;
  virtual Result<ListenReport> Listen(const std::string& term, const std::string& state,
                                      const FollowLimits& limits, RecordSink& sink) = 0;
};

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_OPEN_NETWORK_H_
