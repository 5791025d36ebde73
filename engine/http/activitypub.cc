#include "http/activitypub.h"

#include "http/errors.h"

namespace scrm::http {

Response ActivityPubActorDocument(const std::string& document) {
  if (document.empty()) {
    return ErrorResponse(
        Status::NotFound("this engine has no ActivityPub actor: set activitypub.base_url "
                         "(SCRM_ACTIVITYPUB_BASE_URL) to its public address to serve one"));
  }
  Response r = Response::Text(document, 200, "application/activity+json; charset=utf-8");
  r.SetHeader("Cache-Control", "public, max-age=300");
  return r;
}

}  // namespace scrm::http
