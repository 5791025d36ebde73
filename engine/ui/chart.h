// The small bar charts of the pages (engagement over time, the date
// histogram of a search), computed here and drawn by the partial
// ui-templates/partials/bar_chart.mustache as inline SVG: numbers and labels
// only, escaped like any value, no script and no external library.
#ifndef SCRM_UI_CHART_H_
#define SCRM_UI_CHART_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "index/index.h"

namespace scrm::ui {

// {"width","height","bars":[{"x","y","w","h","label","count"}],"max",
//  "first","last","has_bars","title"}: one bar per bucket, scaled to the
// largest count, in a viewBox of width x height. interval: "day", "week",
// "month" or "year" (labels "2026-10-01", "2026-10", "2026").
nlohmann::json ChartOf(const std::vector<index::HistogramBucket>& buckets,
                       const std::string& interval, const std::string& title);

}  // namespace scrm::ui

#endif  // SCRM_UI_CHART_H_
