// scrm crm-sync [--full] [--json]
#include <cstdio>
#include <iostream>

#include "app/cli.h"
#include "crm/crm_sync.h"

namespace scrm::app {

int CmdCrmSync(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs("crm-sync", argc, argv, 2, {}, {"full", "json", "help"});
  if (!args.ok()) return Fail("crm-sync", args.status());
  if (args->Has("help")) {
    std::cout << "usage: scrm crm-sync [--full] [--json]\n\n"
                 "Brings the engine's copy of SuiteCRM contacts, leads and accounts up to date.\n"
                 "Incremental from the last sync (minus crm.sync_overlap_seconds) unless --full.\n"
                 "--json prints one summary object: {\"mode\",\"contacts\",\"leads\",\"accounts\",\n"
                 "\"updated\",\"new\",\"changed\",\"unchanged\",\"deleted\",\"seconds\",\"watermark\"}.\n";
    return kExitOk;
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("crm-sync", s);
  store::Pool pool(ctx.config.db);
  crm::SyncOptions options;
  options.full = args->Has("full");
  options.overlap_seconds = ctx.config.crm_sync_overlap_seconds;
  options.lock_wait_seconds = 30;
  const bool json = args->Has("json");
  const bool show_progress = !json && StderrIsTerminal();
  try {
    Result<crm::SyncSummary> summary =
        crm::RunSync(pool, options, [&](const crm::SyncSummary& s) {
          if (!show_progress) return;
          std::fprintf(stderr, "\rsyncing: %lld accounts, %lld contacts, %lld leads read",
                       static_cast<long long>(s.accounts), static_cast<long long>(s.contacts),
                       static_cast<long long>(s.leads));
        });
    if (show_progress) std::fprintf(stderr, "\r\033[K");
    if (!summary.ok()) return Fail("crm-sync", summary.status());
    if (json) {
      std::cout << summary->ToJson().dump() << "\n";
    } else {
      const crm::SyncSummary& s = *summary;
      std::printf("%s sync: %lld contacts, %lld leads, %lld accounts read; %lld new, %lld changed, "
                  "%lld unchanged, %lld deleted in %.2f s\n",
                  s.full ? "full" : "incremental", static_cast<long long>(s.contacts),
                  static_cast<long long>(s.leads), static_cast<long long>(s.accounts),
                  static_cast<long long>(s.inserted), static_cast<long long>(s.changed),
                  static_cast<long long>(s.unchanged), static_cast<long long>(s.deleted), s.seconds);
    }
    return kExitOk;
  } catch (const store::DbError& e) {
    return FailDb("crm-sync", e);
  }
}

}  // namespace scrm::app
