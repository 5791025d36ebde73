// The admin's source writes: the add and edit form (GET shows it, POST
// stores and answers 303 to /ui/admin, or shows the form again with the
// message naming the field), removal after a confirmation page, and "Poll
// now" through the poller of `scrm serve`. Validation is ApplySourceSettings()
// (core/source.h), the same as `scrm sources add/set`; the push secret goes
// through SourceRepository like every other setting and is never shown.
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/reasons.h"
#include "http/audit.h"
#include "http/errors.h"
#include "store/index_queue_repository.h"
#include "store/source_repository.h"
#include "ui/page_server.h"

namespace scrm::ui {

namespace {

std::string Trimmed(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

Status NoSource(const std::string& name) {
  return Status::NotFound("no source named '" + name + "'")
      .WithReason(reason::kSourceUnknown, {{"name", name}});
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
  c["types"] = Options({"file", "url", "push"}, s.type, [&](const std::string& v) {
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
    std::optional<Source> found = store::SourceRepository(*pool_).Get(name);
    if (!found) return ErrorPage(request, NoSource(name));
    s = *found;
  }
  const bool adding = name.empty();
  return SourceForm(*templates_, options_, request,
                    Base(request, adding ? "admin.source_add" : "admin.source_edit"), s, adding,
                    Status::Ok());
}

http::Response PageServer::AdminSourceSave(const http::Request& request) {
  if (pool_ == nullptr) return NoDatabase(request);
  store::SourceRepository repo(*pool_);
  const std::string name = request.Param("name");
  const bool adding = name.empty();
  const std::multimap<std::string, std::string> form = FormFields(request);
  auto field = [&](const char* key) {
    auto it = form.find(key);
    return it == form.end() ? std::string() : Trimmed(it->second);
  };
  Source s;
  std::optional<Source> before;
  if (adding) {
    s.name = field("name");
  } else {
    before = repo.Get(name);
    if (!before) return ErrorPage(request, NoSource(name));
    s = *before;
  }
  SourceSettings settings;
  if (adding) settings.type = field("type");
  settings.format = field("format");
  settings.location = field("location");
  settings.poll_interval_seconds = field("poll_interval_seconds");
  settings.visibility = field("visibility");
  // The form always sends the community box; it counts for community visibility only.
  settings.community = *settings.visibility == "community" ? field("community") : "";
  settings.retention_days = field("retention_days");
  // Blank keeps the secret: it is never sent back to the page.
  const std::string new_secret = field("push_secret");
  const std::string title = adding ? "admin.source_add" : "admin.source_edit";

  Status status = ApplySourceSettings(settings, &s);
  if (status.ok() && !new_secret.empty()) {
    // Stored sealed, as scrm sources add|set --secret does.
    Result<std::string> sealed =
        options_.seal_push_secret
            ? options_.seal_push_secret(s.name, new_secret)
            : Result<std::string>(
                  Status::InvalidArgument(
                      "this engine cannot seal secrets; use scrm sources set NAME --secret")
                      .WithReason(reason::kSecretNoSealing));
    if (sealed.ok()) {
      s.push_secret = *sealed;
    } else {
      // Blamed on the form's field, whatever the sealer called it (--secret).
      status = Status::InvalidArgument(sealed.status().message(), "push_secret")
                   .WithReason(sealed.status().reason(), sealed.status().reason_args());
    }
  }
  if (status.ok()) {
    const store::AuditBy by = http::AuditByOf(request);
    if (adding) {
      Result<Source> added = repo.Add(s, &by);
      status = added.status();
    } else {
      status = repo.Update(s, &by);
      // Who may see the posts changed: their index documents must say so.
      if (status.ok() && (before->visibility != s.visibility || before->community != s.community)) {
        store::IndexQueueRepository(*pool_).EnqueueSource(s.id);
      }
    }
  }
  if (!status.ok()) {
    // The form comes back as typed, the secret excepted.
    Source shown = s;
    shown.push_secret = before ? before->push_secret : "";
    return SourceForm(*templates_, options_, request, Base(request, title), shown, adding, status,
                      {{"poll_interval_seconds", field("poll_interval_seconds")},
                       {"retention_days", field("retention_days")}});
  }
  return Done(request, "sources",
              templates_->Message(request.principal.lang,
                                  adding ? "admin.done_source_added" : "admin.done_source_updated") +
                  " " + s.name);
}

http::Response PageServer::AdminSourceRemove(const http::Request& request) {
  if (pool_ == nullptr) return NoDatabase(request);
  const std::string name = request.Param("name");
  const std::string& lang = request.principal.lang;
  store::SourceRepository repo(*pool_);
  if (request.method == "GET") {
    if (!repo.Get(name)) return ErrorPage(request, NoSource(name));
    return Confirm(request, "admin.source_remove",
                   templates_->Message(lang, "admin.source_remove_question") + " " + name,
                   "/ui/admin/sources/" + name + "/remove", "admin.source_remove");
  }
  const store::AuditBy by = http::AuditByOf(request);
  if (Status s = repo.Remove(name, &by); !s.ok()) {
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
  Result<ingest::IngestSummary> s = poller_->PollNow(name);
  if (!s.ok()) return Failed(request, "sources", s.status(), t("admin.poll_failed") + " " + name);
  std::string text = t("admin.polled") + " " + name + ": " + std::to_string(s->posts_new) + " " +
                     t("admin.poll_new") + ", " + std::to_string(s->posts_updated) + " " +
                     t("admin.poll_updated") + ", " + std::to_string(s->rejected) + " " +
                     t("admin.poll_rejected");
  if (!s->notes.empty()) text += " (" + s->notes.front() + ")";
  return Done(request, "sources", text, s->rejected > 0);
}

}  // namespace scrm::ui
