// Rendering of the /ui/ pages: the templates, message catalogues and static
// files of one ui-templates/ directory, loaded and checked once at start-up,
// and the one function that turns a page's context (JSON) into an HTML
// response with the pages' security headers.
//
// Escaping: every value reaches the HTML through Mustache's {{ }}, which
// escapes & < > " and '. URLs that come from posts or profiles go through
// SafeUrl() first, since escaping does not stop a javascript: link. The
// only {{{ }}} is the search snippet, escaped by the index (see
// ui-templates/conversations.mustache). Thread-safe once loaded. Load does
// the work that does not depend on the request: it writes each page's
// partials into it, parses it, and turns each catalogue into Mustache data;
// a render converts only its own context.
#ifndef SCRM_UI_RENDER_H_
#define SCRM_UI_RENDER_H_

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "http/request.h"

namespace scrm::ui {

struct StaticFile {
  std::string content_type;
  std::string body;
};

class Templates {
 public:
  Templates();
  ~Templates();

  // Reads DIR/*.mustache (pages), DIR/partials/*.mustache, DIR/i18n/*.json
  // (one catalogue per language; en.json is required and every other one
  // must have exactly its keys) and DIR/static/*.css|*.js. InvalidArgument
  // naming the file and the fault (unreadable, bad JSON, a Mustache syntax
  // error, a missing message key) otherwise.
  static Result<std::unique_ptr<Templates>> Load(const std::string& dir);

  // The language served for a token's lang ("fr-FR" -> "fr"); "en" when
  // there is no catalogue for it.
  std::string Language(const std::string& lang) const;
  // The catalogue of that language (as Language() chose).
  const nlohmann::json& Messages(const std::string& lang) const;
  // One message by dotted key ("record.title"), "" when absent.
  std::string Message(const std::string& lang, const std::string& key) const;
  // What a failed status says, in that language: the catalogue's
  // "reason.<id>" for its reason (core/reasons.h), each {name} in it
  // replaced by the status's argument of that name; its English message()
  // when it has no reason or the catalogue lacks that one.
  std::string Explain(const std::string& lang, const Status& status) const;

  // Renders page `name` (file name without .mustache) with `context`,
  // beside which the page sees "t" (the messages) and "lang". Throws
  // std::runtime_error when the page does not exist, the context has a key
  // "t" or "lang", or the page fails to render: a bug of the pages, which
  // Load() and the tests check.
  std::string Render(const std::string& name, const nlohmann::json& context,
                     const std::string& lang) const;

  const StaticFile* Static(const std::string& name) const;  // nullptr when absent
  const std::string& dir() const { return dir_; }

 private:
  struct Page;       // a page's text and its parsed copies (render.cc)
  struct Catalogue;  // a language's messages as Mustache data (render.cc)
  std::string dir_;
  std::map<std::string, std::unique_ptr<Page>> pages_;
  std::map<std::string, std::unique_ptr<Catalogue>> data_;  // lang -> {"t": ..., "lang": ...}
  std::map<std::string, nlohmann::json> messages_;  // lang -> catalogue, nested
  std::map<std::string, std::map<std::string, std::string>> flat_;  // lang -> "a.b" -> text
  std::map<std::string, StaticFile> static_;
};

// The security headers of every page: Content-Security-Policy (default-src
// 'self'; frame-ancestors 'self' and the CRM's origin), Referrer-Policy.
void AddPageHeaders(http::Response& response, const std::string& crm_origin);

// An HTML response with AddPageHeaders().
http::Response HtmlResponse(std::string html, int status, const std::string& crm_origin);

// The URL when it is http(s), else "" (a javascript: or data: link from a
// post never reaches an href).
std::string SafeUrl(const std::string& url);

// The string, or null when empty: an empty value must read as false in a
// {{#section}} (Mustache counts "" as true).
nlohmann::json Optional(const std::string& value);

// "a=1&b=x%20y" from query pairs (values percent-encoded).
std::string QueryString(const std::vector<std::pair<std::string, std::string>>& pairs);

// The fields of a form's application/x-www-form-urlencoded body (a name
// may repeat: checkboxes); empty for any other body.
std::multimap<std::string, std::string> FormFields(const http::Request& request);

// "2026-10-01 09:00" (UTC) of epoch seconds; "" for 0.
std::string FormatDate(int64_t t);
// "2026-10-01T09:00:00Z" (ISO 8601, UTC) of epoch seconds; "" for 0.
std::string IsoDate(int64_t t);

}  // namespace scrm::ui

#endif  // SCRM_UI_RENDER_H_
