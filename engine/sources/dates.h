// Dates as the source formats write them, to UTC seconds since the epoch:
// RFC 3339 (ActivityStreams, Atom, JSON Feed) and RFC 822/1123 as RSS feeds
// really write it. Pure functions; nullopt means "not a date of that kind",
// never a guess.
#ifndef SCRM_SOURCES_DATES_H_
#define SCRM_SOURCES_DATES_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace scrm::sources {

// "2016-11-01T19:18:43Z", "2019-10-12T07:20:50.52+02:00": date, 'T' (or 't'
// or a space), time with seconds, optional fraction (dropped), and a zone
// ('Z' or ±HH:MM, also ±HHMM). Surrounding white space is ignored.
std::optional<int64_t> ParseRfc3339(std::string_view s);

// RFC 3339 plus the W3C-DTF shortcuts Atom 0.3 and Dublin Core use:
// "2003-12-13", "2003-12", "2003", "2003-12-13T18:30Z" (no seconds), and
// no zone (read as UTC).
std::optional<int64_t> ParseW3cDate(std::string_view s);

// RFC 822/1123 with the usual sloppiness: optional (or misspelled) weekday,
// full or abbreviated month names in any case, 2- or 4-digit years, missing
// seconds, zones as ±hhmm, ±hh:mm, UT/GMT/UTC/Z, US names (EST, PDT...),
// a few common others (CET, CEST, BST, IST, JST, AEST...) and military
// letters; a missing zone is read as UTC.
std::optional<int64_t> ParseRfc822(std::string_view s);

// What a feed's date element may hold: RFC 822, then W3C-DTF/RFC 3339.
std::optional<int64_t> ParseFeedDate(std::string_view s);

// Seconds since the epoch of a proleptic Gregorian UTC date and time; no
// range checks beyond those the callers make.
int64_t UnixSecondsFromCivil(int64_t year, int month, int day, int hour, int minute, int second);

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_DATES_H_
