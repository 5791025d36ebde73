#include "http/routes.h"

#include <cctype>
#include <ctime>
#include <nlohmann/json.hpp>

#include "http/admin_export.h"
#include "http/admin_import.h"
#include "http/admin_matching.h"
#include "http/admin_privacy.h"
#include "http/admin_networks.h"
#include "http/admin_sources.h"
#include "http/api_keys.h"
#include "http/audit.h"
#include "secrets/crypto.h"
#include "http/crm_events.h"
#include "http/errors.h"
#include "http/activitypub.h"
#include "http/health.h"
#include "http/links.h"
#include "http/openapi.h"
#include "http/push.h"
#include "http/saved_searches.h"
#include "http/search.h"
#include "http/social.h"

namespace scrm::http {

namespace {

using PageFn = Response (Pages::*)(const Request&);

// A page: ?sso=TOKEN (verified by the authorizer) starts a session, which
// the security log records, and redirects to the page without it;
// otherwise the page itself.
Handler PageOf(Pages* pages, SessionStore* sessions, store::Pool* pool, PageFn page) {
  return [pages, sessions, pool, page](const Request& r) {
    if (pages == nullptr) return ErrorResponse(Status::Unavailable("the UI is not configured"));
    if (sessions != nullptr && r.Query("sso")) {
      Result<Response> started = StartSession(*sessions, r, static_cast<int64_t>(std::time(nullptr)));
      if (!started.ok()) return pages->Denied(r, started.status());
      const std::string cookie = started->Header("Set-Cookie");
      if (!cookie.empty()) {  // a new session, not a reload of the page that opened one
        const std::string id = cookie.substr(sizeof(kSessionCookie), cookie.find(';') - sizeof(kSessionCookie));
        RecordAudit(pool, "sign_on", r, "session:" + secrets::Sha256Hex(id).substr(0, 12),
                    {{"roles", r.principal.roles},
                     {"embed", r.Query("embed").value_or("") == kEmbedCrm}});
      }
      return *started;
    }
    return (pages->*page)(r);
  };
}

// A change made from a page (POST): no sign-on here, the session's cookie
// and CSRF token (or a Bearer token) were checked by the authorizer.
Handler ActionOf(Pages* pages, PageFn action) {
  return [pages, action](const Request& r) {
    if (pages == nullptr) return ErrorResponse(Status::Unavailable("the UI is not configured"));
    return (pages->*action)(r);
  };
}

// A Social panel form sent without JavaScript (a plain form post, the
// session's CSRF token in its csrf field): once the decision is made, back to
// the record's panel (303) instead of the JSON answer scripts read.
Handler BackToRecordWhenForm(Handler decide) {
  return [decide](const Request& r) {
    Response out = decide(r);
    if (out.status != 200 ||
        r.Header("content-type").rfind("application/x-www-form-urlencoded", 0) != 0) {
      return out;
    }
    const nlohmann::json link = nlohmann::json::parse(out.body, nullptr, false);
    if (!link.is_object() || !link.contains("crm_module") || !link["crm_module"].is_string() ||
        !link.contains("crm_id") || !link["crm_id"].is_string()) {
      return out;
    }
    std::string id;
    for (const unsigned char c : link["crm_id"].get<std::string>()) {
      static const char kHex[] = "0123456789ABCDEF";
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
        id += static_cast<char>(c);
      } else {
        id += {'%', kHex[c >> 4], kHex[c & 15]};
      }
    }
    Response back = Response::Text("", 303);
    back.SetHeader("Location", "/ui/records/" + link["crm_module"].get<std::string>() + "/" + id);
    return back;
  };
}

}  // namespace

std::vector<Route> RouteTable(const Services& services, Metrics& metrics) {
  store::Pool* pool = services.pool;
  index::Searcher* searcher = services.searcher;
  Pages* pages = services.pages;
  SessionStore* sessions = services.sessions;
  const identity::MatchOptions match = services.match;
  const std::string staging = services.import_staging_dir;
  BackgroundGate* background = services.background;
  Metrics* m = &metrics;
  const std::string secret = services.secret;
  // A refused page answers a page (how to sign in, which role is missing).
  auto denied = [pages](const Request& r, const Status& s) {
    return pages != nullptr ? pages->Denied(r, s) : ErrorResponse(s);
  };
  // Handlers served twice: under /api/v1/ for API callers (Bearer token)
  // and under /ui/api/v1/ for the pages, where the session cookie (Path=/ui)
  // is sent and CSRF is checked.
  store::ReadPool* reads = services.reads;
  Handler export_search = [searcher, pool, reads](const Request& r) {
    return HandleSearchExport(searcher, reads != nullptr ? &reads->Get() : pool, r);
  };
  Handler create_saved = [pool](const Request& r) { return CreateSavedSearch(pool, r); };
  Handler seen_saved = [pool](const Request& r) { return MarkSavedSearchSeen(pool, r); };
  Handler delete_saved = [pool](const Request& r) { return DeleteSavedSearch(pool, r); };
  Handler create_link = [pool](const Request& r) { return CreateLink(pool, r); };
  Handler confirm_link = [pool](const Request& r) { return ConfirmLink(pool, r); };
  Handler reject_link = [pool](const Request& r) { return RejectLink(pool, r); };
  Handler delete_link = [pool](const Request& r) { return DeleteLink(pool, r); };
  Handler export_file = [pool](const Request& r) { return GetExportFile(pool, r); };
  // Bodies: at most 1 MiB (kDefaultBodyLimit) unless the row is an Upload
  // (http.max_body_bytes); never more than http.max_body_bytes_unauthenticated
  // before the caller is known (docs/security.md, Request size).
  // clang-format off
  return {
    // method  path template        access            handler
    {"GET",    "/healthz",          Access::kPublic,  [](const Request&) { return Healthz(); }},
    {"GET",    "/readyz",           Access::kPublic,  [pool, searcher](const Request&) { return Readyz(pool, searcher); }},
    {"GET",    "/metrics",          Access::kPublic,  [m](const Request&) { return MetricsText(*m); }},
    // The description of every /api/v1 route (engine/http/openapi.json, compiled in): no data in it.
    {"GET",    "/api/v1/openapi.json", Access::kPublic, [](const Request&) { return OpenApiDocument(); }},
    // The engine's ActivityPub actor and public key: servers verify our signed fetches with it.
    {"GET",    "/ap/actor",         Access::kPublic,  [actor = services.activitypub_actor](const Request&) { return ActivityPubActorDocument(actor); }},
    // Signed by the source's own secret (HMAC of the body), checked by the handler.
    // An upload (up to http.max_body_bytes) from anyone: its signature covers the body.
    Upload({"POST", "/api/v1/ingest/{source}", Access::kPublic, [pool, key = services.secrets_key](const Request& r) { return HandlePush(pool, key, r); }}),
    // The CRM plugin's logic hooks: signed with the shared secret, checked by the handler.
    JsonBody({"POST",   "/api/v1/crm/events", Access::kPublic, [pool, secret, changed = services.crm_record_changed](const Request& r) { return HandleCrmEvent(pool, secret, r, changed); }}),
    // Search: the caller's visibility is part of every query.
    {"GET",    "/api/v1/search",    Access::kUser,    [searcher, budget = services.search_time_budget_ms](const Request& r) { return HandleSearch(searcher, r, budget); }},
    {"GET",    "/api/v1/search/export", Access::kUser, export_search},
    {"GET",    "/api/v1/saved-searches", Access::kUser, [pool, searcher](const Request& r) { return ListSavedSearches(pool, searcher, r); }},
    JsonBody({"POST",   "/api/v1/saved-searches", Access::kUser, create_saved}),
    {"GET",    "/api/v1/saved-searches/{id}", Access::kUser, [pool, searcher](const Request& r) { return RunSavedSearch(pool, searcher, r); }},
    {"POST",   "/api/v1/saved-searches/{id}/seen", Access::kUser, seen_saved},
    {"DELETE", "/api/v1/saved-searches/{id}", Access::kUser, delete_saved},
    // Links between profiles and CRM records: each role reads those of the
    // profiles it may see; deciding needs sales, support or admin
    // (kDecide); decisions are recorded with the caller.
    {"GET",    "/api/v1/links",     Access::kUser,    [pool](const Request& r) { return ListLinks(pool, r); }},
    JsonBody({"POST",   "/api/v1/links",     Access::kDecide,  create_link}),
    {"GET",    "/api/v1/links/{id}", Access::kUser,   [pool](const Request& r) { return GetLink(pool, r); }},
    {"POST",   "/api/v1/links/{id}/confirm", Access::kDecide, confirm_link},
    {"POST",   "/api/v1/links/{id}/reject", Access::kDecide, reject_link},
    {"DELETE", "/api/v1/links/{id}", Access::kDecide, delete_link},
    // The Social panel of a record as JSON: the page's model, for the page's roles and visibility.
    {"GET",    "/api/v1/customers/{module}/{id}/social", Access::kUser, [pool, reads, searcher](const Request& r) { return HandleSocialPanel(reads != nullptr ? &reads->Get() : pool, searcher, r); }},
    // Pages (engine/ui/, docs/ui.md): signed on with ?sso=TOKEN, then a session cookie.
    {"GET",    "/ui/records/{module}/{id}", Access::kUser, PageOf(pages, sessions, pool, &Pages::Record), denied},
    {"GET",    "/ui/conversations", Access::kUser,    PageOf(pages, sessions, pool, &Pages::Conversations), denied},
    {"GET",    "/ui/admin",         Access::kAdmin,   PageOf(pages, sessions, pool, &Pages::Admin), denied},
    // The admin's writes: forms posted with the session's CSRF token; 303 back to /ui/admin.
    {"GET",    "/ui/admin/sources/new", Access::kAdmin, PageOf(pages, sessions, pool, &Pages::AdminSourceForm), denied},
    {"POST",   "/ui/admin/sources", Access::kAdmin,   ActionOf(pages, &Pages::AdminSourceSave), denied},
    {"GET",    "/ui/admin/sources/{name}/edit", Access::kAdmin, PageOf(pages, sessions, pool, &Pages::AdminSourceForm), denied},
    {"POST",   "/ui/admin/sources/{name}/edit", Access::kAdmin, ActionOf(pages, &Pages::AdminSourceSave), denied},
    {"GET",    "/ui/admin/sources/{name}/remove", Access::kAdmin, PageOf(pages, sessions, pool, &Pages::AdminSourceRemove), denied},
    {"POST",   "/ui/admin/sources/{name}/remove", Access::kAdmin, ActionOf(pages, &Pages::AdminSourceRemove), denied},
    {"POST",   "/ui/admin/sources/{name}/poll", Access::kAdmin, ActionOf(pages, &Pages::AdminSourcePoll), denied},
    {"POST",   "/ui/admin/networks/{network}", Access::kAdmin, ActionOf(pages, &Pages::AdminNetworkSwitch), denied},
    {"POST",   "/ui/admin/api-keys", Access::kAdmin,  ActionOf(pages, &Pages::AdminApiKeyCreate), denied},
    {"GET",    "/ui/admin/api-keys/{name}/revoke", Access::kAdmin, PageOf(pages, sessions, pool, &Pages::AdminApiKeyRevoke), denied},
    {"POST",   "/ui/admin/api-keys/{name}/revoke", Access::kAdmin, ActionOf(pages, &Pages::AdminApiKeyRevoke), denied},
    {"POST",   "/ui/admin/export",  Access::kAdmin,   ActionOf(pages, &Pages::AdminExport), denied},
    {"POST",   "/ui/admin/thresholds", Access::kAdmin, ActionOf(pages, &Pages::AdminThresholds), denied},
    {"GET",    "/ui/static/{file}", Access::kPublic,  [pages](const Request& r) { return pages ? pages->Static(r) : ErrorResponse(Status::NotFound("no UI")); }},
    // What the pages change or download, with the session cookie and its CSRF token.
    {"POST",   "/ui/logout",        Access::kUser,    [sessions](const Request& r) { return sessions ? EndSession(*sessions, r) : Response::Text("", 204); }},
    {"GET",    "/ui/api/v1/search/export", Access::kUser, export_search},
    JsonBody({"POST",   "/ui/api/v1/saved-searches", Access::kUser, create_saved}),
    {"POST",   "/ui/api/v1/saved-searches/{id}/seen", Access::kUser, seen_saved},
    {"DELETE", "/ui/api/v1/saved-searches/{id}", Access::kUser, delete_saved},
    JsonBody({"POST",   "/ui/api/v1/links",  Access::kDecide,  create_link}),
    {"POST",   "/ui/api/v1/links/{id}/confirm", Access::kDecide, BackToRecordWhenForm(confirm_link)},
    {"POST",   "/ui/api/v1/links/{id}/reject", Access::kDecide, BackToRecordWhenForm(reject_link)},
    {"DELETE", "/ui/api/v1/links/{id}", Access::kDecide, delete_link},
    // Unlink without JavaScript: a form cannot send DELETE, so the panel's
    // form posts here (with its csrf field); scripts keep using DELETE.
    {"POST",   "/ui/api/v1/links/{id}/unlink", Access::kDecide, BackToRecordWhenForm(delete_link), denied},
    {"GET",    "/ui/api/v1/admin/export/{file}", Access::kAdmin, export_file},
    // Admin: API keys for machine clients (shown once, stored hashed).
    {"GET",    "/api/v1/admin/api-keys", Access::kAdmin, [pool](const Request& r) { return ListApiKeysRoute(pool, r); }},
    JsonBody({"POST",   "/api/v1/admin/api-keys", Access::kAdmin, [pool](const Request& r) { return CreateApiKeyRoute(pool, r); }}),
    {"DELETE", "/api/v1/admin/api-keys/{name}", Access::kAdmin, [pool](const Request& r) { return RevokeApiKeyRoute(pool, r); }},
    // Sources as JSON, beside the admin page's forms (service/sources.h); a push secret is never answered.
    {"GET",    "/api/v1/admin/sources", Access::kAdmin, [pool](const Request& r) { return ListSourcesRoute(pool, r); }},
    JsonBody({"POST",   "/api/v1/admin/sources", Access::kAdmin, [pool, key_file = services.secrets_key_file](const Request& r) { return AddSourceRoute(pool, key_file, r); }}),
    {"GET",    "/api/v1/admin/sources/{name}", Access::kAdmin, [pool](const Request& r) { return GetSourceRoute(pool, r); }},
    JsonBody({"PATCH",  "/api/v1/admin/sources/{name}", Access::kAdmin, [pool, key_file = services.secrets_key_file](const Request& r) { return ChangeSourceRoute(pool, key_file, r); }}),
    {"DELETE", "/api/v1/admin/sources/{name}", Access::kAdmin, [pool](const Request& r) { return RemoveSourceRoute(pool, r); }},
    {"POST",   "/api/v1/admin/sources/{name}/poll", Access::kAdmin, [poller = services.poller](const Request& r) { return PollSourceRoute(poller, r); }},
    // Following on open networks: on or off per network, and its health (service/follow.h).
    {"GET",    "/api/v1/admin/networks", Access::kAdmin, [pool](const Request& r) { return ListNetworksRoute(pool, r); }},
    JsonBody({"PATCH",  "/api/v1/admin/networks/{network}", Access::kAdmin, [pool](const Request& r) { return SwitchNetworkRoute(pool, r); }}),
    // Everything the engine holds, file by file (docs/export-format.md).
    {"GET",    "/api/v1/admin/export", Access::kAdmin, [pool](const Request& r) { return ListExportFiles(pool, r); }},
    {"GET",    "/api/v1/admin/export/{file}", Access::kAdmin, export_file},
    // An export restored into an empty instance: files uploaded in pieces, then one POST.
    Upload({"PUT", "/api/v1/admin/import/{file}", Access::kAdmin, [staging](const Request& r) { return PutImportFile(staging, r); }}),
    {"GET",    "/api/v1/admin/import", Access::kAdmin, [staging](const Request& r) { return ListImportFiles(staging, r); }},
    {"POST",   "/api/v1/admin/import", Access::kAdmin, [pool, staging, background](const Request& r) { return RunImport(pool, staging, background, r); }},
    {"DELETE", "/api/v1/admin/import", Access::kAdmin, [staging](const Request& r) { return ClearImport(staging, r); }},
    // A person's social data removed on request (docs/privacy.md).
    JsonBody({"POST",   "/api/v1/admin/erase", Access::kAdmin, [pool](const Request& r) { return HandleErase(pool, r); }}),
    // Matching thresholds for every process (docs/identity.md).
    {"GET",    "/api/v1/admin/matching", Access::kAdmin, [pool, match](const Request& r) { return GetMatching(pool, match, r); }},
    JsonBody({"PUT",    "/api/v1/admin/matching", Access::kAdmin, [pool, match](const Request& r) { return PutMatching(pool, match, r); }}),
  };
  // clang-format on
}

}  // namespace scrm::http
