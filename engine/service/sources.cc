#include "service/sources.h"

#include "core/reasons.h"
#include "service/push_secrets.h"
#include "store/index_queue_repository.h"
#include "store/source_repository.h"

namespace scrm::service {

namespace {

Status NoSource(const std::string& name) {
  return Status::NotFound("no source named '" + name +
                          "' (scrm sources list)")
      .WithReason(reason::kSourceUnknown, {{"name", name}});
}

// The edit applied onto *s: settings, then the secret sealed for storage.
Status Apply(const SourcesOptions& options, const SourceEdit& edit, Source* s) {
  if (Status st = ApplySourceSettings(edit.settings, s); !st.ok()) return st;
  if (!edit.push_secret) return Status::Ok();
  if (edit.push_secret->empty()) {
    s->push_secret.clear();
    return Status::Ok();
  }
  if (options.key_file.empty()) {
    return Status::InvalidArgument(
               "this engine cannot seal secrets; use scrm sources set NAME --secret", "push_secret")
        .WithReason(reason::kSecretNoSealing);
  }
  Result<std::string> sealed = SealPushSecret(options.key_file, s->name, *edit.push_secret);
  if (!sealed.ok() && sealed.status().code() == Status::Code::kInvalidArgument) {
    // Blamed on the secret, whatever the sealer called it (--secret).
    return Status::InvalidArgument(sealed.status().message(), "push_secret")
        .WithReason(sealed.status().reason(), sealed.status().reason_args());
  }
  if (!sealed.ok()) return sealed.status();  // the key file: its own message says the fix
  s->push_secret = *sealed;
  return Status::Ok();
}

}  // namespace

std::vector<Source> ListSources(store::Pool& pool) { return store::SourceRepository(pool).List(); }

Result<Source> GetSource(store::Pool& pool, const std::string& name) {
  std::optional<Source> s = store::SourceRepository(pool).Get(name);
  if (!s) return NoSource(name);
  return *s;
}

Result<Source> AddSource(store::Pool& pool, const SourcesOptions& options, const std::string& name,
                         const SourceEdit& edit, const store::AuditBy& by) {
  Source s;
  s.name = name;
  if (Status st = Apply(options, edit, &s); !st.ok()) return st;
  return store::SourceRepository(pool).Add(s, &by);
}

Result<Source> ChangeSource(store::Pool& pool, const SourcesOptions& options,
                            const std::string& name, const SourceEdit& edit,
                            const store::AuditBy& by) {
  store::SourceRepository repo(pool);
  const std::optional<Source> before = repo.Get(name);
  if (!before) return NoSource(name);
  if (edit.settings.type) {
    return Status::InvalidArgument(
        "a source's type cannot change; remove it and add it again", "type");
  }
  Source s = *before;
  if (Status st = Apply(options, edit, &s); !st.ok()) return st;
  if (Status st = repo.Update(s, &by); !st.ok()) return st;
  // Who may see the posts changed: their index documents must say so.
  if (before->visibility != s.visibility || before->community != s.community) {
    store::IndexQueueRepository(pool).EnqueueSource(s.id);
  }
  return s;
}

Status RemoveSource(store::Pool& pool, const std::string& name, const store::AuditBy& by) {
  return store::SourceRepository(pool).Remove(name, &by);
}

Result<ingest::IngestSummary> PollSource(ingest::Poller* poller, const std::string& name) {
  if (poller == nullptr) {
    return Status::Unavailable("url sources are not polled in this process (scrm serve polls them; "
                               "scrm sources poll NAME polls one)");
  }
  return poller->PollNow(name);
}

nlohmann::json SourceJson(const Source& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"type", s.type},
          {"format", s.format},
          {"location", s.location},
          {"poll_interval_seconds", s.poll_interval_seconds},
          {"visibility", s.visibility},
          {"community", s.community},
          {"push_secret", s.push_secret.empty() ? "" : "(set)"},
          {"retention_days", s.retention_days},
          {"health",
           {{"last_run_at", s.last_run_at},
            {"last_success_at", s.last_success_at},
            {"last_error", s.last_error},
            {"items_total", s.items_total}}}};
}

}  // namespace scrm::service
