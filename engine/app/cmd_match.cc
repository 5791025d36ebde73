// scrm match [--dry-run] [--json] [--incremental] [--auto X] [--suggest Y]
#include <cstdio>
#include <iostream>

#include "app/cli.h"
#include "identity/run/match_run.h"
#include "ingest/index_feeder.h"

namespace scrm::app {

namespace {

Result<double> Threshold(const Args& args, const std::string& name, double fallback) {
  const std::string v = args.Get(name);
  if (v.empty()) return fallback;
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (end == v.c_str() || *end != '\0' || !(d >= 0 && d <= 1)) {
    return Status::InvalidArgument("--" + name + " must be a number between 0 and 1, not '" + v + "'",
                                   "--" + name);
  }
  return d;
}

}  // namespace

int CmdMatch(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs("match", argc, argv, 2, {"auto", "suggest", "margin"},
                                {"dry-run", "json", "incremental", "help"});
  if (!args.ok()) return Fail("match", args.status());
  if (args->Has("help")) {
    std::cout
        << "usage: scrm match [--dry-run] [--json] [--incremental] [--auto X] [--suggest Y]\n\n"
           "Matches social profiles to CRM contacts, leads and accounts (docs/identity.md).\n"
           "A proposal scored at or above --auto (default match.auto_threshold, 0.9) with\n"
           "evidence beyond names, no close rival and no opted-out address is linked; one at\n"
           "or above --suggest (default match.suggest_threshold, 0.4) waits for review (scrm\n"
           "links list). Rejected pairs are never proposed again; confirmed and manual links\n"
           "are never changed. scrm never creates CRM records.\n\n"
           "  --dry-run      store nothing; print the proposals (with --json: one JSON object a\n"
           "                 line: platform, handle, profile_url, profile_id, crm_module, crm_id,\n"
           "                 score, decision, evidence [{kind, detail, weight}])\n"
           "  --json         without --dry-run: print the summary as one JSON object\n"
           "  --incremental  only what changed since the last run (watermark 'match')\n"
           "  --margin M     a rival within M of the best makes a suggestion (default\n"
           "                 match.margin, 0.1)\n";
    return kExitOk;
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("match", s);
  identity::RunOptions options;
  options.match = MatchOptionsOf(ctx.config);
  Result<double> auto_t = Threshold(*args, "auto", options.match.auto_threshold);
  if (!auto_t.ok()) return Fail("match", auto_t.status());
  Result<double> suggest_t = Threshold(*args, "suggest", options.match.suggest_threshold);
  if (!suggest_t.ok()) return Fail("match", suggest_t.status());
  Result<double> margin = Threshold(*args, "margin", options.match.margin);
  if (!margin.ok()) return Fail("match", margin.status());
  if (*suggest_t > *auto_t) {
    return Fail("match", Status::InvalidArgument("--suggest must not be above --auto", "--suggest"));
  }
  options.match.auto_threshold = *auto_t;
  options.match.suggest_threshold = *suggest_t;
  options.match.margin = *margin;
  options.dry_run = args->Has("dry-run");
  const bool json = args->Has("json");
  store::Pool pool(ctx.config.db);
  identity::ProposalSink sink;
  if (options.dry_run) {
    sink = [json](const identity::ProposalRecord& r) {
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
    Result<identity::RunSummary> summary = args->Has("incremental")
                                               ? identity::MatchSince(pool, options, sink)
                                               : identity::MatchAll(pool, options, sink);
    if (!summary.ok()) return Fail("match", summary.status());
    const identity::RunSummary& s = *summary;
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
