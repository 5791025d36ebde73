// UTC timestamps as SuiteCRM stores them ("YYYY-MM-DD HH:MM:SS", no zone)
// and as seconds since the epoch. The engine works in UTC throughout.
#ifndef SCRM_CORE_TIME_H_
#define SCRM_CORE_TIME_H_

#include <cstdint>
#include <optional>
#include <string>

namespace scrm {

int64_t NowUnixSeconds();
double MonotonicSeconds();
// "2026-11-22 05:08:18" from seconds since the epoch.
std::string FormatSqlDateTime(int64_t unix_seconds);
// Seconds since the epoch from "YYYY-MM-DD HH:MM:SS" (UTC); nullopt when malformed.
std::optional<int64_t> ParseSqlDateTime(const std::string& s);
// "2026-11-22T10:00:00Z" of epoch seconds, as the API answers; "" for 0 (unknown).
std::string FormatIsoTime(int64_t t);

}  // namespace scrm

#endif  // SCRM_CORE_TIME_H_
