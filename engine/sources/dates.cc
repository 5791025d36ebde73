#include "sources/dates.h"

#include <cctype>
#include <string>

namespace scrm::sources {
namespace {

struct Cursor {
  std::string_view s;
  size_t i = 0;

  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  void SkipSpace() {
    while (!done() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
  }
  // Exactly n digits (n > 0) or, with n == 0, one or more.
  bool Digits(int n, int64_t& value) {
    size_t start = i;
    value = 0;
    while (!done() && std::isdigit(static_cast<unsigned char>(s[i])) &&
           (n == 0 || static_cast<int>(i - start) < n)) {
      if (i - start < 18) value = value * 10 + (s[i] - '0');
      ++i;
    }
    if (i == start || (n > 0 && static_cast<int>(i - start) != n)) {
      i = start;
      return false;
    }
    return true;
  }
  bool Eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  std::string Word() {
    std::string w;
    while (!done() && std::isalpha(static_cast<unsigned char>(s[i]))) {
      w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(s[i]))));
      ++i;
    }
    return w;
  }
};

bool ValidCivil(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t sec) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1]) return false;
  if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
  return h >= 0 && h <= 24 && mi >= 0 && mi <= 59 && sec >= 0 && sec <= 60;
}

// "Z", "+02:00", "+0200", "+02"; false when none is there.
bool ParseNumericZone(Cursor& c, int64_t& offset_seconds) {
  if (c.peek() == 'Z' || c.peek() == 'z') {
    ++c.i;
    offset_seconds = 0;
    return true;
  }
  if (c.peek() != '+' && c.peek() != '-') return false;
  int sign = c.peek() == '-' ? -1 : 1;
  ++c.i;
  int64_t hh = 0, mm = 0;
  if (!c.Digits(2, hh)) return false;
  if (c.Eat(':')) {
    if (!c.Digits(2, mm)) return false;
  } else {
    c.Digits(2, mm);  // optional
  }
  if (hh > 23 || mm > 59) return false;
  offset_seconds = sign * (hh * 3600 + mm * 60);
  return true;
}

std::optional<int64_t> ParseIsoLike(std::string_view s, bool lenient) {
  Cursor c{s};
  c.SkipSpace();
  int64_t y = 0, mo = 1, d = 1, h = 0, mi = 0, sec = 0;
  if (!c.Digits(4, y)) return std::nullopt;
  bool has_time = false;
  if (c.Eat('-')) {
    if (!c.Digits(2, mo)) return std::nullopt;
    if (c.Eat('-')) {
      if (!c.Digits(2, d)) return std::nullopt;
      char sep = c.peek();
      if (sep == 'T' || sep == 't' || (sep == ' ' && c.i + 1 < s.size() &&
                                        std::isdigit(static_cast<unsigned char>(s[c.i + 1])))) {
        ++c.i;
        has_time = true;
      }
    } else if (!lenient) {
      return std::nullopt;
    }
  } else if (!lenient) {
    return std::nullopt;
  }
  int64_t offset = 0;
  if (has_time) {
    if (!c.Digits(2, h) || !c.Eat(':') || !c.Digits(2, mi)) return std::nullopt;
    if (c.Eat(':')) {
      if (!c.Digits(2, sec)) return std::nullopt;
      if (c.Eat('.') || c.Eat(',')) {
        int64_t frac = 0;
        if (!c.Digits(0, frac)) return std::nullopt;
      }
    } else if (!lenient) {
      return std::nullopt;
    }
    c.SkipSpace();
    if (!ParseNumericZone(c, offset)) {
      if (!lenient) return std::nullopt;
      std::string w = c.Word();
      if (!w.empty() && w != "utc" && w != "gmt") return std::nullopt;
    }
  } else if (!lenient) {
    return std::nullopt;
  }
  c.SkipSpace();
  if (!c.done()) return std::nullopt;
  if (!ValidCivil(y, mo, d, h, mi, sec)) return std::nullopt;
  return UnixSecondsFromCivil(y, static_cast<int>(mo), static_cast<int>(d), static_cast<int>(h),
                              static_cast<int>(mi), static_cast<int>(sec)) -
         offset;
}

int MonthFromName(const std::string& w) {
  static const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                  "jul", "aug", "sep", "oct", "nov", "dec"};
  if (w.size() < 3) return 0;
  for (int m = 0; m < 12; ++m) {
    if (w.compare(0, 3, kMonths[m]) == 0) return m + 1;
  }
  return 0;
}

// Named zones, in hours east of UTC (x 60 for the half-hour ones).
bool NamedZoneMinutes(const std::string& w, int64_t& minutes) {
  struct Zone {
    const char* name;
    int minutes;
  };
  static const Zone kZones[] = {
      {"ut", 0},        {"utc", 0},       {"gmt", 0},       {"z", 0},          {"est", -300},
      {"edt", -240},    {"cst", -360},    {"cdt", -300},    {"mst", -420},     {"mdt", -360},
      {"pst", -480},    {"pdt", -420},    {"akst", -540},   {"akdt", -480},    {"hst", -600},
      {"ast", -240},    {"adt", -180},    {"nst", -210},    {"ndt", -150},     {"wet", 0},
      {"west", 60},     {"bst", 60},      {"ist", 330},     {"cet", 60},       {"cest", 120},
      {"met", 60},      {"mest", 120},    {"eet", 120},     {"eest", 180},     {"msk", 180},
      {"jst", 540},     {"kst", 540},     {"hkt", 480},     {"sgt", 480},      {"awst", 480},
      {"acst", 570},    {"aest", 600},    {"aedt", 660},    {"nzst", 720},     {"nzdt", 780},
  };
  for (const auto& z : kZones) {
    if (w == z.name) {
      minutes = z.minutes;
      return true;
    }
  }
  // Military single letters (RFC 822 got their signs backwards; RFC 1123
  // says to read them as UTC unless known, which is what we do).
  if (w.size() == 1 && w[0] >= 'a' && w[0] <= 'z' && w[0] != 'j') {
    minutes = 0;
    return true;
  }
  return false;
}

}  // namespace

int64_t UnixSecondsFromCivil(int64_t y, int m, int d, int hh, int mm, int ss) {
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = era * 146097 + doe - 719468;
  return days * 86400 + hh * 3600 + mm * 60 + ss;
}

std::optional<int64_t> ParseRfc3339(std::string_view s) { return ParseIsoLike(s, false); }

std::optional<int64_t> ParseW3cDate(std::string_view s) { return ParseIsoLike(s, true); }

std::optional<int64_t> ParseRfc822(std::string_view s) {
  Cursor c{s};
  c.SkipSpace();
  // Optional weekday, with or without its comma ("Thu, ", "Thursday ").
  if (std::isalpha(static_cast<unsigned char>(c.peek()))) {
    size_t save = c.i;
    std::string w = c.Word();
    static const char* kWeekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    bool weekday = false;
    for (const char* d : kWeekdays) weekday = weekday || (w.size() >= 3 && w.compare(0, 3, d) == 0);
    if (weekday) {
      c.Eat(',');
      c.Eat('.');
      c.SkipSpace();
    } else {
      c.i = save;  // "Jan 02 2006 ...": month first
    }
  }
  int64_t day = 0, year = 0, h = 0, mi = 0, sec = 0;
  int month = 0;
  if (std::isdigit(static_cast<unsigned char>(c.peek()))) {
    if (!c.Digits(0, day)) return std::nullopt;
    c.SkipSpace();
    c.Eat('-');
    month = MonthFromName(c.Word());
    c.Eat('.');
    c.Eat('-');
    c.SkipSpace();
  } else {
    month = MonthFromName(c.Word());
    c.SkipSpace();
    if (!c.Digits(0, day)) return std::nullopt;
    c.Eat(',');
    c.SkipSpace();
  }
  if (month == 0) return std::nullopt;
  size_t year_start = c.i;
  if (!c.Digits(0, year)) return std::nullopt;
  size_t year_digits = c.i - year_start;
  if (year_digits == 2) {
    year += year < 50 ? 2000 : 1900;
  } else if (year_digits != 4) {
    return std::nullopt;
  }
  c.SkipSpace();
  int64_t offset = 0;
  if (std::isdigit(static_cast<unsigned char>(c.peek()))) {
    if (!c.Digits(0, h) || !c.Eat(':') || !c.Digits(2, mi)) return std::nullopt;
    if (c.Eat(':') && !c.Digits(2, sec)) return std::nullopt;
    if (c.Eat('.')) {
      int64_t frac = 0;
      c.Digits(0, frac);
    }
    c.SkipSpace();
    if (!ParseNumericZone(c, offset)) {
      std::string w = c.Word();
      int64_t minutes = 0;
      if (!w.empty()) {
        if (!NamedZoneMinutes(w, minutes)) return std::nullopt;
        offset = minutes * 60;
        c.SkipSpace();
        // "GMT+2", "UTC-05:00".
        int64_t extra = 0;
        if (ParseNumericZone(c, extra)) offset += extra;
      }
    }
  }
  c.SkipSpace();
  // Trailing "(PST)" comments are allowed.
  if (c.Eat('(')) {
    while (!c.done() && c.peek() != ')') ++c.i;
    c.Eat(')');
    c.SkipSpace();
  }
  if (!c.done()) return std::nullopt;
  if (!ValidCivil(year, month, day, h, mi, sec)) return std::nullopt;
  return UnixSecondsFromCivil(year, month, static_cast<int>(day), static_cast<int>(h),
                              static_cast<int>(mi), static_cast<int>(sec)) -
         offset;
}

std::optional<int64_t> ParseFeedDate(std::string_view s) {
  if (auto t = ParseRfc822(s)) return t;
  return ParseW3cDate(s);
}

}  // namespace scrm::sources
