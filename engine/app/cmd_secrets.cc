// scrm secrets rotate --new-key-file PATH [--json]
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/push_secrets.h"

namespace scrm::app {

namespace {

const char kUsage[] =
    "usage: scrm secrets rotate --new-key-file PATH [--json]\n\n"
    "The sources' push secrets are sealed (AES-256-GCM) with the key of secrets.key_file\n"
    "(SCRM_SECRETS_KEY_FILE; default secrets.key beside index.dir). rotate re-seals every\n"
    "one with the key of PATH, in one transaction: PATH is created (32 random bytes, mode\n"
    "0600) unless it exists, in which case it must be such a key. The configuration is not\n"
    "changed: then point secrets.key_file at PATH wherever scrm runs, restart scrm serve\n"
    "(pushes answer 503 until it reads the new key), back PATH up apart from the database,\n"
    "and destroy the old key file. If a secret does not open with the old key, nothing is\n"
    "changed. docs/security.md.\n";

}  // namespace

int CmdSecrets(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs("secrets", argc, argv, 2, {"new-key-file"}, {"json", "help"});
  if (!args.ok()) return Fail("secrets", args.status());
  if (args->Has("help") || args->positional.empty()) {
    (args->Has("help") ? std::cout : std::cerr) << kUsage;
    return args->Has("help") ? kExitOk : kExitUsage;
  }
  if (args->positional.size() != 1 || args->positional[0] != "rotate") {
    return Fail("secrets", Status::InvalidArgument("unknown verb '" + args->positional[0] +
                                                   "': scrm secrets rotate --new-key-file PATH"));
  }
  const std::string new_key_file = args->Get("new-key-file");
  if (new_key_file.empty()) {
    return Fail("secrets", Status::InvalidArgument("rotate needs --new-key-file PATH: where the new "
                                                   "key is (or is to be created)",
                                                   "--new-key-file"));
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("secrets", s);
  store::Pool pool(ctx.config.db);
  try {
    Result<RotateReport> report = RotatePushSecrets(pool, ctx.config, new_key_file);
    if (!report.ok()) return Fail("secrets", report.status());
    if (args->Has("json")) {
      std::cout << nlohmann::json{{"resealed", report->resealed},
                                  {"new_key_file", new_key_file},
                                  {"created", report->created}}
                       .dump()
                << "\n";
    } else {
      std::cout << "re-sealed " << report->resealed << " push secret"
                << (report->resealed == 1 ? "" : "s") << " with " << new_key_file
                << ".\nNow set secrets.key_file = " << new_key_file
                << " (or SCRM_SECRETS_KEY_FILE) wherever scrm runs, restart scrm serve, back the "
                   "new key file up apart from the database, and destroy "
                << ctx.config.secrets_key_file << ".\n";
    }
    return kExitOk;
  } catch (const store::DbError& e) {
    return FailDb("secrets", e);
  }
}

}  // namespace scrm::app
