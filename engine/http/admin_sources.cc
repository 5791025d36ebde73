#include "http/admin_sources.h"

#include <nlohmann/json.hpp>

#include "http/audit.h"
#include "http/errors.h"
#include "service/sources.h"

namespace scrm::http {

namespace {

Response NoDatabase() { return ErrorResponse(Status::Unavailable("no database configured")); }

// The edit a JSON body asks for: each setting a string (the numbers may be
// numbers), push_secret a string; "name" only when adding; anything else is
// refused, naming it.
Result<service::SourceEdit> EditOf(const Request& request, bool adding, std::string* name) {
  const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (!body.is_object()) {
    return Status::InvalidArgument(
        "body must be a JSON object of settings, e.g. {\"name\": \"forum\", \"type\": \"url\", "
        "\"location\": \"https://forum.example/feed\", \"visibility\": \"public\"}",
        "body");
  }
  service::SourceEdit edit;
  SourceSettings& s = edit.settings;
  const std::pair<const char*, std::optional<std::string>*> settings[] = {
      {"type", &s.type},
      {"format", &s.format},
      {"location", &s.location},
      {"poll_interval_seconds", &s.poll_interval_seconds},
      {"visibility", &s.visibility},
      {"community", &s.community},
      {"retention_days", &s.retention_days}};
  for (const auto& [key, value] : body.items()) {
    if (key == "name" && adding) {
      if (!value.is_string()) return Status::InvalidArgument("name must be a string", "name");
      *name = value.get<std::string>();
      continue;
    }
    if (key == "push_secret") {
      if (!value.is_string()) {
        return Status::InvalidArgument("push_secret must be a string (\"\" removes it)", "push_secret");
      }
      edit.push_secret = value.get<std::string>();
      continue;
    }
    std::optional<std::string>* target = nullptr;
    for (const auto& [setting, field] : settings) {
      if (key == setting) target = field;
    }
    if (target == nullptr) {
      return Status::InvalidArgument(
          "unknown setting '" + key + "': " + (adding ? "name, " : "") +
              "type, format, location, poll_interval_seconds, visibility, community, "
              "retention_days or push_secret",
          key);
    }
    if (value.is_string()) {
      *target = value.get<std::string>();
    } else if (value.is_number_integer()) {
      *target = std::to_string(value.get<int64_t>());
    } else {
      return Status::InvalidArgument(key + " must be a string or a whole number", key);
    }
  }
  if (adding && name->empty()) {
    return Status::InvalidArgument("name: the source's name is required", "name");
  }
  return edit;
}

}  // namespace

Response ListSourcesRoute(store::Pool* pool, const Request&) {
  if (pool == nullptr) return NoDatabase();
  nlohmann::json list = nlohmann::json::array();
  for (const Source& s : service::ListSources(*pool)) list.push_back(service::SourceJson(s));
  return Response::Json({{"sources", std::move(list)}});
}

Response GetSourceRoute(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return NoDatabase();
  Result<Source> s = service::GetSource(*pool, request.Param("name"));
  if (!s.ok()) return ErrorResponse(s.status());
  return Response::Json(service::SourceJson(*s));
}

Response AddSourceRoute(store::Pool* pool, const std::string& key_file, const Request& request) {
  if (pool == nullptr) return NoDatabase();
  std::string name;
  Result<service::SourceEdit> edit = EditOf(request, true, &name);
  if (!edit.ok()) return ErrorResponse(edit.status());
  Result<Source> added = service::AddSource(*pool, {key_file}, name, *edit, AuditByOf(request));
  if (!added.ok()) return ErrorResponse(added.status());
  return Response::Json(service::SourceJson(*added), 201);
}

Response ChangeSourceRoute(store::Pool* pool, const std::string& key_file, const Request& request) {
  if (pool == nullptr) return NoDatabase();
  std::string unused;
  Result<service::SourceEdit> edit = EditOf(request, false, &unused);
  if (!edit.ok()) return ErrorResponse(edit.status());
  Result<Source> changed =
      service::ChangeSource(*pool, {key_file}, request.Param("name"), *edit, AuditByOf(request));
  if (!changed.ok()) return ErrorResponse(changed.status());
  return Response::Json(service::SourceJson(*changed));
}

Response RemoveSourceRoute(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return NoDatabase();
  const std::string name = request.Param("name");
  if (Status s = service::RemoveSource(*pool, name, AuditByOf(request)); !s.ok()) {
    return ErrorResponse(s);
  }
  return Response::Json({{"removed", name}});
}

Response PollSourceRoute(ingest::Poller* poller, const Request& request) {
  Result<ingest::IngestSummary> s = service::PollSource(poller, request.Param("name"));
  if (!s.ok()) return ErrorResponse(s.status());
  return Response::Json(s->ToJson());
}

}  // namespace scrm::http
