#include "http/watchdog.h"

#include <sys/socket.h>

namespace scrm::http {

const char* PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kHandshake:
      return "handshake";
    case Phase::kHeaders:
      return "headers";
    case Phase::kBody:
      return "body";
    case Phase::kWaiting:
      return "waiting";
    case Phase::kWork:
      return "work";
    case Phase::kWrite:
      return "write";
    case Phase::kIdle:
      return "idle";
  }
  return "unknown";
}

namespace {

PeriodicOptions WaitFirst() {
  PeriodicOptions o;
  o.run_at_start = false;
  return o;
}

}  // namespace

Watchdog::Watchdog(std::chrono::milliseconds tick)
    : loop_("connection watchdog", tick, [this] { Check(Clock::now()); }, WaitFirst()) {
  loop_.Start();
}

Watchdog::~Watchdog() { loop_.Stop(); }

Watchdog::Watch::Watch(Watchdog& dog, int fd, Phase phase, Clock::time_point deadline)
    : dog_(dog), id_(dog.Add(fd, phase, deadline)) {}

Watchdog::Watch::~Watch() { dog_.Remove(id_); }

void Watchdog::Watch::Set(Phase phase, Clock::time_point deadline) {
  std::lock_guard<std::mutex> lock(dog_.mu_);
  auto it = dog_.entries_.find(id_);
  if (it == dog_.entries_.end()) return;
  it->second.phase = phase;
  it->second.deadline = deadline;
}

bool Watchdog::Watch::cut() const {
  std::lock_guard<std::mutex> lock(dog_.mu_);
  auto it = dog_.entries_.find(id_);
  return it != dog_.entries_.end() && it->second.cut;
}

uint64_t Watchdog::Add(int fd, Phase phase, Clock::time_point deadline) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t id = next_id_++;
  entries_.emplace(id, Entry{fd, phase, deadline});
  return id;
}

void Watchdog::Remove(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(id);
}

int Watchdog::Check(Clock::time_point now) {
  int n = 0;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, e] : entries_) {
    if (e.cut || e.deadline == kNever || now < e.deadline) continue;
    // Under the lock: the connection cannot be forgotten, and so its file
    // descriptor cannot be closed and reused, while it is shut down.
    ::shutdown(e.fd, SHUT_RDWR);
    e.cut = true;
    cut_[static_cast<size_t>(e.phase)].fetch_add(1, std::memory_order_relaxed);
    ++n;
  }
  return n;
}

int Watchdog::ShutdownAll(bool only_waiting_for_input) {
  int n = 0;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, e] : entries_) {
    if (e.cut) continue;
    if (only_waiting_for_input && e.phase != Phase::kIdle && e.phase != Phase::kHeaders &&
        e.phase != Phase::kHandshake) {
      continue;
    }
    ::shutdown(e.fd, SHUT_RDWR);
    e.cut = true;
    ++n;
  }
  return n;
}

int Watchdog::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(entries_.size());
}

int Watchdog::InPhase(Phase phase) const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const auto& [id, e] : entries_) n += e.phase == phase ? 1 : 0;
  return n;
}

int64_t Watchdog::cut(Phase phase) const {
  return cut_[static_cast<size_t>(phase)].load(std::memory_order_relaxed);
}

}  // namespace scrm::http
