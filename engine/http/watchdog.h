// Watchdog: the phase of every open connection and the moment it must have
// left that phase by (its deadline); a thread of its own shuts a connection
// down (::shutdown(fd, SHUT_RDWR) on the raw socket) once its deadline has
// passed. Per-read timeouts alone let a client that drips one byte a second
// hold a connection for ever; a deadline on the whole phase (the request
// head within http.header_timeout_seconds of the connection's first byte,
// the body within http.body_timeout_seconds, the next request within
// http.idle_timeout_seconds) does not. The blocked read or write of the
// connection's thread then fails, and that thread ends the connection.
//
// Thread-safe. A connection is forgotten (Forget, or the Watch handle's
// destruction) BEFORE its socket is closed, so a file descriptor number that
// the kernel hands out again is never shut down by mistake.
#ifndef SCRM_HTTP_WATCHDOG_H_
#define SCRM_HTTP_WATCHDOG_H_

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>

#include "core/periodic.h"

namespace scrm::http {

// Where a connection is in its life; the metrics label of a cut.
enum class Phase {
  kHandshake,  // TLS handshake (under the head's deadline)
  kHeaders,    // reading the request line and headers
  kBody,       // reading the body
  kWaiting,    // read, waiting for a work slot
  kWork,       // the handler runs: no deadline (search has its own time budget)
  kWrite,      // sending the answer
  kIdle,       // keep-alive: waiting for the next request
};
constexpr size_t kPhaseCount = 7;
const char* PhaseName(Phase phase);  // "handshake", "headers", ...

class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::time_point kNever = Clock::time_point::max();

  // Starts the thread; it looks at the deadlines every `tick`.
  explicit Watchdog(std::chrono::milliseconds tick = std::chrono::milliseconds(100));
  ~Watchdog();  // stops the thread; shuts nothing down
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // A watched connection; forgets it when destroyed.
  class Watch {
   public:
    Watch(Watchdog& dog, int fd, Phase phase, Clock::time_point deadline);
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;
    // Enters a phase that must end by `deadline` (kNever: no deadline).
    void Set(Phase phase, Clock::time_point deadline);
    // True once the watchdog (or ShutdownAll) has shut the socket down.
    bool cut() const;

   private:
    Watchdog& dog_;
    uint64_t id_;
  };

  // Shuts down every watched connection (Stop() of the server, after its
  // drain) or, with only_waiting_for_input, those reading a request head or
  // idle between requests (nothing of theirs is in flight). Returns how many.
  int ShutdownAll(bool only_waiting_for_input = false);

  // One pass over the deadlines at `now` (the thread calls it each tick;
  // tests call it with the clock they choose). Returns the connections cut.
  int Check(Clock::time_point now);

  // Connections watched now, in total and in one phase.
  int size() const;
  int InPhase(Phase phase) const;
  // Connections cut for an exceeded deadline, by the phase they were in.
  int64_t cut(Phase phase) const;

 private:
  struct Entry {
    int fd;
    Phase phase;
    Clock::time_point deadline;
    bool cut = false;
  };
  uint64_t Add(int fd, Phase phase, Clock::time_point deadline);
  void Remove(uint64_t id);

  mutable std::mutex mu_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Entry> entries_;
  std::array<std::atomic<int64_t>, kPhaseCount> cut_{};
  Periodic loop_;  // last: started once the rest is ready, stopped first
};

}  // namespace scrm::http

#endif  // SCRM_HTTP_WATCHDOG_H_
