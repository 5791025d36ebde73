// The small command-line toolkit shared by scrm's sub-commands: argument
// parsing with clear errors, the documented exit codes, and the one way to
// report a failure.
#ifndef SCRM_APP_CLI_H_
#define SCRM_APP_CLI_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "app/config.h"
#include "core/status.h"

namespace scrm::app {

// Exit codes, documented in the README.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;       // the work failed; the message says why
inline constexpr int kExitUsage = 2;        // bad command line or configuration
inline constexpr int kExitUnavailable = 3;  // the database cannot be reached
inline constexpr int kExitSomeRejected = 4;  // ingest: done, but some records were rejected

struct Args {
  std::map<std::string, std::string> options;  // --name value / --name=value
  std::set<std::string> flags;                 // --name
  std::vector<std::string> positional;

  bool Has(const std::string& flag) const { return flags.count(flag) > 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const {
    auto it = options.find(name);
    return it == options.end() ? fallback : it->second;
  }
};

// Parses argv[first..] of sub-command `command`. with_value: options that
// take a value; flags: options that do not. "-" alone is positional.
Result<Args> ParseArgs(const std::string& command, int argc, char** argv, int first,
                       const std::set<std::string>& with_value, const std::set<std::string>& flags);

// Prints "scrm COMMAND: message" on stderr and returns the exit code that
// fits the status.
int Fail(const std::string& command, const Status& status);
// The same for a database failure: exit 3 when the database cannot be
// reached, else 1.
int FailDb(const std::string& command, const store::DbError& error);

struct Context {
  Config config = DefaultConfig();
};

// Sub-commands: each returns an exit code.
int CmdMigrate(Context& ctx, int argc, char** argv);
int CmdCrmSync(Context& ctx, int argc, char** argv);
int CmdServe(Context& ctx, int argc, char** argv);
int CmdSources(Context& ctx, int argc, char** argv);
int CmdIngest(Context& ctx, int argc, char** argv);
int CmdRejects(Context& ctx, int argc, char** argv);
int CmdEntities(Context& ctx, int argc, char** argv);
int CmdSearch(Context& ctx, int argc, char** argv);
int CmdReindex(Context& ctx, int argc, char** argv);
int CmdToken(Context& ctx, int argc, char** argv);
int CmdMatch(Context& ctx, int argc, char** argv);
int CmdLinks(Context& ctx, int argc, char** argv);
int CmdApiKey(Context& ctx, int argc, char** argv);
int CmdAudit(Context& ctx, int argc, char** argv);
int CmdExport(Context& ctx, int argc, char** argv);
int CmdImport(Context& ctx, int argc, char** argv);
int CmdErase(Context& ctx, int argc, char** argv);
int CmdRetention(Context& ctx, int argc, char** argv);
int CmdSecrets(Context& ctx, int argc, char** argv);
int CmdThresholds(Context& ctx, int argc, char** argv);
int CmdConfig(Context& ctx, int argc, char** argv);

// Whether stderr is a terminal (progress lines are shown only there).
bool StderrIsTerminal();

// Who runs a command, for audit entries ("cli:" + this): --as NAME when
// the command takes it, else $USER, else the uid.
std::string OperatorName(const Args& args);

// OK when db.url is set; otherwise the error that says how to set it.
Status RequireDatabase(const Config& config);

}  // namespace scrm::app

#endif  // SCRM_APP_CLI_H_
