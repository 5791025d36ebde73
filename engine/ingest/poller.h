// Poller: fetches the url sources that have a schedule when they are due,
// conditionally (the stored ETag and Last-Modified), runs what changed
// through the ingest pipeline, and records each run's health on the source.
// Listen sources are polled on the same schedule: each of their terms is
// searched through the first Listener that takes it (a fediverse server's
// hashtag timeline for "#tag@server", else the AT Protocol's AppView) for
// the matches newer than the source's stored state, which are stored like
// a feed's.
// A failing source is retried later and later (its interval doubled per
// consecutive failure, up to max_backoff_seconds); that state lives in
// memory, so a restart retries at once. One source is never polled twice at
// the same time. All methods are thread-safe; Start() runs RunDue() on a
// background thread every tick until Stop().
#ifndef SCRM_INGEST_POLLER_H_
#define SCRM_INGEST_POLLER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/source.h"
#include "core/gate.h"
#include "core/periodic.h"
#include "core/status.h"
#include "ingest/pipeline.h"
#include "sources/fetcher.h"
#include "sources/open_network.h"
#include "store/pool.h"

namespace scrm::ingest {

struct PollerOptions {
  int tick_seconds = 5;            // how often Start()'s thread looks for due sources
  int max_backoff_seconds = 3600;  // longest wait after failures (a longer interval stays)
  int fetch_timeout_seconds = 10;  // per connect, send or receive
  int64_t max_bytes = 50 * 1024 * 1024;  // largest feed body accepted
  // Told about every failed poll (source name, message), e.g. to log it.
  std::function<void(const std::string& source, const std::string& message)> on_failure;
  // Start()'s thread skips its rounds while this gate is closed (an import
  // over the API). Null: never.
  BackgroundGate* gate = nullptr;
  // Search the terms of listen sources (thread-safe), each term the first
  // that Takes() it; a term none takes fails its source's poll, saying so.
  // Within listen_limits per term and poll.
  std::vector<sources::Listener*> listeners;
  sources::FollowLimits listen_limits;
};

struct PollerCounters {
  uint64_t ok = 0;            // fetched and ingested
  uint64_t not_modified = 0;  // the server answered 304
  uint64_t failed = 0;        // fetch or ingest failed (the source's last_error says why)
};

class Poller {
 public:
  Poller(store::Pool& pool, sources::Fetcher& fetcher, PollerOptions options = {});
  ~Poller();  // Stop()s
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Polls, one after the other, each url or listen source with poll_interval_seconds > 0
  // that is due at `now` (seconds since the epoch): never polled, or its
  // interval (or backoff) elapsed since its last run. Returns how many were
  // polled. A failure is recorded on its source and does not stop the others;
  // database failures throw store::DbError.
  int RunDue(int64_t now);

  // An admin's "poll now", whatever the schedule: the run's summary (on a
  // 304, an empty summary with the note "not modified"; of a listen source,
  // a note per term: its requests and matches), or NotFound (no such
  // source), FailedPrecondition (not a url or listen source), Conflict (being
  // polled right now), or the fetch's or the ingest's failure, which is also
  // recorded on the source. Database failures throw store::DbError.
  Result<IngestSummary> PollNow(const std::string& name);

  void Start();
  // Wakes the thread and joins it; a poll in progress finishes first
  // (bounded by the fetch timeout and the size of one feed).
  void Stop();

  PollerCounters counters() const;

 private:
  struct Schedule {
    int64_t last_attempt = 0;  // in RunDue's `now` clock
    int failures = 0;          // consecutive
  };

  bool IsDue(const Source& source, int64_t now);
  // background: Start()'s thread, which leaves the remaining sources to the
  // next run when Stop() is called.
  int RunDueImpl(int64_t now, bool background);
  // Fetches and ingests one source; records its health and its schedule.
  Result<IngestSummary> Poll(const Source& source, int64_t now);
  // A listen source's terms searched, their matches ingested, the new state
  // recorded (also when a term fails: the terms before it keep their progress).
  Result<IngestSummary> Listen(const Source& source);
  void Round();

  store::Pool& pool_;
  sources::Fetcher& fetcher_;
  const PollerOptions options_;

  std::mutex mu_;  // guards schedule_, in_flight_
  std::map<int64_t, Schedule> schedule_;  // by source id
  std::set<int64_t> in_flight_;

  std::atomic<uint64_t> ok_{0};
  std::atomic<uint64_t> not_modified_{0};
  std::atomic<uint64_t> failed_{0};
  Periodic loop_;  // last: its thread stops before the rest goes
};

}  // namespace scrm::ingest

#endif  // SCRM_INGEST_POLLER_H_
