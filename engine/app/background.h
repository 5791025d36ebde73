// The background work of `scrm serve`, every loop one core Periodic: the
// CRM sync, matching, retention, polling of url sources, following the open
// networks an admin switched on, feeding the index, and the checks of the
// TLS certificate and the replica. Background starts
// them once the server listens and stops them after it (a request in flight
// may still ask for a matching run). An import over the API closes `gate`:
// the rounds that write are skipped while it is closed.
#ifndef SCRM_APP_BACKGROUND_H_
#define SCRM_APP_BACKGROUND_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "app/config.h"
#include "app/open_networks.h"
#include "core/gate.h"
#include "core/periodic.h"
#include "http/metrics.h"
#include "http/tls.h"
#include "ingest/index_feeder.h"
#include "ingest/poller.h"
#include "store/pool.h"
#include "store/read_pool.h"

namespace scrm::service {
class IncrementalMatcher;
}

namespace scrm::app {

// One line per reload of the certificate: what is served now, or why the
// files were refused and what is still served. trigger: "SIGHUP"...
void SayReload(const http::ServerTls& tls, const Result<http::CertificateInfo>& reloaded,
               const char* trigger);

struct BackgroundParts {
  store::Pool* pool = nullptr;
  store::ReadPool* reads = nullptr;
  ingest::IndexFeeder* feeder = nullptr;
  ingest::Poller* poller = nullptr;
  http::ServerTls* tls = nullptr;      // null: no certificate to watch
  bool replica = false;                // db.replica_url is set: watch its health
  http::Metrics* metrics = nullptr;
  BackgroundGate* gate = nullptr;
  // The engine's actor as scrm serve read it (signs fediverse fetches);
  // null: read from its key file here.
  const ConfiguredActor* actor = nullptr;
};

class Background {
 public:
  Background(const Config& config, BackgroundParts parts);
  ~Background();  // Stop()
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  void Start();
  // Each loop's round in progress ends first (a poll, a sync batch).
  void Stop();
  // A CRM record changed: match now rather than at the next interval.
  void MatchSoon();

 private:
  void Sync();
  void Match();
  void Retain();
  void CheckReplica();
  void Follow();

  const Config& config_;
  const BackgroundParts parts_;
  std::atomic<int64_t> last_sync_{0};  // seconds since the epoch of the last good sync; 0: never
  std::unique_ptr<service::IncrementalMatcher> matcher_;
  bool replica_healthy_ = false;
  Periodic sync_;
  Periodic matching_;
  Periodic retention_;
  Periodic tls_watch_;
  Periodic replica_watch_;
  OpenNetworks open_networks_;  // used by following_'s thread only
  Periodic following_;
};

}  // namespace scrm::app

#endif  // SCRM_APP_BACKGROUND_H_
