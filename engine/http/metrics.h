// Metrics: a small thread-safe Prometheus registry and the engine's metrics.
//
// A Registry holds metric families (counters, gauges, histograms), each with
// fixed label names; a series is created the first time its label values are
// used, or bound to a callback read at scrape time. RenderText() writes the
// text exposition format 0.0.4 that /metrics serves. Programming errors (bad
// metric name, wrong number of label values, a name registered twice) throw
// std::invalid_argument; everything else is safe to call from any thread.
// Metrics registers the families the product promises and gives them names
// that say what the caller counts.
#ifndef SCRM_HTTP_METRICS_H_
#define SCRM_HTTP_METRICS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace scrm::store {
class Pool;
}  // namespace scrm::store

namespace scrm::http {

using LabelValues = std::vector<std::string>;

// Counters and gauges: one number per series.
class ScalarFamily {
 public:
  enum class Type { kCounter, kGauge };

  // Counters only go up: a negative amount is ignored.
  void Increment(const LabelValues& labels = {}, double amount = 1.0);
  // Gauges only (throws std::invalid_argument on a counter).
  void Set(const LabelValues& labels, double value);
  void Set(double value) { Set({}, value); }
  // The series' value is read from fn at each scrape (a counter's fn must not
  // decrease). An exception from fn renders NaN and is logged to stderr.
  void SetCallback(const LabelValues& labels, std::function<double()> fn);
  // The current value (0 for a series never touched); calls the callback if any.
  double Value(const LabelValues& labels = {}) const;

  const std::string& name() const { return name_; }

 private:
  friend class Registry;
  struct Series {
    double value = 0;
    std::function<double()> fn;
  };
  ScalarFamily(Type type, std::string name, std::string help, std::vector<std::string> labels);
  void CheckArity(const LabelValues& labels) const;
  void Render(std::string* out) const;

  const Type type_;
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  mutable std::mutex mu_;
  std::map<LabelValues, Series> series_;
};

class HistogramFamily {
 public:
  // .001 .0025 .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10 seconds; +Inf is implied.
  static const std::vector<double>& DefaultSecondsBuckets();

  void Observe(const LabelValues& labels, double value);
  void Observe(double value) { Observe({}, value); }
  // Observations so far in the series (0 when never touched).
  uint64_t Count(const LabelValues& labels = {}) const;

  const std::string& name() const { return name_; }

 private:
  friend class Registry;
  struct Series {
    std::vector<uint64_t> counts;  // per bucket, not cumulative; last is +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  HistogramFamily(std::string name, std::string help, std::vector<std::string> labels,
                  std::vector<double> bounds);
  void CheckArity(const LabelValues& labels) const;
  void Render(std::string* out) const;

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;  // ascending upper bounds, without +Inf
  mutable std::mutex mu_;
  std::map<LabelValues, Series> series_;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The returned references live as long as the registry. A family without
  // labels starts with its one series at 0, so it is exported from the start.
  ScalarFamily& AddCounter(const std::string& name, const std::string& help,
                           std::vector<std::string> label_names = {});
  ScalarFamily& AddGauge(const std::string& name, const std::string& help,
                         std::vector<std::string> label_names = {});
  HistogramFamily& AddHistogram(
      const std::string& name, const std::string& help, std::vector<std::string> label_names = {},
      std::vector<double> bounds = HistogramFamily::DefaultSecondsBuckets());

  // Text exposition format 0.0.4: families in registration order, series by
  // label values.
  std::string RenderText() const;

 private:
  void Claim(const std::string& name, const std::vector<std::string>& label_names);

  mutable std::mutex mu_;
  std::vector<std::string> names_;
  std::vector<std::unique_ptr<ScalarFamily>> scalars_;
  std::vector<std::unique_ptr<HistogramFamily>> histograms_;
  std::vector<std::pair<bool, size_t>> order_;  // (is_histogram, index)
};

// Prometheus label value escaping: backslash, double quote and newline.
std::string EscapeLabelValue(const std::string& value);
// A sample value as Prometheus reads it: "3", "0.25", "+Inf", "-Inf", "NaN".
std::string FormatSampleValue(double value);

// The engine's metrics. The server owns one (Server::metrics()); the CRM sync
// loop reports its runs through CountSyncRun().
class Metrics {
 public:
  explicit Metrics(const std::string& version);

  // One answered HTTP request. route: the route template or "unmatched";
  // a method outside the standard set is counted as "other".
  void ObserveRequest(const std::string& route, const std::string& method, int status,
                      double seconds);
  // One finished CRM sync run.
  void CountSyncRun(bool ok);
  // Seconds since the last successful CRM sync, -1 when none yet; read at
  // each scrape, so it must be cheap. Without one the gauge reads -1.
  void SetSyncLagSource(std::function<double()> lag_seconds);
  // Exports the pool's connection counts and connect failures (read at each
  // scrape from Pool::Stats(), which does not touch the database).
  void WatchPool(store::Pool* pool);

  std::string RenderText() const { return registry_.RenderText(); }
  // For metrics that later parts add (ingest, search...).
  Registry& registry() { return registry_; }

 private:
  Registry registry_;
  ScalarFamily& http_requests_;
  HistogramFamily& http_duration_;
  ScalarFamily& pool_connections_;
  ScalarFamily& pool_connect_failures_;
  ScalarFamily& sync_lag_;
  ScalarFamily& sync_runs_;
  ScalarFamily& build_info_;
};

}  // namespace scrm::http

#endif  // SCRM_HTTP_METRICS_H_
