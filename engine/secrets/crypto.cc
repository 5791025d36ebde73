#include "secrets/crypto.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/HMACEngine.h>
#include <Poco/RandomStream.h>
#include <Poco/SHA2Engine.h>

#include <sstream>

namespace scrm::secrets {

namespace {
// Poco 1.11's SHA2Engine lacks the sizes HMACEngine asks of its engine.
class Sha256Engine : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

Poco::DigestEngine::Digest Hmac(const std::string& key, const std::string& data) {
  Poco::HMACEngine<Sha256Engine> hmac(key);
  hmac.update(data);
  return hmac.digest();
}
}  // namespace

std::string HmacSha256(const std::string& key, const std::string& data) {
  const Poco::DigestEngine::Digest d = Hmac(key, data);
  return std::string(d.begin(), d.end());
}

std::string HmacSha256Hex(const std::string& key, const std::string& data) {
  return Poco::DigestEngine::digestToHex(Hmac(key, data));
}

std::string Sha256Hex(const std::string& data) {
  Sha256Engine sha;
  sha.update(data);
  return Poco::DigestEngine::digestToHex(sha.digest());
}

std::string RandomBytes(size_t n) {
  Poco::RandomInputStream random;
  std::string bytes(n, '\0');
  random.read(&bytes[0], static_cast<std::streamsize>(n));
  return bytes;
}

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]);
  }
  return diff == 0;
}

std::string Base64UrlEncode(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  enc.rdbuf()->setLineLength(0);
  enc << bytes;
  enc.close();
  return out.str();
}

std::optional<std::string> Base64UrlDecode(const std::string& text) {
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return std::nullopt;
  }
  std::istringstream in(text);
  Poco::Base64Decoder dec(in, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  std::string out((std::istreambuf_iterator<char>(dec)), std::istreambuf_iterator<char>());
  if (dec.bad()) return std::nullopt;
  // One spelling per byte string: a last character with stray low bits (or a
  // dangling one) would let two texts decode to the same bytes.
  if (Base64UrlEncode(out) != text) return std::nullopt;
  return out;
}

}  // namespace scrm::secrets
