// scrm migrate [--allow-empty-crm] [--json]
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "service/push_secrets.h"
#include "store/migrator.h"

namespace scrm::app {

int CmdMigrate(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs("migrate", argc, argv, 2, {}, {"allow-empty-crm", "json", "help"});
  if (!args.ok()) return Fail("migrate", args.status());
  if (args->Has("help")) {
    std::cout << "usage: scrm migrate [--allow-empty-crm] [--json]\n\n"
                 "Applies the engine's missing sql/ migrations (scrm_* tables) to the database\n"
                 "of db.url. Idempotent. Refuses a database without SuiteCRM tables unless\n"
                 "--allow-empty-crm is given. Then seals, in place, the sources' push secrets\n"
                 "that older versions stored in clear (with secrets.key_file, created if needed).\n";
    return kExitOk;
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("migrate", s);
  store::Pool pool(ctx.config.db);
  try {
    store::MigrateOptions options;
    options.allow_empty_crm = args->Has("allow-empty-crm");
    Result<store::MigrateReport> report =
        store::Migrate(pool, store::EmbeddedMigrations(), options);
    if (!report.ok()) return Fail("migrate", report.status());
    // Push secrets stored in clear by older versions are sealed now.
    Result<int64_t> sealed = service::SealClearPushSecrets(pool, ctx.config.secrets_key_file);
    if (!sealed.ok()) return Fail("migrate", sealed.status());
    if (args->Has("json")) {
      std::cout << nlohmann::json{{"from_version", report->from_version},
                                  {"to_version", report->to_version},
                                  {"applied", report->applied},
                                  {"secrets_sealed", *sealed}}
                       .dump()
                << "\n";
    } else if (report->applied.empty()) {
      std::cout << "schema is up to date (version " << report->to_version << ")\n";
    } else {
      for (const std::string& name : report->applied) std::cout << "applied " << name << "\n";
      std::cout << "schema version " << report->from_version << " -> " << report->to_version
                << "\n";
    }
    if (!args->Has("json") && *sealed > 0) {
      std::cout << "sealed " << *sealed << " clear push secret" << (*sealed == 1 ? "" : "s")
                << " with key file " << ctx.config.secrets_key_file << "\n";
    }
    return kExitOk;
  } catch (const store::DbError& e) {
    return FailDb("migrate", e);
  }
}

}  // namespace scrm::app
