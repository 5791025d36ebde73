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
  // The admin's writes (admin role; a POST made with the session cookie
  // carries its CSRF token, checked by the authorizer). A change answers 303
  // to /ui/admin, whose next view shows what was done; bad input re-renders
  // the form with the message naming the field.
  // GET /ui/admin/sources/new, GET /ui/admin/sources/{name}/edit: the form.
  virtual Response AdminSourceForm(const Request& request) = 0;
  // POST /ui/admin/sources (add), POST /ui/admin/sources/{name}/edit.
  virtual Response AdminSourceSave(const Request& request) = 0;
  // GET /ui/admin/sources/{name}/remove asks; POST removes.
  virtual Response AdminSourceRemove(const Request& request) = 0;
  // POST /ui/admin/sources/{name}/poll: a url source fetched now.
  virtual Response AdminSourcePoll(const Request& request) = 0;
  // POST /ui/admin/networks/{network} (on=1|0): following switched on or off.
  virtual Response AdminNetworkSwitch(const Request& request) = 0;
  // POST /ui/admin/api-keys: a new key, shown on the answer once.
  virtual Response AdminApiKeyCreate(const Request& request) = 0;
  // GET /ui/admin/api-keys/{name}/revoke asks; POST revokes.
  virtual Response AdminApiKeyRevoke(const Request& request) = 0;
  // POST /ui/admin/export: the manifest of a full export, with its files.
  virtual Response AdminExport(const Request& request) = 0;
  // POST /ui/admin/thresholds: stores the matching thresholds (or, with
  // reset, goes back to the configuration's) for every process.
  virtual Response AdminThresholds(const Request& request) = 0;
  // GET /ui/static/{file}: the pages' CSS and JavaScript.
  virtual Response Static(const Request& request) = 0;
  // The page shown instead when the access check or the sign-on fails
  // (401: how to sign in; 403: which role is missing).
  virtual Response Denied(const Request& request, const Status& status) = 0;
};

}  // namespace scrm::http

#endif  // SCRM_HTTP_PAGES_H_
