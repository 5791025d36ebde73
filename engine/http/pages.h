// Pages: what the route table asks of the UI (engine/ui/ implements it).
// The rows of the /ui/ pages live in routes.cc with every other route; the
// pages themselves, rendered from ui-templates/, live in engine/ui/, which
// depends on http and not the other way round. docs/ui.md.
#ifndef SCRM_HTTP_PAGES_H_
#define SCRM_HTTP_PAGES_H_

#include "core/status.h"
#include "http/request.h"

namespace scrm::http {

class Pages {
 public:
  virtual ~Pages() = default;
  // GET /ui/records/{module}/{id}: the Social panel of a CRM record.
  virtual Response Record(const Request& request) = 0;
  // GET /ui/conversations: search, facets, histogram, saved searches.
  virtual Response Conversations(const Request& request) = 0;
  // GET /ui/admin: health, sources, thresholds (admin role).
  virtual Response Admin(const Request& request) = 0;
  // GET /ui/static/{file}: the pages' CSS and JavaScript.
  virtual Response Static(const Request& request) = 0;
  // The page shown instead when the access check or the sign-on fails
  // (401: how to sign in; 403: which role is missing).
  virtual Response Denied(const Request& request, const Status& status) = 0;
};

}  // namespace scrm::http

#endif  // SCRM_HTTP_PAGES_H_
