#include "app/open_networks.h"

#include "core/text.h"
#include "service/activitypub_actor.h"
#include "sources/activitypub.h"
#include "sources/atproto.h"

namespace scrm::app {

sources::HttpFetcherOptions FetcherOptionsOf(const Config& config) {
  sources::HttpFetcherOptions o;
  o.ca_location = config.poll_ca_file;
  o.allow_hosts = config.net_allow_hosts;
  return o;
}

sources::AtprotoOptions AtprotoOptionsOf(const Config& config) {
  sources::AtprotoOptions o;
  o.plc_url = config.atproto_plc_url;
  o.handle_resolver_url = config.atproto_handle_resolver_url;
  o.appview_url = config.atproto_appview_url;
  return o;
}

std::vector<std::string> ActivityPubHttpHosts(const std::vector<std::string>& allow_hosts) {
  std::vector<std::string> hosts;
  for (const std::string& h : allow_hosts) {
    const bool ipv4_loopback = StartsWith(h, "127.") && h.find_first_not_of("0123456789.") == std::string::npos;
    if (h == "localhost" || h == "::1" || h == "[::1]" || ipv4_loopback) hosts.push_back(h);
  }
  return hosts;
}

ConfiguredActor LoadConfiguredActor(const Config& config, bool* created) {
  if (created != nullptr) *created = false;
  if (config.activitypub_base_url.empty()) return std::optional<service::ActivityPubActor>();
  Result<service::ActivityPubActor> actor = service::LoadActivityPubActor(
      config.activitypub_base_url, config.activitypub_key_file, created);
  if (!actor.ok()) return actor.status();
  return std::optional<service::ActivityPubActor>(std::move(*actor));
}

OpenNetworks::OpenNetworks(const Config& config)
    : OpenNetworks(config, LoadConfiguredActor(config, nullptr)) {}

OpenNetworks::OpenNetworks(const Config& config, const ConfiguredActor& actor)
    : fetcher_(FetcherOptionsOf(config)) {
  Add(std::make_unique<sources::AtprotoNetwork>(fetcher_, AtprotoOptionsOf(config)));
  // Signed with the engine's actor key when activitypub.base_url is set
  // (servers in authorized-fetch mode require it), unsigned otherwise.
  if (actor.ok()) {
    sources::ActivityPubOptions activitypub =
        service::ActivityPubClientOptions(actor->has_value() ? &**actor : nullptr);
    activitypub.http_hosts = ActivityPubHttpHosts(config.net_allow_hosts);
    Add(std::make_unique<sources::ActivityPubNetwork>(fetcher_, std::move(activitypub)));
  } else {
    problems_.push_back("activitypub: " + actor.status().message());
  }
}

Listeners::Listeners(const Config& config, sources::Fetcher& fetcher)
    : fediverse_(fetcher, {ActivityPubHttpHosts(config.net_allow_hosts)}),
      atproto_(fetcher, AtprotoOptionsOf(config)) {}

void OpenNetworks::Add(std::unique_ptr<sources::OpenNetwork> network) {
  list_.push_back(network.get());
  owned_.push_back(std::move(network));
}

service::FollowOptions FollowOptionsOf(const Config& config) {
  service::FollowOptions o;
  o.interval_seconds = config.follow_interval_minutes * 60;
  o.max_accounts_per_round = config.follow_max_accounts_per_round;
  o.max_requests_per_round = config.follow_max_requests_per_round;
  o.limits = OpenNetworkLimitsOf(config);
  return o;
}

sources::FollowLimits OpenNetworkLimitsOf(const Config& config) {
  sources::FollowLimits limits;
  limits.max_posts = config.follow_max_posts;
  limits.max_pages = config.follow_max_pages;
  limits.timeout_seconds = config.poll_timeout_seconds;
  return limits;
}

}  // namespace scrm::app
