// scrm config [--markdown]: every configuration key as engine/app/options.cc
// declares it (default, environment variable, check, meaning).
#include <iostream>

#include "app/cli.h"

namespace scrm::app {

int CmdConfig(Context&, int argc, char** argv) {
  Result<Args> args = ParseArgs("config", argc, argv, 2, {}, {"help", "markdown"});
  if (!args.ok()) return Fail("config", args.status());
  if (args->Has("help")) {
    std::cout << "usage: scrm config [--markdown]\n\n"
                 "Lists every configuration key: its default, its environment variable, what a\n"
                 "value must be, and what it does. Keys go in the configuration file (--config\n"
                 "FILE, else scrm.properties or scrm.json in the working directory); environment\n"
                 "variables override the file. --markdown prints the table of\n"
                 "docs/configuration.md, which scripts/config-doc writes there.\n\n"
              << OptionsHelp();
    return kExitOk;
  }
  std::cout << (args->Has("markdown") ? OptionsMarkdown() : OptionsHelp());
  return kExitOk;
}

}  // namespace scrm::app
