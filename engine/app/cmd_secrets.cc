// scrm secrets rotate --new-key-file PATH [--json]
// scrm secrets check [--json]
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "service/push_secrets.h"

namespace scrm::app {

namespace {

const char kUsage[] =
    "usage: scrm secrets rotate --new-key-file PATH [--json]\n"
    "       scrm secrets check [--json]\n\n"
    "The sources' push secrets are sealed (AES-256-GCM) with the key of secrets.key_file\n"
    "(SCRM_SECRETS_KEY_FILE; default secrets.key beside index.dir). rotate re-seals every\n"
    "one with the key of PATH, in one transaction: PATH is created (32 random bytes, mode\n"
    "0600) unless it exists, in which case it must be such a key. The configuration is not\n"
    "changed: then point secrets.key_file at PATH wherever scrm runs, restart scrm serve\n"
    "(pushes answer 503 until it reads the new key), back PATH up apart from the database,\n"
    "and destroy the old key file. If a secret does not open with the old key, nothing is\n"
    "changed.\n\n"
    "check changes nothing: it says whether the key file is usable (a regular file, not a\n"
    "symbolic link, 32 bytes, mode 0600 or 0400) and whether every sealed push secret opens\n"
    "with it, and lists the secrets still in clear (scrm migrate seals them): one line per\n"
    "problem, naming the source and the fix. --json prints {\"key_file\", \"key_file_exists\",\n"
    "\"key_file_error\", \"sealed\", \"opened\", \"clear\", \"clear_sources\", \"unreadable\":\n"
    "[{\"source\", \"error\"}], \"ok\"}. Exit 0 when all is well, 1 otherwise.\n"
    "docs/security.md.\n";

int Check(Context& ctx, bool json) {
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("secrets", s);
  store::Pool pool(ctx.config.db);
  try {
    const service::CheckReport r = service::CheckPushSecrets(pool, ctx.config.secrets_key_file);
    if (json) {
      nlohmann::json unreadable = nlohmann::json::array();
      for (const service::SecretProblem& p : r.unreadable) {
        unreadable.push_back({{"source", p.source}, {"error", p.error}});
      }
      std::cout << nlohmann::json{{"key_file", r.key_file},
                                  {"key_file_exists", r.key_file_exists},
                                  {"key_file_error", r.key_file_error.empty()
                                                         ? nlohmann::json(nullptr)
                                                         : nlohmann::json(r.key_file_error)},
                                  {"sealed", r.sealed},
                                  {"opened", r.opened},
                                  {"clear", r.clear.size()},
                                  {"clear_sources", r.clear},
                                  {"unreadable", unreadable},
                                  {"ok", r.ok()}}
                       .dump()
                << "\n";
      return r.ok() ? kExitOk : kExitFailed;
    }
    if (!r.key_file_error.empty()) std::cout << r.key_file_error << "\n";  // "key file PATH ..."
    for (const service::SecretProblem& p : r.unreadable) {
      std::cout << "source '" << p.source << "': " << p.error << "\n";
    }
    for (const std::string& name : r.clear) {
      std::cout << "source '" << name << "': the push secret is stored in clear (by a version "
                   "before sealing): run `scrm migrate` to seal it\n";
    }
    std::cout << (r.ok() ? "ok: " : "problems: ") << r.opened << " of " << r.sealed
              << " sealed push secret" << (r.sealed == 1 ? "" : "s") << " open with "
              << r.key_file << (r.key_file_exists ? "" : " (not made yet: nothing sealed)")
              << ", " << r.clear.size() << " in clear\n";
    return r.ok() ? kExitOk : kExitFailed;
  } catch (const store::DbError& e) {
    return FailDb("secrets", e);
  }
}

}  // namespace

int CmdSecrets(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs("secrets", argc, argv, 2, {"new-key-file"}, {"json", "help"});
  if (!args.ok()) return Fail("secrets", args.status());
  if (args->Has("help") || args->positional.empty()) {
    (args->Has("help") ? std::cout : std::cerr) << kUsage;
    return args->Has("help") ? kExitOk : kExitUsage;
  }
  if (args->positional.size() == 1 && args->positional[0] == "check") {
    if (args->Has("new-key-file")) {
      return Fail("secrets", Status::InvalidArgument("check takes no --new-key-file: it checks "
                                                     "secrets.key_file", "--new-key-file"));
    }
    return Check(ctx, args->Has("json"));
  }
  if (args->positional.size() != 1 || args->positional[0] != "rotate") {
    return Fail("secrets", Status::InvalidArgument("unknown verb '" + args->positional[0] +
                                                   "': scrm secrets rotate --new-key-file PATH, "
                                                   "or scrm secrets check"));
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
    Result<service::RotateReport> report = service::RotatePushSecrets(pool, ctx.config.secrets_key_file, new_key_file);
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
