#include "ui/page_server.h"

#include "core/reasons.h"
#include "http/errors.h"

namespace scrm::ui {

PageServer::PageServer(std::unique_ptr<Templates> templates, store::Pool* pool,
                       index::Searcher* searcher, UiOptions options)
    : templates_(std::move(templates)), pool_(pool), searcher_(searcher),
      options_(std::move(options)) {}

nlohmann::json PageServer::Base(const http::Request& request, const std::string& title_key) const {
  const http::Principal& p = request.principal;
  return {{"title", templates_->Message(p.lang, title_key)},
          {"user", {{"id", p.user_id}, {"name", p.user_name.empty() ? p.user_id : p.user_name}}},
          {"csrf", request.csrf_token},
          {"can_change", !request.csrf_token.empty()},
          {"is_admin", p.HasRole("admin")}};
}

http::Response PageServer::Html(const std::string& page, const nlohmann::json& context,
                                const http::Request& request, int status) const {
  return HtmlResponse(templates_->Render(page, context, request.principal.lang), status,
                      options_.crm_origin);
}

http::Response PageServer::ErrorPage(const http::Request& request, int status,
                                     const std::string& message) const {
  nlohmann::json c = Base(request, "error.title");
  c["status"] = status;
  c["message"] = message;
  c["signin"] = status == 401;
  return Html("error", c, request, status);
}

http::Response PageServer::ErrorPage(const http::Request& request, const Status& status) const {
  return ErrorPage(request, http::HttpStatusFor(status.code()),
                   templates_->Explain(request.principal.lang, status));
}

http::Response PageServer::NoDatabase(const http::Request& request) const {
  return ErrorPage(request,
                   Status::Unavailable("no database configured").WithReason(reason::kNoDatabase));
}

http::Response PageServer::Denied(const http::Request& request, const Status& status) {
  // Before sign-on there is no principal: the language comes from the
  // browser (Accept-Language), so a French user reads French.
  http::Request r = request;
  if (r.principal.lang.empty()) r.principal.lang = r.Header("accept-language").substr(0, 2);
  return ErrorPage(r, status);
}

http::Response PageServer::Done(const http::Request& request, const std::string& anchor,
                                const std::string& text, bool failed) {
  if (!request.csrf_token.empty()) {
    std::lock_guard<std::mutex> lock(flash_mu_);
    if (flashes_.size() >= 10000) flashes_.clear();  // bounded: sessions that never came back
    flashes_[request.csrf_token] = {{"text", text}, {"failed", failed}};
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
  if (request.csrf_token.empty()) return nullptr;
  std::lock_guard<std::mutex> lock(flash_mu_);
  auto it = flashes_.find(request.csrf_token);
  if (it == flashes_.end()) return nullptr;
  nlohmann::json flash = std::move(it->second);
  flashes_.erase(it);
  return flash;
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
