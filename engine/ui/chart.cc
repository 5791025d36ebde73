#include "ui/chart.h"

#include <algorithm>
#include <ctime>

namespace scrm::ui {

namespace {

constexpr int kWidth = 600;
constexpr int kHeight = 120;
constexpr int kGap = 2;
constexpr int kMaxSlot = 40;  // a few buckets stay bars, not blocks

std::string Label(int64_t start, const std::string& interval) {
  std::time_t t = static_cast<std::time_t>(start);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  const char* format = interval == "year" ? "%Y" : interval == "month" ? "%Y-%m" : "%Y-%m-%d";
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

}  // namespace

nlohmann::json ChartOf(const std::vector<index::HistogramBucket>& buckets,
                       const std::string& interval, const std::string& title) {
  int64_t max = 0;
  for (const auto& b : buckets) max = std::max(max, b.count);
  nlohmann::json bars = nlohmann::json::array();
  const int n = static_cast<int>(buckets.size());
  const int slot = n > 0 ? std::clamp(kWidth / n, 1, kMaxSlot) : kWidth;
  for (int i = 0; i < n; ++i) {
    const auto& b = buckets[static_cast<size_t>(i)];
    // A bucket with posts keeps at least 1 unit of height: visible.
    const int h = max == 0 ? 0
                           : std::max<int>(b.count > 0 ? 1 : 0,
                                           static_cast<int>(b.count * kHeight / max));
    bars.push_back({{"x", i * slot},
                    {"y", kHeight - h},
                    {"w", std::max(1, slot - kGap)},
                    {"h", h},
                    {"label", Label(b.start, interval)},
                    {"count", b.count}});
  }
  return {{"width", kWidth},
          {"height", kHeight},
          {"bars", bars},
          {"max", max},
          {"has_bars", max > 0},
          {"first", n > 0 ? Label(buckets.front().start, interval) : ""},
          {"last", n > 0 ? Label(buckets.back().start, interval) : ""},
          {"title", title}};
}

}  // namespace scrm::ui
