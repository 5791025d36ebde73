#include "ui/page_server.h"

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

http::Response PageServer::Denied(const http::Request& request, const Status& status) {
  // Before sign-on there is no principal: the language comes from the
  // browser (Accept-Language), so a French user reads French.
  http::Request r = request;
  if (r.principal.lang.empty()) r.principal.lang = r.Header("accept-language").substr(0, 2);
  return ErrorPage(r, http::HttpStatusFor(status.code()), status.message());
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
