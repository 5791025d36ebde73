// The engine's own ActivityPub identity: an actor of type Application,
// served at GET /ap/actor under activitypub.base_url with the public half of
// the actor key, so that servers requiring signed fetches ("authorized
// fetch") can verify the engine's requests; and the signer that adds HTTP
// Signatures made with that key to each request of the ActivityPub client.
#ifndef SCRM_SERVICE_ACTIVITYPUB_ACTOR_H_
#define SCRM_SERVICE_ACTIVITYPUB_ACTOR_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "secrets/actor_key.h"
#include "sources/activitypub.h"

namespace scrm::service {

struct ActivityPubActor {
  std::string actor_id;  // base_url + "/ap/actor"
  std::string key_id;    // actor_id + "#main-key"
  std::string document;  // the actor document (JSON) served at actor_id
  std::shared_ptr<const secrets::ActorKey> key;

  // Headers (Date, Signature) for a GET of `target` on `host`, signed now:
  // what FetchRequest::headers_for and ActivityPubOptions::sign take.
  std::function<std::vector<std::pair<std::string, std::string>>(const std::string& host,
                                                                 const std::string& target)>
  Signer() const;
};

// Whether `base_url` may be the engine's public address: an absolute
// http(s) URL with a host, no query, fragment or space (a trailing '/' is
// dropped). The check of activitypub.base_url.
bool IsActivityPubBaseUrl(std::string_view base_url);

// The actor at `base_url` ("https://crm.example.com/scrm", no trailing
// slash: activitypub.base_url) with the key of `key_file`, created there when
// missing (*created says so; may be null). InvalidArgument when base_url is
// not an absolute http(s) URL; the key file's refusals as they are.
Result<ActivityPubActor> LoadActivityPubActor(const std::string& base_url,
                                              const std::string& key_file, bool* created);

// The fediverse client's options: each fetch signed with the key of
// `actor`, the engine's (LoadActivityPubActor), or unsigned when null (no
// activitypub.base_url). What every ActivityPubNetwork the engine makes
// (scrm serve, scrm follow) is given.
sources::ActivityPubOptions ActivityPubClientOptions(const ActivityPubActor* actor);

}  // namespace scrm::service

#endif  // SCRM_SERVICE_ACTIVITYPUB_ACTOR_H_
