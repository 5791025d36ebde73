#include "core/periodic.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>

namespace scrm {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Rounds counted by the task; a test awaits a count (never sleeps).
struct Rounds {
  std::mutex mu;
  std::condition_variable cv;
  int n = 0;
  void Add() {
    {
      std::lock_guard<std::mutex> lock(mu);
      ++n;
    }
    cv.notify_all();
  }
  bool AwaitAtLeast(int count, milliseconds limit = seconds(10)) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, limit, [&] { return n >= count; });
  }
  int value() {
    std::lock_guard<std::mutex> lock(mu);
    return n;
  }
};

TEST_CASE("Periodic runs at start, then again only when asked before the interval ends") {
  Rounds rounds;
  Periodic p("test", hours(1), [&] { rounds.Add(); });
  p.Start();
  REQUIRE(rounds.AwaitAtLeast(1));
  CHECK(rounds.value() == 1);  // an hour away from the next round
  p.RunSoon();
  REQUIRE(rounds.AwaitAtLeast(2));
  p.Stop();
  CHECK(rounds.value() == 2);
  CHECK_FALSE(p.running());
}

TEST_CASE("Periodic repeats every interval") {
  Rounds rounds;
  Periodic p("test", milliseconds(5), [&] { rounds.Add(); });
  p.Start();
  REQUIRE(rounds.AwaitAtLeast(3));
}

TEST_CASE("Periodic with run_at_start false waits for RunSoon or the interval") {
  Rounds rounds;
  PeriodicOptions options;
  options.run_at_start = false;
  Periodic p("test", hours(1), [&] { rounds.Add(); }, options);
  p.Start();
  CHECK_FALSE(rounds.AwaitAtLeast(1, milliseconds(50)));
  p.RunSoon();
  REQUIRE(rounds.AwaitAtLeast(1));
  p.Stop();
  CHECK(rounds.value() == 1);
}

TEST_CASE("Periodic reports a failed round under its name and goes on") {
  Rounds rounds;
  std::mutex mu;
  std::string reported;
  PeriodicOptions options;
  options.on_failure = [&](const std::string& name, const std::string& what) {
    std::lock_guard<std::mutex> lock(mu);
    reported = name + ": " + what;
  };
  Periodic p("crm sync", milliseconds(5), [&] {
    rounds.Add();
    if (rounds.value() == 1) throw std::runtime_error("database gone");
  }, options);
  p.Start();
  REQUIRE(rounds.AwaitAtLeast(2));
  p.Stop();
  std::lock_guard<std::mutex> lock(mu);
  CHECK(reported == "crm sync: database gone");
}

TEST_CASE("Periodic skips its rounds while the gate is closed") {
  Rounds rounds;
  BackgroundGate gate;
  PeriodicOptions options;
  options.gate = &gate;
  Periodic p("test", hours(1), [&] { rounds.Add(); }, options);
  {
    std::unique_lock<std::shared_mutex> closed = gate.Close();
    p.Start();           // the first round finds the gate closed
    p.Stop();            // and is over when Stop returns
    CHECK(rounds.value() == 0);
  }
  p.Start();  // open again: rounds run
  REQUIRE(rounds.AwaitAtLeast(1));
}

TEST_CASE("Periodic with no interval never starts, and stopping() tells a long round to leave") {
  Rounds rounds;
  Periodic off("off", milliseconds(0), [&] { rounds.Add(); });
  off.Start();
  CHECK_FALSE(off.running());

  std::atomic<bool> saw_stop{false};
  Periodic* self = nullptr;
  Rounds started;
  Periodic p("long", hours(1), [&] {
    started.Add();
    while (!self->stopping()) std::this_thread::yield();
    saw_stop = true;
  });
  self = &p;
  p.Start();
  REQUIRE(started.AwaitAtLeast(1));
  p.Stop();
  CHECK(saw_stop);
  CHECK(rounds.value() == 0);
}

}  // namespace
}  // namespace scrm
