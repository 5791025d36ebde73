// scrm links list|show|confirm|reject|link|unlink: the review queue and
// decisions about links, for operators (the API does the same for users).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "app/cli.h"
#include "ingest/index_feeder.h"
#include "service/links.h"

namespace scrm::app {

namespace {

const char kUsage[] =
    "usage: scrm links list [--status S] [--module M --crm-id ID] [--limit N] [--offset N] [--json]\n"
    "       scrm links show ID [--json]\n"
    "       scrm links confirm ID [--as NAME] [--json]\n"
    "       scrm links reject ID [--as NAME] [--json]\n"
    "       scrm links unlink ID [--as NAME] [--json]\n"
    "       scrm links link --profile ID --module Contacts|Leads|Accounts --crm-id ID [--as NAME] [--json]\n\n"
    "The review queue is `list --status suggested` (best first). confirm keeps a link for good\n"
    "(matching never undoes it); reject and unlink make the pair one matching never proposes\n"
    "again; link makes a link by hand. Every decision is audited with who made it: --as NAME,\n"
    "by default cli:<login>. Statuses: auto, suggested, confirmed, manual, rejected.\n";

std::optional<int64_t> ParseId(const std::string& s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(s);
}

store::Actor Operator(const Args& args) {
  const std::string name = OperatorName(args);
  return store::Actor{"cli:" + name, name};
}

void PrintLink(const store::Link& l) {
  std::printf("%lld  %-9s %.3f  %s %s -> %s/%s  (%s%s%s)\n", static_cast<long long>(l.id),
              l.status.c_str(), l.score, l.platform.c_str(),
              (l.handle.empty() ? (l.profile_url.empty() ? l.external_id : l.profile_url) : l.handle).c_str(),
              CrmModuleName(l.module), l.crm_id.c_str(), l.decided_by.c_str(),
              l.decided_at.empty() ? "" : " ", l.decided_at.c_str());
}

int Show(const service::LinkDetail& d, bool json) {
  if (json) {
    std::cout << service::LinkDetailJson(d).dump() << "\n";
    return kExitOk;
  }
  PrintLink(d.link);
  nlohmann::json ev = service::LinkJson(d.link)["evidence"];
  for (const auto& e : ev) {
    std::printf("      %+.2f %s\n", e.value("weight", 0.0), e.value("detail", std::string()).c_str());
  }
  for (const store::LinkDecision& h : d.history) {
    std::printf("      %s  %s -> %s by %s\n", h.decided_at.c_str(), h.action.c_str(), h.status.c_str(),
                h.decided_by.c_str());
  }
  return kExitOk;
}

// A decision re-tags the author's posts (queued in its transaction): index
// them now, unless a running scrm serve holds the index and does it.
void Reindex(store::Pool& pool, const Config& config) {
  ingest::IndexFeeder feeder(pool, IndexConfigOf(config));
  Result<ingest::FeedStats> fed = feeder.Drain();
  if (!fed.ok() && fed.status().code() != Status::Code::kUnavailable) {
    std::cerr << "scrm links: decision stored, but re-indexing the author's posts failed: "
              << fed.status().message() << " (scrm serve or scrm reindex will catch up)\n";
  }
}

}  // namespace

int CmdLinks(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs("links", argc, argv, 2,
                                {"status", "module", "crm-id", "limit", "offset", "as", "profile"},
                                {"json", "help"});
  if (!args.ok()) return Fail("links", args.status());
  if (args->Has("help") || args->positional.empty()) {
    (args->Has("help") ? std::cout : std::cerr) << kUsage;
    return args->Has("help") ? kExitOk : kExitUsage;
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("links", s);
  const std::string verb = args->positional[0];
  const bool json = args->Has("json");
  store::Pool pool(ctx.config.db);
  try {
    if (verb == "list") {
      std::optional<int64_t> limit = ParseId(args->Get("limit", "50"));
      std::optional<int64_t> offset = ParseId(args->Get("offset", "0"));
      if (!limit || !offset) {
        return Fail("links", Status::InvalidArgument("--limit and --offset take whole numbers"));
      }
      service::LinkQuery query;
      query.status = args->Get("status");
      query.module = args->Get("module");
      query.crm_id = args->Get("crm-id");
      query.limit = static_cast<int>(*limit);
      query.offset = static_cast<int>(*offset);
      Result<service::LinkPage> page = service::ListLinks(pool, query, nullptr);  // an operator sees all
      if (!page.ok()) return Fail("links", page.status());
      if (json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& l : page->links) list.push_back(service::LinkJson(l));
        std::cout << nlohmann::json{{"links", list}, {"total", page->total}}.dump() << "\n";
      } else {
        for (const auto& l : page->links) PrintLink(l);
      }
      return kExitOk;
    }
    if (verb == "link") {
      std::optional<int64_t> profile = ParseId(args->Get("profile"));
      std::optional<CrmModule> module = ParseCrmModule(args->Get("module"));
      if (!profile || !module || args->Get("crm-id").empty()) {
        return Fail("links", Status::InvalidArgument(
                                 "link needs --profile ID --module Contacts|Leads|Accounts --crm-id ID"));
      }
      Result<service::LinkDetail> l =
          service::LinkByHand(pool, *profile, *module, args->Get("crm-id"), Operator(*args), nullptr);
      if (!l.ok()) return Fail("links", l.status());
      Reindex(pool, ctx.config);
      return Show(*l, json);
    }
    if (args->positional.size() < 2) {
      return Fail("links", Status::InvalidArgument(verb + " needs a link id (scrm links list)"));
    }
    std::optional<int64_t> id = ParseId(args->positional[1]);
    if (!id) return Fail("links", Status::InvalidArgument("link id '" + args->positional[1] + "' must be a number"));
    Result<service::LinkDetail> result = Status::Internal("unset");
    if (verb == "show") {
      result = service::GetLink(pool, *id, nullptr);
    } else if (verb == "confirm") {
      result = service::ConfirmLink(pool, *id, Operator(*args), nullptr);
    } else if (verb == "reject") {
      result = service::RejectLink(pool, *id, Operator(*args), nullptr);
    } else if (verb == "unlink") {
      result = service::UnlinkLink(pool, *id, Operator(*args), nullptr);
    } else {
      std::cerr << kUsage;
      return kExitUsage;
    }
    if (!result.ok()) return Fail("links", result.status());
    if (verb != "show") Reindex(pool, ctx.config);
    return Show(*result, json);
  } catch (const store::DbError& e) {
    return FailDb("links", e);
  }
}

}  // namespace scrm::app
