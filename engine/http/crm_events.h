// POST /api/v1/crm/events: the SuiteCRM plugin's logic hooks report that a
// Contact, Lead or Account was saved, deleted or restored. The body is
// {"module", "id", "event": "save"|"delete"|"restore", "at": RFC 3339},
// signed like a push (X-Scrm-Signature: sha256=HEX, HMAC-SHA256 of the exact
// body) with the secret the plugin and the engine share (config `secret`).
// The engine re-reads that record from the CRM at once (crm::SyncRecord), so
// it is re-matched, and keeps the event as the record's last one
// (scrm_crm_events). A replayed event only causes another re-read.
// `changed` (may be empty) is called once the record is read again: scrm
// serve wakes its matching there, so a new contact whose e-mail matches a
// stored profile gets its suggestion or link at once, not at the next round.
// Answers 202 {"module","id","event","outcome"}; 401 for a missing or wrong
// signature, 400 naming the bad field, 403 when no secret is configured.
#ifndef SCRM_HTTP_CRM_EVENTS_H_
#define SCRM_HTTP_CRM_EVENTS_H_

#include <functional>
#include <string>

#include "http/request.h"
#include "store/pool.h"

namespace scrm::http {

Response HandleCrmEvent(store::Pool* pool, const std::string& secret, const Request& request,
                        const std::function<void()>& changed = {});

}  // namespace scrm::http

#endif  // SCRM_HTTP_CRM_EVENTS_H_
