// scrm: the social CRM engine's one executable. `scrm help` lists the
// sub-commands; each has --help. Exit codes: see app/cli.h and the README.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli.h"

namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(scrm::app::Context&, int, char**);
  bool needs_config;
};

const std::vector<Command>& Commands() {
  static const std::vector<Command> kCommands = {
      {"serve",
       "serve the API, the UI, /healthz, /readyz and /metrics; sync the CRM in the "
       "background",
       scrm::app::CmdServe, true},
      {"migrate", "create or update the engine's scrm_* tables", scrm::app::CmdMigrate, true},
      {"crm-sync", "copy SuiteCRM contacts, leads and accounts into the engine",
       scrm::app::CmdCrmSync, true},
      {"sources", "add, list, show or remove the sources of conversations", scrm::app::CmdSources,
       true},
      {"ingest", "read a file or stdin of a source into the engine", scrm::app::CmdIngest, true},
      {"rejects", "list, show or retry the records that could not be read", scrm::app::CmdRejects,
       true},
      {"search", "search the conversations (Xapian query syntax, filters, facets)",
       scrm::app::CmdSearch, true},
      {"reindex", "rebuild the search index from the database", scrm::app::CmdReindex, true},
      {"token", "mint a signed token for scripts and the demo", scrm::app::CmdToken, true},
      {"match", "link social profiles to CRM records (or --dry-run)", scrm::app::CmdMatch, true},
      {"links", "review, confirm, reject, link or unlink profile links", scrm::app::CmdLinks, true},
      {"thresholds", "show or store the matching thresholds every process uses",
       scrm::app::CmdThresholds, true},
      {"apikey", "create, list or revoke API keys for machine clients", scrm::app::CmdApiKey, true},
      {"audit", "list the security log: sign-ons, refusals, keys, sources, exports, erasures",
       scrm::app::CmdAudit, true},
      {"export", "write everything the engine holds to a directory (JSON Lines, CSV, manifest)",
       scrm::app::CmdExport, true},
      {"import", "restore an export into an empty instance and rebuild the index",
       scrm::app::CmdImport, true},
      {"erase", "remove a person's profiles, posts, links and index entries (audited, no names)",
       scrm::app::CmdErase, true},
      {"retention", "remove posts older than their source's retention_days (or --dry-run)",
       scrm::app::CmdRetention, true},
      {"secrets", "check or rotate the key that seals the sources' push secrets",
       scrm::app::CmdSecrets, true},
      {"config", "every configuration key: default, environment variable, check, meaning",
       scrm::app::CmdConfig, false},
      {"entities", "mentions, hashtags, URLs, cashtags, e-mails of text lines on stdin",
       scrm::app::CmdEntities, false},
  };
  return kCommands;
}

void Usage(std::ostream& out) {
  out << "usage: scrm [--config FILE] COMMAND [options]\n\ncommands:\n";
  for (const Command& c : Commands()) {
    out << "  " << c.name << std::string(12 - std::strlen(c.name), ' ') << c.summary << "\n";
  }
  out << "\nEach command has --help. Configuration: --config FILE (default scrm.properties or\n"
         "scrm.json in the working directory), overridden by SCRM_DB_URL, SCRM_HTTP_PORT,\n"
         "SCRM_INDEX_DIR, SCRM_SECRET...; scrm config lists every key. Exit codes: 0 ok,\n"
         "1 failed, 2 bad usage or configuration, 3 database unreachable, 4 (ingest) some\n"
         "records rejected.\n";
}

}  // namespace

int main(int argc, char** argv) {
  // Global options come before the command: scrm --config FILE COMMAND ...
  std::string config_path;
  int i = 1;
  while (i < argc && std::strncmp(argv[i], "--", 2) == 0) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      Usage(std::cout);
      return scrm::app::kExitOk;
    }
    if (a == "--version") {
      std::cout << "scrm " << SCRM_VERSION << "\n";
      return scrm::app::kExitOk;
    }
    if (a == "--config" && i + 1 < argc) {
      config_path = argv[i + 1];
      i += 2;
    } else if (a.rfind("--config=", 0) == 0) {
      config_path = a.substr(9);
      ++i;
    } else {
      std::cerr << "scrm: unknown option " << a << " (see scrm --help)\n";
      return scrm::app::kExitUsage;
    }
  }
  if (i >= argc || std::strcmp(argv[i], "help") == 0) {
    Usage(i >= argc ? std::cerr : std::cout);
    return i >= argc ? scrm::app::kExitUsage : scrm::app::kExitOk;
  }
  const std::string name = argv[i];
  for (const Command& c : Commands()) {
    if (name != c.name) continue;
    scrm::app::Context ctx;
    bool wants_help = false;
    for (int k = i + 1; k < argc; ++k) wants_help = wants_help || std::strcmp(argv[k], "--help") == 0;
    if (c.needs_config && !wants_help) {
      scrm::Result<scrm::app::Config> config =
          scrm::app::LoadConfig(config_path, scrm::app::ProcessEnvironment());
      if (!config.ok()) return scrm::app::Fail(name, config.status());
      ctx.config = std::move(*config);
    }
    // Sub-commands see their own name as argv[1]... so shift: argv[i] is the command.
    return c.run(ctx, argc - (i - 1), argv + (i - 1));
  }
  std::cerr << "scrm: unknown command '" << name << "' (see scrm --help)\n";
  return scrm::app::kExitUsage;
}
