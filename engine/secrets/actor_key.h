// The engine's ActivityPub actor key and HTTP Signatures made with it. The
// key is an RSA-2048 pair kept as a PEM private key in a file of its own
// (config `activitypub.key_file`), created once on demand (mode 0600,
// written atomically) and refused when group or others may read it. Servers
// that require signed fetches ("authorized fetch") verify our requests with
// the public half, which the engine serves in its actor document
// (GET /ap/actor). Signatures follow draft-cavage-http-signatures-12 as the
// fediverse uses it: rsa-sha256 over "(request-target) host date".
// An ActorKey is immutable and thread-safe.
#ifndef SCRM_SECRETS_ACTOR_KEY_H_
#define SCRM_SECRETS_ACTOR_KEY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace scrm::secrets {

class ActorKey {
 public:
  // Reads the key file, creating it first when it does not exist (*created
  // says so; may be null). FailedPrecondition names the file and the fix
  // when it is refused (not a regular file, a symbolic link, too open, not
  // an RSA private key in PEM).
  static Result<ActorKey> ReadOrCreate(const std::string& path, bool* created);

  // The public key as PEM (SubjectPublicKeyInfo, "-----BEGIN PUBLIC KEY-----").
  const std::string& public_pem() const { return public_pem_; }
  // RSASSA-PKCS1-v1_5 with SHA-256 over `data`, base64.
  std::string SignBase64(std::string_view data) const;

 private:
  struct Pkey;
  std::shared_ptr<Pkey> key_;
  std::string public_pem_;
};

// The headers that sign a GET of `target` ("/path?query") on `host` (with
// ":port" when not the default) at `now` (seconds since the epoch): Date
// (RFC 7231) and Signature (keyId, algorithm, headers, signature).
std::vector<std::pair<std::string, std::string>> SignedGetHeaders(const ActorKey& key,
                                                                  const std::string& key_id,
                                                                  const std::string& host,
                                                                  const std::string& target,
                                                                  int64_t now);

// The value of the parameter `name` ("keyId", "headers", "signature") of a
// Signature header as SignedGetHeaders writes it (name="value", comma
// separated); "" when absent. What a server reads of our requests.
std::string SignatureParam(std::string_view header, std::string_view name);

// Whether `signature_base64` is an rsa-sha256 signature of `data` by the
// key in `public_pem`: what a server does with our requests.
bool VerifyRsaSha256(const std::string& public_pem, std::string_view data,
                     const std::string& signature_base64);

}  // namespace scrm::secrets

#endif  // SCRM_SECRETS_ACTOR_KEY_H_
