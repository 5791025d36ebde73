// scrm follow [--json] | add MODULE/ID HANDLE_OR_URL | on|off NETWORK | status: following
// accounts on open networks (service/follow.h) from the command line.
#include <cstdio>
#include <iostream>

#include "app/cli.h"
#include "app/open_networks.h"
#include "ingest/index_feeder.h"
#include "service/follow.h"

namespace scrm::app {

namespace {

const char kUsage[] =
    "usage: scrm follow [--json]\n"
    "       scrm follow add MODULE/ID HANDLE_OR_URL [--as NAME] [--json]\n"
    "       scrm follow on|off NETWORK [--as NAME]\n"
    "       scrm follow status [--json]\n\n"
    "follow runs one round now, as scrm serve does every follow.tick_seconds on the networks an\n"
    "admin switched on: every account linked to a CRM record (auto, confirmed or by hand) on an\n"
    "open network (AT Protocol; ActivityPub) that is due is read (profile, recent public posts)\n"
    "and stored; it prints the profiles checked, posts new and updated, and errors.\n"
    "follow add resolves a handle or URL live (alice.bsky.social, at://did:plc:..., @alice@host,\n"
    "https://host/@alice), stores its profile and posts and links it to the CRM record\n"
    "(Contacts/ID, Leads/ID, Accounts/ID) by hand, as the Social panel's \"Link a profile\" does;\n"
    "audited (scrm audit list --kind follow_added). Fetches obey net.allow_hosts.\n"
    "follow on|off switches scrm serve's following of NETWORK (atproto, activitypub) on or off\n"
    "(off by default), as a settings change in the security log.\n"
    "follow status prints each network: on or off, accounts followed, failing, the last success\n"
    "and the newest error (--json: {\"networks\": [...]}, as GET /api/v1/admin/networks).\n";

// New posts are indexed now, unless a running scrm serve holds the index.
void Index(store::Pool& pool, const Config& config) {
  ingest::IndexFeeder feeder(pool, IndexConfigOf(config));
  Result<ingest::FeedStats> fed = feeder.Drain();
  if (!fed.ok() && fed.status().code() != Status::Code::kUnavailable) {
    std::cerr << "scrm follow: posts stored, but indexing them failed: " << fed.status().message()
              << " (scrm serve or scrm reindex will catch up)\n";
  }
}

}  // namespace

int CmdFollow(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs("follow", argc, argv, 2, {"as"}, {"json", "help"});
  if (!args.ok()) return Fail("follow", args.status());
  const std::string verb = args->positional.empty() ? "" : args->positional[0];
  const bool add = verb == "add";
  const bool switch_on = verb == "on";
  const bool switching = switch_on || verb == "off";
  const bool status = verb == "status";
  const size_t wanted = add ? 3 : switching ? 2 : status ? 1 : 0;
  if (args->Has("help") || (!args->positional.empty() && args->positional.size() != wanted) ||
      (!verb.empty() && !add && !switching && !status)) {
    (args->Has("help") ? std::cout : std::cerr) << kUsage;
    return args->Has("help") ? kExitOk : kExitUsage;
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("follow", s);
  const bool json = args->Has("json");
  store::Pool pool(ctx.config.db);
  OpenNetworks networks(ctx.config);
  for (const std::string& p : networks.problems()) {
    std::cerr << "follow: not following on " << p << "\n";
  }
  const service::FollowOptions options = FollowOptionsOf(ctx.config);
  try {
    if (status) {
      nlohmann::json list = nlohmann::json::array();
      for (const service::NetworkStatus& n : service::NetworkStatuses(pool)) {
        list.push_back(n.ToJson());
        if (json) continue;
        std::printf("%s: %s; %lld accounts followed, %lld failing; last success %s\n",
                    n.network.c_str(), n.on ? "on" : "off",
                    static_cast<long long>(n.health.accounts),
                    static_cast<long long>(n.health.failing),
                    n.health.last_success_at.empty() ? "never" : n.health.last_success_at.c_str());
        if (!n.health.last_error.empty()) {
          std::printf("  newest error (%s): %s\n", n.health.last_error_at.c_str(),
                      n.health.last_error.c_str());
        }
      }
      if (json) std::cout << nlohmann::json{{"networks", list}}.dump() << "\n";
      return kExitOk;
    }
    if (switching) {
      const std::string name = OperatorName(*args);
      const std::string& network = args->positional[1];
      if (Status s = service::SwitchNetwork(pool, network, switch_on, store::AuditBy{"cli:" + name, ""});
          !s.ok()) {
        return Fail("follow", s);
      }
      std::printf("following on %s: %s in scrm serve (every follow.tick_seconds)\n",
                  network.c_str(), switch_on ? "on" : "off");
      return kExitOk;
    }
    if (add) {
      auto ref = ParseCustomerRef(args->positional[1]);
      if (!ref) {
        return Fail("follow", Status::InvalidArgument(
                                  "'" + args->positional[1] +
                                      "' must name a CRM record as Contacts/ID, Leads/ID or "
                                      "Accounts/ID",
                                  "MODULE/ID"));
      }
      const std::string name = OperatorName(*args);
      Result<service::AddedFollow> added =
          service::AddFollow(pool, networks.all(), options, ref->first, ref->second,
                             args->positional[2], store::Actor{"cli:" + name, name});
      if (!added.ok()) return Fail("follow", added.status());
      Index(pool, ctx.config);
      if (json) {
        std::cout << nlohmann::json{{"network", added->account.network},
                                    {"account", added->account.id},
                                    {"handle", added->account.handle},
                                    {"profile_url", added->account.profile_url},
                                    {"profile_id", added->profile_id},
                                    {"link_id", added->link.id},
                                    {"posts", added->posts}}
                         .dump()
                  << "\n";
      } else {
        std::printf("following %s (%s) on %s: profile %lld linked to %s/%s (link %lld), %lld posts\n",
                    added->account.handle.c_str(), added->account.id.c_str(),
                    added->account.network.c_str(), static_cast<long long>(added->profile_id),
                    CrmModuleName(ref->first), ref->second.c_str(),
                    static_cast<long long>(added->link.id), static_cast<long long>(added->posts));
      }
      return kExitOk;
    }
    Result<service::FollowRound> round = service::RunFollowRound(pool, networks.all(), options);
    if (!round.ok()) return Fail("follow", round.status());
    Index(pool, ctx.config);
    const nlohmann::json j = round->ToJson();
    if (json) {
      std::cout << j.dump() << "\n";
    } else {
      std::printf(
          "%lld profiles checked; %lld posts new, %lld updated, %lld removed; %lld errors (%.1f s)\n",
                  static_cast<long long>(j["profiles_checked"].get<int64_t>()),
                  static_cast<long long>(j["posts_new"].get<int64_t>()),
                  static_cast<long long>(j["posts_updated"].get<int64_t>()),
                  static_cast<long long>(j["posts_removed"].get<int64_t>()),
                  static_cast<long long>(j["errors"].get<int64_t>()), round->seconds);
      for (const service::NetworkRound& n : round->networks) {
        for (const std::string& e : n.error_messages) std::printf("  %s: %s\n", n.network.c_str(), e.c_str());
        if (n.budget_spent) {
          std::printf("  %s: request budget of the round spent; the rest next round\n", n.network.c_str());
        }
      }
    }
    bool any_error = false;
    for (const service::NetworkRound& n : round->networks) any_error = any_error || n.errors > 0;
    return any_error ? kExitFailed : kExitOk;
  } catch (const store::DbError& e) {
    return FailDb("follow", e);
  }
}

}  // namespace scrm::app
