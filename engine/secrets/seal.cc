#include "secrets/seal.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <optional>
#include <stdexcept>

namespace scrm::secrets {

namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// RFC 4648 section 5, unpadded.
std::string Base64Url(const std::string& bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    if (rest == 2) out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

// nullopt on a character outside the alphabet, a dangling character, or
// stray bits in the last one (one spelling per byte string).
std::optional<std::string> FromBase64Url(const std::string& text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '-') v = 62;
    else if (c == '_') v = 63;
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* U(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* U(std::string& s) { return reinterpret_cast<unsigned char*>(&s[0]); }

}  // namespace

bool IsSealed(const std::string& stored) { return stored.rfind(kSealedPrefix, 0) == 0; }

std::string PushSecretAssociatedData(const std::string& source_name) {
  return "scrm_sources.push_secret:" + source_name;
}

std::string Seal(const Key& key, const std::string& clear, const std::string& associated) {
  // nonce | ciphertext | tag, in one buffer.
  std::string out(kNonceBytes + clear.size() + kTagBytes, '\0');
  if (RAND_bytes(U(out), static_cast<int>(kNonceBytes)) != 1) {
    throw std::runtime_error("no random bytes for a nonce (OpenSSL RAND_bytes failed)");
  }
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const bool ok =
      ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, U(key.bytes()), U(out)) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(associated), static_cast<int>(associated.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), U(out) + kNonceBytes, &len, U(clear), static_cast<int>(clear.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), U(out) + kNonceBytes + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          U(out) + kNonceBytes + clear.size()) == 1;
  if (!ok) throw std::runtime_error("AES-256-GCM encryption failed (OpenSSL)");
  return kSealedV1Prefix + Base64Url(out);
}

Result<std::string> Open(const Key& key, const std::string& stored, const std::string& associated) {
  const std::string v1 = kSealedV1Prefix;
  if (stored.rfind(v1, 0) != 0) {
    const size_t end = stored.find(':', sizeof kSealedPrefix - 1);
    return Status::FailedPrecondition(
        IsSealed(stored) ? "sealed with an unknown scheme '" + stored.substr(0, end + 1) +
                               "' (written by a newer scrm?); this one reads " + v1
                         : "not a sealed value (no enc: prefix)");
  }
  std::optional<std::string> raw = FromBase64Url(stored.substr(v1.size()));
  if (!raw || raw->size() < kNonceBytes + kTagBytes) {
    return Status::FailedPrecondition("the sealed value is damaged (not base64url of nonce, "
                                      "ciphertext and tag)");
  }
  const size_t n = raw->size() - kNonceBytes - kTagBytes;
  std::string clear(n, '\0');
  std::string tag = raw->substr(kNonceBytes + n);
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, U(key.bytes()), U(*raw)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(associated), static_cast<int>(associated.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), U(clear), &len, U(*raw) + kNonceBytes,
                        static_cast<int>(n)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, U(tag)) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), U(clear) + len, &len) == 1;
  if (!ok) {
    if (!clear.empty()) OPENSSL_cleanse(U(clear), clear.size());
    return Status::FailedPrecondition(
        "the sealed value does not open with key file " + key.origin() +
        ": it was sealed with another key, or the value or what it belongs to was altered");
  }
  return clear;
}

}  // namespace scrm::secrets
