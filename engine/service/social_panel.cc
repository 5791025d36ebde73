#include "service/social_panel.h"

#include <ctime>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "store/customer_repository.h"
#include "store/link_repository.h"
#include "store/post_reader.h"
#include "store/profile_reader.h"

namespace scrm::service {

namespace {

constexpr int64_t kDay = 86400;

bool Live(const std::string& status) {
  return status == "auto" || status == "confirmed" || status == "manual";
}

// Evidence as matching stored it (a JSON list of {kind, detail, weight,
// phrases}); anything else in the column reads as no evidence.
std::vector<Evidence> EvidenceOf(const std::string& evidence_json) {
  std::vector<Evidence> out;
  const nlohmann::json e = nlohmann::json::parse(evidence_json, nullptr, false);
  if (!e.is_array()) return out;
  for (const auto& item : e) {
    if (!item.is_object()) continue;
    Evidence ev;
    ev.kind = item.contains("kind") && item["kind"].is_string() ? item["kind"].get<std::string>() : "";
    ev.detail =
        item.contains("detail") && item["detail"].is_string() ? item["detail"].get<std::string>() : "";
    ev.weight = item.contains("weight") && item["weight"].is_number() ? item["weight"].get<double>() : 0.0;
    // Phrases are all or nothing: one malformed phrase and the front-end
    // shows the English detail.
    if (item.contains("phrases") && item["phrases"].is_array()) {
      for (const nlohmann::json& p : item["phrases"]) {
        if (!p.is_object() || !p.contains("id") || !p["id"].is_string()) {
          ev.phrases.clear();
          break;
        }
        EvidencePhrase phrase;
        phrase.id = p["id"].get<std::string>();
        if (p.contains("args") && p["args"].is_object()) {
          for (const auto& [name, value] : p["args"].items()) {
            if (value.is_string()) phrase.args[name] = value.get<std::string>();
          }
        }
        ev.phrases.push_back(std::move(phrase));
      }
    }
    out.push_back(std::move(ev));
  }
  return out;
}

PanelLink LinkOf(const store::Link& l) {
  PanelLink out;
  out.id = l.id;
  out.profile_id = l.profile_id;
  out.platform = l.platform;
  out.name = l.display_name.empty() ? l.handle : l.display_name;
  out.handle = l.handle;
  out.url = HttpUrlOrEmpty(l.profile_url);
  out.status = l.status;
  out.score = l.score;
  out.evidence = EvidenceOf(l.evidence);
  out.decided_by = l.decided_by_name.empty() ? l.decided_by : l.decided_by_name;
  out.decided_at = l.decided_at;
  return out;
}

// A linked profile's posts the viewer cannot see, counted by the index with
// the visibility every search applies: those in communities not theirs (and
// of removed sources), and the internal ones when the viewer sees public
// posts only. A failed count says nothing. Not counted when the index holds
// no post hidden from the viewer (`may_hide` false).
std::vector<HiddenPosts> HiddenPostsOf(index::Searcher& searcher, const store::Link& l,
                                       const Viewer& viewer, bool may_hide) {
  std::vector<HiddenPosts> out;
  if (!may_hide || viewer.everything || l.external_id.empty()) return out;
  const auto count = [&](const Viewer& v) -> int64_t {
    index::SearchRequest r;
    r.authors = {l.external_id};
    r.platforms = {l.platform};
    r.viewer = v;
    r.limit = 0;
    r.facets = r.histogram = r.snippets = r.suggestion = false;
    Result<index::SearchResult> found = searcher.Search(r);
    return found.ok() ? found->total : -1;
  };
  Viewer all, staff = viewer;
  all.everything = true;
  staff.internal = true;
  const int64_t total = count(all), as_staff = count(staff);
  const int64_t seen = viewer.internal ? as_staff : count(viewer);
  if (total < 0 || as_staff < 0 || seen < 0) return out;
  for (const auto& [n, kind] : {std::pair<int64_t, const char*>{total - as_staff, "community"},
                                {as_staff - seen, "internal"}}) {
    if (n > 0) out.push_back({kind, n});
  }
  return out;
}

// Profiles whose name, handle, URL or e-mail contain the words, among those
// the viewer may see (the first 20).
std::vector<FoundProfile> FindProfiles(store::Pool& db, const std::string& find,
                                       const Viewer& viewer) {
  store::ProfileReader profiles(db);
  std::vector<int64_t> ids =
      profiles.VisibleProfileIds(profiles.ProfileIdsMentioning({find}, 1000), viewer);
  if (ids.size() > 20) ids.resize(20);
  std::vector<FoundProfile> out;
  for (const store::StoredProfile& p : profiles.ProfilesByIds(ids)) {
    out.push_back({p.id, p.profile.platform, p.profile.display_name, p.profile.handle,
                   HttpUrlOrEmpty(p.profile.url)});
  }
  return out;
}

// The timeline's posts with their thread context and texts from the
// database; a database failure leaves those out, not the posts.
std::vector<TimelinePost> TimelineOf(store::Pool& db, const std::vector<index::SearchHit>& hits) {
  std::vector<int64_t> ids;
  for (const index::SearchHit& h : hits) ids.push_back(h.id);
  std::map<int64_t, store::ParentPost> parents;
  if (!ids.empty()) {
    try {
      for (store::ParentPost& p : store::PostReader(db).ParentsOf(ids)) {
        parents[p.reply_id] = std::move(p);
      }
    } catch (const store::DbError&) {
    }
  }
  std::map<int64_t, std::string> texts = CaseTexts(db, hits);
  std::vector<TimelinePost> out;
  for (const index::SearchHit& h : hits) {
    TimelinePost p;
    p.id = h.id;
    p.platform = h.platform;
    p.date = h.date;
    p.kind = h.kind;
    p.is_reply = h.kind == "reply" || h.kind == "comment";
    p.thread = h.title;
    p.author = h.author_name.empty() ? h.author_handle : h.author_name;
    p.snippet = h.snippet;
    p.url = HttpUrlOrEmpty(h.url);
    p.text = texts[h.id];
    if (auto it = parents.find(h.id); it != parents.end()) {
      const store::ParentPost& parent = it->second;
      p.parent = ParentPost{parent.author_name.empty() ? parent.author_handle : parent.author_name,
                            parent.excerpt, HttpUrlOrEmpty(parent.url)};
    }
    out.push_back(std::move(p));
  }
  return out;
}

int64_t CountOf(index::Searcher& searcher, index::SearchRequest r) {
  r.limit = 1;
  r.offset = 0;
  r.facets = r.histogram = r.snippets = r.suggestion = false;
  Result<index::SearchResult> found = searcher.Search(r);
  return found.ok() ? found->total : 0;
}

}  // namespace

Result<CrmModule> ParseSocialPanelPath(const std::string& module, const std::string& crm_id) {
  std::optional<CrmModule> m = ParseCrmModule(module);
  if (!m) {
    return Status::NotFound("no record panel for module '" + module +
                            "': the module is Contacts, Leads or Accounts");
  }
  if (crm_id.empty() || crm_id.size() > 36) {
    return Status::NotFound("no record panel for id '" + crm_id +
                            "': a CRM record's id has 1 to 36 characters");
  }
  return *m;
}

Result<SocialPanel> BuildSocialPanel(store::Pool& db, index::Searcher& searcher,
                                     const SocialPanelOptions& options) {
  if (options.page < 1) return Status::InvalidArgument("page must be 1 or more", "page");
  if (options.per_page < 1 || options.per_page > kMaxPerPage) {
    return Status::InvalidArgument(
        "per_page must be a number from 1 to " + std::to_string(kMaxPerPage), "per_page");
  }
  const std::string module_name = CrmModuleName(options.module);
  const Viewer& viewer = options.viewer;
  SocialPanel panel;
  panel.module = options.module;
  panel.crm_id = options.crm_id;
  panel.page = options.page;
  panel.per_page = options.per_page;
  const std::optional<std::string> name =
      store::CustomerRepository(db).NameOf(options.module, options.crm_id);
  panel.known_record = name.has_value();
  panel.record_name = name ? *name : options.crm_id;

  // Links: live ones, then the suggestions waiting for a decision; only
  // those of profiles the viewer may see (their source's visibility).
  std::optional<bool> may_hide;  // asked of the index once, for the first live link
  for (const store::Link& l :
       store::LinkRepository(db).List("", module_name, options.crm_id, 200, 0, &viewer)) {
    if (Live(l.status)) {
      PanelLink link = LinkOf(l);
      if (!may_hide) {
        const Result<bool> hides = searcher.HidesFrom(viewer);
        may_hide = !hides.ok() || *hides;
      }
      link.hidden = HiddenPostsOf(searcher, l, viewer, *may_hide);
      panel.linked.push_back(std::move(link));
    }
    if (l.status == "suggested") panel.suggested.push_back(LinkOf(l));
  }

  if (!options.find.empty() && options.find.size() <= kMaxFind) {
    panel.searched = true;
    panel.found = FindProfiles(db, options.find, viewer);
  }

  // The linked authors' conversations: every post tagged with this record
  // (an account: with the account, its contacts' posts included).
  index::SearchRequest s;
  if (options.module == CrmModule::kAccounts) {
    s.accounts = {options.crm_id};
  } else {
    s.customers = {module_name + "/" + options.crm_id};
  }
  s.viewer = viewer;
  s.sort = index::SearchRequest::Sort::kDate;
  s.offset = (options.page - 1) * options.per_page;
  s.limit = options.per_page;
  s.facets = false;
  s.suggestion = false;
  Result<index::SearchResult> timeline = searcher.Search(s);
  if (!timeline.ok()) return timeline.status();
  panel.timeline = TimelineOf(db, timeline->results);
  panel.total = timeline->total;
  panel.engagement_interval = timeline->histogram_interval;
  panel.engagement = timeline->histogram;

  // Signals: new posts this week, a customer gone quiet, mentions of an account.
  const int64_t now = options.now != 0 ? options.now : static_cast<int64_t>(std::time(nullptr));
  // Page 1 is newest first: when it holds every post or ends before the
  // week began, its own dates say how many are new; else the index counts.
  const int64_t week_from = now - 7 * kDay;
  const std::vector<index::SearchHit>& hits = timeline->results;
  int64_t week = 0;
  if (options.page == 1 && (static_cast<int64_t>(hits.size()) >= timeline->total ||
                            (!hits.empty() && hits.back().date < week_from))) {
    for (const index::SearchHit& h : hits) week += h.date >= week_from ? 1 : 0;
  } else {
    index::SearchRequest recent = s;
    recent.from = week_from;
    week = CountOf(searcher, recent);
  }
  if (week > 0) panel.signals.push_back({"new", week, 0, ""});
  // The newest post: the timeline's first on page 1, else asked for.
  int64_t last = 0;
  if (options.page == 1) {
    last = timeline->results.empty() ? 0 : timeline->results.front().date;
  } else if (timeline->total > 0) {
    index::SearchRequest newest = s;
    newest.offset = 0;
    newest.limit = 1;
    newest.histogram = newest.snippets = false;
    Result<index::SearchResult> first = searcher.Search(newest);
    if (!first.ok()) return first.status();
    last = first->results.empty() ? 0 : first->results.front().date;
  }
  if (timeline->total > 0 && last < now - 90 * kDay) {
    panel.signals.push_back({"quiet", 0, last, ""});
  }
  if (options.module == CrmModule::kAccounts && name && !name->empty()) {
    index::SearchRequest mentions;
    mentions.q = "\"" + *name + "\"";
    mentions.viewer = viewer;
    mentions.from = now - 30 * kDay;
    if (const int64_t n = CountOf(searcher, mentions); n > 0) {
      panel.signals.push_back({"mentions", n, 0, mentions.q});
    }
  }
  return panel;
}

}  // namespace scrm::service
