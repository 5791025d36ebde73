// scrm thresholds [--json] | --auto X --suggest Y --margin M [--as NAME] | --reset [--as NAME]
#include <cstdio>
#include <iostream>

#include "app/cli.h"
#include "service/match_settings.h"

namespace scrm::app {

namespace {

const char kUsage[] =
    "usage: scrm thresholds [--json]\n"
    "       scrm thresholds [--auto X] [--suggest Y] [--margin M] [--as NAME] [--json]\n"
    "       scrm thresholds --reset [--as NAME] [--json]\n\n"
    "Shows the matching thresholds in force, or stores new ones in the database, where every\n"
    "process uses them: `scrm match` from its next start, `scrm serve` from its next matching\n"
    "run, the admin page at once. Stored thresholds override the configuration's match.*\n"
    "keys; --reset goes back to those. Each change is audited (scrm_audit, kind settings: scrm audit list).\n"
    "Thresholds not given keep their value in force. `scrm match --dry-run --auto X` (or the\n"
    "admin page's preview) shows what a change would do before you store it.\n";

void Print(const service::MatchSettings& s, bool json) {
  if (json) {
    std::cout << service::MatchSettingsJson(s).dump() << "\n";
    return;
  }
  std::printf("auto %.3f  suggest %.3f  margin %.3f  (%s)\n", s.options.auto_threshold,
              s.options.suggest_threshold, s.options.margin,
              s.stored ? ("stored by " + s.updated_by + " at " + s.updated_at + " UTC").c_str()
                       : "from the configuration");
}

}  // namespace

int CmdThresholds(Context& ctx, int argc, char** argv) {
  Result<Args> args =
      ParseArgs("thresholds", argc, argv, 2, {"auto", "suggest", "margin", "as"}, {"reset", "json", "help"});
  if (!args.ok()) return Fail("thresholds", args.status());
  if (args->Has("help") || !args->positional.empty()) {
    (args->Has("help") ? std::cout : std::cerr) << kUsage;
    return args->Has("help") ? kExitOk : kExitUsage;
  }
  const bool change = args->options.count("auto") + args->options.count("suggest") + args->options.count("margin") > 0;
  if (change && args->Has("reset")) {
    return Fail("thresholds", Status::InvalidArgument("--reset takes no thresholds: give either", "--reset"));
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("thresholds", s);
  store::Pool pool(ctx.config.db);
  try {
    const service::MatchSettings now = service::LoadMatchSettings(pool, MatchOptionsOf(ctx.config));
    const store::AuditBy actor{"cli:" + OperatorName(*args), ""};
    if (args->Has("reset")) {
      if (!service::ResetMatchSettings(pool, actor)) {
        std::cerr << "scrm thresholds: none were stored; the configuration's apply\n";
      }
    } else if (change) {
      identity::MatchOptions m = now.options;
      for (auto [name, out] : {std::pair{"auto", &m.auto_threshold}, std::pair{"suggest", &m.suggest_threshold},
                               std::pair{"margin", &m.margin}}) {
        if (args->options.count(name) == 0) continue;
        Result<double> v = service::ParseThreshold(args->Get(name), std::string("--") + name);
        if (!v.ok()) return Fail("thresholds", v.status());
        *out = *v;
      }
      if (Status s = service::SaveMatchSettings(pool, m, actor); !s.ok()) {
        return Fail("thresholds", Status::InvalidArgument("--" + s.field() + ": " + s.message(), "--" + s.field()));
      }
    }
    Print(service::LoadMatchSettings(pool, MatchOptionsOf(ctx.config)), args->Has("json"));
    return kExitOk;
  } catch (const store::DbError& e) {
    return FailDb("thresholds", e);
  }
}

}  // namespace scrm::app
