#include "service/follow.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <utility>

#include "identity/evidence_text.h"
#include "ingest/pipeline.h"
#include "service/matching.h"
#include "sources/gone_upstream.h"
#include "store/audit_repository.h"
#include "store/content_repository.h"
#include "store/follow_repository.h"
#include "store/settings_repository.h"
#include "store/source_repository.h"

namespace scrm::service {

namespace {

constexpr size_t kMaxErrorMessages = 5;
constexpr int kFirstRetrySeconds = 300;

Status UnknownNetwork(const std::string& network) {
  return Status::InvalidArgument(
      "'" + network + "' is not an open network scrm follows (atproto, activitypub)", "network");
}

// When an account that failed `failures` times in a row before this one is
// tried again: 5 min, 10, 20... up to the cap.
int BackoffSeconds(int failures, const FollowOptions& options) {
  int64_t delay = static_cast<int64_t>(kFirstRetrySeconds) << std::min(failures, 20);
  return static_cast<int>(std::min<int64_t>(delay, options.max_backoff_seconds));
}

// Removes the account's stored posts that its network no longer lists
// within the span the client read in full (sources::GoneUpstream); returns
// how many went.
int64_t RemoveGoneUpstream(store::Pool& pool, const Source& source, const std::string& network,
                           const sources::RemoteAccount& account, const sources::ReadSpan& span) {
  if (span.order == sources::ReadSpan::Order::kNone) return 0;
  store::ContentRepository content(pool);
  std::vector<sources::StoredPostRef> stored;
  std::unordered_map<std::string, int64_t> id_of;  // external id -> scrm_posts id
  for (const store::StoredPostKey& p :
       content.PostsOfAuthor(source.id, PlatformsOf(network), account.id)) {
    stored.push_back(sources::StoredPostRef{p.external_id, p.published});
    id_of.emplace(p.external_id, p.id);
  }
  std::vector<int64_t> gone;
  for (const std::string& external_id : sources::GoneUpstream(span, stored)) {
    gone.push_back(id_of.at(external_id));
  }
  return content.RemoveDeletedPosts(gone);
}

// What reading one account gave: the client's report and status, and what
// the store made of the records (`summary.removed` counts the posts its
// Deletes removed and those gone upstream).
struct AccountRead {
  Status status;
  sources::FollowReport report;
  ingest::IngestSummary summary;
};

AccountRead ReadAccount(store::Pool& pool, const Source& source, sources::OpenNetwork& network,
                        const sources::RemoteAccount& account, const std::string& state,
                        const sources::FollowLimits& limits) {
  AccountRead read;
  read.report.requests = 1;  // at least the one that failed, when it fails
  auto produce = [&](RecordSink& sink) -> Status {
    Result<sources::FollowReport> r = network.Follow(account, state, limits, sink);
    if (!r.ok()) {
      read.status = r.status();
    } else {
      read.report = std::move(*r);
    }
    return Status::Ok();  // the client's failure is the account's, said below
  };
  ingest::IngestOptions options;
  options.file_name = account.profile_url.empty() ? account.id : account.profile_url;
  options.writers = 1;
  Result<ingest::IngestSummary> s =
      ingest::IngestRecords(pool, source, std::string(network.network()), produce, options);
  if (s.ok()) read.summary = std::move(*s);
  if (read.status.ok() && !s.ok()) read.status = s.status();
  if (read.status.ok()) {
    read.summary.removed += RemoveGoneUpstream(pool, source, std::string(network.network()),
                                               account, read.report.span);
  }
  return read;
}

sources::RemoteAccount AccountOf(const store::FollowRow& row) {
  sources::RemoteAccount a;
  a.network = row.network;
  a.id = row.account_id;
  a.handle = row.handle;
  a.profile_url = row.profile_url;
  a.platform = row.platform;
  return a;
}

std::string Named(const sources::RemoteAccount& a) { return a.handle.empty() ? a.id : a.handle; }

// The account followed from now on, its first read (done) recorded.
void StartFollowing(store::FollowRepository& follows, const sources::RemoteAccount& account,
                    const AccountRead& read, const FollowOptions& options) {
  store::FollowRow row;
  row.network = account.network;
  row.account_id = account.id;
  row.handle = account.handle;
  row.profile_url = account.profile_url;
  row.platform = account.platform;
  follows.Upsert(row);
  if (std::optional<int64_t> id = follows.IdOf(row.network, row.account_id)) {
    follows.RecordSuccess(*id, read.report.state, read.report.requests,
                          static_cast<int>(read.summary.posts_new), options.interval_seconds);
  }
}

// An account that moved (ActivityPub's account migration: its actor names
// its successor in movedTo). When the successor confirms it (its
// alsoKnownAs names the old account), the successor is followed, and linked
// to the CRM records the old account is linked to as matching links (auto,
// the move as its evidence: a salesperson may reject it). The old account
// stays followed and linked. Returns what was done, or why not; "" when the
// successor is followed already (an earlier round did it).
std::string FollowMove(store::Pool& pool, const Source& source, sources::OpenNetwork& network,
                       const sources::RemoteAccount& account, const std::string& moved_to,
                       const FollowOptions& options) {
  store::FollowRepository follows(pool);
  if (follows.IdOf(std::string(network.network()), moved_to)) return "";
  const std::string said = Named(account) + " moved to " + moved_to;
  Result<sources::RemoteAccount> next = network.Resolve(moved_to);
  if (!next.ok()) return said + ", which could not be read: " + next.status().message();
  const auto& aka = next->also_known_as;
  if (next->id != moved_to || std::find(aka.begin(), aka.end(), account.id) == aka.end()) {
    return said + ", but that account does not name " + account.id +
           " among its aliases (alsoKnownAs): the move is not confirmed, so it is not followed";
  }
  AccountRead read = ReadAccount(pool, source, network, *next, "", options.limits);
  if (!read.status.ok()) return said + ", which could not be read: " + read.status.message();
  StartFollowing(follows, *next, read, options);
  const int64_t profile_id = follows.ProfileId(next->platform, next->id);
  identity::Evidence moved;
  moved.kind = "moved";
  moved.phrases = {{"moved_from", {{"handle", "@" + Named(account)}}}};
  moved.detail = identity::English(moved.phrases);
  moved.weight = 20;
  std::vector<store::ProposedLink> proposals;
  std::string records;
  store::LinkRepository links(pool);
  for (const store::AuthorLinks& a : links.LinkedOfAuthors({{account.platform, account.id}})) {
    for (const store::LinkedCustomer& c : a.customers) {
      const size_t slash = c.customer.find('/');
      std::optional<CrmModule> module = ParseCrmModule(c.customer.substr(0, slash));
      if (!module || slash == std::string::npos || profile_id == 0) continue;
      store::ProposedLink p;
      p.profile_id = profile_id;
      p.platform = next->platform;
      p.external_id = next->id;
      p.module = *module;
      p.crm_id = c.customer.substr(slash + 1);
      p.score = 1.0;
      p.automatic = true;
      p.evidence = EvidenceJson({moved}).dump();
      proposals.push_back(std::move(p));
      records += (records.empty() ? "" : ", ") + c.customer;
    }
  }
  if (!proposals.empty()) links.ApplyMatches({{next->platform, next->id}}, proposals);
  return Named(account) + " moved to " + Named(*next) + ": followed" +
         (records.empty() ? "" : ", and linked to " + records);
}

NetworkRound RunNetwork(store::Pool& pool, sources::OpenNetwork& network,
                        const FollowOptions& options) {
  NetworkRound round;
  round.network = std::string(network.network());
  Result<Source> source = NetworkSource(pool, round.network);
  if (!source.ok()) {
    round.errors = 1;
    round.error_messages.push_back(source.status().message());
    return round;
  }
  store::FollowRepository follows(pool);
  round.accounts_added =
      static_cast<int>(follows.AddLinked(round.network, PlatformsOf(round.network)));
  const std::vector<store::FollowRow> due =
      follows.Due(round.network, std::max(0, options.max_accounts_per_round));
  int64_t items = 0;
  // Hosts that failed to answer (Unavailable: no connection, a timeout, 5xx,
  // 429) for kHostFailuresInARow accounts in a row: their other accounts
  // wait for the next round, backed off as if they had failed.
  struct HostTrouble {
    int in_a_row = 0;
    std::string last;
  };
  std::unordered_map<std::string, HostTrouble> hosts;
  for (const store::FollowRow& row : due) {
    if (round.requests >= options.max_requests_per_round) {
      round.budget_spent = true;
      break;
    }
    const sources::RemoteAccount account = AccountOf(row);
    const std::string host = network.HostOf(account, row.state);
    HostTrouble* trouble = host.empty() ? nullptr : &hosts[host];
    if (trouble != nullptr && trouble->in_a_row >= kHostFailuresInARow) {
      ++round.accounts_deferred;
      follows.RecordFailure(row.id,
                            Named(account) + ": not read this round: " + host + " failed to answer " +
                                std::to_string(trouble->in_a_row) + " accounts in a row (" +
                                trouble->last + ")",
                            0, BackoffSeconds(row.failures, options));
      continue;
    }
    AccountRead read = ReadAccount(pool, *source, network, account, row.state, options.limits);
    if (trouble != nullptr) {
      const bool unanswered = read.status.code() == Status::Code::kUnavailable;
      trouble->in_a_row = unanswered ? trouble->in_a_row + 1 : 0;
      if (unanswered) trouble->last = read.status.message();
    }
    ++round.accounts_checked;
    round.requests += read.report.requests;
    round.posts_read += read.report.posts;
    round.posts_new += read.summary.posts_new;
    round.posts_updated += read.summary.posts_updated;
    round.posts_removed += read.summary.removed;
    round.profiles_new += read.summary.profiles_new;
    round.profiles_updated += read.summary.profiles_updated;
    round.rejected += read.summary.rejected;
    items += read.summary.read;
    if (read.status.ok()) {
      follows.RecordSuccess(row.id, read.report.state, read.report.requests,
                            static_cast<int>(read.summary.posts_new), options.interval_seconds);
      if (!read.report.handle.empty()) {
        follows.Rename(row.id, read.report.handle, read.report.profile_url);
        round.moves.push_back(Named(account) + " is now " + read.report.handle +
                              " (its handle changed; verified)");
      }
      if (!read.report.moved_to.empty()) {
        std::string move = FollowMove(pool, *source, network, account, read.report.moved_to, options);
        if (!move.empty()) round.moves.push_back(std::move(move));
      }
    } else {
      ++round.errors;
      const std::string message = Named(account) + ": " + read.status.message();
      if (round.error_messages.size() < kMaxErrorMessages) round.error_messages.push_back(message);
      follows.RecordFailure(row.id, message, read.report.requests,
                            BackoffSeconds(row.failures, options));
    }
  }
  // The network's source carries its health, as a polled feed's does.
  store::SourceRepository sources_repo(pool);
  if (round.accounts_checked > round.errors) sources_repo.RecordSuccess(source->id, items, "", "");
  if (round.errors > 0) {
    sources_repo.RecordFailure(
        source->id, std::to_string(round.errors) + " of " + std::to_string(round.accounts_checked) +
                        " accounts failed" +
                        (round.accounts_deferred > 0
                             ? ", " + std::to_string(round.accounts_deferred) +
                                   " more not read (their host kept failing)"
                             : "") +
                        "; first: " + round.error_messages.front());
  }
  return round;
}

}  // namespace

nlohmann::json FollowRound::ToJson() const {
  nlohmann::json out = {{"profiles_checked", 0}, {"posts_new", 0},     {"posts_updated", 0},
                        {"posts_removed", 0},    {"errors", 0},        {"seconds", seconds},
                        {"networks", nlohmann::json::array()}};
  for (const NetworkRound& n : networks) {
    out["profiles_checked"] = out["profiles_checked"].get<int64_t>() + n.accounts_checked;
    out["posts_new"] = out["posts_new"].get<int64_t>() + n.posts_new;
    out["posts_updated"] = out["posts_updated"].get<int64_t>() + n.posts_updated;
    out["posts_removed"] = out["posts_removed"].get<int64_t>() + n.posts_removed;
    out["errors"] = out["errors"].get<int64_t>() + n.errors;
    out["networks"].push_back({{"network", n.network},
                               {"accounts_added", n.accounts_added},
                               {"profiles_checked", n.accounts_checked},
                               {"requests", n.requests},
                               {"posts_read", n.posts_read},
                               {"posts_new", n.posts_new},
                               {"posts_updated", n.posts_updated},
                               {"posts_removed", n.posts_removed},
                               {"profiles_new", n.profiles_new},
                               {"profiles_updated", n.profiles_updated},
                               {"rejected", n.rejected},
                               {"errors", n.errors},
                               {"profiles_deferred", n.accounts_deferred},
                               {"moves", n.moves},
                               {"error_messages", n.error_messages},
                               {"budget_spent", n.budget_spent}});
  }
  return out;
}

const std::vector<std::string>& KnownNetworks() {
  static const std::vector<std::string> known = {"atproto", "activitypub"};
  return known;
}

nlohmann::json NetworkStatus::ToJson() const {
  auto or_null = [](const std::string& v) { return v.empty() ? nlohmann::json() : nlohmann::json(v); };
  return {{"network", network},
          {"on", on},
          {"accounts", health.accounts},
          {"failing", health.failing},
          {"last_success_at", or_null(health.last_success_at)},
          {"last_error_at", or_null(health.last_error_at)},
          {"last_error", or_null(health.last_error)}};
}

std::vector<NetworkStatus> NetworkStatuses(store::Pool& pool) {
  const std::vector<std::string> on = SwitchedOnNetworks(pool);
  store::FollowRepository follows(pool);
  std::vector<NetworkStatus> out;
  for (const std::string& network : KnownNetworks()) {
    NetworkStatus s;
    s.network = network;
    s.on = std::find(on.begin(), on.end(), network) != on.end();
    s.health = follows.Health(network);
    out.push_back(std::move(s));
  }
  return out;
}

Result<NetworkStatus> NetworkStatusOf(store::Pool& pool, const std::string& network) {
  for (NetworkStatus& s : NetworkStatuses(pool)) {
    if (s.network == network) return std::move(s);
  }
  return UnknownNetwork(network);
}

std::vector<std::string> PlatformsOf(const std::string& network) {
  if (network == "atproto") return {"bluesky"};
  if (network == "activitypub") return {"mastodon", "activitypub"};
  return {};
}

Result<Source> NetworkSource(store::Pool& pool, const std::string& network) {
  store::SourceRepository repo(pool);
  if (std::optional<Source> s = repo.Get(network)) {
    if (s->type != "network") {
      return Status::FailedPrecondition(
          "the source '" + network + "' is of type " + s->type + ", but the posts of " + network +
          " accounts followed go to a source of that name and type network: rename or remove "
          "it (scrm sources remove " + network + ")");
    }
    return *s;
  }
  Source s;
  s.name = network;
  s.type = "network";
  s.location = network;
  s.visibility = "internal";
  const store::AuditBy by{"scrm", ""};
  Result<Source> added = repo.Add(s, &by);
  if (!added.ok()) {
    if (std::optional<Source> raced = repo.Get(network)) return *raced;  // made meanwhile
  }
  return added;
}

Result<FollowRound> RunFollowRound(store::Pool& pool,
                                   const std::vector<sources::OpenNetwork*>& networks,
                                   const FollowOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  FollowRound round;
  for (sources::OpenNetwork* network : networks) {
    round.networks.push_back(RunNetwork(pool, *network, options));
  }
  round.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return round;
}

std::vector<std::string> SwitchedOnNetworks(store::Pool& pool) {
  std::vector<std::string> on;
  if (std::optional<store::StoredSetting> s = store::SettingsRepository(pool).Get("following")) {
    for (auto it = s->value.begin(); it != s->value.end(); ++it) {
      if (it->is_boolean() && it->get<bool>()) on.push_back(it.key());
    }
  }
  return on;
}

Status SwitchNetwork(store::Pool& pool, const std::string& network, bool on,
                     const store::AuditBy& by) {
  if (PlatformsOf(network).empty()) return UnknownNetwork(network);
  store::SettingsRepository settings(pool);
  nlohmann::json value = nlohmann::json::object();
  if (std::optional<store::StoredSetting> s = settings.Get("following")) value = s->value;
  value[network] = on;
  settings.Put("following", value, by);
  return Status::Ok();
}

std::vector<sources::OpenNetwork*> SwitchedOn(store::Pool& pool,
                                              const std::vector<sources::OpenNetwork*>& networks) {
  const std::vector<std::string> on = SwitchedOnNetworks(pool);
  std::vector<sources::OpenNetwork*> out;
  for (sources::OpenNetwork* n : networks) {
    if (std::find(on.begin(), on.end(), std::string(n->network())) != on.end()) out.push_back(n);
  }
  return out;
}

Result<AddedFollow> AddFollow(store::Pool& pool,
                              const std::vector<sources::OpenNetwork*>& networks,
                              const FollowOptions& options, CrmModule module,
                              const std::string& crm_id, const std::string& handle_or_url,
                              const store::Actor& who, const std::string& address) {
  sources::OpenNetwork* network = nullptr;
  for (sources::OpenNetwork* n : networks) {
    if (n->Recognises(handle_or_url)) {
      network = n;
      break;
    }
  }
  if (network == nullptr) {
    std::string known;
    for (sources::OpenNetwork* n : networks) known += (known.empty() ? "" : ", ") + std::string(n->network());
    return Status::InvalidArgument(
        "'" + handle_or_url + "' is not a handle or URL of an open network this engine follows (" +
            known + "): write @alice@host or https://host/@alice (ActivityPub), alice.bsky.social "
            "or at://did:plc:... (AT Protocol)",
        "handle");
  }
  Result<sources::RemoteAccount> account = network->Resolve(handle_or_url);
  if (!account.ok()) return account.status();
  Result<Source> source = NetworkSource(pool, account->network);
  if (!source.ok()) return source.status();

  AccountRead read = ReadAccount(pool, *source, *network, *account, "", options.limits);
  if (!read.status.ok()) return read.status;
  store::FollowRepository follows(pool);
  const int64_t profile_id = follows.ProfileId(account->platform, account->id);
  if (profile_id == 0) {
    return Status::NotFound("the account " + Named(*account) + " was resolved, but " +
                            account->network + " gave no profile for it: nothing to link");
  }
  store::LinkRepository links(pool);
  Result<store::Link> link = links.LinkManually(profile_id, module, crm_id, who);
  if (!link.ok()) return link.status();

  StartFollowing(follows, *account, read, options);
  store::AuditRepository(pool).Add(store::AuditEntry{
      "follow_added", who.id, "",
      {{"network", account->network}, {"profile_id", profile_id}, {"link_id", link->id},
       {"module", CrmModuleName(module)}, {"crm_id", crm_id}},
      "profile:" + std::to_string(profile_id), address});

  AddedFollow added;
  added.account = std::move(*account);
  added.profile_id = profile_id;
  added.link = std::move(*link);
  added.posts = read.summary.posts_new + read.summary.posts_updated + read.summary.posts_unchanged;
  return added;
}

}  // namespace scrm::service
