// RateLimiter: token buckets by key (a client address, a credential), so one
// caller cannot take the server from the others. Each key may make `burst`
// requests at once, refilled at `per_second`. Safe from many threads; keys
// whose bucket is full again are forgotten, so memory follows the callers
// active in the last few seconds, not every caller ever seen.
#ifndef SCRM_HTTP_RATE_LIMIT_H_
#define SCRM_HTTP_RATE_LIMIT_H_

#include <array>
#include <chrono>
#include <cstdint>
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

}  // namespace scrm::http

#endif  // SCRM_HTTP_RATE_LIMIT_H_
