// GET /ui/conversations: the marketing page. The query string is the one of
// /api/v1/search (q, platform, source, language, account, from, to, sort,
// offset, like...), so a page's URL is a search anyone can share or save.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "core/text.h"
#include "http/auth.h"
#include "service/saved_searches.h"
#include "service/search.h"
#include "store/customer_repository.h"
#include "store/link_repository.h"
#include "store/pool.h"
#include "store/profile_reader.h"
#include "ui/chart.h"
#include "ui/page_server.h"

namespace scrm::ui {

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

constexpr int kPageSize = 20;
// Facets shown, and the search parameter each one's values filter on
// ("" : the value is added to q as tag:VALUE).
const std::vector<std::pair<std::string, std::string>>& FacetParams() {
  static const std::vector<std::pair<std::string, std::string>> kFacets = {
      {"platform", "platform"}, {"source", "source"}, {"language", "language"},
      {"tag", ""}, {"account", "account"}};
  return kFacets;
}

std::string Link(const Pairs& params) { return "/ui/conversations?" + QueryString(params); }

Pairs Without(const Pairs& params, const std::string& key, const std::string& value = "") {
  Pairs out;
  for (const auto& kv : params) {
    if (kv.first == key && (value.empty() || kv.second == value)) continue;
    out.push_back(kv);
  }
  return out;
}

// Account names for the account ids of the facet and the filters (the index
// holds ids lower-cased), read from the synced CRM; an id the engine does
// not hold, or a database that fails here, shows the id itself.
std::map<std::string, std::string> AccountNames(store::Pool& pool, const std::vector<std::string>& ids) {
  std::map<std::string, std::string> out;
  if (ids.empty()) return out;
  try {
    for (const auto& [id, name] : store::CustomerRepository(pool).NamesOf(CrmModule::kAccounts, ids)) {
      out[ToLowerAscii(id)] = name;
    }
  } catch (const store::DbError&) {
  }
  return out;
}

std::string Label(const std::map<std::string, std::string>& names, const std::string& id) {
  auto it = names.find(ToLowerAscii(id));
  return it == names.end() ? id : it->second;
}

}  // namespace

std::map<std::string, nlohmann::json> PageServer::LeadProfiles(
    const std::vector<index::SearchHit>& hits, const index::Viewer& viewer) const {
  std::map<std::string, nlohmann::json> out;
  std::vector<std::pair<std::string, std::string>> authors;
  for (const index::SearchHit& h : hits) {
    if (!h.author_id.empty()) authors.emplace_back(h.platform, h.author_id);
  }
  if (pool_ == nullptr || authors.empty()) return out;
  try {
    std::set<std::string> linked;
    for (const store::AuthorLinks& a : store::LinkRepository(ReadDb()).LinkedOfAuthors(authors)) {
      if (!a.customers.empty()) linked.insert(a.platform + '\x1f' + a.author_id);
    }
    std::vector<std::pair<std::string, std::string>> unlinked;
    for (const auto& a : authors) {
      if (!linked.count(a.first + '\x1f' + a.second)) unlinked.push_back(a);
    }
    // A visible post's author may have been read last from a source the
    // viewer may not see: that profile (its e-mail address) is not offered.
    store::ProfileReader profiles(ReadDb());
    std::vector<store::StoredProfile> found = profiles.ProfilesByKeys(unlinked);
    std::vector<int64_t> ids;
    for (const store::StoredProfile& s : found) ids.push_back(s.id);
    const std::vector<int64_t> visible = profiles.VisibleProfileIds(ids, viewer);
    for (const store::StoredProfile& s : found) {
      if (std::find(visible.begin(), visible.end(), s.id) == visible.end()) continue;
      const Profile& p = s.profile;
      out[p.platform + '\x1f' + p.external_id] = {
          {"id", s.id},
          {"name", p.display_name},
          {"handle", p.handle},
          {"url", SafeUrl(p.url)},
          {"network", p.platform},
          {"email", p.emails.empty() ? "" : p.emails.front()}};
    }
  } catch (const store::DbError&) {
    out.clear();  // no "Create lead" rather than one for a linked author
  }
  return out;
}

http::Response PageServer::Conversations(const http::Request& request) {
  const std::string& lang = request.principal.lang;
  if (searcher_ == nullptr || pool_ == nullptr) {
    return ErrorPage(request, 503, templates_->Message(lang, "error.unavailable"));
  }
  nlohmann::json c = Base(request, "conversations.title");
  // The search as asked, in order, without the sign-on's token and frame
  // (the session remembers the frame: links need not carry it).
  Pairs params;
  std::multimap<std::string, std::string> search_params;
  for (const auto& [k, v] : request.query) {
    if (k == "sso" || k == "embed" || v.empty()) continue;
    params.emplace_back(k, v);
    search_params.emplace(k, v);
  }
  if (!search_params.count("limit")) search_params.emplace("limit", std::to_string(kPageSize));
  const std::string q = request.Query("q").value_or("");
  c["q"] = q;
  c["sort_date"] = request.Query("sort").value_or("") == "date";

  std::vector<std::string> account_ids;  // shown by name: the filters', then the facet's
  for (const auto& [k, v] : params) {
    if (k == "account") account_ids.push_back(v);
  }
  std::map<std::string, std::string> account_names;

  service::SearchOptions options;
  options.params = std::move(search_params);
  options.viewer = http::ViewerOf(request.principal);
  Result<service::SearchAnswer> answer = service::Search(*searcher_, options);
  int status = 200;
  if (!answer.ok()) {
    // A bad parameter or a query the index cannot read: 400; else 503.
    c["error"] = templates_->Explain(lang, answer.status());
    status = answer.status().code() == Status::Code::kInvalidArgument ? 400 : 503;
  } else {
    const index::SearchRequest& parsed = answer->request;
    const index::SearchResult& result = answer->result;
    const nlohmann::json cases = CasePosts(result.results);
    const std::map<std::string, nlohmann::json> leads =
        LeadProfiles(result.results, parsed.viewer);
    nlohmann::json hits = nlohmann::json::array();
    for (const index::SearchHit& h : result.results) {
      // The case's record: the post's one linked record, else none.
      nlohmann::json record = nullptr;
      const size_t slash = h.customers.size() == 1 ? h.customers[0].find('/') : std::string::npos;
      if (slash != std::string::npos) {
        record = {{"module", h.customers[0].substr(0, slash)},
                  {"id", h.customers[0].substr(slash + 1)}};
      }
      auto lead = leads.find(h.platform + '\x1f' + h.author_id);
      hits.push_back({{"id", h.id},
                      {"platform", h.platform},
                      {"source", h.source},
                      {"date", FormatDate(h.date)},
                      {"title", Optional(h.title)},
                      {"author", h.author_name.empty() ? h.author_handle : h.author_name},
                      {"handle", h.author_handle},
                      {"snippet", h.snippet},
                      {"url", Optional(SafeUrl(h.url))},
                      {"linked", !h.customers.empty()},
                      {"more_like", Link({{"like", std::to_string(h.id)}})},
                      {"case", cases.at(std::to_string(h.id))},
                      {"case_record", record},
                      {"lead", lead == leads.end() ? nlohmann::json(nullptr) : lead->second}});
    }
    c["results"] = hits;
    c["total"] = result.total;
    c["approximate"] = !result.total_exact;
    c["has_results"] = !hits.empty();
    c["no_results"] = hits.empty();
    if (!result.suggestion.empty()) {
      c["suggestion"] = {{"q", result.suggestion},
                         {"link", Link(Pairs{{"q", result.suggestion}})}};
    }
    // Facets: each value a link that adds the filter (an account's shows
    // its name; the filter stays the id).
    if (auto it = result.facets.find("account"); it != result.facets.end()) {
      for (const index::FacetCount& f : it->second) account_ids.push_back(f.value);
    }
    account_names = AccountNames(ReadDb(), account_ids);
    nlohmann::json facets = nlohmann::json::array();
    for (const auto& [facet, param] : FacetParams()) {
      auto it = result.facets.find(facet);
      if (it == result.facets.end() || it->second.empty()) continue;
      nlohmann::json values = nlohmann::json::array();
      for (const index::FacetCount& f : it->second) {
        Pairs next = Without(params, "offset");
        if (param.empty()) {
          next = Without(next, "q");
          next.emplace_back("q", (q.empty() ? "" : q + " ") + "tag:" + f.value);
        } else {
          next.emplace_back(param, f.value);
        }
        values.push_back({{"value", f.value},
                          {"label", facet == "account" ? Label(account_names, f.value) : f.value},
                          {"count", f.count},
                          {"link", Link(next)}});
        if (values.size() >= 8) break;
      }
      facets.push_back({{"name", facet},
                        {"label", templates_->Message(lang, "facet." + facet)},
                        {"values", values}});
    }
    c["facets"] = facets;
    c["chart"] = ChartOf(result.histogram, result.histogram_interval,
                         templates_->Message(lang, "conversations.histogram"));
    // Paging.
    const int offset = parsed.offset;
    if (offset > 0) {
      Pairs prev = Without(params, "offset");
      prev.emplace_back("offset", std::to_string(std::max(0, offset - parsed.limit)));
      c["prev"] = Link(prev);
    }
    if (offset + parsed.limit < result.total) {
      Pairs next = Without(params, "offset");
      next.emplace_back("offset", std::to_string(offset + parsed.limit));
      c["next"] = Link(next);
    }
  }
  // Active filters, each with a link that removes it.
  if (account_names.empty()) account_names = AccountNames(ReadDb(), account_ids);
  nlohmann::json active = nlohmann::json::array();
  for (const auto& [k, v] : params) {
    if (k == "q" || k == "offset" || k == "limit" || k == "sort") continue;
    active.push_back({{"name", k},
                      {"value", v},
                      {"label", k == "account" ? Label(account_names, v) : v},
                      {"remove", Link(Without(Without(params, "offset"), k, v))}});
  }
  c["filters"] = active;
  c["has_filters"] = !active.empty();
  // Hidden fields that keep the filters when the search box is submitted.
  nlohmann::json keep = nlohmann::json::array();
  for (const auto& [k, v] : params) {
    if (k != "q" && k != "offset" && k != "like") keep.push_back({{"name", k}, {"value", v}});
  }
  c["keep"] = keep;
  const Pairs exported = Without(Without(params, "offset"), "limit");
  Pairs csv = exported, jsonl = exported;
  csv.emplace_back("format", "csv");
  jsonl.emplace_back("format", "jsonl");
  c["export_csv"] = "/ui/api/v1/search/export?" + QueryString(csv);
  c["export_jsonl"] = "/ui/api/v1/search/export?" + QueryString(jsonl);
  nlohmann::json current = nlohmann::json::object();
  for (const auto& [k, v] : exported) {
    if (k != "like") current[k].push_back(v);
  }
  c["params_json"] = current.dump();

  // Saved searches with their new matches: the same use case as GET
  // /api/v1/saved-searches, so the page and the API always agree.
  nlohmann::json list = nlohmann::json::array();
  for (const service::SavedSearchNews& s : service::ListSavedSearches(
           *pool_, *searcher_, {request.principal.user_id, options.viewer})) {
    const Pairs p(s.search.params.begin(), s.search.params.end());
    list.push_back({{"id", s.search.id},
                    {"name", s.search.name},
                    {"new", s.new_matches ? std::to_string(*s.new_matches) : "?"},
                    {"has_new", s.new_matches && *s.new_matches > 0},
                    {"link", Link(p)}});
  }
  c["saved"] = list;
  c["has_saved"] = !list.empty();
  return Html("conversations", c, request, status);
}

}  // namespace scrm::ui
