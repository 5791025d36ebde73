#include "app/open_networks.h"

#include "sources/atproto.h"

namespace scrm::app {

namespace {

sources::HttpFetcherOptions FetcherOptionsOf(const Config& config) {
  sources::HttpFetcherOptions o;
  o.ca_location = config.poll_ca_file;
  o.allow_hosts = config.net_allow_hosts;
  return o;
}

}  // namespace

OpenNetworks::OpenNetworks(const Config& config) : fetcher_(FetcherOptionsOf(config)) {
  sources::AtprotoOptions atproto;
  atproto.plc_url = config.atproto_plc_url;
  atproto.handle_resolver_url = config.atproto_handle_resolver_url;
  owned_.push_back(std::make_unique<sources::AtprotoNetwork>(fetcher_, atproto));
  for (const auto& n : owned_) list_.push_back(n.get());
}

service::FollowOptions FollowOptionsOf(const Config& config) {
  service::FollowOptions o;
  o.interval_seconds = config.follow_interval_minutes * 60;
  o.max_accounts_per_round = config.follow_max_accounts_per_round;
  o.max_requests_per_round = config.follow_max_requests_per_round;
  o.limits.max_posts = config.follow_max_posts;
  o.limits.max_pages = config.follow_max_pages;
  o.limits.timeout_seconds = config.poll_timeout_seconds;
  return o;
}

}  // namespace scrm::app
