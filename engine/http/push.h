// POST /api/v1/ingest/{source}: sources push records to the engine. The
// body (JSON Lines or an ActivityStreams document, at most
// http.max_body_bytes) must carry X-Scrm-Signature: sha256=HEX, the
// HMAC-SHA256 of the exact body under the source's push secret; the
// signature is compared in constant time. The answer has one result per
// record: accepted, or the record's index and the error. docs/api.md.
#ifndef SCRM_HTTP_PUSH_H_
#define SCRM_HTTP_PUSH_H_

#include <string>

#include "core/status.h"
#include "http/request.h"
#include "secrets/key_file.h"
#include "store/pool.h"

namespace scrm::http {

// "sha256=" + lower-case hex HMAC-SHA256(secret, body): what a pusher sends.
std::string PushSignature(const std::string& secret, const std::string& body);

// The check every signed body goes through (pushes here, CRM events in
// crm_events.h): X-Scrm-Signature must be PushSignature(secret, body),
// compared in constant time. Unauthenticated when it is missing or wrong,
// the message naming the secret that signs it (`whose`: "the source's secret").
Status VerifyBodySignature(const Request& request, const std::string& secret,
                           const std::string& whose);

// The source's secret is sealed at rest (secrets/seal.h) and opened with
// `key_file` for each push; a clear one, from before sealing, is used as it
// is until `scrm migrate` seals it. A secret that cannot be opened (no key
// file, a refused one, the wrong key, an altered value) answers 503 with the
// reason; the engine log names the key file. Never the secret, anywhere.
// An unknown source, a source without a secret and a missing or wrong
// signature answer one and the same 401 (same body; the unknown ones are
// checked against a dummy secret, so the time taken is alike too).
Response HandlePush(store::Pool* pool, secrets::CachedKeyFile* key_file, const Request& request);

}  // namespace scrm::http

#endif  // SCRM_HTTP_PUSH_H_
