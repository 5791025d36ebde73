// The route table: every path the engine serves, in one list, read top to
// bottom (model: typesense's master_server_routes()). A new endpoint is one
// row here plus its handler; the router, the access check, error mapping,
// metrics and security headers come with the row.
#ifndef SCRM_HTTP_ROUTES_H_
#define SCRM_HTTP_ROUTES_H_

#include <functional>
#include <string>
#include <vector>

#include "core/gate.h"
#include "http/audit.h"
#include "http/metrics.h"
#include "http/pages.h"
#include "http/router.h"
#include "index/index.h"
#include "ingest/poller.h"
#include "secrets/key_file.h"
#include "store/read_pool.h"
#include "http/session.h"
#include "identity/matcher.h"
#include "store/pool.h"

namespace scrm::http {

// What the handlers reach. Nothing here is owned; the app keeps each alive
// until the server has stopped. Later parts (index, identity...) add fields.
struct Services {
  store::Pool* pool = nullptr;  // null (unit tests): /readyz says "no database configured"
  // Where reads that tolerate lag go (the search export); null: pool.
  store::ReadPool* reads = nullptr;
  index::Searcher* searcher = nullptr;  // null: search routes answer 503
  // search.time_budget_ms: what one GET /api/v1/search may spend (0: no limit).
  int search_time_budget_ms = 0;
  // Seconds since the last successful CRM sync, -1 when none yet; read at
  // each /metrics scrape, so keep it cheap. Null: the gauge reads -1.
  std::function<double()> sync_lag_seconds;
  // Decides access to non-public routes. Null: they all answer 401.
  Authorizer authorizer;
  // The secret shared with the CRM plugin (config `secret`): signs the
  // bodies of POST /api/v1/crm/events. Empty: that route answers 403.
  std::string secret;
  // The /ui/ pages (engine/ui/). Null: they answer 503.
  Pages* pages = nullptr;
  // Sessions of the /ui/ pages, shared with the authorizer. Null: ?sso=
  // shows the page without starting a session (nothing can be changed).
  SessionStore* sessions = nullptr;
  // The key file that opens the sources' sealed push secrets
  // (secrets.key_file). Null: pushes to a source whose secret is sealed
  // answer 503.
  secrets::CachedKeyFile* secrets_key = nullptr;
  // The configuration's matching thresholds (match.*): what GET
  // /api/v1/admin/matching shows when none are stored.
  identity::MatchOptions match;
  // transfer.staging_dir: where an import over the API is uploaded. Empty:
  // those routes answer 503.
  std::string import_staging_dir;
  // Closed while an import restores, so that scrm serve's background jobs
  // write nothing meanwhile. Null: nothing to close.
  BackgroundGate* background = nullptr;
  // Called after POST /api/v1/crm/events has read a record again (scrm
  // serve: run matching now). Empty: nothing more happens.
  std::function<void()> crm_record_changed;
  // The poller of url sources (scrm serve's): POST
  // /api/v1/admin/sources/{name}/poll. Null: that route answers 503.
  ingest::Poller* poller = nullptr;
  // secrets.key_file: seals the push secrets /api/v1/admin/sources is
  // given. Empty: a secret is refused.
  std::string secrets_key_file;
  // Where refused requests (401, 403, 429) are counted for the security
  // log (http/audit.h). Null: only /metrics counts them.
  RefusalLog* refusals = nullptr;
  // The engine's ActivityPub actor document (service::ActivityPubActor),
  // served at GET /ap/actor for servers that verify our signed fetches.
  // Empty (activitypub.base_url not set): that route answers 404.
  std::string activitypub_actor;
};

std::vector<Route> RouteTable(const Services& services, Metrics& metrics);

}  // namespace scrm::http

#endif  // SCRM_HTTP_ROUTES_H_
