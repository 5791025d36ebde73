#include "secrets/actor_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "secrets/key_file.h"

namespace scrm::secrets {

struct ActorKey::Pkey {
  EVP_PKEY* pkey = nullptr;
  ~Pkey() { EVP_PKEY_free(pkey); }
};

namespace {

constexpr const char* kSetting = "activitypub.key_file (SCRM_ACTIVITYPUB_KEY_FILE)";
constexpr off_t kMaxPemBytes = 16 * 1024;

std::string Base64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&out[0]), data, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

std::string FromBio(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

// A new RSA-2048 private key as PEM (PKCS#8).
Result<std::string> NewPrivatePem() {
  EVP_PKEY* pkey = EVP_RSA_gen(2048);
  if (pkey == nullptr) return Status::Internal("cannot make an RSA key (OpenSSL EVP_RSA_gen failed)");
  BIO* bio = BIO_new(BIO_s_mem());
  bool ok = PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  std::string pem = ok ? FromBio(bio) : std::string();
  BIO_free(bio);
  EVP_PKEY_free(pkey);
  if (!ok) return Status::Internal("cannot write an RSA key as PEM (OpenSSL)");
  return pem;
}

// The file's bytes, once it is known to be a small regular file only its owner may use.
Result<std::string> ReadPrivate(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("actor key file " + path + " does not exist");
    return Status::FailedPrecondition("cannot open actor key file " + path + ": " +
                                      std::strerror(errno) + " (" + kSetting +
                                      " must name a regular file, not a symbolic link)");
  }
  struct stat st;
  std::string bytes;
  Status bad;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    bad = Status::FailedPrecondition("actor key file " + path + " is not a regular file: point " +
                                     kSetting + " at the PEM file");
  } else if ((st.st_mode & 077) != 0) {
    bad = Status::FailedPrecondition("actor key file " + path +
                                     " may be used by group or others: run chmod 600 " + path);
  } else if (st.st_size > kMaxPemBytes) {
    bad = Status::FailedPrecondition("actor key file " + path + " holds " +
                                     std::to_string(st.st_size) +
                                     " bytes, too many for an RSA private key in PEM");
  } else {
    bytes.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < bytes.size()) {
      ssize_t n = ::read(fd, &bytes[got], bytes.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    bytes.resize(got);
  }
  ::close(fd);
  if (!bad.ok()) return bad;
  return bytes;
}

}  // namespace

Result<ActorKey> ActorKey::ReadOrCreate(const std::string& path, bool* created) {
  if (created != nullptr) *created = false;
  Result<std::string> pem = ReadPrivate(path);
  if (!pem.ok() && pem.status().code() == Status::Code::kNotFound) {
    Result<std::string> fresh = NewPrivatePem();
    if (!fresh.ok()) return fresh.status();
    Status made = CreateSecretFile(path, *fresh, kSetting);
    if (!made.ok() && made.code() != Status::Code::kConflict) return made;
    if (made.ok() && created != nullptr) *created = true;
    pem = ReadPrivate(path);
  }
  if (!pem.ok()) return pem.status();
  BIO* in = BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  if (pkey == nullptr || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
    EVP_PKEY_free(pkey);
    return Status::FailedPrecondition("actor key file " + path +
                                      " is not an unencrypted RSA private key in PEM: remove it "
                                      "and scrm makes a new one (servers then see a new key)");
  }
  ActorKey key;
  key.key_ = std::make_shared<Pkey>();
  key.key_->pkey = pkey;
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(out, pkey);
  key.public_pem_ = FromBio(out);
  BIO_free(out);
  return key;
}

std::string ActorKey::SignBase64(std::string_view data) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  std::string sig;
  if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_->pkey) == 1 &&
      EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) == 1) {
    sig.resize(len);
    if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(&sig[0]), &len,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
      len = 0;
    }
    sig.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  return Base64(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
}

std::vector<std::pair<std::string, std::string>> SignedGetHeaders(const ActorKey& key,
                                                                  const std::string& key_id,
                                                                  const std::string& host,
                                                                  const std::string& target,
                                                                  int64_t now) {
  char date[64];
  std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  const std::string signed_text =
      "(request-target): get " + target + "\nhost: " + host + "\ndate: " + date;
  std::string signature = "keyId=\"" + key_id +
                          "\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date\","
                          "signature=\"" + key.SignBase64(signed_text) + "\"";
  return {{"Date", date}, {"Signature", signature}};
}

std::string SignatureParam(std::string_view header, std::string_view name) {
  size_t at = 0;
  while (at < header.size()) {
    size_t end = header.find(',', at);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(at, end - at);
    if (part.size() >= name.size() + 3 && part.substr(0, name.size()) == name &&
        part.substr(name.size(), 2) == "=\"" && part.back() == '"') {
      return std::string(part.substr(name.size() + 2, part.size() - name.size() - 3));
    }
    at = end + 1;
  }
  return "";
}

bool VerifyRsaSha256(const std::string& public_pem, std::string_view data,
                     const std::string& signature_base64) {
  BIO* in = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* pkey = PEM_read_bio_PUBKEY(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  if (pkey == nullptr) return false;
  std::string sig(signature_base64.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(&sig[0]),
                          reinterpret_cast<const unsigned char*>(signature_base64.data()),
                          static_cast<int>(signature_base64.size()));
  bool ok = false;
  if (n > 0) {
    size_t pad = 0;
    for (size_t i = signature_base64.size(); i > 0 && signature_base64[i - 1] == '='; --i) ++pad;
    sig.resize(static_cast<size_t>(n) - pad);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
         EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    EVP_MD_CTX_free(ctx);
  }
  EVP_PKEY_free(pkey);
  return ok;
}

}  // namespace scrm::secrets
