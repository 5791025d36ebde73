// GET /ui/records/{module}/{id}: the Social panel of a CRM record. Linked
// profiles with their evidence, suggestions to confirm or reject, a search
// for a profile to link by hand (?find=), the linked authors' recent
// conversations as one timeline, engagement over time, and signals.
#include <ctime>

#include "core/customer.h"
#include "core/text.h"
#include "http/auth.h"
#include "store/customer_repository.h"
#include "store/link_repository.h"
#include "store/post_reader.h"
#include "store/pool.h"
#include "store/profile_reader.h"
#include "ui/chart.h"
#include "ui/page_server.h"

namespace scrm::ui {

namespace {

constexpr int64_t kDay = 86400;
constexpr int kTimelineSize = 20;

bool Live(const std::string& status) {
  return status == "auto" || status == "confirmed" || status == "manual";
}

// What a piece of evidence says in the reader's language: its phrases
// (identity/evidence_text.h) from the catalogue (evidence_text.ID with the
// arguments), joined as identity joins them. Evidence stored before phrases
// existed, or a phrase the catalogue lacks, shows matching's English detail.
std::string DetailOf(const nlohmann::json& item, const Templates& t, const std::string& lang) {
  const std::string english = item.value("detail", "");
  const nlohmann::json* phrases = item.contains("phrases") ? &item["phrases"] : nullptr;
  if (phrases == nullptr || !phrases->is_array() || phrases->empty()) return english;
  std::string out;
  for (const nlohmann::json& p : *phrases) {
    if (!p.is_object() || !p.contains("id") || !p["id"].is_string()) return english;
    const std::string text = t.Message(lang, "evidence_text." + p["id"].get<std::string>());
    if (text.empty()) return english;
    std::map<std::string, std::string> args;
    if (p.contains("args") && p["args"].is_object()) {
      for (const auto& [name, value] : p["args"].items()) {
        if (value.is_string()) args[name] = value.get<std::string>();
      }
    }
    if (!out.empty()) out += ' ';
    out += FillArgs(text, args);
  }
  return out;
}

// Evidence as matching explained it: the kind's label (evidence.KIND) and
// the detail in the reader's language.
nlohmann::json EvidenceOf(const std::string& evidence_json, const Templates& t,
                          const std::string& lang) {
  nlohmann::json out = nlohmann::json::array();
  nlohmann::json e = nlohmann::json::parse(evidence_json, nullptr, false);
  if (!e.is_array()) return out;
  for (const auto& item : e) {
    if (!item.is_object()) continue;
    const std::string kind = item.value("kind", "");
    const std::string label = t.Message(lang, "evidence." + kind);
    out.push_back({{"kind", label.empty() ? kind : label},
                   {"detail", DetailOf(item, t, lang)},
                   {"weight", item.contains("weight") && item["weight"].is_number()
                                  ? item["weight"].get<double>()
                                  : 0.0}});
  }
  return out;
}

nlohmann::json LinkView(const store::Link& l, const Templates& t, const std::string& lang) {
  char score[16];
  std::snprintf(score, sizeof score, "%.2f", l.score);
  return {{"id", l.id},
          {"platform", l.platform},
          {"name", l.display_name.empty() ? l.handle : l.display_name},
          {"handle", Optional(l.handle)},
          {"url", Optional(SafeUrl(l.profile_url))},
          {"status", l.status},
          {"score", score},
          {"evidence", EvidenceOf(l.evidence, t, lang)},
          {"decided_by", l.decided_by_name.empty() ? l.decided_by : l.decided_by_name},
          {"decided_at", Optional(l.decided_at)}};
}

// What the record page says of a linked profile's posts the viewer cannot
// see, counted by the index with the visibility every search applies
// (ViewerOf): the posts in communities not theirs (and of removed sources),
// and the internal ones when the viewer sees public posts only. Nothing of
// the posts themselves is shown. A failed count says nothing.
nlohmann::json HiddenPosts(index::Searcher& searcher, const store::Link& l,
                           const index::Viewer& viewer, const Templates& t,
                           const std::string& lang) {
  nlohmann::json out = nlohmann::json::array();
  if (viewer.everything || l.external_id.empty()) return out;
  const auto count = [&](const index::Viewer& v) -> int64_t {
    index::SearchRequest r;
    r.authors = {l.external_id};
    r.platforms = {l.platform};
    r.viewer = v;
    r.limit = 0;
    r.facets = r.histogram = r.snippets = r.suggestion = false;
    Result<index::SearchResult> found = searcher.Search(r);
    return found.ok() ? found->total : -1;
  };
  index::Viewer all, staff = viewer;
  all.everything = true;
  staff.internal = true;
  const int64_t total = count(all), as_staff = count(staff);
  const int64_t seen = viewer.internal ? as_staff : count(viewer);
  if (total < 0 || as_staff < 0 || seen < 0) return out;
  for (const auto& [n, key] : {std::pair<int64_t, std::string>{total - as_staff, "community"},
                               {as_staff - seen, "internal"}}) {
    if (n <= 0) continue;
    std::string text = t.Message(lang, "record.hidden_" + key + (n == 1 ? "_one" : ""));
    if (const size_t at = text.find("{count}"); at != std::string::npos) {
      text.replace(at, 7, std::to_string(n));
    }
    out.push_back({{"kind", key}, {"count", n}, {"text", text}});
  }
  return out;
}

}  // namespace

http::Response PageServer::Record(const http::Request& request) {
  const std::string& lang = request.principal.lang;
  std::optional<CrmModule> module = ParseCrmModule(request.Param("module"));
  const std::string crm_id = request.Param("id");
  if (!module || crm_id.empty() || crm_id.size() > 36) {
    return ErrorPage(request, 404, templates_->Message(lang, "record.bad_path"));
  }
  if (pool_ == nullptr || searcher_ == nullptr) {
    return ErrorPage(request, 503, templates_->Message(lang, "error.unavailable"));
  }
  const std::string module_name = CrmModuleName(*module);
  // Every read of the panel from one pool: the replica while it is
  // healthy (db.replica_url), else the primary.
  store::Pool& db = ReadDb();
  nlohmann::json c = Base(request, "record.title");
  c["module"] = module_name;
  c["crm_id"] = crm_id;
  std::optional<Customer> customer = store::CustomerRepository(db).Get(*module, crm_id);
  c["record_name"] = customer ? customer->name : crm_id;
  c["known_record"] = customer.has_value();

  // Links: live ones, then the suggestions waiting for a decision.
  nlohmann::json linked = nlohmann::json::array(), suggested = nlohmann::json::array();
  // Only the links of profiles the viewer may see (their source's
  // visibility), as the links API answers; only deciding roles get the forms.
  store::LinkRepository links(db);
  const index::Viewer viewer = http::ViewerOf(request.principal);
  c["can_decide"] = !request.csrf_token.empty() && http::CanDecideLinks(request.principal);
  for (const store::Link& l : links.List("", module_name, crm_id, 200, 0, &viewer)) {
    if (Live(l.status)) {
      nlohmann::json view = LinkView(l, *templates_, lang);
      view["hidden"] = HiddenPosts(*searcher_, l, viewer, *templates_, lang);
      linked.push_back(std::move(view));
    }
    if (l.status == "suggested") suggested.push_back(LinkView(l, *templates_, lang));
  }
  c["linked"] = linked;
  c["suggested"] = suggested;

  // Link a profile by hand: profiles whose name, handle, URL or e-mail
  // contain the words searched, among those the viewer may see.
  const std::string find = request.Query("find").value_or("");
  c["find"] = find;
  if (!find.empty() && find.size() <= 200) {
    store::ProfileReader profiles(db);
    nlohmann::json found = nlohmann::json::array();
    std::vector<int64_t> ids =
        profiles.VisibleProfileIds(profiles.ProfileIdsMentioning({find}, 1000), viewer);
    if (ids.size() > 20) ids.resize(20);
    for (const store::StoredProfile& p : profiles.ProfilesByIds(ids)) {
      found.push_back({{"id", p.id},
                       {"platform", p.profile.platform},
                       {"name", p.profile.display_name},
                       {"handle", Optional(p.profile.handle)},
                       {"url", Optional(SafeUrl(p.profile.url))}});
    }
    c["found"] = found;
    c["searched"] = true;
    c["found_none"] = found.empty();
  }

  // The linked authors' conversations: every post tagged with this record
  // (an account: with the account, its contacts' posts included).
  index::SearchRequest s;
  if (*module == CrmModule::kAccounts) {
    s.accounts = {crm_id};
  } else {
    s.customers = {module_name + "/" + crm_id};
  }
  s.viewer = viewer;
  s.sort = index::SearchRequest::Sort::kDate;
  s.limit = kTimelineSize;
  s.facets = false;
  s.suggestion = false;
  Result<index::SearchResult> timeline = searcher_->Search(s);
  if (!timeline.ok()) return ErrorPage(request, 503, timeline.status().message());
  // Thread context: the post each reply answers, from the database (a
  // failure there leaves the timeline without it).
  std::map<int64_t, store::ParentPost> parents;
  if (pool_ != nullptr) {
    std::vector<int64_t> ids;
    for (const index::SearchHit& h : timeline->results) ids.push_back(h.id);
    try {
      for (store::ParentPost& p : store::PostReader(db).ParentsOf(ids)) parents[p.reply_id] = std::move(p);
    } catch (const store::DbError&) {
    }
  }
  const nlohmann::json cases = CasePosts(timeline->results);
  nlohmann::json posts = nlohmann::json::array();
  for (const index::SearchHit& h : timeline->results) {
    nlohmann::json parent = false;
    if (auto it = parents.find(h.id); it != parents.end()) {
      const store::ParentPost& p = it->second;
      parent = {{"author", p.author_name.empty() ? p.author_handle : p.author_name},
                {"excerpt", p.excerpt},
                {"url", Optional(SafeUrl(p.url))}};
    }
    posts.push_back({{"id", h.id},
                     {"platform", h.platform},
                     {"date", FormatDate(h.date)},
                     {"kind", h.kind},
                     {"is_reply", h.kind == "reply" || h.kind == "comment"},
                     {"thread", Optional(h.title)},
                     {"author", h.author_name.empty() ? h.author_handle : h.author_name},
                     {"snippet", h.snippet},
                     {"parent", parent},
                     {"url", Optional(SafeUrl(h.url))},
                     {"case", cases.at(std::to_string(h.id))}});
  }
  c["posts"] = posts;
  c["total"] = timeline->total;
  c["chart"] = ChartOf(timeline->histogram, timeline->histogram_interval,
                       templates_->Message(lang, "record.engagement"));

  // Signals: new posts this week, a customer gone quiet, mentions of an account.
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  index::SearchRequest recent = s;
  recent.from = now - 7 * kDay;
  recent.limit = 1;
  recent.histogram = recent.snippets = false;
  Result<index::SearchResult> week = searcher_->Search(recent);
  nlohmann::json signals = nlohmann::json::array();
  if (week.ok() && week->total > 0) {
    signals.push_back({{"kind", "new"}, {"count", week->total},
                       {"text", templates_->Message(lang, "signal.new_posts")}});
  }
  const int64_t last = timeline->results.empty() ? 0 : timeline->results.front().date;
  if (timeline->total > 0 && last < now - 90 * kDay) {
    signals.push_back({{"kind", "quiet"}, {"count", FormatDate(last).substr(0, 10)},
                       {"text", templates_->Message(lang, "signal.gone_quiet")}});
  }
  if (*module == CrmModule::kAccounts && customer && !customer->name.empty()) {
    index::SearchRequest mentions;
    mentions.q = "\"" + customer->name + "\"";
    mentions.viewer = s.viewer;
    mentions.from = now - 30 * kDay;
    mentions.limit = 1;
    mentions.facets = mentions.histogram = mentions.snippets = mentions.suggestion = false;
    Result<index::SearchResult> m = searcher_->Search(mentions);
    if (m.ok() && m->total > 0) {
      signals.push_back({{"kind", "mentions"}, {"count", m->total},
                         {"text", templates_->Message(lang, "signal.mentions")},
                         {"link", "/ui/conversations?" + QueryString({{"q", mentions.q}})}});
    }
  }
  c["signals"] = signals;
  c["no_signals"] = signals.empty();
  return Html("record", c, request);
}

}  // namespace scrm::ui
