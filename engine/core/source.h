// Source: where conversations come from (a file, a URL polled on a
// schedule, pushes to the webhook, or terms listened for on an open network)
// and who may see what they bring (public, internal, or one named
// community). Stored in scrm_sources.
#ifndef SCRM_CORE_SOURCE_H_
#define SCRM_CORE_SOURCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace scrm {

struct Source {
  int64_t id = 0;
  std::string name;                // [a-z0-9][a-z0-9_.-]{0,63}
  std::string type = "file";       // file, url, push, listen; network (made by scrm follow)
  std::string format = "auto";     // auto or a format name (see KnownFormats())
  std::string location;            // file path, URL, or a listen source's terms (ListenTerms)
  int poll_interval_seconds = 0;   // url and listen sources: 0 means manual only
  std::string visibility = "internal";  // public, internal, community
  std::string community;           // the community's name when visibility is community
  // Push sources: the HMAC-SHA256 key as stored, sealed (enc:v1:..., see
  // secrets/seal.h; clear only in rows older versions wrote, until scrm
  // migrate). Never printed.
  std::string push_secret;
  int retention_days = 0;          // posts published longer ago are removed; 0 keeps them
  // Health, written by the engine.
  std::string etag;
  std::string last_modified;
  // A listen source's high-water marks (the network client's own JSON: the
  // newest post seen per term); "" before its first poll.
  std::string state;
  std::string last_run_at;
  std::string last_success_at;
  std::string last_error;
  int64_t items_total = 0;
};

// The format names that `--format` and sources accept besides "auto".
const std::vector<std::string>& KnownFormats();

// The terms of a listen source's location: comma-separated hashtags
// ("#suitecrm") and keywords ("open source crm"), trimmed, empty ones and
// repeats left out, in the order given.
std::vector<std::string> ListenTerms(const std::string& location);
inline constexpr size_t kMaxListenTerms = 20;
inline constexpr size_t kMaxListenTermBytes = 100;

// A listen term written "#tag@server" ("#suitecrm@mastodon.social",
// "#café@127.0.0.1:3000") is that hashtag on that fediverse server (its
// hashtag timeline); every other term is searched on Bluesky. `tag` is
// without its '#', `host` a host name or IPv4 address with its ":port" when
// given.
struct FediverseTag {
  std::string tag;
  std::string host;
};
// The term as a fediverse hashtag, or nullopt when it is not written as one.
std::optional<FediverseTag> FediverseTagOf(const std::string& term);

// OK, or InvalidArgument naming the field and the accepted values.
Status ValidateSource(const Source& source);

// The settings of a source as text, as `scrm sources add/set` and the admin
// page's form receive them; nullopt leaves the source's value as it is. The
// push secret is not here: it is set on Source directly, never echoed.
struct SourceSettings {
  std::optional<std::string> type, format, location, poll_interval_seconds, visibility,
      community, retention_days;
};

// Applies the settings given onto *source (the poll interval a number of
// seconds, 0 to 999999999; retention a number of days, 0 to 36500), then
// ValidateSource(). InvalidArgument naming the field (Source's member name:
// "poll_interval_seconds", "retention_days", "location"...) and the fix
// otherwise, and *source is then left partly changed.
Status ApplySourceSettings(const SourceSettings& settings, Source* source);

}  // namespace scrm

#endif  // SCRM_CORE_SOURCE_H_
