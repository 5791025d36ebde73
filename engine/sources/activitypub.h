// ActivityPubNetwork: the fediverse (Mastodon and every ActivityPub server)
// as an OpenNetwork. A handle ("@alice@host", "alice@host", "acct:alice@host")
// or a profile page ("https://host/@alice") is resolved by WebFinger to the
// actor's URL (the `self` link of type application/activity+json); an actor
// URL is fetched as it is. Following reads the actor document (conditionally,
// by its ETag) and the outbox's pages (`first`, then `next`) newest first,
// and stops at the newest item the previous round saw (the rest of its page
// looked at, not handed over), at FollowLimits, or at a `next` already
// visited. The span it reports (ReadSpan::Order::kPublished): the pages read
// to their end, down to the last one's last item. Everything read goes to the RecordSink through
// ParseActivityStreams (the actor as a profile, activities as posts): one
// parser for files and for the network.
//
// Every request goes through the Fetcher given (the engine's address rules
// live there); when `sign` is set its headers are added to each request and
// redirect (HTTP Signatures, for servers that require authorized fetch).
// Not thread-safe: one per worker.
#ifndef SCRM_SOURCES_ACTIVITYPUB_H_
#define SCRM_SOURCES_ACTIVITYPUB_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sources/fetcher.h"
#include "sources/open_network.h"

namespace scrm::sources {

struct ActivityPubOptions {
  // Hosts (without port) reached over plain http:// instead of https://: a
  // test server on loopback. Empty in production.
  std::vector<std::string> http_hosts;
  // Extra headers for each request (HTTP Signatures); see FetchRequest.
  std::function<std::vector<std::pair<std::string, std::string>>(const std::string& host,
                                                                 const std::string& target)>
      sign;
};

class ActivityPubNetwork : public OpenNetwork {
 public:
  ActivityPubNetwork(Fetcher& fetcher, ActivityPubOptions options = {});

  std::string_view network() const override { return "activitypub"; }
  bool Recognises(std::string_view handle_or_url) const override;
  Result<RemoteAccount> Resolve(std::string_view handle_or_url) override;
  // The actor's host.
  std::string HostOf(const RemoteAccount& account, const std::string& state) const override;
  Result<FollowReport> Follow(const RemoteAccount& account, const std::string& state,
                              const FollowLimits& limits, RecordSink& sink) override;

 private:
  Fetcher& fetcher_;
  ActivityPubOptions options_;
};

// "alice@host" of "@alice@host", "alice@host", "acct:alice@host" and
// "https://host/@alice"; "" when `text` is none of those.
std::string ActivityPubAcct(std::string_view text);

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_ACTIVITYPUB_H_
