// The open networks this engine follows, made from the configuration: one
// HttpFetcher (net.allow_hosts, poll.ca_file) shared by the networks'
// clients, and the follow options of follow.*. `scrm follow` and `scrm
// serve` use the same. A network is one Add() in the constructor. A network
// that cannot be set up (the ActivityPub actor's key file unreadable, say)
// is left out and named in problems(), for the caller to say. Not
// thread-safe: one set per worker.
#ifndef SCRM_APP_OPEN_NETWORKS_H_
#define SCRM_APP_OPEN_NETWORKS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/config.h"
#include "core/status.h"
#include "service/activitypub_actor.h"
#include "service/follow.h"
#include "sources/atproto.h"
#include "sources/fediverse_listen.h"
#include "sources/fetcher.h"
#include "sources/open_network.h"

namespace scrm::app {

// The engine's ActivityPub actor as configured: none without
// activitypub.base_url, else the actor with the key of activitypub.key_file
// (made when missing: *created says so; may be null), or the key file's
// refusal (service::LoadActivityPubActor).
using ConfiguredActor = Result<std::optional<service::ActivityPubActor>>;
ConfiguredActor LoadConfiguredActor(const Config& config, bool* created);

class OpenNetworks {
 public:
  // The actor read from its key file now (scrm follow).
  explicit OpenNetworks(const Config& config);
  // With the actor the caller read (scrm serve reads its key file once).
  OpenNetworks(const Config& config, const ConfiguredActor& actor);
  const std::vector<sources::OpenNetwork*>& all() const { return list_; }
  // "activitypub: <why>", one per network left out.
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  void Add(std::unique_ptr<sources::OpenNetwork> network);

  sources::HttpFetcher fetcher_;
  std::vector<std::unique_ptr<sources::OpenNetwork>> owned_;
  std::vector<sources::OpenNetwork*> list_;
  std::vector<std::string> problems_;
};

// What listen sources listen with (ingest::PollerOptions::listeners), on the
// fetcher given: the fediverse's hashtag timelines for the terms written
// "#tag@server", Bluesky's search (atproto.appview_url) for every other.
class Listeners {
 public:
  Listeners(const Config& config, sources::Fetcher& fetcher);
  std::vector<sources::Listener*> all() { return {&fediverse_, &atproto_}; }

 private:
  sources::FediverseListener fediverse_;
  sources::AtprotoNetwork atproto_;
};

// The loopback hosts of net.allow_hosts ("localhost", "127.0.0.1", "::1"):
// the fediverse client reaches them over plain http (WebFinger of
// "@alice@127.0.0.1:3000"), as a server run on this machine for tests
// serves. Every other host is reached over https.
std::vector<std::string> ActivityPubHttpHosts(const std::vector<std::string>& allow_hosts);

// Every fetch the engine makes (feeds, open networks) obeys these.
sources::HttpFetcherOptions FetcherOptionsOf(const Config& config);
service::FollowOptions FollowOptionsOf(const Config& config);
// The AT Protocol client's options (atproto.*), and the bounds of one read
// on an open network (follow.max_pages, follow.max_posts,
// poll.timeout_seconds): per followed profile in a round of following, per
// term in a poll of a listen source (ingest::Poller).
sources::AtprotoOptions AtprotoOptionsOf(const Config& config);
sources::FollowLimits OpenNetworkLimitsOf(const Config& config);

}  // namespace scrm::app

#endif  // SCRM_APP_OPEN_NETWORKS_H_
