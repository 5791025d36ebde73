// Following on open networks as JSON, for admins (service/follow.h, as the
// admin page and `scrm follow status|on|off`): each network switched on or
// off, with the health of its following; a switch is a settings change in
// the security log.
//   GET   /api/v1/admin/networks            {"networks": [status...]}
//   PATCH /api/v1/admin/networks/{network}  {"on": true|false} -> status
// A status: {"network", "on", "accounts", "failing", "last_success_at",
// "last_error_at", "last_error"} (docs/api.md#open-networks).
#ifndef SCRM_HTTP_ADMIN_NETWORKS_H_
#define SCRM_HTTP_ADMIN_NETWORKS_H_

#include "http/request.h"
#include "store/pool.h"

namespace scrm::http {

Response ListNetworksRoute(store::Pool* pool, const Request& request);
Response SwitchNetworkRoute(store::Pool* pool, const Request& request);

}  // namespace scrm::http

#endif  // SCRM_HTTP_ADMIN_NETWORKS_H_
