// Source: where conversations come from (a file, a URL polled on a
// schedule, or pushes to the webhook) and who may see what they bring
// (public, internal, or one named community). Stored in scrm_sources.
#ifndef SCRM_CORE_SOURCE_H_
#define SCRM_CORE_SOURCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace scrm {

struct Source {
  int64_t id = 0;
  std::string name;                // [a-z0-9][a-z0-9_.-]{0,63}
  std::string type = "file";       // file, url, push
  std::string format = "auto";     // auto or a format name (see KnownFormats())
  std::string location;            // file path or URL
  int poll_interval_seconds = 0;   // url sources: 0 means manual only
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
  std::string last_run_at;
  std::string last_success_at;
  std::string last_error;
  int64_t items_total = 0;
};

// The format names that `--format` and sources accept besides "auto".
const std::vector<std::string>& KnownFormats();

// OK, or InvalidArgument naming the field and the accepted values.
Status ValidateSource(const Source& source);

}  // namespace scrm

#endif  // SCRM_CORE_SOURCE_H_
