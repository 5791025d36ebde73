#include "http/social.h"

#include "core/time.h"
#include "http/auth.h"
#include "http/errors.h"

namespace scrm::http {

namespace {

nlohmann::json Nullable(const std::string& v) { return v.empty() ? nlohmann::json() : nlohmann::json(v); }

nlohmann::json LinkJson(const service::PanelLink& l, bool live) {
  nlohmann::json evidence = nlohmann::json::array();
  for (const service::Evidence& e : l.evidence) {
    nlohmann::json phrases = nlohmann::json::array();
    for (const service::EvidencePhrase& p : e.phrases) {
      phrases.push_back({{"id", p.id}, {"args", p.args}});
    }
    evidence.push_back(
        {{"kind", e.kind}, {"detail", e.detail}, {"weight", e.weight}, {"phrases", std::move(phrases)}});
  }
  nlohmann::json out = {{"id", l.id},
                        {"profile_id", l.profile_id},
                        {"platform", l.platform},
                        {"name", l.name},
                        {"handle", Nullable(l.handle)},
                        {"url", Nullable(l.url)},
                        {"status", l.status},
                        {"score", l.score},
                        {"evidence", std::move(evidence)},
                        {"decided_by", Nullable(l.decided_by)},
                        {"decided_at", Nullable(l.decided_at)}};
  if (live) {
    nlohmann::json hidden = nlohmann::json::array();
    for (const service::HiddenPosts& h : l.hidden) hidden.push_back({{"kind", h.kind}, {"count", h.count}});
    out["hidden_posts"] = std::move(hidden);
  }
  return out;
}

// A whole number from min to max, or InvalidArgument naming the parameter.
Result<int> IntParam(const Request& r, const std::string& name, int fallback, int min, int max) {
  const std::optional<std::string> v = r.Query(name);
  if (!v) return fallback;
  if (v->empty() || v->size() > 9 || v->find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(*v) < min || std::stoi(*v) > max) {
    return Status::InvalidArgument(
        name + " must be a number from " + std::to_string(min) + " to " + std::to_string(max), name);
  }
  return std::stoi(*v);
}

}  // namespace

nlohmann::json SocialPanelJson(const service::SocialPanel& panel) {
  nlohmann::json linked = nlohmann::json::array(), suggested = nlohmann::json::array();
  for (const service::PanelLink& l : panel.linked) linked.push_back(LinkJson(l, true));
  for (const service::PanelLink& l : panel.suggested) suggested.push_back(LinkJson(l, false));
  nlohmann::json posts = nlohmann::json::array();
  for (const service::TimelinePost& p : panel.timeline) {
    nlohmann::json parent;  // null: not a reply, or its parent is not stored
    if (p.parent) {
      parent = {{"author", p.parent->author}, {"excerpt", p.parent->excerpt}, {"url", Nullable(p.parent->url)}};
    }
    posts.push_back({{"id", p.id},
                     {"platform", p.platform},
                     {"date", FormatIsoTime(p.date)},
                     {"kind", p.kind},
                     {"is_reply", p.is_reply},
                     {"thread", Nullable(p.thread)},
                     {"author", p.author},
                     {"snippet", p.snippet},
                     {"text", p.text},
                     {"url", Nullable(p.url)},
                     {"parent", std::move(parent)}});
  }
  const bool more = static_cast<int64_t>(panel.page) * panel.per_page < panel.total;
  nlohmann::json buckets = nlohmann::json::array();
  for (const index::HistogramBucket& b : panel.engagement) {
    buckets.push_back({{"start", FormatIsoTime(b.start)}, {"count", b.count}});
  }
  nlohmann::json signals = nlohmann::json::array();
  for (const service::Signal& s : panel.signals) {
    if (s.kind == "quiet") {
      signals.push_back({{"kind", s.kind}, {"last_post", FormatIsoTime(s.last)}});
    } else if (s.kind == "mentions") {
      signals.push_back({{"kind", s.kind}, {"count", s.count}, {"q", s.query}});
    } else {
      signals.push_back({{"kind", s.kind}, {"count", s.count}});
    }
  }
  nlohmann::json out = {
      {"record",
       {{"module", CrmModuleName(panel.module)},
        {"id", panel.crm_id},
        {"name", panel.record_name},
        {"known", panel.known_record}}},
      {"linked", std::move(linked)},
      {"suggested", std::move(suggested)},
      {"timeline",
       {{"page", panel.page},
        {"per_page", panel.per_page},
        {"total", panel.total},
        {"next_page", more ? nlohmann::json(panel.page + 1) : nlohmann::json()},
        {"posts", std::move(posts)}}},
      {"engagement", {{"interval", panel.engagement_interval}, {"buckets", std::move(buckets)}}},
      {"signals", std::move(signals)}};
  if (panel.searched) {
    nlohmann::json found = nlohmann::json::array();
    for (const service::FoundProfile& p : panel.found) {
      found.push_back({{"id", p.id},
                       {"platform", p.platform},
                       {"name", p.name},
                       {"handle", Nullable(p.handle)},
                       {"url", Nullable(p.url)}});
    }
    out["found"] = std::move(found);
  }
  return out;
}

Response HandleSocialPanel(store::Pool* pool, index::Searcher* searcher, const Request& request) {
  Result<CrmModule> module =
      service::ParseSocialPanelPath(request.Param("module"), request.Param("id"));
  if (!module.ok()) return ErrorResponse(module.status());
  for (const auto& [name, value] : request.query) {
    if (name != "page" && name != "per_page" && name != "find") {
      return ErrorResponse(Status::InvalidArgument(
          "unknown parameter '" + name + "' (the panel takes page, per_page and find)", name));
    }
  }
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  if (searcher == nullptr) return ErrorResponse(Status::Unavailable("no search index configured"));
  service::SocialPanelOptions options;
  options.module = *module;
  options.crm_id = request.Param("id");
  options.viewer = ViewerOf(request.principal);
  Result<int> page = IntParam(request, "page", 1, 1, 1000000);
  if (!page.ok()) return ErrorResponse(page.status());
  Result<int> per_page = IntParam(request, "per_page", 20, 1, service::kMaxPerPage);
  if (!per_page.ok()) return ErrorResponse(per_page.status());
  options.page = *page;
  options.per_page = *per_page;
  options.find = request.Query("find").value_or("");
  if (options.find.size() > service::kMaxFind) {
    return ErrorResponse(Status::InvalidArgument(
        "find must be at most " + std::to_string(service::kMaxFind) + " bytes", "find"));
  }
  Result<service::SocialPanel> panel = service::BuildSocialPanel(*pool, *searcher, options);
  if (!panel.ok()) return ErrorResponse(panel.status());
  nlohmann::json body = SocialPanelJson(*panel);
  // What the caller's roles may do with the links (auth.h: CanDecideLinks).
  body["can_decide"] = CanDecideLinks(request.principal);
  return Response::Json(body);
}

}  // namespace scrm::http
