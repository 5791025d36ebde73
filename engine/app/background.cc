#include "app/background.h"

#include <chrono>
#include <iostream>
#include <string>

#include "core/time.h"
#include "crm/crm_sync.h"
#include "service/erasure.h"
#include "service/follow.h"
#include "service/match_settings.h"
#include "service/matching.h"
#include "store/sync_state_repository.h"

namespace scrm::app {

namespace {

using std::chrono::hours;
using std::chrono::seconds;

PeriodicOptions Gated(BackgroundGate* gate) {
  PeriodicOptions o;
  o.gate = gate;
  return o;
}

std::string Describe(const http::CertificateInfo& c) {
  return "subject " + c.subject + ", serial " + c.serial + ", expires " + c.not_after_text;
}

int64_t LastSyncSuccess(store::Pool& pool) {
  try {
    std::optional<store::SyncState> state = store::SyncStateRepository(pool).Get(crm::kCrmSyncName);
    if (state && !state->last_success_at.empty()) {
      return ParseSqlDateTime(state->last_success_at).value_or(0);
    }
  } catch (const store::DbError&) {
    // Not migrated yet: no sync has ever succeeded.
  }
  return 0;
}

}  // namespace

void SayReload(const http::ServerTls& tls, const Result<http::CertificateInfo>& reloaded,
               const char* trigger) {
  if (reloaded.ok()) {
    std::cerr << "scrm serve: TLS certificate reloaded (" << trigger << "): "
              << Describe(*reloaded) << "; new connections get it" << std::endl;
  } else {
    std::cerr << "scrm serve: TLS certificate not reloaded (" << trigger << "), still serving "
              << Describe(tls.served()) << ": " << reloaded.status().message() << std::endl;
  }
}

Background::Background(const Config& config, BackgroundParts parts)
    : config_(config),
      parts_(parts),
      last_sync_(LastSyncSuccess(*parts.pool)),
      sync_("crm sync", seconds(config.crm_sync_interval_seconds), [this] { Sync(); }, Gated(parts.gate)),
      matching_("matching", seconds(config.match_interval_seconds), [this] { Match(); },
                Gated(parts.gate)),
      // Retention per source: at start, then every retention.interval_hours.
      retention_("retention", hours(config.retention_interval_hours), [this] { Retain(); },
                 Gated(parts.gate)),
      // Renewed certificates (certbot and the like replace the files).
      tls_watch_("TLS certificate check", seconds(parts.tls ? config.http_tls_reload_seconds : 0),
                 [this] {
                   if (auto reloaded = parts_.tls->ReloadIfChanged()) {
                     SayReload(*parts_.tls, *reloaded, "the files changed");
                   }
                 }),
      // The replica's health, every 2 seconds: a change of verdict is logged.
      replica_watch_("replica check", seconds(parts.replica ? 2 : 0), [this] { CheckReplica(); }),
      open_networks_(config, parts.actor != nullptr ? *parts.actor : LoadConfiguredActor(config, nullptr)),
      // Following open networks: a round every follow.tick_seconds on the
      // networks an admin switched on (service/follow.h).
      following_("following", seconds(config.follow_tick_seconds), [this] { Follow(); },
                 Gated(parts.gate)) {
  service::RunOptions options;
  options.match = MatchOptionsOf(config);
  matcher_ = std::make_unique<service::IncrementalMatcher>(*parts.pool, options);
  parts_.metrics->SetSyncLagSource([this] {
    const int64_t last = last_sync_.load();
    return last == 0 ? -1.0 : static_cast<double>(NowUnixSeconds() - last);
  });
  if (parts_.reads != nullptr) replica_healthy_ = parts_.reads->last().healthy;
}

Background::~Background() { Stop(); }

void Background::Start() {
  if (parts_.tls != nullptr) {
    std::cerr << "scrm serve: TLS certificate " << Describe(parts_.tls->served()) << std::endl;
  }
  tls_watch_.Start();
  replica_watch_.Start();
  sync_.Start();
  if (config_.poll_tick_seconds > 0) parts_.poller->Start();
  matching_.Start();
  retention_.Start();
  for (const std::string& p : open_networks_.problems()) {
    std::cerr << "scrm serve: following: not following on " << p << "\n";
  }
  following_.Start();
  parts_.feeder->Start(config_.index_feed_interval_ms, [](const std::string& message) {
    std::cerr << "scrm serve: indexing: " << message << "\n";
  });
}

void Background::Stop() {
  tls_watch_.Stop();
  replica_watch_.Stop();
  parts_.poller->Stop();  // a poll in progress finishes first (bounded by the fetch timeout)
  sync_.Stop();
  matching_.Stop();
  retention_.Stop();
  following_.Stop();  // a round in progress finishes its account first
  parts_.feeder->Stop();
}

void Background::MatchSoon() { matching_.RunSoon(); }

void Background::Sync() {
  crm::SyncOptions options;
  options.overlap_seconds = config_.crm_sync_overlap_seconds;
  try {
    Result<crm::SyncSummary> s = crm::RunSync(*parts_.pool, options);
    if (s.ok()) {
      last_sync_ = NowUnixSeconds();
      parts_.metrics->CountSyncRun(true);
      if (s->inserted + s->changed + s->deleted > 0) {
        std::cerr << "scrm serve: crm sync " << s->ToJson().dump() << "\n";
      }
      return;
    }
    // Another sync holds the lock: not a failure of this one.
    if (s.status().code() == Status::Code::kFailedPrecondition) return;
    std::cerr << "scrm serve: crm sync failed: " << s.status().message() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "scrm serve: crm sync failed: " << e.what() << "\n";
  }
  parts_.metrics->CountSyncRun(false);
}

void Background::Match() {
  try {  // the thresholds in force: an admin may have stored others since the last run
    matcher_->SetMatch(service::LoadMatchSettings(*parts_.pool, MatchOptionsOf(config_)).options);
  } catch (const store::DbError& e) {
    std::cerr << "scrm serve: matching: " << e.what() << "\n";
    return;
  }
  Result<service::RunSummary> r = matcher_->RunOnce();
  if (!r.ok()) {
    std::cerr << "scrm serve: matching: " << r.status().message() << "\n";
  } else if (r->stored_auto + r->stored_suggestions > 0) {
    std::cerr << "scrm serve: matching: " << r->stored_auto << " new links, "
              << r->stored_suggestions << " new suggestions\n";
  }
}

void Background::Retain() {
  // The removed posts are queued; the feeder takes them out of the index.
  int64_t removed = 0;
  for (const store::RetentionCounts& c : service::ApplyRetention(*parts_.pool, "scrm", false)) {
    removed += c.posts;
  }
  if (removed > 0) std::cerr << "scrm serve: retention: " << removed << " posts removed\n";
}

void Background::CheckReplica() {
  const store::ReplicaHealth h = parts_.reads->Check();
  if (h.healthy != replica_healthy_) {
    std::cerr << "scrm serve: replica "
              << (h.healthy ? "back in use (" + std::to_string(h.lag_seconds) + " s behind)"
                            : "not used: " + h.problem + "; reads go to db.url")
              << std::endl;
  }
  replica_healthy_ = h.healthy;
}

void Background::Follow() {
  const std::vector<sources::OpenNetwork*> on =
      service::SwitchedOn(*parts_.pool, open_networks_.all());
  if (on.empty()) return;
  Result<service::FollowRound> round =
      service::RunFollowRound(*parts_.pool, on, FollowOptionsOf(config_));
  if (!round.ok()) {
    std::cerr << "scrm serve: following: " << round.status().message() << "\n";
    return;
  }
  for (const service::NetworkRound& n : round->networks) {
    for (const std::string& e : n.error_messages) {
      std::cerr << "scrm serve: following " << n.network << ": " << e << "\n";
    }
  }
}

}  // namespace scrm::app
