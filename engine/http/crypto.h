// The few cryptographic helpers the server needs, on Poco's digest engines:
// HMAC-SHA256, a constant-time comparison and unpadded base64url.
#ifndef SCRM_HTTP_CRYPTO_H_
#define SCRM_HTTP_CRYPTO_H_

#include <optional>
#include <string>

namespace scrm::http {

// HMAC-SHA256(key, data): 32 raw bytes, or lower-case hex.
std::string HmacSha256(const std::string& key, const std::string& data);
std::string HmacSha256Hex(const std::string& key, const std::string& data);

// Constant-time comparison of two strings (length may leak, content not).
bool ConstantTimeEquals(const std::string& a, const std::string& b);

// RFC 4648 section 5 without padding; Decode: nullopt on any other character.
std::string Base64UrlEncode(const std::string& bytes);
std::optional<std::string> Base64UrlDecode(const std::string& text);

}  // namespace scrm::http

#endif  // SCRM_HTTP_CRYPTO_H_
