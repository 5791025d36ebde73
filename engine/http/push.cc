#include "http/push.h"

#include <sstream>

#include <nlohmann/json.hpp>

#include "http/crypto.h"
#include "http/errors.h"
#include "ingest/pipeline.h"
#include "store/source_repository.h"

namespace scrm::http {

std::string PushSignature(const std::string& secret, const std::string& body) {
  return "sha256=" + HmacSha256Hex(secret, body);
}

Status VerifyBodySignature(const Request& request, const std::string& secret,
                           const std::string& whose) {
  const std::string sent = request.Header("x-scrm-signature");
  if (sent.empty()) {
    return Status::Unauthenticated("missing X-Scrm-Signature: sha256=HEX, the HMAC-SHA256 of the body "
                                   "under " + whose);
  }
  if (!ConstantTimeEquals(sent, PushSignature(secret, request.body))) {
    return Status::Unauthenticated("X-Scrm-Signature does not match the body: sign the exact bytes "
                                   "sent with " + whose + " (HMAC-SHA256, lower-case hex)");
  }
  return Status::Ok();
}

Response HandlePush(store::Pool* pool, const Request& request) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  const std::string name = request.Param("source");
  std::optional<Source> source = store::SourceRepository(*pool).Get(name);
  if (!source) return ErrorResponse(Status::NotFound("no source named '" + name + "'"));
  if (source->push_secret.empty()) {
    return ErrorResponse(Status::Forbidden(
        "source '" + name + "' accepts no pushes: give it a secret (scrm sources add ... --secret)"));
  }
  if (Status s = VerifyBodySignature(request, source->push_secret, "the source's secret");
      !s.ok()) {
    return ErrorResponse(s);
  }

  nlohmann::json results = nlohmann::json::array();
  ingest::IngestOptions options;
  options.file_name = "push:" + name;
  options.writers = 1;
  options.on_record = [&results](int64_t record, const Status& outcome) {
    if (outcome.ok()) {
      results.push_back({{"index", record}, {"status", "accepted"}});
    } else {
      results.push_back({{"index", record}, {"status", "rejected"}, {"error", outcome.message()}});
    }
  };
  std::istringstream in(request.body);
  Result<ingest::IngestSummary> summary = ingest::Ingest(*pool, *source, in, options);
  if (!summary.ok()) {
    store::SourceRepository(*pool).RecordFailure(source->id, summary.status().message());
    return ErrorResponse(Status::InvalidArgument(summary.status().message(), "body"));
  }
  const ingest::IngestSummary& s = *summary;
  store::SourceRepository(*pool).RecordSuccess(
      source->id, s.posts_new + s.posts_updated + s.profiles_new + s.profiles_updated,
      source->etag, source->last_modified);
  nlohmann::json out = s.ToJson();
  out["results"] = std::move(results);
  return Response::Json(out, 200);
}

}  // namespace scrm::http
