// The admin's source writes: the add and edit form (GET shows it, POST
// stores and answers 303 to /ui/admin, or shows the form again with the
// message naming the field), removal after a confirmation page, and "Poll
// now" through the poller of `scrm serve`: each over service/sources.h, as
// `scrm sources` and /api/v1/admin/sources; the push secret is never shown.
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/reasons.h"
#include "http/audit.h"
#include "http/errors.h"
#include "service/follow.h"
#include "service/sources.h"
#include "ui/page_server.h"

namespace scrm::ui {

namespace {

std::string Trimmed(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

nlohmann::json Options(const std::vector<std::string>& values, const std::string& selected,
                       const std::function<std::string(const std::string&)>& label) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& v : values) {
    out.push_back({{"value", v}, {"label", label(v)}, {"selected", v == selected}});
  }
  return out;
}

// The form, filled with `s` and then `typed` (the numbers as typed, which
// may not be numbers); `error` (when not OK) shown above it and at its
// field, with status 400, 404 or 409 after the error.
http::Response SourceForm(const Templates& templates, const UiOptions& options,
                          const http::Request& request, nlohmann::json base, const Source& s,
                          bool adding, const Status& error,
                          const nlohmann::json& typed = nlohmann::json::object()) {
  const std::string& lang = request.principal.lang;
  auto t = [&](const std::string& key) { return templates.Message(lang, key); };
  nlohmann::json& c = base;
  c["adding"] = adding;
  c["action"] = adding ? "/ui/admin/sources" : "/ui/admin/sources/" + s.name + "/edit";
  c["source"] = {{"name", s.name},
                 {"type", s.type},
                 {"location", s.location},
                 {"poll_interval_seconds", std::to_string(s.poll_interval_seconds)},
                 {"community", s.community},
                 {"retention_days", std::to_string(s.retention_days)},
                 {"has_secret", !s.push_secret.empty()}};
  c["source"].update(typed);
  c["types"] = Options({"file", "url", "push", "listen"}, s.type, [&](const std::string& v) {
    return t("admin.type_" + v);
  });
  std::vector<std::string> formats = {"auto"};
  formats.insert(formats.end(), KnownFormats().begin(), KnownFormats().end());
  c["formats"] = Options(formats, s.format, [&](const std::string& v) {
    return v == "auto" ? t("admin.format_auto") : v;
  });
  c["visibilities"] = Options({"public", "internal", "community"}, s.visibility,
                              [&](const std::string& v) { return t("admin.visibility_" + v); });
  int status = 200;
  if (!error.ok()) {
    status = http::HttpStatusFor(error.code());
    std::string field = error.field();
    if (error.code() == Status::Code::kConflict) field = "name";
    c["error"] = {{"message", templates.Explain(lang, error)},
                  {"field", Optional(field)},
                  {"label", Optional(field.empty() ? "" : t("admin.field_" + field))}};
    c["invalid"] = {{field.empty() ? "none" : field, true}};
  }
  return HtmlResponse(templates.Render("admin_source", c, lang), status, options.crm_origin);
}

}  // namespace

http::Response PageServer::AdminSourceForm(const http::Request& request) {
  if (pool_ == nullptr) return NoDatabase(request);
  const std::string name = request.Param("name");
  Source s;
  if (!name.empty()) {
    Result<Source> found = service::GetSource(*pool_, name);
    if (!found.ok()) return ErrorPage(request, found.status());
    s = *found;
  }
  const bool adding = name.empty();
  return SourceForm(*templates_, options_, request,
                    Base(request, adding ? "admin.source_add" : "admin.source_edit"), s, adding,
                    Status::Ok());
}

http::Response PageServer::AdminSourceSave(const http::Request& request) {
  if (pool_ == nullptr) return NoDatabase(request);
  const std::string name = request.Param("name");
  const bool adding = name.empty();
  const std::multimap<std::string, std::string> form = FormFields(request);
  auto field = [&](const char* key) {
    auto it = form.find(key);
    return it == form.end() ? std::string() : Trimmed(it->second);
  };
  std::optional<Source> before;
  if (!adding) {
    Result<Source> found = service::GetSource(*pool_, name);
    if (!found.ok()) return ErrorPage(request, found.status());
    before = *found;
  }
  service::SourceEdit edit;
  SourceSettings& settings = edit.settings;
  if (adding) settings.type = field("type");
  settings.format = field("format");
  settings.location = field("location");
  settings.poll_interval_seconds = field("poll_interval_seconds");
  settings.visibility = field("visibility");
  // The form always sends the community box; it counts for community visibility only.
  settings.community = *settings.visibility == "community" ? field("community") : "";
  settings.retention_days = field("retention_days");
  // Blank keeps the secret: it is never sent back to the page.
  if (const std::string secret = field("push_secret"); !secret.empty()) edit.push_secret = secret;
  const std::string title = adding ? "admin.source_add" : "admin.source_edit";

  service::SourcesOptions options;
  options.key_file = options_.secrets_key_file;
  const store::AuditBy by = http::AuditByOf(request);
  Result<Source> saved = adding ? service::AddSource(*pool_, options, field("name"), edit, by)
                                : service::ChangeSource(*pool_, options, name, edit, by);
  if (!saved.ok()) {
    Status status = saved.status();
    // A key file that cannot seal is blamed on the form's secret field too.
    if (edit.push_secret && status.field().empty() && status.code() != Status::Code::kConflict &&
        status.code() != Status::Code::kNotFound) {
      status = Status::InvalidArgument(status.message(), "push_secret")
                   .WithReason(status.reason(), status.reason_args());
    }
    // The form comes back as typed, the secret excepted.
    Source shown = before ? *before : Source();
    if (adding) shown.name = field("name");
    service::SourceEdit typed = edit;
    typed.push_secret.reset();
    (void)ApplySourceSettings(typed.settings, &shown);
    return SourceForm(*templates_, options_, request, Base(request, title), shown, adding, status,
                      {{"poll_interval_seconds", field("poll_interval_seconds")},
                       {"retention_days", field("retention_days")}});
  }
  return Done(request, "sources",
              templates_->Message(request.principal.lang,
                                  adding ? "admin.done_source_added" : "admin.done_source_updated") +
                  " " + saved->name);
}

http::Response PageServer::AdminSourceRemove(const http::Request& request) {
  if (pool_ == nullptr) return NoDatabase(request);
  const std::string name = request.Param("name");
  const std::string& lang = request.principal.lang;
  if (request.method == "GET") {
    if (Result<Source> found = service::GetSource(*pool_, name); !found.ok()) {
      return ErrorPage(request, found.status());
    }
    return Confirm(request, "admin.source_remove",
                   templates_->Message(lang, "admin.source_remove_question") + " " + name,
                   "/ui/admin/sources/" + name + "/remove", "admin.source_remove");
  }
  if (Status s = service::RemoveSource(*pool_, name, http::AuditByOf(request)); !s.ok()) {
    return Failed(request, "sources", s);
  }
  return Done(request, "sources", templates_->Message(lang, "admin.done_source_removed") + " " + name);
}

http::Response PageServer::AdminSourcePoll(const http::Request& request) {
  const std::string name = request.Param("name");
  const std::string& lang = request.principal.lang;
  auto t = [&](const std::string& key) { return templates_->Message(lang, key); };
  if (poller_ == nullptr) {
    return Done(request, "sources", t("admin.poll_failed") + " " + name + ": " +
                                        t("admin.poll_unavailable"), true);
  }
  Result<ingest::IngestSummary> s = service::PollSource(poller_, name);
  if (!s.ok()) return Failed(request, "sources", s.status(), t("admin.poll_failed") + " " + name);
  std::string text = t("admin.polled") + " " + name + ": " + std::to_string(s->posts_new) + " " +
                     t("admin.poll_new") + ", " + std::to_string(s->posts_updated) + " " +
                     t("admin.poll_updated") + ", " + std::to_string(s->removed) + " " +
                     t("admin.poll_removed") + ", " + std::to_string(s->rejected) + " " +
                     t("admin.poll_rejected");
  if (!s->notes.empty()) text += " (" + s->notes.front() + ")";
  return Done(request, "sources", text, s->rejected > 0);
}

// POST /ui/admin/networks/{network} (on=1 or on=0): switches scrm serve's
// following of the network, as `scrm follow on|off` (a settings change in
// the security log).
http::Response PageServer::AdminNetworkSwitch(const http::Request& request) {
  if (pool_ == nullptr) return ErrorPage(request, 503, "no database configured");
  const std::string network = request.Param("network");
  const std::string& lang = request.principal.lang;
  const std::multimap<std::string, std::string> form = FormFields(request);
  auto it = form.find("on");
  const bool on = it != form.end() && it->second == "1";
  if (Status s = service::SwitchNetwork(*pool_, network, on, http::AuditByOf(request)); !s.ok()) {
    return Failed(request, "networks", s, templates_->Message(lang, "admin.network_switch_failed"));
  }
  return Done(request, "networks",
              templates_->Message(lang, "admin.network_" + network) + ": " +
                  templates_->Message(lang, on ? "admin.network_on" : "admin.network_off"));
}

}  // namespace scrm::ui
