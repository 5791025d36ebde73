// Sealing secrets the engine must be able to read back (a push secret is an
// HMAC key: verifying a signature needs it): AES-256-GCM under the key of
// key_file.h, with a random 96-bit nonce per value and associated data that
// binds the value to where it is stored, so a value copied to another row
// does not open. The stored text, versioned so the scheme can change:
//   enc:v1:<base64url, unpadded: 12-byte nonce | ciphertext | 16-byte tag>
// Pure: no I/O but the random nonce. docs/security.md.
#ifndef SCRM_SECRETS_SEAL_H_
#define SCRM_SECRETS_SEAL_H_

#include <string>

#include "core/status.h"
#include "secrets/key_file.h"

namespace scrm::secrets {

inline constexpr char kSealedPrefix[] = "enc:";      // any sealed value, any version
inline constexpr char kSealedV1Prefix[] = "enc:v1:";  // what Seal writes

// Whether a stored value is sealed (starts with "enc:"); values that are not
// are clear text from before sealing (scrm migrate seals them).
bool IsSealed(const std::string& stored);

// "enc:v1:..." of `clear` under `key`, bound to `associated` (not secret,
// not stored: the caller supplies the same text to Open).
std::string Seal(const Key& key, const std::string& clear, const std::string& associated);

// The clear value back. FailedPrecondition when it does not open: an
// unknown version, a damaged value, or a wrong key or associated data (GCM
// cannot tell those apart); the message names the key file, never the value.
Result<std::string> Open(const Key& key, const std::string& stored, const std::string& associated);

// The associated data of a source's push secret: the source's name, so a
// sealed value moved to another source's row is refused.
std::string PushSecretAssociatedData(const std::string& source_name);

}  // namespace scrm::secrets

#endif  // SCRM_SECRETS_SEAL_H_
