// FediverseListener: listening on the fediverse, a Listener for the terms
// written "#tag@server" (core/source.h, FediverseTagOf). The server's
// hashtag timeline is read through the client API that Mastodon defined and
// the fediverse's servers share (Mastodon, Pleroma and Akkoma, GoToSocial,
// Iceshrimp, Hollo...): GET /api/v1/timelines/tag/TAG, public, unsigned,
// newest first, 40 statuses a page at most. It lists the public posts that
// server knows with that hashtag, its own users' and those it received from
// elsewhere: the fediverse has no global search, so a tag is listened for
// on one or more chosen servers.
//
// A poll asks for the statuses newer than the newest seen before
// (`since_id`), page by page (`max_id` the last one read) within
// FollowLimits; the first poll of a term takes the newest page(s) only. Each
// status becomes the ActivityStreams Note it stands for (id its `uri`, the
// post's ActivityPub id: the same post as following its author gives), with
// its author embedded as a Person the first time they appear in a poll, and
// goes to the RecordSink through ParseActivityStreams: one parser for files,
// outboxes and timelines. A server speaks for its own users only: an author
// on another server is not embedded from the status (hearsay: a server could
// put any e-mail address on anyone's account), their profile is read from
// their own server's actor document instead, once per poll; when that fails
// the post is kept without it. Reblogs are not posts of the tag's and are left
// out; a status without an http(s) `uri` or `id` is rejected, naming the
// field. A reply's parent is not known: the API gives the server's own id
// for it, not the post's.
//
// Every request goes through the Fetcher given (net.allow_hosts). Thread-safe
// when its Fetcher is.
#ifndef SCRM_SOURCES_FEDIVERSE_LISTEN_H_
#define SCRM_SOURCES_FEDIVERSE_LISTEN_H_

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sources/fetcher.h"
#include "sources/open_network.h"

namespace scrm::sources {

struct FediverseListenOptions {
  // Hosts (without port) reached over plain http:// instead of https://: a
  // test server on loopback (as ActivityPubOptions::http_hosts).
  std::vector<std::string> http_hosts;
};

class FediverseListener : public Listener {
 public:
  explicit FediverseListener(Fetcher& fetcher, FediverseListenOptions options = {});
  std::string_view network() const override { return "activitypub"; }
  bool Takes(const std::string& term) const override;
  Result<ListenReport> Listen(const std::string& term, const std::string& state,
                              const FollowLimits& limits, RecordSink& sink) override;

 private:
  // The profile of an author on another server, from its actor document
  // there (unsigned, as actors are public); 0 when it cannot be read (its
  // host is then not asked again in this poll: `failed_hosts`).
  int ProfileFromOrigin(const std::string& actor_id, const FollowLimits& limits, RecordSink& sink,
                        int* requests, std::set<std::string>& failed_hosts);

  Fetcher& fetcher_;
  FediverseListenOptions options_;
};

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_FEDIVERSE_LISTEN_H_
