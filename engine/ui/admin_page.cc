// GET /ui/admin (admin role): engine health (what /readyz says, the index's
// size, the indexing queue), the sources with their health, the matching
// thresholds in force and a dry-run preview of other thresholds
// (?auto=&suggest=&margin=: matching runs with both, storing nothing), the
// roles, API keys and export (admin_access.cc), and the message the last
// change left. Sources change through its forms (admin_sources.cc) or
// `scrm sources`; thresholds in the configuration (docs/ui.md).
#include <cstdio>
#include <cstdlib>

#include "http/health.h"
#include "identity/run/match_run.h"
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

// A threshold from the query, or `fallback` when absent; nullopt when not
// a number in [0, 1].
std::optional<double> Threshold(const http::Request& r, const char* name, double fallback) {
  std::optional<std::string> v = r.Query(name);
  if (!v || v->empty()) return fallback;
  char* end = nullptr;
  const double d = std::strtod(v->c_str(), &end);
  if (*end != '\0' || !(d >= 0.0 && d <= 1.0)) return std::nullopt;
  return d;
}

nlohmann::json RunView(const identity::RunSummary& s) {
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
                         {"can_poll", s.type == "url"},
                         {"state", failing ? "error" : never ? "never" : "ok"},
                         {"state_text", templates_->Message(
                                            lang, failing ? "admin.source_error"
                                                          : never ? "admin.source_never"
                                                                  : "admin.source_ok")}});
    }
    c["sources"] = sources;
    c["no_sources"] = sources.empty();
  }
  c["thresholds"] = {{"auto", Fixed(options_.match.auto_threshold)},
                     {"suggest", Fixed(options_.match.suggest_threshold)},
                     {"margin", Fixed(options_.match.margin)}};
  // Dry-run preview: matching with the thresholds in force and with the
  // ones asked, nothing stored, counts side by side.
  if (request.Query("preview") && pool_ != nullptr && ready.status == 200) {
    std::optional<double> a = Threshold(request, "auto", options_.match.auto_threshold);
    std::optional<double> s = Threshold(request, "suggest", options_.match.suggest_threshold);
    std::optional<double> m = Threshold(request, "margin", options_.match.margin);
    nlohmann::json preview = {{"auto", request.Query("auto").value_or("")},
                              {"suggest", request.Query("suggest").value_or("")},
                              {"margin", request.Query("margin").value_or("")}};
    if (!a || !s || !m || *s > *a) {
      preview["error"] = templates_->Message(lang, "admin.preview_bad");
    } else {
      identity::RunOptions now, asked;
      now.dry_run = asked.dry_run = true;
      now.match = asked.match = options_.match;
      asked.match.auto_threshold = *a;
      asked.match.suggest_threshold = *s;
      asked.match.margin = *m;
      Result<identity::RunSummary> before = identity::MatchAll(*pool_, now);
      Result<identity::RunSummary> after = identity::MatchAll(*pool_, asked);
      if (!before.ok() || !after.ok()) {
        preview["error"] = (before.ok() ? after.status() : before.status()).message();
      } else {
        preview["current"] = RunView(*before);
        preview["asked"] = RunView(*after);
      }
    }
    c["preview"] = preview;
  }
  AddAccess(request, c);
  c["flash"] = TakeFlash(request);
  c["session_minutes"] = options_.session_minutes;
  c["crm_origin"] = Optional(options_.crm_origin);
  return Html("admin", c, request);
}

}  // namespace scrm::ui
