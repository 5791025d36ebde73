// GET /api/v1/customers/{module}/{id}/social: the Social panel of a CRM
// record (service/social_panel.h) as JSON, the model the page
// /ui/records/{module}/{id} renders, for the same roles and with the same
// visibility: links, evidence and profiles of sources the caller may not
// see are left out, posts are those its searches find. Query parameters:
// page (1 = the newest posts; default 1), per_page (1..100, default 20),
// find (a hand search for profiles to link). docs/api.md#the-social-panel.
#ifndef SCRM_HTTP_SOCIAL_H_
#define SCRM_HTTP_SOCIAL_H_

#include <nlohmann/json.hpp>

#include "http/request.h"
#include "index/index.h"
#include "service/social_panel.h"
#include "store/pool.h"

namespace scrm::http {

// The answer's body (docs/api.md#the-social-panel).
nlohmann::json SocialPanelJson(const service::SocialPanel& panel);

// pool: where the panel is read (the replica pool when there is one);
// 503 when it or the searcher is missing, 404 for a module or id no record
// has, 400 naming a bad or unknown parameter.
Response HandleSocialPanel(store::Pool* pool, index::Searcher* searcher, const Request& request);

}  // namespace scrm::http

#endif  // SCRM_HTTP_SOCIAL_H_
