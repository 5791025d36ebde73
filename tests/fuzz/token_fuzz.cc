// The token verifier: the input as a whole token (format, base64url,
// signature), and as the claims of a correctly signed token (so the claims
// JSON is fuzzed past the signature check). Base64url must round-trip.
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "http/auth.h"
#include "secrets/crypto.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scrm;
  const std::string bytes(fuzz::View(data, size));
  const std::string secret = "fuzz-secret";
  const int64_t now = 1795000000;

  std::optional<std::string> decoded = secrets::Base64UrlDecode(bytes);
  if (decoded) (void)fuzz::Touch(*decoded);
  const std::string encoded = secrets::Base64UrlEncode(bytes);
  std::optional<std::string> round = secrets::Base64UrlDecode(encoded);
  SCRM_FUZZ_CHECK(round && *round == bytes);

  (void)http::VerifyToken(bytes, secret, now);

  const std::string signed_part = "v1." + encoded;
  const std::string token = signed_part + "." + secrets::Base64UrlEncode(secrets::HmacSha256(secret, signed_part));
  Result<http::Principal> p = http::VerifyToken(token, secret, now);
  if (p.ok()) {
    SCRM_FUZZ_CHECK(!p->user_id.empty());
    (void)http::ViewerOf(*p);
    // The same token under another secret never verifies.
    SCRM_FUZZ_CHECK(!http::VerifyToken(token, "other-secret", now).ok());
  }
  return 0;
}
