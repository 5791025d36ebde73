// GET /ui/admin (admin role): engine health (what /readyz says, the index's
// size, the indexing queue), the sources with their health, the matching
// thresholds in force and a dry-run preview of other thresholds
// (?auto=&suggest=&margin=: matching runs with both, storing nothing), the
// roles, API keys and export (admin_access.cc), and the message the last
// change left. Sources change through its forms (admin_sources.cc) or
// `scrm sources`; thresholds through the preview's "Use these thresholds"
// (POST /ui/admin/thresholds, AdminThresholds below) or `scrm thresholds`.
#include <cstdio>
#include <cstdlib>

#include "http/audit.h"
#include "http/health.h"
#include "service/follow.h"
#include "service/match_settings.h"
#include "service/matching.h"
#include "store/index_queue_repository.h"
#include "store/source_repository.h"
#include "ui/page_server.h"

namespace scrm::ui {

namespace {

std::string Fixed(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// A threshold from the query or the form, or `fallback` when absent;
// nullopt when not a number in [0, 1].
std::optional<double> Threshold(const std::optional<std::string>& v, double fallback) {
  if (!v || v->empty()) return fallback;
  Result<double> d = service::ParseThreshold(*v, "");
  if (!d.ok()) return std::nullopt;
  return *d;
}

nlohmann::json RunView(const service::RunSummary& s) {
  return {{"profiles", s.profiles},
          {"settled", s.settled},
          {"auto", s.proposed_auto},
          {"suggest", s.proposed_suggest},
          {"seconds", Fixed(s.seconds)}};
}

}  // namespace

http::Response PageServer::Admin(const http::Request& request) {
  const std::string& lang = request.principal.lang;
  nlohmann::json c = Base(request, "admin.title");

  // Health: exactly what /readyz answers.
  http::Response ready = http::Readyz(pool_, searcher_);
  nlohmann::json r = nlohmann::json::parse(ready.body, nullptr, false);
  c["ready"] = ready.status == 200;
  c["health"] = {{"status", r.value("status", "")},
                 {"reason", Optional(r.value("reason", ""))},
                 {"schema_version", r.contains("schema_version") ? r["schema_version"].dump() : ""},
                 {"documents", r.contains("documents") ? r["documents"].dump() : ""}};

  if (pool_ != nullptr && ready.status == 200) {
    c["queue"] = store::IndexQueueRepository(*pool_).Pending();
    nlohmann::json sources = nlohmann::json::array();
    for (const Source& s : store::SourceRepository(*pool_).List()) {
      const bool failing = !s.last_error.empty();
      const bool never = s.last_run_at.empty();
      sources.push_back({{"name", s.name},
                         {"type", s.type},
                         {"format", s.format},
                         {"location", Optional(s.location)},
                         {"visibility", s.community.empty() ? s.visibility
                                                            : s.visibility + ": " + s.community},
                         {"interval", s.poll_interval_seconds},
                         {"last_run_at", Optional(s.last_run_at)},
                         {"last_success_at", Optional(s.last_success_at)},
                         {"last_error", Optional(s.last_error)},
                         {"items", s.items_total},
                         {"can_poll", s.type == "url" || s.type == "listen"},
                         {"state", failing ? "error" : never ? "never" : "ok"},
                         {"state_text", templates_->Message(
                                            lang, failing ? "admin.source_error"
                                                          : never ? "admin.source_never"
                                                                  : "admin.source_ok")}});
    }
    c["sources"] = sources;
    c["no_sources"] = sources.empty();
    // Following on open networks: switched on or off, and its health.
    nlohmann::json networks = nlohmann::json::array();
    for (const service::NetworkStatus& n : service::NetworkStatuses(*pool_)) {
      const bool failing = n.health.failing > 0;
      const char* state = !n.on ? "never" : failing ? "error" : "ok";
      networks.push_back({{"network", n.network},
                          {"name", templates_->Message(lang, "admin.network_" + n.network)},
                          {"on", n.on},
                          {"state", state},
                          {"state_text", templates_->Message(lang, std::string("admin.network_") +
                                                                      (!n.on ? "off" : failing ? "failing_state" : "on"))},
                          {"accounts", n.health.accounts},
                          {"failing", n.health.failing},
                          {"last_success_at", Optional(n.health.last_success_at)},
                          {"last_error", Optional(n.health.last_error)},
                          {"last_error_at", Optional(n.health.last_error_at)}});
    }
    c["networks"] = networks;
  }
  // The thresholds in force: stored by an admin, else the configuration's.
  service::MatchSettings in_force;
  in_force.options = options_.match;
  if (pool_ != nullptr && ready.status == 200) in_force = service::LoadMatchSettings(*pool_, options_.match);
  const identity::MatchOptions& match = in_force.options;
  c["thresholds"] = {{"auto", Fixed(match.auto_threshold)},
                     {"suggest", Fixed(match.suggest_threshold)},
                     {"margin", Fixed(match.margin)},
                     {"stored", in_force.stored},
                     {"updated_by", in_force.updated_by},
                     {"updated_at", in_force.updated_at}};
  c["can_store_thresholds"] = pool_ != nullptr && ready.status == 200;
  // Dry-run preview: matching with the thresholds in force and with the
  // ones asked, nothing stored, counts side by side.
  if (request.Query("preview") && pool_ != nullptr && ready.status == 200) {
    std::optional<double> a = Threshold(request.Query("auto"), match.auto_threshold);
    std::optional<double> s = Threshold(request.Query("suggest"), match.suggest_threshold);
    std::optional<double> m = Threshold(request.Query("margin"), match.margin);
    nlohmann::json preview = {{"auto", request.Query("auto").value_or("")},
                              {"suggest", request.Query("suggest").value_or("")},
                              {"margin", request.Query("margin").value_or("")}};
    if (!a || !s || !m || *s > *a) {
      preview["error"] = templates_->Message(lang, "admin.preview_bad");
    } else {
      service::RunOptions now, asked;
      now.dry_run = asked.dry_run = true;
      now.match = asked.match = match;
      asked.match.auto_threshold = *a;
      asked.match.suggest_threshold = *s;
      asked.match.margin = *m;
      Result<service::RunSummary> before = service::MatchAll(*pool_, now);
      Result<service::RunSummary> after = service::MatchAll(*pool_, asked);
      if (!before.ok() || !after.ok()) {
        preview["error"] = (before.ok() ? after.status() : before.status()).message();
      } else {
        preview["current"] = RunView(*before);
        preview["asked"] = RunView(*after);
        // What the "store these" form posts: the numbers the preview ran with.
        preview["store"] = {{"auto", Fixed(*a)}, {"suggest", Fixed(*s)}, {"margin", Fixed(*m)}};
      }
    }
    c["preview"] = preview;
  }
  AddAccess(request, c);
  c["flash"] = TakeFlash(request);
  c["session_minutes"] = options_.session_minutes;
  c["session_max_hours"] = options_.session_max_hours;
  c["crm_origin"] = Optional(options_.crm_origin);
  return Html("admin", c, request);
}

http::Response PageServer::AdminThresholds(const http::Request& request) {
  if (pool_ == nullptr) return ErrorPage(request, 503, "no database configured");
  const std::string& lang = request.principal.lang;
  const std::multimap<std::string, std::string> form = FormFields(request);
  auto field = [&](const char* name) -> std::optional<std::string> {
    auto it = form.find(name);
    if (it == form.end()) return std::nullopt;
    return it->second;
  };
  if (form.count("reset") > 0) {
    const bool had = service::ResetMatchSettings(*pool_, http::AuditByOf(request));
    return Done(request, "matching",
                templates_->Message(lang, had ? "admin.done_thresholds_reset" : "admin.thresholds_none_stored"));
  }
  identity::MatchOptions m = service::LoadMatchSettings(*pool_, options_.match).options;
  for (auto [name, out] : {std::pair{"auto", &m.auto_threshold}, std::pair{"suggest", &m.suggest_threshold},
                           std::pair{"margin", &m.margin}}) {
    std::optional<double> v = Threshold(field(name), *out);
    if (!v) {
      return Done(request, "matching",
                  templates_->Message(lang, std::string("admin.threshold_bad_") + name) + " '" +
                      field(name).value_or("") + "'",
                  true);
    }
    *out = *v;
  }
  if (Status s = service::SaveMatchSettings(*pool_, m, http::AuditByOf(request)); !s.ok()) {
    return Done(request, "matching", templates_->Message(lang, "admin.threshold_bad_order"), true);
  }
  return Done(request, "matching", templates_->Message(lang, "admin.done_thresholds_saved"));
}

}  // namespace scrm::ui
