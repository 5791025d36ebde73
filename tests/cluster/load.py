#!/usr/bin/env python3
"""tests/cluster/load.py BASE TOKEN WORKDIR THREADS RATE: a bounded search load
through the load balancer for tests/cluster/run. THREADS threads each send
at most RATE requests a second (GET /api/v1/search?q=cluster with a Bearer
token) until the file STOP exists in WORKDIR. Every answer is classified:

  ok        200 with the total the phase expects (read from EXPECT: the
            number of posts that must be found at this moment, or LO-HI
            while the index catches up with posts stored meanwhile)
  short     200 with another total (a wrong total: never allowed)
  shard     503 naming the unreachable index shard (a clear error)
  other     anything else (5xx without the shard's name, connection errors)

and counted per phase (the content of PHASE, set by the test, when the
answer came: a request that overlapped a change counts in the later phase). At the end it prints JSON: per phase, the counts, p50 and p99 ms.
"""
import json, sys, threading, time, urllib.error, urllib.request, os

base, token, workdir, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
period = 1.0 / float(sys.argv[5])
stats = {}
lock = threading.Lock()

def read(name, default=""):
    try:
        with open(os.path.join(workdir, name)) as f:
            return f.read().strip()
    except OSError:
        return default

def record(phase, kind, ms, detail=""):
    # A request that overlapped a change of phase counts in the later one:
    # it may have met what that phase did (an engine or a shard killed).
    phase = read("PHASE", phase)
    with lock:
        p = stats.setdefault(phase, {"ok": 0, "short": 0, "shard": 0, "other": 0, "ms": [], "examples": {}})
        p[kind] += 1
        p["ms"].append(ms)
        if kind != "ok" and kind not in p["examples"]:
            p["examples"][kind] = detail[:300]

def expected():
    text = read("EXPECT", "0") or "0"
    lo, _, hi = text.partition("-")
    return int(lo), int(hi or lo)

def worker():
    url = base + "/api/v1/search?q=cluster&limit=5"
    next_at = time.monotonic()
    while not os.path.exists(os.path.join(workdir, "STOP")):
        # Pacing: one request every `period` seconds per thread at most.
        next_at += period
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            next_at = time.monotonic()
        phase = read("PHASE", "start")
        lo, hi = expected()
        t = time.monotonic()
        req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                body = json.loads(r.read())
                ms = (time.monotonic() - t) * 1000
                total = body.get("total")
                # The expectation may change while the answer is in flight.
                lo2, hi2 = expected()
                if isinstance(total, int) and (lo <= total <= hi or lo2 <= total <= hi2):
                    record(phase, "ok", ms)
                else:
                    record(phase, "short", ms, "total %s, expected %d-%d" % (total, lo, hi))
        except urllib.error.HTTPError as e:
            ms = (time.monotonic() - t) * 1000
            text = e.read().decode("utf-8", "replace")
            record(phase, "shard" if e.code == 503 and "shard" in text else "other", ms, "%d %s" % (e.code, text))
        except Exception as e:  # connection refused, reset, timeout
            record(phase, "other", (time.monotonic() - t) * 1000, repr(e))

ts = [threading.Thread(target=worker) for _ in range(threads)]
for t in ts: t.start()
for t in ts: t.join()
out = {}
for phase, p in stats.items():
    ms = sorted(p.pop("ms"))
    p["requests"] = len(ms)
    p["p50_ms"] = round(ms[len(ms) // 2], 1) if ms else None
    p["p99_ms"] = round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 1) if ms else None
    out[phase] = p
print(json.dumps(out, indent=1, sort_keys=True))
