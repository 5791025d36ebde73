// Periodic: the one background worker of the engine. A task runs on its own
// thread every interval (at start too, unless told to wait one interval
// first) until Stop(); RunSoon() starts the next round at once. While a
// BackgroundGate is closed (an import over the API restores the database)
// rounds are skipped. An exception thrown by the task is reported under
// the worker's name and the next round runs at the next interval: one
// failed round never ends the loop. Every background loop of `scrm serve`
// (CRM sync, matching, retention, polling, index feeding, the security
// log's flush, the connection watchdog, certificate and replica checks)
// is one of these. Thread-safe.
#ifndef SCRM_CORE_PERIODIC_H_
#define SCRM_CORE_PERIODIC_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/gate.h"

namespace scrm {

struct PeriodicOptions {
  bool run_at_start = true;           // false: the first round waits one interval
  BackgroundGate* gate = nullptr;     // rounds are skipped while it is closed
  // Told of a task's exception (default: a line on stderr).
  std::function<void(const std::string& name, const std::string& what)> on_failure;
};

class Periodic {
 public:
  // name: in messages ("scrm serve: NAME failed: ..."); interval <= 0:
  // Start() does nothing.
  Periodic(std::string name, std::chrono::milliseconds interval, std::function<void()> task,
           PeriodicOptions options = {});
  ~Periodic();  // Stop()
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  // Starts the thread (once; again after Stop()).
  void Start();
  // Wakes the thread and waits for the round in progress to end.
  void Stop();
  // The next round starts now (or right after the one running).
  void RunSoon();
  // True once Stop() was called: a long round may leave the rest for later.
  bool stopping() const;
  bool running() const;

 private:
  void Loop();

  const std::string name_;
  const std::chrono::milliseconds interval_;
  const PeriodicOptions options_;
  const std::function<void()> task_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool soon_ = false;
  std::thread thread_;
};

}  // namespace scrm

#endif  // SCRM_CORE_PERIODIC_H_
