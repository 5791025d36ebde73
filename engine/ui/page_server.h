// PageServer: the /ui/ pages of the engine (http::Pages), rendered from
// ui-templates/ (Templates) over the store and the index:
//   /ui/records/{module}/{id}  the Social panel of a Contact, Lead or Account
//   /ui/conversations          search, facets, histogram, saved searches
//   /ui/admin                  health, sources, matching thresholds, roles,
//                              API keys, export (admin); its forms under
//                              /ui/admin/... (admin_sources.cc, admin_access.cc)
// Each page is French or English after the principal's lang, sees only
// what ViewerOf(principal) may see, and embeds the session's CSRF token for
// its forms. One file per page (record_page.cc, conversations_page.cc,
// admin_page.cc). Thread-safe. docs/ui.md.
#ifndef SCRM_UI_PAGE_SERVER_H_
#define SCRM_UI_PAGE_SERVER_H_

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "http/pages.h"
#include "http/session.h"
#include "identity/matcher.h"
#include "index/index.h"
#include "ingest/poller.h"
#include "store/pool.h"
#include "store/read_pool.h"
#include "ui/render.h"

namespace scrm::ui {

struct UiOptions {
  std::string crm_origin;  // crm.origin: may frame the pages (CSP frame-ancestors)
  // The configuration's matching thresholds: in force unless an admin
  // stored others (service/match_settings.h).
  identity::MatchOptions match;
  // secrets.key_file: seals a push secret typed in the admin's source form
  // (service/sources.h). Empty: the form refuses to set a secret.
  std::string secrets_key_file;
  int session_minutes = 60;
  int session_max_hours = 12;  // ui.session_max_hours, shown on the admin page
};

class PageServer : public http::Pages {
 public:
  // pool and searcher may be null (the pages then say what is missing).
  PageServer(std::unique_ptr<Templates> templates, store::Pool* pool, index::Searcher* searcher,
             UiOptions options);

  http::Response Record(const http::Request& request) override;
  http::Response Conversations(const http::Request& request) override;
  http::Response Admin(const http::Request& request) override;
  http::Response AdminSourceForm(const http::Request& request) override;
  http::Response AdminSourceSave(const http::Request& request) override;
  http::Response AdminSourceRemove(const http::Request& request) override;
  http::Response AdminSourcePoll(const http::Request& request) override;
  http::Response AdminNetworkSwitch(const http::Request& request) override;
  http::Response AdminApiKeyCreate(const http::Request& request) override;
  http::Response AdminApiKeyRevoke(const http::Request& request) override;
  http::Response AdminExport(const http::Request& request) override;
  http::Response AdminThresholds(const http::Request& request) override;
  http::Response Static(const http::Request& request) override;
  http::Response Denied(const http::Request& request, const Status& status) override;

  const Templates& templates() const { return *templates_; }

  // The poller of `scrm serve`, for the admin's "Poll now" (without one,
  // the button answers that polling is not running here). Set before the
  // server starts.
  void SetPoller(ingest::Poller* poller) { poller_ = poller; }
  // The sessions of `scrm serve`, which carry the one-time message an
  // admin's change leaves for the next view of /ui/admin (without them,
  // none is shown). Set before the server starts.
  void SetSessions(http::SessionStore* sessions) { sessions_ = sessions; }
  // Where the reads that tolerate lag go (the Conversations page, the Social
  // panel): a healthy replica, else the primary (store/read_pool.h).
  // Without one, pool. Set before the server starts.
  void SetReadPool(store::ReadPool* reads) { reads_ = reads; }

 private:
  // The context every page shares: user, csrf, nav, page title, and
  // whether the page is inside the CRM's frame (embedded, crm_origin).
  nlohmann::json Base(const http::Request& request, const std::string& title_key) const;
  // True when the page is shown in the CRM's frame: its session was opened
  // with ?embed=crm, or the request says embed=crm itself.
  static bool Embedded(const http::Request& request);
  http::Response Html(const std::string& page, const nlohmann::json& context,
                      const http::Request& request, int status = 200) const;
  // An error page (404, 400, 503...) in the user's language.
  http::Response ErrorPage(const http::Request& request, int status,
                           const std::string& message) const;
  // The error page of a failed status: its HTTP status, and what it says in
  // the user's language (Templates::Explain).
  http::Response ErrorPage(const http::Request& request, const Status& status) const;
  // What a "Create case" button sends to the CRM (docs/ui.md, "Messages to
  // the embedding CRM") for each of these posts: post id -> {id, url, text
  // (service::CaseTexts: its first 2,000 characters, from the index's copy
  // or the database), author, published}; "" for a text neither could give.
  nlohmann::json CasePosts(const std::vector<index::SearchHit>& hits) const;
  // What a "Create lead" button sends for the authors of these posts whose
  // profile is linked to no CRM record: "platform\x1fauthor_id" -> {id,
  // name, handle, url, network, email} ("" when unknown). Authors with a
  // live link, without a stored profile, or whose profile `viewer` may not
  // see (core/viewer.h), are absent; so is everyone when the database fails.
  std::map<std::string, nlohmann::json> LeadProfiles(const std::vector<index::SearchHit>& hits,
                                                     const index::Viewer& viewer) const;
  // The page for an engine started without a database (503).
  http::Response NoDatabase(const http::Request& request) const;

  // After an admin's change: leaves `text` for the session's next view of
  // /ui/admin (in the session's row: shown once, by whichever engine serves
  // that view) and answers 303 there (at #anchor).
  http::Response Done(const http::Request& request, const std::string& anchor,
                      const std::string& text, bool failed = false);
  // Done() with what a failed status says in the user's language, after
  // `prefix` when not empty.
  http::Response Failed(const http::Request& request, const std::string& anchor,
                        const Status& status, const std::string& prefix = "");
  // The message Done() left for this session, once; null when none.
  nlohmann::json TakeFlash(const http::Request& request);
  // The admin page's parts of admin_access.cc: API keys, roles, export.
  void AddAccess(const http::Request& request, nlohmann::json& context) const;
  // "Are you sure?" with a POST form to `action`.
  http::Response Confirm(const http::Request& request, const std::string& title_key,
                         const std::string& question, const std::string& action,
                         const std::string& button_key) const;

  std::unique_ptr<Templates> templates_;
  store::Pool* pool_;
  index::Searcher* searcher_;
  UiOptions options_;
  ingest::Poller* poller_ = nullptr;
  http::SessionStore* sessions_ = nullptr;
  store::ReadPool* reads_ = nullptr;
  // The pool for a read that tolerates lag (reads_, else pool_; not null).
  store::Pool& ReadDb() const { return reads_ != nullptr ? reads_->Get() : *pool_; }
};

}  // namespace scrm::ui

#endif  // SCRM_UI_PAGE_SERVER_H_
