#include "http/admin_privacy.h"

#include <nlohmann/json.hpp>

#include "core/customer.h"
#include "http/audit.h"
#include "http/errors.h"
#include "store/privacy_repository.h"

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
  const store::AuditBy actor = AuditByOf(request);
  store::PrivacyRepository repo(*pool);
  Result<store::EraseCounts> counts = Status::Internal("unset");
  if (has_profile) {
    const nlohmann::json& id = body["profile_id"];
    if (!id.is_number_integer() || id.get<int64_t>() <= 0) {
      return ErrorResponse(Status::InvalidArgument("must be a profile id (a positive integer)",
                                                   "profile_id"));
    }
    counts = repo.EraseProfile(id.get<int64_t>(), actor, dry.get<bool>());
  } else {
    const nlohmann::json& c = body["customer"];
    const std::string text = c.is_string() ? c.get<std::string>() : "";
    std::optional<std::pair<CrmModule, std::string>> ref = ParseCustomerRef(text);
    if (!ref) {
      return ErrorResponse(Status::InvalidArgument(
          "must be MODULE/ID: Contacts/ID, Leads/ID or Accounts/ID", "customer"));
    }
    counts = repo.EraseCustomer(CrmModuleName(ref->first), ref->second, actor, dry.get<bool>());
  }
  if (!counts.ok()) return ErrorResponse(counts.status());
  nlohmann::json out = counts->ToJson();
  out["dry_run"] = dry.get<bool>();
  return Response::Json(out);
}

}  // namespace scrm::http
