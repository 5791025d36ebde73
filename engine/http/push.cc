#include "http/push.h"

#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "secrets/crypto.h"
#include "http/errors.h"
#include "ingest/pipeline.h"
#include "secrets/seal.h"
#include "store/source_repository.h"

namespace scrm::http {

std::string PushSignature(const std::string& secret, const std::string& body) {
  return "sha256=" + secrets::HmacSha256Hex(secret, body);
}

Status VerifyBodySignature(const Request& request, const std::string& secret,
                           const std::string& whose) {
  const std::string sent = request.Header("x-scrm-signature");
  if (sent.empty()) {
    return Status::Unauthenticated("missing X-Scrm-Signature: sha256=HEX, the HMAC-SHA256 of the body "
                                   "under " + whose);
  }
  if (!secrets::ConstantTimeEquals(sent, PushSignature(secret, request.body))) {
    return Status::Unauthenticated("X-Scrm-Signature does not match the body: sign the exact bytes "
                                   "sent with " + whose + " (HMAC-SHA256, lower-case hex)");
  }
  return Status::Ok();
}

namespace {

// The clear secret of `source`, or 503 saying why it cannot be had.
Result<std::string> OpenPushSecret(const Source& source, secrets::CachedKeyFile* key_file) {
  if (!secrets::IsSealed(source.push_secret)) return source.push_secret;  // before scrm migrate
  const std::string refused = "source '" + source.name + "' cannot take pushes now: ";
  if (key_file == nullptr) {
    return Status::Unavailable(refused + "its secret is sealed and this server has no key file");
  }
  Result<secrets::Key> key = key_file->Get();
  if (!key.ok()) {
    std::cerr << "scrm http: push to source '" << source.name
              << "' refused, its secret cannot be opened: " << key.status().message() << std::endl;
    return Status::Unavailable(refused + "the key file that opens its secret is " +
                               (key.status().code() == Status::Code::kNotFound ? "missing"
                                                                               : "refused") +
                               " (secrets.key_file; the engine log says why)");
  }
  Result<std::string> clear =
      secrets::Open(*key, source.push_secret, secrets::PushSecretAssociatedData(source.name));
  if (!clear.ok()) {
    std::cerr << "scrm http: push to source '" << source.name
              << "' refused, its secret cannot be opened: " << clear.status().message()
              << "; set it again (scrm sources set " << source.name
              << " --secret) or restore the right key file" << std::endl;
    return Status::Unavailable(refused + "its secret does not open with the key file (the wrong "
                               "key, or an altered value; the engine log says more)");
  }
  return clear;
}

// The one answer to a push that does not prove it comes from a source that
// takes pushes: an unknown source, a source without a secret and a wrong or
// missing signature all look alike, so an outsider cannot list source names.
Status NotSignedForASource() {
  return Status::Unauthenticated(
      "the push is not signed for a source that takes pushes: POST to /api/v1/ingest/NAME of a "
      "source with a push secret, with X-Scrm-Signature: sha256=HEX, the HMAC-SHA256 "
      "(lower-case hex) of the exact body under that secret (an unknown source, a source without "
      "a secret and a wrong signature all answer this; `scrm sources show NAME` tells which)");
}

// What a push to an unknown source, or to one without a secret, is checked
// against: the same HMAC and comparison as a real source, so that the time
// taken does not tell them apart either. Random per process, never a key.
const std::string& DummySecret() {
  static const std::string secret = secrets::RandomBytes(32);
  return secret;
}

}  // namespace

Response HandlePush(store::Pool* pool, secrets::CachedKeyFile* key_file, const Request& request) {
  if (pool == nullptr) return ErrorResponse(Status::Unavailable("no database configured"));
  const std::string name = request.Param("source");
  std::optional<Source> source = store::SourceRepository(*pool).Get(name);
  const bool takes_pushes = source && !source->push_secret.empty();
  std::string secret = DummySecret();
  if (takes_pushes) {
    Result<std::string> opened = OpenPushSecret(*source, key_file);
    if (!opened.ok()) return ErrorResponse(opened.status());
    secret = std::move(*opened);
  }
  const bool signed_by_source =
      secrets::ConstantTimeEquals(request.Header("x-scrm-signature"), PushSignature(secret, request.body));
  if (!takes_pushes || !signed_by_source) return ErrorResponse(NotSignedForASource());

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
