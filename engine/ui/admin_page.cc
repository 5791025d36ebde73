// GET /ui/admin (admin role): engine health (what /readyz says, the index's
// size, the indexing queue), the sources with their health, and the
// matching thresholds in force. Read-only: sources are changed with `scrm
// sources` and thresholds in the configuration (docs/ui.md).
#include <cstdio>

#include "http/health.h"
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
                         {"state", failing ? "error" : never ? "never" : "ok"},
                         {"state_text", templates_->Message(
                                            lang, failing ? "admin.source_error"
                                                          : never ? "admin.source_never"
                                                                  : "admin.source_ok")}});
    }
    c["sources"] = sources;
    c["no_sources"] = sources.empty();
  }
  c["thresholds"] = {{"auto", Fixed(options_.match_auto_threshold)},
                     {"suggest", Fixed(options_.match_suggest_threshold)},
                     {"margin", Fixed(options_.match_margin)}};
  c["session_minutes"] = options_.session_minutes;
  c["crm_origin"] = Optional(options_.crm_origin);
  return Html("admin", c, request);
}

}  // namespace scrm::ui
