#include "http/metrics.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <stdexcept>

#include "store/audit_repository.h"
#include "store/pool.h"

namespace scrm::http {

namespace {

bool IsMetricName(const std::string& s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsLabelName(const std::string& s) {
  if (s.empty() || s.rfind("__", 0) == 0) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string EscapeHelp(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void RenderHeader(const std::string& name, const std::string& help, const char* type,
                  std::string* out) {
  *out += "# HELP " + name + " " + EscapeHelp(help) + "\n";
  *out += "# TYPE " + name + " " + type + "\n";
}

// {a="x",b="y"} with an optional extra pair (le for histogram buckets); ""
// when there are no labels at all.
std::string LabelSet(const std::vector<std::string>& names, const LabelValues& values,
                     const std::string& extra_name = "", const std::string& extra_value = "") {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) {
    s += (s.empty() ? "" : ",") + names[i] + "=\"" + EscapeLabelValue(values[i]) + "\"";
  }
  if (!extra_name.empty()) {
    s += (s.empty() ? "" : ",") + extra_name + "=\"" + EscapeLabelValue(extra_value) + "\"";
  }
  return s.empty() ? s : "{" + s + "}";
}

double CallSafely(const std::string& metric, const std::function<double()>& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    std::cerr << "scrm metrics: reading " << metric << " failed: " << e.what() << std::endl;
  } catch (...) {
    std::cerr << "scrm metrics: reading " << metric << " failed" << std::endl;
  }
  return std::nan("");
}

void CheckLabelCount(const std::string& name, size_t want, const LabelValues& labels) {
  if (labels.size() != want) {
    throw std::invalid_argument("metric " + name + " takes " + std::to_string(want) +
                                " label values, got " + std::to_string(labels.size()));
  }
}

}  // namespace

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatSampleValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  // The shortest form that reads back as the same double: 0.0025, not 0.0025000000000000001.
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

// --- ScalarFamily ------------------------------------------------------------

ScalarFamily::ScalarFamily(Type type, std::string name, std::string help,
                           std::vector<std::string> labels)
    : type_(type), name_(std::move(name)), help_(std::move(help)), label_names_(std::move(labels)) {
  if (label_names_.empty()) series_[{}];
}

void ScalarFamily::CheckArity(const LabelValues& labels) const {
  CheckLabelCount(name_, label_names_.size(), labels);
}

void ScalarFamily::Increment(const LabelValues& labels, double amount) {
  CheckArity(labels);
  std::lock_guard<std::mutex> lock(mu_);
  Series& s = series_[labels];
  if (type_ == Type::kCounter && !(amount >= 0)) return;
  s.value += amount;
}

void ScalarFamily::Set(const LabelValues& labels, double value) {
  if (type_ != Type::kGauge) throw std::invalid_argument("Set() on counter " + name_);
  CheckArity(labels);
  std::lock_guard<std::mutex> lock(mu_);
  series_[labels].value = value;
}

void ScalarFamily::SetCallback(const LabelValues& labels, std::function<double()> fn) {
  CheckArity(labels);
  std::lock_guard<std::mutex> lock(mu_);
  series_[labels].fn = std::move(fn);
}

double ScalarFamily::Value(const LabelValues& labels) const {
  CheckArity(labels);
  std::function<double()> fn;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = series_.find(labels);
    if (it == series_.end()) return 0;
    if (!it->second.fn) return it->second.value;
    fn = it->second.fn;
  }
  return CallSafely(name_, fn);
}

void ScalarFamily::Render(std::string* out) const {
  std::map<LabelValues, Series> copy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    copy = series_;
  }
  // Callbacks run outside the lock: one may take its time (or its own locks).
  RenderHeader(name_, help_, type_ == Type::kCounter ? "counter" : "gauge", out);
  for (const auto& [labels, series] : copy) {
    double v = series.fn ? CallSafely(name_, series.fn) : series.value;
    *out += name_ + LabelSet(label_names_, labels) + " " + FormatSampleValue(v) + "\n";
  }
}

// --- HistogramFamily ---------------------------------------------------------

const std::vector<double>& HistogramFamily::DefaultSecondsBuckets() {
  static const std::vector<double> kBuckets = {.001, .0025, .005, .01, .025, .05, .1,
                                               .25,  .5,    1,    2.5, 5,    10};
  return kBuckets;
}

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> labels, std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(labels)),
      bounds_(std::move(bounds)) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (std::isnan(bounds_[i]) || std::isinf(bounds_[i]) ||
        (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      throw std::invalid_argument("histogram " + name_ +
                                  ": buckets must be finite and strictly ascending");
    }
  }
  if (label_names_.empty()) series_[{}].counts.assign(bounds_.size() + 1, 0);
}

void HistogramFamily::CheckArity(const LabelValues& labels) const {
  CheckLabelCount(name_, label_names_.size(), labels);
}

void HistogramFamily::Observe(const LabelValues& labels, double value) {
  CheckArity(labels);
  size_t bucket = 0;
  while (bucket < bounds_.size() && !(value <= bounds_[bucket])) ++bucket;
  std::lock_guard<std::mutex> lock(mu_);
  Series& s = series_[labels];
  if (s.counts.empty()) s.counts.assign(bounds_.size() + 1, 0);
  ++s.counts[bucket];
  s.sum += value;
  ++s.count;
}

uint64_t HistogramFamily::Count(const LabelValues& labels) const {
  CheckArity(labels);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0 : it->second.count;
}

void HistogramFamily::Render(std::string* out) const {
  std::map<LabelValues, Series> copy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    copy = series_;
  }
  RenderHeader(name_, help_, "histogram", out);
  for (const auto& [labels, series] : copy) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += series.counts[i];
      std::string le = i < bounds_.size() ? FormatSampleValue(bounds_[i]) : "+Inf";
      *out += name_ + "_bucket" + LabelSet(label_names_, labels, "le", le) + " " +
              std::to_string(cumulative) + "\n";
    }
    *out += name_ + "_sum" + LabelSet(label_names_, labels) + " " + FormatSampleValue(series.sum) +
            "\n";
    *out += name_ + "_count" + LabelSet(label_names_, labels) + " " + std::to_string(series.count) +
            "\n";
  }
}

// --- Registry ----------------------------------------------------------------

void Registry::Claim(const std::string& name, const std::vector<std::string>& label_names) {
  if (!IsMetricName(name)) throw std::invalid_argument("bad metric name \"" + name + "\"");
  for (const std::string& l : label_names) {
    if (!IsLabelName(l)) {
      throw std::invalid_argument("metric " + name + ": bad label name \"" + l + "\"");
    }
  }
  for (const std::string& n : names_) {
    if (n == name) throw std::invalid_argument("metric " + name + " registered twice");
  }
  names_.push_back(name);
}

ScalarFamily& Registry::AddCounter(const std::string& name, const std::string& help,
                                   std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mu_);
  Claim(name, label_names);
  scalars_.emplace_back(
      new ScalarFamily(ScalarFamily::Type::kCounter, name, help, std::move(label_names)));
  order_.emplace_back(false, scalars_.size() - 1);
  return *scalars_.back();
}

ScalarFamily& Registry::AddGauge(const std::string& name, const std::string& help,
                                 std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mu_);
  Claim(name, label_names);
  scalars_.emplace_back(
      new ScalarFamily(ScalarFamily::Type::kGauge, name, help, std::move(label_names)));
  order_.emplace_back(false, scalars_.size() - 1);
  return *scalars_.back();
}

HistogramFamily& Registry::AddHistogram(const std::string& name, const std::string& help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  Claim(name, label_names);
  for (const std::string& l : label_names) {
    if (l == "le") throw std::invalid_argument("histogram " + name + ": label \"le\" is reserved");
  }
  histograms_.emplace_back(
      new HistogramFamily(name, help, std::move(label_names), std::move(bounds)));
  order_.emplace_back(true, histograms_.size() - 1);
  return *histograms_.back();
}

std::string Registry::RenderText() const {
  // Families are never removed, so their addresses outlive the lock.
  std::vector<const ScalarFamily*> scalars;
  std::vector<const HistogramFamily*> histograms;
  std::vector<std::pair<bool, size_t>> order;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& f : scalars_) scalars.push_back(f.get());
    for (const auto& f : histograms_) histograms.push_back(f.get());
    order = order_;
  }
  std::string out;
  for (const auto& [is_histogram, index] : order) {
    if (is_histogram) {
      histograms[index]->Render(&out);
    } else {
      scalars[index]->Render(&out);
    }
  }
  return out;
}

// --- Metrics -----------------------------------------------------------------

Metrics::Metrics(const std::string& version)
    : http_requests_(
          registry_.AddCounter("scrm_http_requests_total",
                               "HTTP requests answered, by route template, method and status.",
                               {"route", "method", "status"})),
      http_duration_(registry_.AddHistogram(
          "scrm_http_request_duration_seconds",
          "Time from reading a request to sending its response, by route template.", {"route"})),
      pool_connections_(registry_.AddGauge(
          "scrm_db_pool_connections",
          "Database pool connections: open now, in use now, and the configured maximum.",
          {"state"})),
      pool_connect_failures_(registry_.AddCounter(
          "scrm_db_pool_connect_failures_total", "Failed attempts to open a database connection.")),
      sync_lag_(registry_.AddGauge(
          "scrm_crm_sync_lag_seconds",
          "Seconds since the last successful CRM sync; -1 when there has been none yet.")),
      sync_runs_(registry_.AddCounter("scrm_crm_sync_runs_total",
                                      "CRM sync runs finished, by result.", {"result"})),
      build_info_(registry_.AddGauge(
          "scrm_build_info", "Always 1; the version label says which build runs.", {"version"})) {
  sync_lag_.Set(-1);
  sync_runs_.Increment({"ok"}, 0);
  sync_runs_.Increment({"error"}, 0);
  build_info_.Set({version}, 1);
  // The security log's events, whichever part of this process recorded them
  // (store/audit_repository.h counts them; refusals one by one, though they
  // are written aggregated).
  ScalarFamily& audit = registry_.AddCounter(
      "scrm_audit_events_total",
      "Events recorded in the security log (scrm_audit) by this process, by kind.", {"kind"});
  for (const char* kind : store::kAuditKinds) {
    audit.SetCallback({kind}, [k = std::string(kind)] {
      return static_cast<double>(store::AuditEventsCounted(k));
    });
  }
}

void Metrics::ObserveRequest(const std::string& route, const std::string& method, int status,
                             double seconds) {
  static const char* const kMethods[] = {"GET",    "HEAD",  "POST",   "PUT",
                                         "DELETE", "PATCH", "OPTIONS"};
  std::string m = "other";  // a client's made-up method must not mint series
  for (const char* known : kMethods) {
    if (method == known) m = known;
  }
  http_requests_.Increment({route, m, std::to_string(status)});
  http_duration_.Observe({route}, seconds);
}

void Metrics::CountSyncRun(bool ok) { sync_runs_.Increment({ok ? "ok" : "error"}); }

void Metrics::SetSyncLagSource(std::function<double()> lag_seconds) {
  if (lag_seconds) {
    sync_lag_.SetCallback({}, std::move(lag_seconds));
  } else {
    sync_lag_.SetCallback({}, [] { return -1.0; });
  }
}

void Metrics::WatchPool(store::Pool* pool) {
  if (pool == nullptr) return;
  pool_connections_.SetCallback({"open"}, [pool] { return double(pool->Stats().open); });
  pool_connections_.SetCallback({"in_use"}, [pool] { return double(pool->Stats().in_use); });
  pool_connections_.SetCallback({"max"}, [pool] { return double(pool->Stats().size); });
  pool_connect_failures_.SetCallback(
      {}, [pool] { return double(pool->Stats().connect_failures_total); });
}

}  // namespace scrm::http
