// Limits that keep one caller from taking the server from the others, all
// safe from many threads:
// - RateLimiter: token buckets by key (a client address, a credential). Each
//   key may make `burst` requests at once, refilled at `per_second`; keys
//   whose bucket is full again are forgotten, so memory follows the callers
//   active in the last few seconds, not every caller ever seen.
// - KeyedCounter: how many of something (open connections, requests in
//   progress) each key holds now, with a cap; a key at zero is forgotten.
// - WorkSlots: the requests that may do work at once (http.threads); a
//   request waits a short, bounded time for one, then is answered 503.
//   Waiting requests get slots in the order they came (first come, first
//   served), so under load no request waits while later ones are worked on.
#ifndef SCRM_HTTP_RATE_LIMIT_H_
#define SCRM_HTTP_RATE_LIMIT_H_

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace scrm::http {

struct RateLimit {
  double per_second = 0;  // 0: no limit
  double burst = 0;       // bucket size; below 1 means 1
  bool enabled() const { return per_second > 0; }
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(RateLimit limit) : limit_(limit) {}

  // Takes one request from key's bucket: 0 when it may go ahead, otherwise the
  // seconds until it may (for Retry-After). Always 0 when the limit is off.
  double Take(const std::string& key, Clock::time_point now = Clock::now());

  // Keys tracked now (for tests and metrics).
  size_t size() const;

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point at;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;
    Clock::time_point swept;
  };
  static constexpr size_t kShards = 16;

  void Sweep(Shard& shard, Clock::time_point now);

  const RateLimit limit_;
  std::array<Shard, kShards> shards_;
};

// Counts per key, each capped.
class KeyedCounter {
 public:
  // Adds one to key's count unless it is at `max` already (max <= 0: no
  // cap): true when added.
  bool TryAcquire(const std::string& key, int max);
  // Takes back one of TryAcquire's.
  void Release(const std::string& key);
  int Count(const std::string& key) const;
  int keys() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, int> counts_;
};

// A counting semaphore with a bounded wait.
class WorkSlots {
 public:
  // How many slots http.threads = 0 (the default) gives on a machine with
  // `cores` cores: twice the cores, at least 4. Work beyond the cores only
  // takes turns on them, so more slots add latency, not throughput: 16 in
  // progress on 2 cores gave a panel page's p99 twice its p50.
  static int ForCores(unsigned cores);

  explicit WorkSlots(int slots) : free_(slots), total_(slots) {}
  // One slot, waiting at most `wait` for one to be released: false when none
  // came (the caller answers 503).
  bool TryAcquire(std::chrono::milliseconds wait);
  void Release();
  int busy() const;
  int waiting() const;  // requests waiting for a slot now
  int total() const { return total_; }

 private:
  // A request waiting for a slot; a released slot is handed to the first.
  struct Waiter {
    std::condition_variable handed;
    bool granted = false;
  };
  mutable std::mutex mu_;
  std::deque<Waiter*> waiting_;  // in the order they came
  int free_;
  const int total_;
};

}  // namespace scrm::http

#endif  // SCRM_HTTP_RATE_LIMIT_H_
