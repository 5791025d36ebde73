// scrm match [--dry-run] [--json] [--incremental] [--auto X] [--suggest Y]
#include <cstdio>
#include <iostream>

#include "app/cli.h"
#include "ingest/index_feeder.h"
#include "service/match_settings.h"
#include "service/matching.h"

namespace scrm::app {

int CmdMatch(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs("match", argc, argv, 2, {"auto", "suggest", "margin"},
                                {"dry-run", "json", "incremental", "help"});
  if (!args.ok()) return Fail("match", args.status());
  if (args->Has("help")) {
    std::cout
        << "usage: scrm match [--dry-run] [--json] [--incremental] [--auto X] [--suggest Y]\n\n"
           "Matches social profiles to CRM contacts, leads and accounts (docs/identity.md).\n"
           "A proposal scored at or above --auto with evidence beyond names, no close rival\n"
           "and no opted-out address is linked; one at or above --suggest waits for review\n"
           "(scrm links list). Rejected pairs are never proposed again; confirmed and manual links\n"
           "are never changed. scrm never creates CRM records.\n\n"
           "  --dry-run      store nothing; print the proposals (with --json: one JSON object a\n"
           "                 line: platform, handle, profile_url, profile_id, crm_module, crm_id,\n"
           "                 score, decision, evidence [{kind, detail, weight}])\n"
           "  --json         without --dry-run: print the summary as one JSON object\n"
           "  --incremental  only what changed since the last run (watermark 'match')\n"
           "  --auto X, --suggest Y, --margin M (a rival within M of the best makes a\n"
           "                 suggestion): for this run only; by default the thresholds in force\n"
           "                 (`scrm thresholds`: stored by an admin, else match.* of the\n"
           "                 configuration: 0.9, 0.4, 0.1)\n";
    return kExitOk;
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("match", s);
  service::RunOptions options;
  store::Pool pool(ctx.config.db);
  try {
    // The thresholds in force (stored by an admin, else the configuration's),
    // then this run's flags over them.
    options.match = service::LoadMatchSettings(pool, MatchOptionsOf(ctx.config)).options;
  } catch (const store::DbError& e) {
    return FailDb("match", e);
  }
  for (auto [name, out] : {std::pair{"auto", &options.match.auto_threshold},
                           std::pair{"suggest", &options.match.suggest_threshold},
                           std::pair{"margin", &options.match.margin}}) {
    if (args->options.count(name) == 0) continue;
    Result<double> v = service::ParseThreshold(args->Get(name), std::string("--") + name);
    if (!v.ok()) return Fail("match", v.status());
    *out = *v;
  }
  if (Status s = service::ValidateThresholds(options.match); !s.ok()) {
    return Fail("match", Status::InvalidArgument("--" + s.field() + ": " + s.message(), "--" + s.field()));
  }
  options.dry_run = args->Has("dry-run");
  const bool json = args->Has("json");
  service::ProposalSink sink;
  if (options.dry_run) {
    sink = [json](const service::ProposalRecord& r) {
      if (json) {
        std::cout << r.ToJson().dump() << "\n";
        return;
      }
      std::printf("%-7s %.3f %s %s -> %s/%s\n", identity::DecisionName(r.proposal.decision),
                  r.proposal.score, r.platform.c_str(),
                  (r.handle.empty() ? r.profile_url : r.handle).c_str(),
                  CrmModuleName(r.proposal.module), r.proposal.crm_id.c_str());
      for (const identity::Evidence& e : r.proposal.evidence) {
        std::printf("          %+.2f %s\n", e.weight, e.detail.c_str());
      }
    };
  }
  try {
    Result<service::RunSummary> summary = args->Has("incremental")
                                               ? service::MatchSince(pool, options, sink)
                                               : service::MatchAll(pool, options, sink);
    if (!summary.ok()) return Fail("match", summary.status());
    const service::RunSummary& s = *summary;
    if (!options.dry_run && s.stored_auto > 0) {
      // New links re-tag their authors' posts (queued with the links): index
      // them now, unless a running scrm serve holds the index and does it.
      Result<ingest::FeedStats> fed = ingest::IndexFeeder(pool, IndexConfigOf(ctx.config)).Drain();
      if (!fed.ok() && fed.status().code() != Status::Code::kUnavailable) {
        std::cerr << "scrm match: links stored, but re-indexing their posts failed: "
                  << fed.status().message() << " (scrm serve or scrm reindex will catch up)\n";
      }
    }
    if (json && !options.dry_run) {
      std::cout << s.ToJson().dump() << "\n";
    } else {
      std::fprintf(options.dry_run ? stderr : stdout,
                   "%s match%s: %lld profiles against %lld CRM records in %.2f s: %lld auto links "
                   "and %lld suggestions proposed; %lld already linked; stored %lld new auto links, "
                   "%lld new suggestions (%lld refreshed, %lld withdrawn)\n",
                   s.mode.c_str(), s.dry_run ? " (dry run)" : "", static_cast<long long>(s.profiles),
                   static_cast<long long>(s.customers), s.seconds,
                   static_cast<long long>(s.proposed_auto), static_cast<long long>(s.proposed_suggest),
                   static_cast<long long>(s.settled), static_cast<long long>(s.stored_auto),
                   static_cast<long long>(s.stored_suggestions), static_cast<long long>(s.refreshed),
                   static_cast<long long>(s.withdrawn));
    }
    return kExitOk;
  } catch (const store::DbError& e) {
    return FailDb("match", e);
  }
}

}  // namespace scrm::app
