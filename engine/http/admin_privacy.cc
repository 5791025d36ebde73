#include "http/admin_privacy.h"

#include <nlohmann/json.hpp>

#include "core/customer.h"
#include "http/audit.h"
#include "http/errors.h"
#include "service/erasure.h"

namespace scrm::http {

Response HandleErase(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (!body.is_object()) {
    return ErrorResponse(Status::InvalidArgument(
        "the body must be a JSON object: {\"customer\": \"Contacts/ID\"} or {\"profile_id\": N}",
        "body"));
  }
  const bool has_customer = body.contains("customer"), has_profile = body.contains("profile_id");
  if (has_customer == has_profile) {
    return ErrorResponse(Status::InvalidArgument("give exactly one of customer or profile_id",
                                                 "customer"));
  }
  const nlohmann::json dry = body.value("dry_run", nlohmann::json(false));
  if (!dry.is_boolean()) return ErrorResponse(Status::InvalidArgument("must be true or false", "dry_run"));
  service::ErasureSubject subject;
  if (has_profile) {
    const nlohmann::json& id = body["profile_id"];
    if (!id.is_number_integer() || id.get<int64_t>() <= 0) {
      return ErrorResponse(Status::InvalidArgument("must be a profile id (a positive integer)",
                                                   "profile_id"));
    }
    subject.profile_id = id.get<int64_t>();
  } else {
    const nlohmann::json& c = body["customer"];
    subject.customer = ParseCustomerRef(c.is_string() ? c.get<std::string>() : "");
    if (!subject.customer) {
      return ErrorResponse(Status::InvalidArgument(
          "must be MODULE/ID: Contacts/ID, Leads/ID or Accounts/ID", "customer"));
    }
  }
  Result<store::EraseCounts> counts =
      service::Erase(*pool, subject, AuditByOf(request), dry.get<bool>());
  if (!counts.ok()) return ErrorResponse(counts.status());
  return Response::Json(service::ErasureJson(*counts, dry.get<bool>()));
}

}  // namespace scrm::http
