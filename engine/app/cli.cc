#include "app/cli.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace scrm::app {

Result<Args> ParseArgs(const std::string& command, int argc, char** argv, int first,
                       const std::set<std::string>& with_value,
                       const std::set<std::string>& flags) {
  Args args;
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      std::string name = a.substr(2), value;
      size_t eq = name.find('=');
      bool inline_value = eq != std::string::npos;
      if (inline_value) {
        value = name.substr(eq + 1);
        name.resize(eq);
      }
      if (with_value.count(name)) {
        if (!inline_value) {
          if (i + 1 >= argc) {
            return Status::InvalidArgument("option --" + name + " needs a value", "--" + name);
          }
          value = argv[++i];
        }
        args.options[name] = value;
      } else if (flags.count(name) && !inline_value) {
        args.flags.insert(name);
      } else {
        return Status::InvalidArgument("unknown option --" + name + " (see scrm " + command +
                                           " --help)",
                                       "--" + name);
      }
    } else {
      args.positional.push_back(a);
    }
  }
  return args;
}

int Fail(const std::string& command, const Status& status) {
  std::cerr << "scrm " << command << ": " << status.message() << "\n";
  switch (status.code()) {
    case Status::Code::kInvalidArgument: return kExitUsage;
    case Status::Code::kUnavailable: return kExitUnavailable;
    default: return kExitFailed;
  }
}

int FailDb(const std::string& command, const store::DbError& error) {
  return Fail(command, error.unavailable() ? Status::Unavailable(error.what())
                                           : Status::Internal(error.what()));
}

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

std::string OperatorName(const Args& args) {
  std::string name = args.Get("as");
  if (name.empty()) {
    const char* login = std::getenv("USER");
    name = login && *login ? login : std::to_string(getuid());
  }
  return name;
}

Status RequireDatabase(const Config& config) {
  if (!config.db.url.user.empty()) return Status::Ok();
  return Status::InvalidArgument(
      "no database configured: set db.url in the configuration file or SCRM_DB_URL "
      "(mysql://user:password@host:port/database)",
      "db.url");
}

}  // namespace scrm::app
