#include "core/periodic.h"

#include <iostream>
#include <shared_mutex>
#include <utility>

namespace scrm {

Periodic::Periodic(std::string name, std::chrono::milliseconds interval, std::function<void()> task,
                   PeriodicOptions options)
    : name_(std::move(name)), interval_(interval), options_(std::move(options)), task_(std::move(task)) {}

Periodic::~Periodic() { Stop(); }

void Periodic::Start() {
  if (interval_.count() <= 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Periodic::Stop() {
  std::thread thread;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    thread = std::move(thread_);
  }
  wake_.notify_all();
  if (thread.joinable()) thread.join();
}

void Periodic::RunSoon() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    soon_ = true;
  }
  wake_.notify_all();
}

bool Periodic::stopping() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stop_;
}

bool Periodic::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return thread_.joinable() && !stop_;
}

void Periodic::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  bool wait_first = !options_.run_at_start;
  while (!stop_) {
    if (wait_first) {
      wake_.wait_for(lock, interval_, [this] { return stop_ || soon_; });
      soon_ = false;
      if (stop_) break;
    }
    wait_first = true;
    lock.unlock();
    try {
      std::shared_lock<std::shared_mutex> pass;
      if (options_.gate != nullptr) pass = options_.gate->TryEnter();
      if (options_.gate == nullptr || pass.owns_lock()) task_();
    } catch (const std::exception& e) {
      if (options_.on_failure) {
        options_.on_failure(name_, e.what());
      } else {
        std::cerr << "scrm serve: " << name_ << " failed: " << e.what() << std::endl;
      }
    }
    lock.lock();
  }
}

}  // namespace scrm
