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
// post's ActivityPub id: the same post as following its author gives), and
// goes to the RecordSink through ParseActivityStreams: one parser for files,
// outboxes and timelines. Its author's profile is read from their actor
// document on their own server (once per author and poll), not from the
// account the timeline shows: of another server's users that is hearsay (a
// server could put any e-mail address on anyone), and the actor document is
// what following stores, so a profile both followed and heard reads the
// same. When it cannot be read the post is kept without it. Reblogs are not
// posts of the tag's and are left out; a status without an http(s) `uri` or
// `id` is rejected, naming the field. A reply keeps its thread: the API
// names its parent by the server's own id (`in_reply_to_id`), which is
// turned into the parent's ActivityPub id from the poll's statuses when the
// parent is among them, else by asking the server for that status
// (GET /api/v1/statuses/ID, once per parent and poll); a parent that is not
// public or is gone leaves the reply without one.
//
// Every request goes through the Fetcher given (net.allow_hosts). Thread-safe
// when its Fetcher is.
#ifndef SCRM_SOURCES_FEDIVERSE_LISTEN_H_
#define SCRM_SOURCES_FEDIVERSE_LISTEN_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

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
  // Server status id -> the post's ActivityPub id ("" when not known).
  using Parents = std::map<std::string, std::string>;

  // The ActivityPub id of the post `status` replies to: "" when it replies
  // to none or that post cannot be known (base_url: "https://host").
  std::string ParentOf(const nlohmann::json& status, const std::string& base_url,
                       const FollowLimits& limits, Parents& parents, int* requests);

  // The profile of an author, from their actor document on their server
  // (unsigned, as actors are public); 0 when it cannot be read (that host is
  // then not asked again in this poll: `failed_hosts`).
  int ProfileFromOrigin(const std::string& actor_id, const FollowLimits& limits, RecordSink& sink,
                        int* requests, std::set<std::string>& failed_hosts);

  Fetcher& fetcher_;
  FediverseListenOptions options_;
};

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_FEDIVERSE_LISTEN_H_
