// The sources as every front-end manages them (scrm sources, the admin's
// source forms, /api/v1/admin/sources): list, read, add, change, remove,
// and poll a url source now. Settings are checked by ApplySourceSettings()
// (core/source.h); a push secret is sealed with the key of secrets.key_file
// (service/push_secrets.h) before it is stored and is never given back
// (SourceJson says only whether one is set); each change is written to the
// security log with `by` (source_added, source_changed, source_removed);
// a change of visibility queues the source's posts for the index, whose
// documents carry it. Thread-safe; database failures throw store::DbError.
#ifndef SCRM_SERVICE_SOURCES_H_
#define SCRM_SERVICE_SOURCES_H_

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/source.h"
#include "core/status.h"
#include "ingest/pipeline.h"
#include "ingest/poller.h"
#include "store/audit_repository.h"
#include "store/pool.h"

namespace scrm::service {

// What an add or a change sets: the settings given (nullopt keeps the
// source's, or the default when adding) and the push secret in clear
// ("" removes it; nullopt keeps it).
struct SourceEdit {
  SourceSettings settings;
  std::optional<std::string> push_secret;
};

// Where sources are kept, and how their push secrets are sealed.
struct SourcesOptions {
  // secrets.key_file: the key that seals push secrets (created when first
  // needed). Empty: this front-end cannot seal, and a secret is refused.
  std::string key_file;
};

std::vector<Source> ListSources(store::Pool& pool);

// NotFound (reason source_unknown) when no source has this name.
Result<Source> GetSource(store::Pool& pool, const std::string& name);

// Adds source `name`. InvalidArgument naming the field (Source's member
// names; "push_secret" for the secret, with the sealing's message), the
// key file's error when it cannot seal (unreadable, too open...), Conflict
// when the name is taken.
Result<Source> AddSource(store::Pool& pool, const SourcesOptions& options, const std::string& name,
                         const SourceEdit& edit, const store::AuditBy& by);

// Changes the settings given of source `name`: NotFound as GetSource, and
// InvalidArgument (field "type") when a type is given (it cannot change:
// remove the source and add it again), else as AddSource. The source as stored.
Result<Source> ChangeSource(store::Pool& pool, const SourcesOptions& options,
                            const std::string& name, const SourceEdit& edit,
                            const store::AuditBy& by);

// NotFound as GetSource. Its posts, profiles and rejects stay.
Status RemoveSource(store::Pool& pool, const std::string& name, const store::AuditBy& by);

// Fetches url source `name` now and ingests what changed (ingest::Poller::
// PollNow and its errors); Unavailable when `poller` is null (no poller
// runs in this process).
Result<ingest::IngestSummary> PollSource(ingest::Poller* poller, const std::string& name);

// A source as the CLI's --json and the admin API answer it: its settings,
// "push_secret": "(set)" or "" (never the secret), and its health.
nlohmann::json SourceJson(const Source& source);

}  // namespace scrm::service

#endif  // SCRM_SERVICE_SOURCES_H_
