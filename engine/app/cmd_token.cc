// scrm token --user ID --roles R1,R2 [--name NAME] [--lang fr] [--ttl SECONDS]
#include <iostream>
#include <sstream>

#include "app/cli.h"
#include "core/time.h"
#include "http/auth.h"

namespace scrm::app {

int CmdToken(Context& ctx, int argc, char** argv) {
  Result<Args> args =
      ParseArgs("token", argc, argv, 2, {"user", "roles", "name", "lang", "ttl"}, {"help"});
  if (!args.ok()) return Fail("token", args.status());
  if (args->Has("help")) {
    std::cout << "usage: scrm token --user ID --roles ROLE,... [--name NAME] [--lang en|fr]\n"
                 "                  [--ttl SECONDS]\n\n"
                 "Mints a token signed with the shared secret (SCRM_SECRET), as the CRM plugin\n"
                 "does, for scripts, tests and the demo; prints the token alone on stdout.\n"
                 "Send it as 'Authorization: Bearer TOKEN'. Roles: admin, marketing, sales,\n"
                 "support, community:NAME. --ttl defaults to 3600 seconds.\n";
    return kExitOk;
  }
  if (args->Get("user").empty()) {
    return Fail("token", Status::InvalidArgument("--user ID is required", "user"));
  }
  if (ctx.config.secret.empty()) {
    return Fail("token", Status::InvalidArgument(
                             "no secret configured: set SCRM_SECRET (or secret in the config), "
                             "the same as scrm serve's",
                             "secret"));
  }
  const std::string ttl_text = args->Get("ttl", "3600");
  char* end = nullptr;
  const long ttl = std::strtol(ttl_text.c_str(), &end, 10);
  if (*end != '\0' || ttl < 1 || ttl > 366L * 86400) {
    return Fail("token", Status::InvalidArgument(
                             "--ttl must be a number of seconds between 1 and 31622400", "ttl"));
  }
  http::TokenClaims claims;
  claims.user_id = args->Get("user");
  claims.user_name = args->Get("name", claims.user_id);
  claims.lang = args->Get("lang", "en");
  std::istringstream roles(args->Get("roles"));
  std::string role;
  while (std::getline(roles, role, ',')) {
    if (!role.empty()) claims.roles.push_back(role);
  }
  claims.expires_at = NowUnixSeconds() + ttl;
  std::cout << http::MintToken(claims, ctx.config.secret) << "\n";
  return kExitOk;
}

}  // namespace scrm::app
