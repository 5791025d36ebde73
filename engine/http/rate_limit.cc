#include "http/rate_limit.h"

#include <algorithm>
#include <functional>

namespace scrm::http {
namespace {

// A shard forgets its full buckets at most this often, and only once it holds
// this many keys: a sweep walks the whole shard.
constexpr auto kSweepEvery = std::chrono::seconds(10);
constexpr size_t kSweepAbove = 1024;

}  // namespace

double RateLimiter::Take(const std::string& key, Clock::time_point now) {
  if (!limit_.enabled()) return 0;
  const double burst = std::max(1.0, limit_.burst);
  Shard& shard = shards_[std::hash<std::string>{}(key) % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  if (shard.buckets.size() > kSweepAbove && now - shard.swept > kSweepEvery) Sweep(shard, now);
  auto [it, added] = shard.buckets.try_emplace(key, Bucket{burst, now});
  Bucket& b = it->second;
  if (!added) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    if (elapsed > 0) b.tokens = std::min(burst, b.tokens + elapsed * limit_.per_second);
    b.at = std::max(b.at, now);
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return (1 - b.tokens) / limit_.per_second;
}

void RateLimiter::Sweep(Shard& shard, Clock::time_point now) {
  const double burst = std::max(1.0, limit_.burst);
  for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
    const double elapsed = std::chrono::duration<double>(now - it->second.at).count();
    if (it->second.tokens + elapsed * limit_.per_second >= burst) {
      it = shard.buckets.erase(it);  // full again: the same as a new key
    } else {
      ++it;
    }
  }
  shard.swept = now;
}

size_t RateLimiter::size() const {
  size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard<std::mutex> lock(s.mu);
    n += s.buckets.size();
  }
  return n;
}

bool KeyedCounter::TryAcquire(const std::string& key, int max) {
  std::lock_guard<std::mutex> lock(mu_);
  int& n = counts_[key];
  if (max > 0 && n >= max) {
    if (n == 0) counts_.erase(key);
    return false;
  }
  ++n;
  return true;
}

void KeyedCounter::Release(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counts_.find(key);
  if (it == counts_.end()) return;
  if (--it->second <= 0) counts_.erase(it);
}

int KeyedCounter::Count(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counts_.find(key);
  return it == counts_.end() ? 0 : it->second;
}

int KeyedCounter::keys() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(counts_.size());
}

int WorkSlots::ForCores(unsigned cores) {
  return static_cast<int>(std::max(4u, std::min(2 * cores, 1024u)));
}

bool WorkSlots::TryAcquire(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  if (free_ > 0 && waiting_.empty()) {
    --free_;
    return true;
  }
  if (wait.count() <= 0) return false;
  Waiter me;
  waiting_.push_back(&me);
  if (me.handed.wait_for(lock, wait, [&me] { return me.granted; })) return true;
  waiting_.erase(std::find(waiting_.begin(), waiting_.end(), &me));
  return false;
}

void WorkSlots::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  if (waiting_.empty()) {
    ++free_;
    return;
  }
  // Handed over, never freed: a request arriving now cannot take it first.
  Waiter* first = waiting_.front();
  waiting_.pop_front();
  first->granted = true;
  first->handed.notify_one();
}

int WorkSlots::busy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return total_ - free_;
}

int WorkSlots::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(waiting_.size());
}

}  // namespace scrm::http
