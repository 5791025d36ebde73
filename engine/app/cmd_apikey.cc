// scrm apikey create NAME --roles R1,R2 [--json] | list [--json] | revoke NAME
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli.h"
#include "core/time.h"
#include "service/api_keys.h"

namespace scrm::app {

namespace {

const char kUsage[] =
    "usage: scrm apikey create NAME --roles ROLE,... [--json]\n"
    "       scrm apikey list [--json]\n"
    "       scrm apikey revoke NAME\n\n"
    "API keys let machine clients call the API: 'Authorization: Bearer KEY'. create prints the\n"
    "key once (only its SHA-256 is stored: a lost key is revoked and made again). Roles as in\n"
    "tokens: admin, marketing, sales, support, viewer, community:NAME. A revoked key stops\n"
    "working within 30 seconds.\n";

std::string When(int64_t t) { return t ? FormatIsoTime(t) : "-"; }

}  // namespace

int CmdApiKey(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs("apikey", argc, argv, 2, {"roles"}, {"json", "help"});
  if (!args.ok()) return Fail("apikey", args.status());
  if (args->Has("help") || args->positional.empty()) {
    (args->Has("help") ? std::cout : std::cerr) << kUsage;
    return args->Has("help") ? kExitOk : kExitUsage;
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("apikey", s);
  const std::string verb = args->positional[0];
  const bool json = args->Has("json");
  store::Pool pool(ctx.config.db);
  try {
    if (verb == "create" && args->positional.size() == 2) {
      std::vector<std::string> roles;
      std::istringstream in(args->Get("roles"));
      for (std::string role; std::getline(in, role, ',');) {
        if (!role.empty()) roles.push_back(role);
      }
      Result<service::NewApiKey> made = service::CreateApiKey(pool, args->positional[1], roles, {"cli:" + OperatorName(*args), ""});
      if (!made.ok()) {
        Status s = made.status();
        if (s.field() == "roles") {
          s = Status::InvalidArgument(s.message() + " (--roles ROLE,...)", "--roles");
        }
        return Fail("apikey", s);
      }
      if (json) {
        std::cout << nlohmann::json{{"name", made->record.name}, {"key", made->key}, {"roles", roles}}.dump()
                  << "\n";
      } else {
        std::cout << made->key << "\n";
        std::cerr << "scrm apikey: key '" << made->record.name
                  << "' made; it is shown this once: keep it now\n";
      }
      return kExitOk;
    }
    if (verb == "list") {
      nlohmann::json list = nlohmann::json::array();
      for (const store::ApiKey& k : service::ListApiKeys(pool)) {
        std::string roles;
        for (const std::string& r : k.roles) roles += (roles.empty() ? "" : ",") + r;
        if (json) {
          list.push_back(service::ApiKeyJson(k));
        } else {
          std::printf("%-24s %s...  %-30s used %-20s %s\n", k.name.c_str(), k.prefix.c_str(),
                      roles.c_str(), When(k.last_used_at).c_str(),
                      k.revoked_at ? ("revoked " + When(k.revoked_at)).c_str() : "active");
        }
      }
      if (json) std::cout << nlohmann::json{{"api_keys", list}}.dump() << "\n";
      return kExitOk;
    }
    if (verb == "revoke" && args->positional.size() == 2) {
      if (Status s = service::RevokeApiKey(pool, args->positional[1], {"cli:" + OperatorName(*args), ""}); !s.ok()) return Fail("apikey", s);
      std::cout << "revoked " << args->positional[1] << "\n";
      return kExitOk;
    }
    std::cerr << kUsage;
    return kExitUsage;
  } catch (const store::DbError& e) {
    return FailDb("apikey", e);
  }
}

}  // namespace scrm::app
