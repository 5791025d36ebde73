// GET /ui/records/{module}/{id}: the Social panel of a CRM record
// (service/social_panel.h builds it; this page words and renders it).
// Linked profiles with their evidence, suggestions to confirm or reject, a
// search for a profile to link by hand (?find=), the linked authors' recent
// conversations as one timeline, engagement over time, and signals.
#include "core/customer.h"
#include "core/text.h"
#include "http/auth.h"
#include "service/social_panel.h"
#include "ui/chart.h"
#include "ui/page_server.h"

namespace scrm::ui {

namespace {

// What a piece of evidence says in the reader's language: its phrases
// (identity/evidence_text.h) from the catalogue (evidence_text.ID with the
// arguments), joined as identity joins them. Evidence stored before phrases
// existed, or a phrase the catalogue lacks, shows matching's English detail.
std::string DetailOf(const service::Evidence& e, const Templates& t, const std::string& lang) {
  if (e.phrases.empty()) return e.detail;
  std::string out;
  for (const service::EvidencePhrase& p : e.phrases) {
    const std::string text = t.Message(lang, "evidence_text." + p.id);
    if (text.empty()) return e.detail;
    if (!out.empty()) out += ' ';
    out += FillArgs(text, p.args);
  }
  return out;
}

// Evidence as matching explained it: the kind's label (evidence.KIND) and
// the detail in the reader's language.
nlohmann::json EvidenceOf(const std::vector<service::Evidence>& evidence, const Templates& t,
                          const std::string& lang) {
  nlohmann::json out = nlohmann::json::array();
  for (const service::Evidence& e : evidence) {
    const std::string label = t.Message(lang, "evidence." + e.kind);
    out.push_back({{"kind", label.empty() ? e.kind : label},
                   {"detail", DetailOf(e, t, lang)},
                   {"weight", e.weight}});
  }
  return out;
}

// What the page says of a linked profile's posts the viewer cannot see:
// how many, never the posts themselves.
nlohmann::json HiddenOf(const std::vector<service::HiddenPosts>& hidden, const Templates& t,
                        const std::string& lang) {
  nlohmann::json out = nlohmann::json::array();
  for (const service::HiddenPosts& h : hidden) {
    std::string text = t.Message(lang, "record.hidden_" + h.kind + (h.count == 1 ? "_one" : ""));
    if (const size_t at = text.find("{count}"); at != std::string::npos) {
      text.replace(at, 7, std::to_string(h.count));
    }
    out.push_back({{"kind", h.kind}, {"count", h.count}, {"text", text}});
  }
  return out;
}

nlohmann::json LinkView(const service::PanelLink& l, const Templates& t, const std::string& lang) {
  char score[16];
  std::snprintf(score, sizeof score, "%.2f", l.score);
  return {{"id", l.id},
          {"platform", l.platform},
          {"name", l.name},
          {"handle", Optional(l.handle)},
          {"url", Optional(SafeUrl(l.url))},
          {"status", l.status},
          {"score", score},
          {"evidence", EvidenceOf(l.evidence, t, lang)},
          {"decided_by", l.decided_by},
          {"decided_at", Optional(l.decided_at)}};
}

nlohmann::json PostView(const service::TimelinePost& p) {
  nlohmann::json parent = false;
  if (p.parent) {
    parent = {{"author", p.parent->author},
              {"excerpt", p.parent->excerpt},
              {"url", Optional(SafeUrl(p.parent->url))}};
  }
  // What a "Create case" button sends to the CRM (PageServer::CasePosts).
  const nlohmann::json case_post = {{"id", p.id},
                                    {"url", SafeUrl(p.url)},
                                    {"text", p.text},
                                    {"author", p.author},
                                    {"published", IsoDate(p.date)}};
  return {{"id", p.id},
          {"platform", p.platform},
          {"date", FormatDate(p.date)},
          {"kind", p.kind},
          {"is_reply", p.is_reply},
          {"thread", Optional(p.thread)},
          {"author", p.author},
          {"snippet", p.snippet},
          {"parent", parent},
          {"url", Optional(SafeUrl(p.url))},
          {"case", case_post}};
}

nlohmann::json SignalView(const service::Signal& s, const Templates& t, const std::string& lang) {
  if (s.kind == "quiet") {
    return {{"kind", "quiet"}, {"count", FormatDate(s.last).substr(0, 10)},
            {"text", t.Message(lang, "signal.gone_quiet")}};
  }
  nlohmann::json out = {{"kind", s.kind}, {"count", s.count}};
  if (s.kind == "new") out["text"] = t.Message(lang, "signal.new_posts");
  if (s.kind == "mentions") {
    out["text"] = t.Message(lang, "signal.mentions");
    out["link"] = "/ui/conversations?" + QueryString({{"q", s.query}});
  }
  return out;
}

}  // namespace

http::Response PageServer::Record(const http::Request& request) {
  const std::string& lang = request.principal.lang;
  Result<CrmModule> module = service::ParseSocialPanelPath(request.Param("module"), request.Param("id"));
  if (!module.ok()) return ErrorPage(request, 404, templates_->Message(lang, "record.bad_path"));
  if (pool_ == nullptr || searcher_ == nullptr) {
    return ErrorPage(request, 503, templates_->Message(lang, "error.unavailable"));
  }
  service::SocialPanelOptions options;
  options.module = *module;
  options.crm_id = request.Param("id");
  options.viewer = http::ViewerOf(request.principal);
  options.find = request.Query("find").value_or("");
  // Every read of the panel from one pool: the replica while it is
  // healthy (db.replica_url), else the primary.
  Result<service::SocialPanel> panel = service::BuildSocialPanel(ReadDb(), *searcher_, options);
  if (!panel.ok()) return ErrorPage(request, 503, panel.status().message());

  nlohmann::json c = Base(request, "record.title");
  c["module"] = CrmModuleName(panel->module);
  c["crm_id"] = panel->crm_id;
  c["record_name"] = panel->record_name;
  c["known_record"] = panel->known_record;
  // Only deciding roles get the forms.
  c["can_decide"] = !request.csrf_token.empty() && http::CanDecideLinks(request.principal);
  nlohmann::json linked = nlohmann::json::array(), suggested = nlohmann::json::array();
  for (const service::PanelLink& l : panel->linked) {
    nlohmann::json view = LinkView(l, *templates_, lang);
    view["hidden"] = HiddenOf(l.hidden, *templates_, lang);
    linked.push_back(std::move(view));
  }
  for (const service::PanelLink& l : panel->suggested) {
    suggested.push_back(LinkView(l, *templates_, lang));
  }
  c["linked"] = linked;
  c["suggested"] = suggested;
  c["find"] = options.find;
  if (panel->searched) {
    nlohmann::json found = nlohmann::json::array();
    for (const service::FoundProfile& p : panel->found) {
      found.push_back({{"id", p.id},
                       {"platform", p.platform},
                       {"name", p.name},
                       {"handle", Optional(p.handle)},
                       {"url", Optional(SafeUrl(p.url))}});
    }
    c["found"] = found;
    c["searched"] = true;
    c["found_none"] = found.empty();
  }
  nlohmann::json posts = nlohmann::json::array();
  for (const service::TimelinePost& p : panel->timeline) posts.push_back(PostView(p));
  c["posts"] = posts;
  c["total"] = panel->total;
  c["chart"] = ChartOf(panel->engagement, panel->engagement_interval,
                       templates_->Message(lang, "record.engagement"));
  nlohmann::json signals = nlohmann::json::array();
  for (const service::Signal& s : panel->signals) signals.push_back(SignalView(s, *templates_, lang));
  c["signals"] = signals;
  c["no_signals"] = signals.empty();
  return Html("record", c, request);
}

}  // namespace scrm::ui
