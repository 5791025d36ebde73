// Latency of matching one new profile, as `scrm serve`'s background loop
// would see it (scripts/bench/match runs this against its database):
//   - the pure matcher: Matcher::Match on one profile, customers in memory;
//   - an incremental run: IncrementalMatcher::RunOnce after one new profile
//     was stored (read what changed since the watermark, match, store).
// Usage: identity_match_latency_bench DB_URL [RUNS]. Prints one JSON object.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/time.h"
#include "service/matching.h"
#include "store/content_repository.h"
#include "store/db_url.h"
#include "store/profile_reader.h"

using namespace scrm;

namespace {

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DB_URL [RUNS]\n", argv[0]);
    return 2;
  }
  Result<store::DbUrl> url = store::DbUrl::Parse(argv[1]);
  if (!url.ok()) {
    std::fprintf(stderr, "%s\n", url.status().message().c_str());
    return 2;
  }
  const int runs = argc > 2 ? std::atoi(argv[2]) : 20;
  store::PoolOptions po;
  po.url = *url;
  store::Pool pool(po);

  // The pure matcher, customers in memory.
  const double t0 = MonotonicSeconds();
  identity::Matcher matcher;
  for (const Customer& c : store::ProfileReader(pool).AllCustomers()) matcher.Upsert(c);
  matcher.Compact();
  const double build = MonotonicSeconds() - t0;
  std::vector<Profile> samples;
  store::ProfileReader(pool).ForEachProfile(
      [&](std::vector<store::StoredProfile>& batch) {
        for (auto& p : batch) samples.push_back(p.profile);
      },
      2000, 0);
  std::vector<double> pure;
  for (const Profile& p : samples) {
    const double s = MonotonicSeconds();
    (void)matcher.Match(p);
    pure.push_back((MonotonicSeconds() - s) * 1000);
  }

  // Incremental runs, one new profile each.
  service::RunOptions options;
  options.overlap_seconds = 0;
  service::IncrementalMatcher inc(pool, options);
  Result<service::RunSummary> warm = inc.RunOnce();  // from the watermark of the full run
  if (!warm.ok()) {
    std::fprintf(stderr, "%s\n", warm.status().message().c_str());
    return 1;
  }
  std::vector<double> incremental;
  int64_t linked = 0;
  for (int i = 0; i < runs; ++i) {
    Profile p = samples[static_cast<size_t>(i * 97) % samples.size()];
    p.platform = "bench-new";
    p.external_id = "https://bench.example/new/" + std::to_string(NowUnixSeconds()) + "/" + std::to_string(i);
    store::ContentRepository(pool).UpsertProfiles(1, {p});
    const double s = MonotonicSeconds();
    Result<service::RunSummary> r = inc.RunOnce();
    incremental.push_back((MonotonicSeconds() - s) * 1000);
    if (r.ok()) linked += r->stored_auto + r->stored_suggestions;
  }
  nlohmann::json out = {
      {"customers", matcher.size()},
      {"matcher_build_seconds", build},
      {"pure_match_ms_p50", Percentile(pure, 0.5)},
      {"pure_match_ms_p99", Percentile(pure, 0.99)},
      {"incremental_run_ms_p50", Percentile(incremental, 0.5)},
      {"incremental_run_ms_p95", Percentile(incremental, 0.95)},
      {"incremental_runs", runs},
      {"new_profiles_linked_or_suggested", linked}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
