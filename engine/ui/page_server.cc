#include "ui/page_server.h"

#include <ctime>
#include <optional>

#include "core/reasons.h"
#include "core/text.h"
#include "http/errors.h"
#include "service/search.h"

namespace scrm::ui {

PageServer::PageServer(std::unique_ptr<Templates> templates, store::Pool* pool,
                       index::Searcher* searcher, UiOptions options)
    : templates_(std::move(templates)), pool_(pool), searcher_(searcher),
      options_(std::move(options)) {}

nlohmann::json PageServer::Base(const http::Request& request, const std::string& title_key) const {
  const http::Principal& p = request.principal;
  // Nobody is signed in on a refused page (401, 403): no "Signed in as".
  nlohmann::json user = nullptr;
  if (!p.user_id.empty()) {
    user = {{"id", p.user_id}, {"name", p.user_name.empty() ? p.user_id : p.user_name}};
  }
  return {{"title", templates_->Message(p.lang, title_key)},
          {"user", user},
          {"csrf", request.csrf_token},
          {"can_change", !request.csrf_token.empty()},
          {"is_admin", p.HasRole("admin")},
          {"embedded", Embedded(request)},
          {"crm_origin", Optional(options_.crm_origin)}};
}

bool PageServer::Embedded(const http::Request& request) {
  // The session remembers it; the sign-on link's own ?embed=crm (kept by
  // the redirect) covers its refusal page, which has no session.
  return request.embed == http::kEmbedCrm ||
         request.Query("embed").value_or("") == http::kEmbedCrm;
}

http::Response PageServer::Html(const std::string& page, const nlohmann::json& context,
                                const http::Request& request, int status) const {
  return HtmlResponse(templates_->Render(page, context, request.principal.lang), status,
                      options_.crm_origin);
}

http::Response PageServer::ErrorPage(const http::Request& request, int status,
                                     const std::string& message) const {
  nlohmann::json c = Base(request, "error.title");
  if (status == 401 || status == 403) {
    // Refused: the page names no one and offers nothing of a session.
    c["user"] = nullptr;
    c["can_change"] = c["is_admin"] = false;
  }
  c["status"] = status;
  c["message"] = message;
  c["signin"] = status == 401;
  return Html("error", c, request, status);
}

http::Response PageServer::ErrorPage(const http::Request& request, const Status& status) const {
  return ErrorPage(request, http::HttpStatusFor(status.code()),
                   templates_->Explain(request.principal.lang, status));
}

nlohmann::json PageServer::CasePosts(const std::vector<index::SearchHit>& hits) const {
  std::map<int64_t, std::string> texts;
  if (pool_ != nullptr) texts = service::CaseTexts(ReadDb(), hits);
  nlohmann::json out = nlohmann::json::object();
  for (const index::SearchHit& h : hits) {
    out[std::to_string(h.id)] = {{"id", h.id},
                                 {"url", SafeUrl(h.url)},
                                 {"text", texts[h.id]},
                                 {"author", h.author_name.empty() ? h.author_handle : h.author_name},
                                 {"published", IsoDate(h.date)}};
  }
  return out;
}

http::Response PageServer::NoDatabase(const http::Request& request) const {
  return ErrorPage(request,
                   Status::Unavailable("no database configured").WithReason(reason::kNoDatabase));
}

http::Response PageServer::Denied(const http::Request& request, const Status& status) {
  // Before sign-on there is no principal: the language comes from the
  // browser (Accept-Language), so a French user reads French.
  // Nobody is signed in: only the language the authorizer found is kept.
  http::Request r = request;
  r.principal = http::Principal{};
  r.principal.lang = request.principal.lang;
  if (r.principal.lang.empty()) r.principal.lang = r.Header("accept-language").substr(0, 2);
  return ErrorPage(r, status);
}

http::Response PageServer::Done(const http::Request& request, const std::string& anchor,
                                const std::string& text, bool failed) {
  // Only a session has a next view to show it in (a bearer token has none).
  if (sessions_ != nullptr && !request.csrf_token.empty()) {
    sessions_->SetFlash(http::CookieValue(request, http::kSessionCookie),
                        nlohmann::json{{"text", text}, {"failed", failed}}.dump(),
                        static_cast<int64_t>(std::time(nullptr)));
  }
  http::Response r = http::Response::Text("", 303);
  r.SetHeader("Location", "/ui/admin#" + anchor);
  return r;
}

http::Response PageServer::Failed(const http::Request& request, const std::string& anchor,
                                  const Status& status, const std::string& prefix) {
  const std::string text = templates_->Explain(request.principal.lang, status);
  return Done(request, anchor, prefix.empty() ? text : prefix + ": " + text, true);
}

nlohmann::json PageServer::TakeFlash(const http::Request& request) {
  if (sessions_ == nullptr || request.csrf_token.empty()) return nullptr;
  std::optional<std::string> flash =
      sessions_->TakeFlash(http::CookieValue(request, http::kSessionCookie));
  if (!flash) return nullptr;
  nlohmann::json j = nlohmann::json::parse(*flash, nullptr, false);
  return j.is_object() ? j : nullptr;
}

http::Response PageServer::Confirm(const http::Request& request, const std::string& title_key,
                                   const std::string& question, const std::string& action,
                                   const std::string& button_key) const {
  nlohmann::json c = Base(request, title_key);
  c["question"] = question;
  c["action"] = action;
  c["button"] = templates_->Message(request.principal.lang, button_key);
  return Html("admin_confirm", c, request);
}

http::Response PageServer::Static(const http::Request& request) {
  const StaticFile* f = templates_->Static(request.Param("file"));
  if (f == nullptr) {
    return http::ErrorResponse(Status::NotFound("no static file " + request.Param("file")));
  }
  http::Response r = http::Response::Text(f->body, 200, f->content_type);
  r.SetHeader("Cache-Control", "public, max-age=300");
  return r;
}

}  // namespace scrm::ui
