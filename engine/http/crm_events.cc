#include "http/crm_events.h"

#include <nlohmann/json.hpp>

#include "core/customer.h"
#include "core/time.h"
#include "crm/crm_sync.h"
#include "http/errors.h"
#include "http/push.h"
#include "sources/dates.h"
#include "store/crm_event_repository.h"

namespace scrm::http {

namespace {

constexpr size_t kMaxIdLength = 36;  // SuiteCRM ids are char(36)

// The string member `name` of `body`, or InvalidArgument naming it.
Result<std::string> StringField(const nlohmann::json& body, const std::string& name,
                                const std::string& expected) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty()) {
    return Status::InvalidArgument("\"" + name + "\" is required: " + expected, name);
  }
  return it->get<std::string>();
}

}  // namespace

Response HandleCrmEvent(store::Pool* pool, const std::string& secret, const Request& request,
                        const std::function<void()>& changed) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  if (secret.empty()) {
    return ErrorResponse(Status::Forbidden(
        "this engine accepts no CRM events: set SCRM_SECRET (or `secret` in the config) to the "
        "secret shared with the CRM plugin"));
  }
  if (Status s = VerifyBodySignature(request, secret,
                                     "the secret shared with the CRM plugin (SCRM_SECRET)"); !s.ok()) {
    return ErrorResponse(s);
  }

  const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (!body.is_object()) {
    return ErrorResponse(Status::InvalidArgument(
        "the body must be a JSON object {\"module\",\"id\",\"event\",\"at\"}", "body"));
  }
  Result<std::string> module_name =
      StringField(body, "module", "one of Contacts, Leads, Accounts");
  if (!module_name.ok()) return ErrorResponse(module_name.status());
  std::optional<CrmModule> module = ParseCrmModule(*module_name);
  if (!module) {
    return ErrorResponse(Status::InvalidArgument(
        "\"module\" is '" + *module_name + "': expected Contacts, Leads or Accounts", "module"));
  }
  Result<std::string> id = StringField(body, "id", "the record's id in the CRM");
  if (!id.ok()) return ErrorResponse(id.status());
  if (id->size() > kMaxIdLength) {
    return ErrorResponse(Status::InvalidArgument(
        "\"id\" is longer than a SuiteCRM id (36 characters)", "id"));
  }
  Result<std::string> event = StringField(body, "event", "save, delete or restore");
  if (!event.ok()) return ErrorResponse(event.status());
  if (*event != "save" && *event != "delete" && *event != "restore") {
    return ErrorResponse(Status::InvalidArgument(
        "\"event\" is '" + *event + "': expected save, delete or restore", "event"));
  }
  Result<std::string> at = StringField(body, "at", "when it happened, RFC 3339");
  if (!at.ok()) return ErrorResponse(at.status());
  std::optional<int64_t> at_seconds = sources::ParseRfc3339(*at);
  if (!at_seconds) {
    return ErrorResponse(Status::InvalidArgument(
        "\"at\" is '" + *at + "': expected an RFC 3339 time such as 2026-11-22T10:00:00Z", "at"));
  }

  // Whatever the event says, the CRM's row is the truth: read it again.
  const crm::RecordOutcome outcome = crm::SyncRecord(*pool, *module, *id);
  store::CrmEvent stored;
  stored.module = CrmModuleName(*module);
  stored.crm_id = *id;
  stored.event = *event;
  stored.event_at = FormatSqlDateTime(*at_seconds);
  stored.outcome = crm::RecordOutcomeName(outcome);
  store::CrmEventRepository(*pool).Record(stored);
  if (changed) changed();
  return Response::Json({{"module", stored.module},
                         {"id", stored.crm_id},
                         {"event", stored.event},
                         {"outcome", stored.outcome}},
                        202);
}

}  // namespace scrm::http
