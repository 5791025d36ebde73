#include "http/metrics.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace scrm::http {
namespace {

// Checks every line of a text exposition (format 0.0.4) and returns its
// samples as "name{labels}" -> value text. A sample must belong to a family
// whose TYPE came before it.
std::map<std::string, std::string> ParseExposition(const std::string& text) {
  static const std::string kLabel = R"([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")";
  static const std::regex kSample("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{" + kLabel + "(?:," + kLabel +
                                  ")*\\})? (NaN|[+-]Inf|-?[0-9]+(?:\\.[0-9]+)?(?:e[+-]?[0-9]+)?)$");
  static const std::regex kHelp(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*$)");
  static const std::regex kType(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$)");
  std::map<std::string, std::string> samples;
  std::map<std::string, std::string> types;
  std::istringstream in(text);
  std::string line;
  REQUIRE((!text.empty() && text.back() == '\n'));
  while (std::getline(in, line)) {
    INFO("line: " << line);
    std::smatch m;
    if (std::regex_match(line, m, kHelp)) continue;
    if (std::regex_match(line, m, kType)) {
      CHECK(types.count(m[1]) == 0);
      types[m[1]] = m[2];
      continue;
    }
    REQUIRE(std::regex_match(line, m, kSample));
    std::string name = m[1];
    std::string family = name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      std::string s = suffix;
      if (!types.count(family) && name.size() > s.size() &&
          name.compare(name.size() - s.size(), s.size(), s) == 0) {
        family = name.substr(0, name.size() - s.size());
      }
    }
    CHECK(types.count(family) == 1);
    CHECK(samples.count(name + std::string(m[2])) == 0);
    samples[name + std::string(m[2])] = m[3];
  }
  return samples;
}

TEST_CASE("sample values print as Prometheus reads them", "[http][metrics]") {
  CHECK(FormatSampleValue(0) == "0");
  CHECK(FormatSampleValue(3) == "3");
  CHECK(FormatSampleValue(-1) == "-1");
  CHECK(FormatSampleValue(0.25) == "0.25");
  CHECK(FormatSampleValue(0.0025) == "0.0025");
  CHECK(FormatSampleValue(1e20) == "1e+20");
  CHECK(FormatSampleValue(INFINITY) == "+Inf");
  CHECK(FormatSampleValue(-INFINITY) == "-Inf");
  CHECK(FormatSampleValue(std::nan("")) == "NaN");
  CHECK(std::stod(FormatSampleValue(0.1 + 0.2)) == 0.1 + 0.2);
}

TEST_CASE("counters and gauges render with escaped labels", "[http][metrics]") {
  Registry r;
  ScalarFamily& c =
      r.AddCounter("t_requests_total", "Requests.\nSecond \\ line.", {"path", "code"});
  ScalarFamily& g = r.AddGauge("t_temperature", "Temperature.");
  ScalarFamily& cb = r.AddGauge("t_callback", "From a callback.", {"kind"});
  c.Increment({"/a", "200"});
  c.Increment({"/a", "200"}, 2);
  c.Increment({"/a", "200"}, -5);  // ignored: counters only go up
  c.Increment({"say \"hi\"\\\n", "500"});
  g.Set(-1.5);
  cb.SetCallback({"ok"}, [] { return 42.0; });
  cb.SetCallback({"broken"}, []() -> double { throw std::runtime_error("boom"); });

  std::string text = r.RenderText();
  CHECK(text.find("# HELP t_requests_total Requests.\\nSecond \\\\ line.\n") != std::string::npos);
  CHECK(text.find("# TYPE t_requests_total counter\n") != std::string::npos);
  CHECK(text.find("# TYPE t_temperature gauge\n") != std::string::npos);
  auto samples = ParseExposition(text);
  CHECK(samples.at(R"(t_requests_total{path="/a",code="200"})") == "3");
  CHECK(samples.at(R"(t_requests_total{path="say \"hi\"\\\n",code="500"})") == "1");
  CHECK(samples.at("t_temperature") == "-1.5");
  CHECK(samples.at(R"(t_callback{kind="ok"})") == "42");
  CHECK(samples.at(R"(t_callback{kind="broken"})") == "NaN");
  CHECK(c.Value({"/a", "200"}) == 3);
  CHECK(c.Value({"/b", "200"}) == 0);
}

TEST_CASE("histograms render cumulative buckets, sum and count", "[http][metrics]") {
  Registry r;
  HistogramFamily& h = r.AddHistogram("t_duration_seconds", "Durations.", {"route"});
  for (double v : {0.003, 0.02, 0.025, 7.0, 20.0}) h.Observe({"/x"}, v);
  auto samples = ParseExposition(r.RenderText());
  const std::vector<std::pair<std::string, std::string>> want = {
      {"0.001", "0"}, {"0.0025", "0"}, {"0.005", "1"}, {"0.01", "1"}, {"0.025", "3"},
      {"0.05", "3"},  {"0.1", "3"},    {"0.25", "3"},  {"0.5", "3"},  {"1", "3"},
      {"2.5", "3"},   {"5", "3"},      {"10", "4"},    {"+Inf", "5"}};
  for (const auto& [le, count] : want) {
    INFO("le=" << le);
    CHECK(samples.at("t_duration_seconds_bucket{route=\"/x\",le=\"" + le + "\"}") == count);
  }
  CHECK(samples.at(R"(t_duration_seconds_count{route="/x"})") == "5");
  CHECK(std::stod(samples.at(R"(t_duration_seconds_sum{route="/x"})")) == Approx(27.048));
  CHECK(h.Count({"/x"}) == 5);
  // Exactly the buckets, sum and count of one series: nothing else.
  CHECK(samples.size() == want.size() + 2);
}

TEST_CASE("registry refuses programming errors", "[http][metrics]") {
  Registry r;
  ScalarFamily& c = r.AddCounter("t_total", "x", {"a"});
  CHECK_THROWS_AS(r.AddCounter("t_total", "again"), std::invalid_argument);
  CHECK_THROWS_AS(r.AddGauge("0bad", "x"), std::invalid_argument);
  CHECK_THROWS_AS(r.AddGauge("t_g", "x", {"bad-label"}), std::invalid_argument);
  CHECK_THROWS_AS(r.AddGauge("t_g2", "x", {"__reserved"}), std::invalid_argument);
  CHECK_THROWS_AS(r.AddHistogram("t_h", "x", {"le"}), std::invalid_argument);
  CHECK_THROWS_AS(r.AddHistogram("t_h2", "x", {}, {1, 0.5}), std::invalid_argument);
  CHECK_THROWS_AS(c.Increment({}), std::invalid_argument);
  CHECK_THROWS_AS(c.Increment({"1", "2"}), std::invalid_argument);
  CHECK_THROWS_AS(c.Set({"1"}, 3), std::invalid_argument);
}

TEST_CASE("registry counts correctly from many threads", "[http][metrics]") {
  Registry r;
  ScalarFamily& c = r.AddCounter("t_total", "x", {"t"});
  HistogramFamily& h = r.AddHistogram("t_seconds", "x");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        c.Increment({std::to_string(t % 2)});
        h.Observe(0.01);
        if (i % 1000 == 0) r.RenderText();
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(c.Value({"0"}) + c.Value({"1"}) == 40000);
  CHECK(h.Count() == 40000);
}

TEST_CASE("the engine's metrics are all there", "[http][metrics]") {
  Metrics m("1.2.3");
  m.ObserveRequest("/healthz", "GET", 200, 0.002);
  m.ObserveRequest("unmatched", "BREW", 404, 0.001);
  m.CountSyncRun(true);
  m.CountSyncRun(false);
  m.CountSyncRun(true);
  auto samples = ParseExposition(m.RenderText());
  CHECK(samples.at(R"(scrm_http_requests_total{route="/healthz",method="GET",status="200"})") ==
        "1");
  CHECK(samples.at(R"(scrm_http_requests_total{route="unmatched",method="other",status="404"})") ==
        "1");
  CHECK(samples.at(R"(scrm_http_request_duration_seconds_bucket{route="/healthz",le="0.0025"})") ==
        "1");
  CHECK(samples.at(R"(scrm_http_request_duration_seconds_bucket{route="/healthz",le="0.001"})") ==
        "0");
  CHECK(samples.at(R"(scrm_crm_sync_runs_total{result="ok"})") == "2");
  CHECK(samples.at(R"(scrm_crm_sync_runs_total{result="error"})") == "1");
  CHECK(samples.at("scrm_crm_sync_lag_seconds") == "-1");
  CHECK(samples.at("scrm_db_pool_connect_failures_total") == "0");
  CHECK(samples.at(R"(scrm_build_info{version="1.2.3"})") == "1");
  m.SetSyncLagSource([] { return 12.5; });
  CHECK(ParseExposition(m.RenderText()).at("scrm_crm_sync_lag_seconds") == "12.5");
  CHECK(m.RenderText().find("# TYPE scrm_db_pool_connections gauge\n") != std::string::npos);
}

}  // namespace
}  // namespace scrm::http
