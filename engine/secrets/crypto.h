// The few cryptographic helpers the engine needs beside sealing, on Poco's
// digest engines: HMAC-SHA256 (tokens, push signatures), SHA-256 (API keys,
// sessions), random bytes, a constant-time comparison and unpadded base64url.
#ifndef SCRM_SECRETS_CRYPTO_H_
#define SCRM_SECRETS_CRYPTO_H_

#include <cstddef>
#include <optional>
#include <string>

namespace scrm::secrets {

// HMAC-SHA256(key, data): 32 raw bytes, or lower-case hex.
std::string HmacSha256(const std::string& key, const std::string& data);
std::string HmacSha256Hex(const std::string& key, const std::string& data);

// SHA-256(data) in lower-case hex.
std::string Sha256Hex(const std::string& data);

// n bytes from the system's random source (/dev/urandom), for keys and nonces.
std::string RandomBytes(size_t n);

// Constant-time comparison of two strings (length may leak, content not).
bool ConstantTimeEquals(const std::string& a, const std::string& b);

// RFC 4648 section 5 without padding; Decode: nullopt on any other character
// and on a non-canonical text (stray bits in the last character).
std::string Base64UrlEncode(const std::string& bytes);
std::optional<std::string> Base64UrlDecode(const std::string& text);

}  // namespace scrm::secrets

#endif  // SCRM_SECRETS_CRYPTO_H_
