#include "index/facets.h"

#include <algorithm>
#include <functional>
#include <map>

#include "index/internal.h"
#include "index/terms.h"

namespace scrm::index::internal {
namespace {

constexpr char kListSep = '\x1e';
constexpr int32_t kMaxDaySpan = 200 * 366;  // dates beyond: counted aside (far_)
constexpr size_t kMaxFilledBuckets = 1000;  // more: the histogram lists non-empty buckets only

void AddList(std::string_view list, int64_t n, Counter* c) {
  while (!list.empty()) {
    const size_t end = list.find(kListSep);
    const std::string_view v = list.substr(0, end);
    if (!v.empty()) c->Add(v, n);
    if (end == std::string_view::npos) break;
    list.remove_prefix(end + 1);
  }
}

int64_t FloorMod(int64_t a, int64_t b) {
  const int64_t m = a % b;
  return m < 0 ? m + b : m;
}

enum class Interval { kDay, kWeek, kMonth, kYear };

int64_t BucketStart(int64_t day, Interval interval) {
  switch (interval) {
    case Interval::kDay:
      return day;
    case Interval::kWeek:
      return day - FloorMod(day + 3, 7);  // Monday; 1970-01-01 was a Thursday
    case Interval::kMonth:
    case Interval::kYear: {
      int64_t y;
      unsigned m, d;
      CivilFromDays(day, &y, &m, &d);
      return DaysFromCivil(y, interval == Interval::kYear ? 1 : m, 1);
    }
  }
  return day;
}

int64_t NextBucket(int64_t start, Interval interval) {
  switch (interval) {
    case Interval::kDay:
      return start + 1;
    case Interval::kWeek:
      return start + 7;
    case Interval::kMonth:
    case Interval::kYear: {
      int64_t y;
      unsigned m, d;
      CivilFromDays(start, &y, &m, &d);
      if (interval == Interval::kYear) return DaysFromCivil(y + 1, 1, 1);
      return m == 12 ? DaysFromCivil(y + 1, 1, 1) : DaysFromCivil(y, m + 1, 1);
    }
  }
  return start + 1;
}

}  // namespace

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

void Counter::Add(std::string_view key, int64_t n) {
  if (slots_.empty()) slots_.assign(32, 0);
  const size_t h = std::hash<std::string_view>{}(key);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const uint32_t s = slots_[i];
    if (s == 0) {
      items_.push_back(FacetCount{std::string(key), n});
      hashes_.push_back(h);
      slots_[i] = static_cast<uint32_t>(items_.size());
      if (items_.size() * 2 > slots_.size()) Grow();
      return;
    }
    if (hashes_[s - 1] == h && items_[s - 1].value == key) {
      items_[s - 1].count += n;
      return;
    }
  }
}

void Counter::Grow() {
  slots_.assign(slots_.size() * 2, 0);
  const size_t mask = slots_.size() - 1;
  for (size_t k = 0; k < items_.size(); ++k) {
    size_t i = hashes_[k] & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = static_cast<uint32_t>(k + 1);
  }
}

std::vector<FacetCount> Counter::Top(size_t top) const {
  std::vector<FacetCount> out(items_);
  auto order = [](const FacetCount& a, const FacetCount& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  };
  if (out.size() > top) {
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(top), out.end(), order);
    out.resize(top);
  } else {
    std::sort(out.begin(), out.end(), order);
  }
  return out;
}

void FacetCounts::Add(std::string_view packed, int64_t n) {
  FacetRecord r;
  if (!UnpackFacets(packed, &r)) return;
  seen_ += n;
  if (!r.platform.empty()) platform_.Add(r.platform, n);
  if (!r.source.empty()) source_.Add(r.source, n);
  if (!r.language.empty()) language_.Add(r.language, n);
  AddList(r.tags, n, &tag_);
  AddList(r.accounts, n, &account_);
  if (r.has_day) AddDay(r.day, n);
}

void FacetCounts::AddValue(int facet, std::string_view value, int64_t n) {
  Counter* counters[] = {&platform_, &source_, &language_, &tag_, &account_};
  if (facet >= 0 && facet < FacetTable::kFacets && !value.empty()) counters[facet]->Add(value, n);
}

void FacetCounts::Merge(const FacetCounts& other) {
  Counter* mine[] = {&platform_, &source_, &language_, &tag_, &account_};
  const Counter* theirs[] = {&other.platform_, &other.source_, &other.language_, &other.tag_,
                             &other.account_};
  for (size_t f = 0; f < 5; ++f) {
    for (const FacetCount& c : theirs[f]->items()) mine[f]->Add(c.value, c.count);
  }
  for (size_t i = 0; i < other.days_.size(); ++i) {
    if (other.days_[i] != 0) AddDay(other.first_day_ + static_cast<int32_t>(i), other.days_[i]);
  }
  for (const auto& [day, n] : other.far_) AddDay(day, n);
  seen_ += other.seen_;
}

void FacetCounts::AddDay(int32_t day, int64_t n) {
  if (days_.empty()) {
    first_day_ = day;
    days_.assign(1, 0);
  }
  const int64_t last = first_day_ + static_cast<int64_t>(days_.size()) - 1;
  if (day < first_day_) {
    if (last - day > kMaxDaySpan) {
      far_.emplace_back(day, n);
      return;
    }
    const int32_t new_first = static_cast<int32_t>(std::max<int64_t>(day - 64, last - kMaxDaySpan));
    days_.insert(days_.begin(), static_cast<size_t>(first_day_ - new_first), 0);
    first_day_ = new_first;
  } else if (day > last) {
    if (day - first_day_ > kMaxDaySpan) {
      far_.emplace_back(day, n);
      return;
    }
    const int64_t new_last = std::min<int64_t>(day + 64, first_day_ + kMaxDaySpan);
    days_.resize(static_cast<size_t>(new_last - first_day_ + 1), 0);
  }
  days_[static_cast<size_t>(day - first_day_)] += n;
}

void FacetCounts::Fill(size_t top, SearchResult* out) const {
  out->facets["platform"] = platform_.Top(top);
  out->facets["source"] = source_.Top(top);
  out->facets["language"] = language_.Top(top);
  out->facets["tag"] = tag_.Top(top);
  out->facets["account"] = account_.Top(top);

  std::map<int64_t, int64_t> per_day;
  for (size_t i = 0; i < days_.size(); ++i) {
    if (days_[i] != 0) per_day[first_day_ + static_cast<int64_t>(i)] += days_[i];
  }
  for (const auto& [day, n] : far_) per_day[day] += n;
  out->histogram.clear();
  out->histogram_interval = "day";
  if (per_day.empty()) return;
  const int64_t span = per_day.rbegin()->first - per_day.begin()->first;
  Interval interval = Interval::kDay;
  if (span > 3653) {
    interval = Interval::kYear, out->histogram_interval = "year";
  } else if (span > 366) {
    interval = Interval::kMonth, out->histogram_interval = "month";
  } else if (span > 61) {
    interval = Interval::kWeek, out->histogram_interval = "week";
  }
  std::vector<std::pair<int64_t, int64_t>> buckets;
  for (const auto& [day, n] : per_day) {
    const int64_t start = BucketStart(day, interval);
    if (!buckets.empty() && buckets.back().first == start) {
      buckets.back().second += n;
    } else {
      buckets.emplace_back(start, n);
    }
  }
  size_t slots = 1;
  for (int64_t s = buckets.front().first; s < buckets.back().first && slots <= kMaxFilledBuckets;
       s = NextBucket(s, interval)) {
    ++slots;
  }
  const bool fill = slots <= kMaxFilledBuckets;
  size_t k = 0;
  for (int64_t s = buckets.front().first; k < buckets.size();) {
    if (buckets[k].first == s) {
      out->histogram.push_back(HistogramBucket{s * 86400, buckets[k].second});
      ++k;
      if (k < buckets.size()) s = fill ? NextBucket(s, interval) : buckets[k].first;
    } else {
      out->histogram.push_back(HistogramBucket{s * 86400, 0});
      s = NextBucket(s, interval);
    }
  }
}

FacetSpy::FacetSpy(int64_t limit, std::vector<std::shared_ptr<const FacetTable>> tables)
    : limit_(limit), tables_(std::move(tables)), pending_(tables_.size()) {
  for (auto& per_sub : by_id_) per_sub.resize(tables_.size());
}

void FacetSpy::operator()(const Xapian::Document& doc, double) {
  if (seen_ >= limit_) return;
  ++seen_;
  if (!tables_.empty()) {
    const Xapian::docid did = doc.get_docid();  // in its shard
    const size_t k = static_cast<size_t>(ShardOf(PostIdOf(did), static_cast<int>(tables_.size())));
    const FacetTable* table = tables_[k].get();
    if (table != nullptr && table->Find(did) != nullptr) {  // Find reads a bitmap, not the record
      pending_[k].push_back(did);
      return;
    }
  }
  counts_.Add(doc.get_value(kSlotFacets), 1);
}

void FacetSpy::Count(size_t k, const FacetTable& table, const FacetTable::Record& r) {
  auto bump = [this, k](int facet, uint32_t id) {
    std::vector<int64_t>& c = by_id_[facet][k];
    if (id >= c.size()) c.resize(id + 64, 0);
    ++c[id];
  };
  if (r.platform != FacetTable::kNone) bump(FacetTable::kPlatform, r.platform);
  if (r.source != FacetTable::kNone) bump(FacetTable::kSource, r.source);
  if (r.language != FacetTable::kNone) bump(FacetTable::kLanguage, r.language);
  const uint32_t* ids = table.ListIds(r);
  for (unsigned i = 0; i < r.tags; ++i) bump(FacetTable::kTag, ids[i]);
  for (unsigned i = 0; i < r.accounts; ++i) bump(FacetTable::kAccount, ids[r.tags + i]);
  if (r.day != FacetTable::kNoDay) counts_.AddDay(r.day, 1);
  counts_.AddSeen(1);
}

std::string DateSortKey::operator()(const Xapian::Document& doc) const {
  if (!tables_.empty()) {
    const Xapian::docid did = doc.get_docid();  // in its shard
    const FacetTable* table =
        tables_[static_cast<size_t>(ShardOf(PostIdOf(did), static_cast<int>(tables_.size())))].get();
    const FacetTable::Record* r = table != nullptr ? table->Find(did) : nullptr;
    if (r != nullptr) {
      std::string key(kDateKeyBytes, '\0');
      const uint64_t date_key = table->DateKey(did);
      for (size_t i = 0; i < kDateKeyBytes; ++i) key[i] = static_cast<char>(date_key >> (56 - 8 * i));
      return key;
    }
  }
  std::string v = doc.get_value(kSlotFacets);
  v.resize(std::min(v.size(), kDateKeyBytes));
  return v;
}

const FacetCounts& FacetSpy::Finish() {
  constexpr size_t kAhead = 16;  // look-ups in flight
  for (size_t k = 0; k < pending_.size(); ++k) {
    const std::vector<Xapian::docid>& dids = pending_[k];
    if (dids.empty()) continue;
    const FacetTable& table = *tables_[k];
    for (size_t i = 0; i < dids.size(); ++i) {
      if (i + kAhead < dids.size()) __builtin_prefetch(table.Address(dids[i + kAhead]));
      Count(k, table, *table.Address(dids[i]));  // found when it was kept
    }
    pending_[k].clear();
  }
  for (int f = 0; f < FacetTable::kFacets; ++f) {
    for (size_t k = 0; k < tables_.size(); ++k) {
      const std::vector<int64_t>& c = by_id_[f][k];
      if (c.empty() || !tables_[k]) continue;
      const std::vector<std::string>& names = tables_[k]->names(static_cast<FacetTable::Facet>(f));
      for (size_t id = 0; id < c.size() && id < names.size(); ++id) {
        if (c[id] != 0) counts_.AddValue(f, names[id], c[id]);
      }
    }
    for (auto& c : by_id_[f]) c.clear();
  }
  return counts_;
}

}  // namespace scrm::index::internal
