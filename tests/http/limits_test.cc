// The parts of the server's defences that need no server: the watchdog
// over a socket pair, per-key counters, work slots, and trusted proxies.
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "http/proxies.h"
#include "http/rate_limit.h"
#include "http/watchdog.h"

namespace scrm::http {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::hours;

// A connected pair of sockets, closed at the end.
struct Pair {
  int fd[2] = {-1, -1};
  Pair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fd) == 0); }
  ~Pair() {
    ::close(fd[0]);
    ::close(fd[1]);
  }
  // True when the peer of fd[1] was shut down: a read there sees the end.
  bool PeerShutDown() const {
    char c;
    return ::recv(fd[1], &c, 1, MSG_DONTWAIT) == 0;
  }
};

TEST_CASE("the watchdog shuts a connection down once its phase's deadline passes",
          "[http][watchdog]") {
  Watchdog dog(hours(1));  // its own thread stays out of the way: Check() is called here
  Pair headers, work, idle;
  const auto now = Clock::now();
  auto h = std::make_unique<Watchdog::Watch>(dog, headers.fd[0], Phase::kHeaders, now + hours(1));
  Watchdog::Watch w(dog, work.fd[0], Phase::kWork, Watchdog::kNever);
  Watchdog::Watch i(dog, idle.fd[0], Phase::kIdle, now + hours(3));
  CHECK(dog.size() == 3);
  CHECK(dog.InPhase(Phase::kHeaders) == 1);

  CHECK(dog.Check(now) == 0);
  CHECK_FALSE(headers.PeerShutDown());
  CHECK(dog.Check(now + hours(2)) == 1);  // the head's deadline has passed
  CHECK(headers.PeerShutDown());
  CHECK(h->cut());
  CHECK(dog.cut(Phase::kHeaders) == 1);
  CHECK(dog.Check(now + hours(2)) == 0);  // once

  // A new phase, a new deadline.
  i.Set(Phase::kBody, now + hours(5));
  CHECK(dog.Check(now + hours(4)) == 0);
  CHECK(dog.Check(now + hours(6)) == 1);
  CHECK(dog.cut(Phase::kBody) == 1);
  CHECK_FALSE(w.cut());  // no deadline while the handler works

  h.reset();  // forgotten before its socket is closed
  CHECK(dog.size() == 2);
}

TEST_CASE("on stop, the watchdog can end the connections that wait for input only",
          "[http][watchdog]") {
  Watchdog dog(hours(1));
  Pair idle, working;
  Watchdog::Watch i(dog, idle.fd[0], Phase::kIdle, Watchdog::kNever);
  Watchdog::Watch w(dog, working.fd[0], Phase::kWork, Watchdog::kNever);
  CHECK(dog.ShutdownAll(/*only_waiting_for_input=*/true) == 1);
  CHECK(idle.PeerShutDown());
  CHECK_FALSE(working.PeerShutDown());
  CHECK(dog.ShutdownAll() == 1);
  CHECK(working.PeerShutDown());
}

TEST_CASE("per-key counters cap each key and forget keys at zero", "[http][limits]") {
  KeyedCounter c;
  CHECK(c.TryAcquire("a", 2));
  CHECK(c.TryAcquire("a", 2));
  CHECK_FALSE(c.TryAcquire("a", 2));
  CHECK(c.TryAcquire("b", 2));
  CHECK(c.Count("a") == 2);
  c.Release("a");
  CHECK(c.TryAcquire("a", 2));
  c.Release("a");
  c.Release("a");
  c.Release("b");
  CHECK(c.keys() == 0);
  CHECK(c.TryAcquire("x", 0));  // 0: no cap
}

TEST_CASE("work slots: a bounded wait, then no", "[http][limits]") {
  WorkSlots slots(2);
  CHECK(slots.TryAcquire(std::chrono::milliseconds(0)));
  CHECK(slots.TryAcquire(std::chrono::milliseconds(0)));
  CHECK(slots.busy() == 2);
  CHECK_FALSE(slots.TryAcquire(std::chrono::milliseconds(10)));
  slots.Release();
  CHECK(slots.TryAcquire(std::chrono::milliseconds(0)));
  CHECK(slots.waiting() == 0);  // the one that timed out is gone from the line
}

TEST_CASE("work slots by default: twice the cores, at least 4", "[http][limits]") {
  CHECK(WorkSlots::ForCores(0) == 4);  // hardware_concurrency() unknown
  CHECK(WorkSlots::ForCores(1) == 4);
  CHECK(WorkSlots::ForCores(2) == 4);
  CHECK(WorkSlots::ForCores(3) == 6);
  CHECK(WorkSlots::ForCores(32) == 64);
  CHECK(WorkSlots::ForCores(100000) == 1024);
}

TEST_CASE("work slots: waiting requests are served in the order they came", "[http][limits]") {
  WorkSlots slots(1);
  REQUIRE(slots.TryAcquire(std::chrono::milliseconds(0)));
  std::mutex mu;
  std::vector<int> served;
  std::vector<std::thread> line;
  for (int i = 0; i < 4; ++i) {
    line.emplace_back([&, i] {
      // Catch's assertions are not for other threads: a failure is recorded as -1.
      const bool got = slots.TryAcquire(std::chrono::seconds(30));
      {
        std::lock_guard<std::mutex> lock(mu);
        served.push_back(got ? i : -1);
      }
      if (got) slots.Release();
    });
    // The next one comes only once this one waits.
    while (slots.waiting() < i + 1) std::this_thread::yield();
  }
  // A slot is never free while requests wait: a newcomer does not jump the line.
  CHECK_FALSE(slots.TryAcquire(std::chrono::milliseconds(0)));
  slots.Release();
  for (std::thread& t : line) t.join();
  CHECK(served == std::vector<int>{0, 1, 2, 3});
  CHECK(slots.busy() == 0);
  CHECK(slots.waiting() == 0);
}

TEST_CASE("trusted proxies: addresses and CIDR blocks, IPv4 and IPv6", "[http][proxies]") {
  Result<TrustedProxies> p = TrustedProxies::Parse({"10.0.0.0/8", " 192.0.2.7 ", "fd00::/8", "::1"});
  REQUIRE(p.ok());
  CHECK(p->Contains("10.1.2.3"));
  CHECK(p->Contains("::ffff:10.1.2.3"));  // IPv4 seen through an IPv6 socket
  CHECK_FALSE(p->Contains("11.0.0.1"));
  CHECK(p->Contains("192.0.2.7"));
  CHECK_FALSE(p->Contains("192.0.2.8"));
  CHECK(p->Contains("fd12::1"));
  CHECK(p->Contains("::1"));
  CHECK_FALSE(p->Contains("fe80::1"));
  CHECK_FALSE(p->Contains("not an address"));
  CHECK(TrustedProxies::Parse({"0.0.0.0/0"})->Contains("203.0.113.1"));

  CHECK_FALSE(TrustedProxies().Contains("127.0.0.1"));  // the default trusts nobody
  for (const char* bad : {"10.0.0.0/33", "proxy.example.com", "10.0.0.0/x", "::1/129"}) {
    Result<TrustedProxies> r = TrustedProxies::Parse({bad});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().field() == "http.trusted_proxies");
    CHECK(r.status().message().find(bad) != std::string::npos);
  }
}

TEST_CASE("the client address: forwarded headers count only from a trusted proxy",
          "[http][proxies]") {
  TrustedProxies none;
  CHECK(none.ClientAddress("127.0.0.1", "203.0.113.9", "") == "127.0.0.1");

  TrustedProxies p = *TrustedProxies::Parse({"10.0.0.0/8"});
  CHECK(p.ClientAddress("198.51.100.4", "203.0.113.9", "") == "198.51.100.4");  // not a proxy
  CHECK(p.ClientAddress("10.0.0.1", "", "") == "10.0.0.1");                     // said nothing
  CHECK(p.ClientAddress("10.0.0.1", "203.0.113.9", "") == "203.0.113.9");
  // The right-most address that is not a trusted proxy: what the client
  // wrote itself on the left cannot pick its address.
  CHECK(p.ClientAddress("10.0.0.1", "1.2.3.4, 203.0.113.9, 10.0.0.2", "") == "203.0.113.9");
  CHECK(p.ClientAddress("10.0.0.1", "10.0.0.3, 10.0.0.2", "") == "10.0.0.3");
  CHECK(p.ClientAddress("10.0.0.1", "unknown", "") == "10.0.0.1");
  CHECK(p.ClientAddress("10.0.0.1", "", "for=192.0.2.60;proto=https, for=\"[2001:db8::17]:4711\"") ==
        "2001:db8::17");
  CHECK(p.ClientAddress("10.0.0.1", "203.0.113.9:5000", "") == "203.0.113.9");
}

}  // namespace
}  // namespace scrm::http
