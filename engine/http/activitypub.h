// GET /ap/actor: the engine's ActivityPub actor document (built by
// service::LoadActivityPubActor), public, as application/activity+json.
#ifndef SCRM_HTTP_ACTIVITYPUB_H_
#define SCRM_HTTP_ACTIVITYPUB_H_

#include <string>

#include "http/request.h"

namespace scrm::http {

// `document` empty: 404 saying which setting serves it.
Response ActivityPubActorDocument(const std::string& document);

}  // namespace scrm::http

#endif  // SCRM_HTTP_ACTIVITYPUB_H_
