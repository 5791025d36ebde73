#include "service/links.h"

#include "store/profile_reader.h"

namespace scrm::service {

namespace {

nlohmann::json ParsedOr(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? nlohmann::json::array() : j;
}

LinkDetail WithHistory(store::LinkRepository& repo, store::Link link) {
  LinkDetail d;
  d.history = repo.History(link.id);
  d.link = std::move(link);
  return d;
}

Status NoLink(int64_t id) { return Status::NotFound("no link " + std::to_string(id)); }

// Runs one decision on link `id` if the viewer may see it (an operator's
// decision goes straight to the repository, which says NotFound itself).
template <typename F>
Result<LinkDetail> Decide(store::Pool& pool, int64_t id, const Viewer* viewer, F&& decide) {
  store::LinkRepository repo(pool);
  if (viewer != nullptr) {
    std::optional<store::Link> seen = repo.Get(id);
    if (!seen || !viewer->Sees(seen->source_visibility, seen->source_community)) return NoLink(id);
  }
  Result<store::Link> l = decide(repo);
  if (!l.ok()) return l.status();
  return WithHistory(repo, *std::move(l));
}

}  // namespace

Result<LinkPage> ListLinks(store::Pool& pool, const LinkQuery& query, const Viewer* viewer) {
  const std::string& s = query.status;
  if (!s.empty() && s != "auto" && s != "suggested" && s != "confirmed" && s != "manual" &&
      s != "rejected") {
    return Status::InvalidArgument("status must be auto, suggested, confirmed, manual or rejected",
                                   "status");
  }
  if (!query.module.empty() && !ParseCrmModule(query.module)) {
    return Status::InvalidArgument("module must be Contacts, Leads or Accounts", "module");
  }
  store::LinkRepository repo(pool);
  LinkPage page;
  page.links = repo.List(s, query.module, query.crm_id, query.limit, query.offset, viewer);
  page.total = repo.Count(s, viewer);
  return page;
}

Result<LinkDetail> GetLink(store::Pool& pool, int64_t id, const Viewer* viewer) {
  store::LinkRepository repo(pool);
  std::optional<store::Link> l = repo.Get(id);
  if (!l || (viewer != nullptr && !viewer->Sees(l->source_visibility, l->source_community))) {
    return NoLink(id);
  }
  return WithHistory(repo, *std::move(l));
}

Result<LinkDetail> ConfirmLink(store::Pool& pool, int64_t id, const store::Actor& who,
                               const Viewer* viewer) {
  return Decide(pool, id, viewer, [&](store::LinkRepository& repo) { return repo.Confirm(id, who); });
}

Result<LinkDetail> RejectLink(store::Pool& pool, int64_t id, const store::Actor& who,
                              const Viewer* viewer) {
  return Decide(pool, id, viewer, [&](store::LinkRepository& repo) { return repo.Reject(id, who); });
}

Result<LinkDetail> UnlinkLink(store::Pool& pool, int64_t id, const store::Actor& who,
                              const Viewer* viewer) {
  return Decide(pool, id, viewer, [&](store::LinkRepository& repo) { return repo.Unlink(id, who); });
}

Result<LinkDetail> LinkByHand(store::Pool& pool, int64_t profile_id, CrmModule module,
                              const std::string& crm_id, const store::Actor& who,
                              const Viewer* viewer) {
  // A profile the viewer may not see is as unknown as one that is not stored.
  if (viewer != nullptr &&
      store::ProfileReader(pool).VisibleProfileIds({profile_id}, *viewer).empty()) {
    return Status::NotFound("no profile " + std::to_string(profile_id));
  }
  store::LinkRepository repo(pool);
  Result<store::Link> l = repo.LinkManually(profile_id, module, crm_id, who);
  if (!l.ok()) return l.status();
  return WithHistory(repo, *std::move(l));
}

nlohmann::json LinkJson(const store::Link& l) {
  return {{"id", l.id},
          {"status", l.status},
          {"score", l.score},
          {"evidence", ParsedOr(l.evidence)},
          {"profile_id", l.profile_id},
          {"platform", l.platform},
          {"external_id", l.external_id},
          {"handle", l.handle},
          {"profile_url", l.profile_url.empty() ? l.external_id : l.profile_url},
          {"display_name", l.display_name},
          {"crm_module", CrmModuleName(l.module)},
          {"crm_id", l.crm_id},
          {"decided_by", l.decided_by},
          {"decided_by_name", l.decided_by_name},
          {"decided_at", l.decided_at},
          {"created_at", l.created_at},
          {"updated_at", l.updated_at}};
}

nlohmann::json LinkDecisionJson(const store::LinkDecision& d) {
  return {{"id", d.id},         {"link_id", d.link_id},       {"action", d.action},
          {"status", d.status}, {"score", d.score},           {"evidence", ParsedOr(d.evidence)},
          {"decided_by", d.decided_by}, {"decided_by_name", d.decided_by_name},
          {"decided_at", d.decided_at}};
}

nlohmann::json LinkDetailJson(const LinkDetail& detail) {
  nlohmann::json j = LinkJson(detail.link);
  j["history"] = nlohmann::json::array();
  for (const store::LinkDecision& d : detail.history) j["history"].push_back(LinkDecisionJson(d));
  return j;
}

}  // namespace scrm::service
