#include "http/tls.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetSSL.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <sstream>
#include <vector>

namespace scrm::http {

namespace {

constexpr char kCertKey[] = "http.tls_cert_file";
constexpr char kKeyKey[] = "http.tls_key_file";

// How to make a pair that works, for the messages: on loopback a test or a
// trial needs nothing more.
constexpr char kSelfSigned[] =
    "for a trial or a test, make a self-signed pair with: openssl req -x509 -newkey rsa:2048 "
    "-nodes -days 365 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 "
    "-keyout key.pem -out cert.pem";

// Mozilla's "intermediate" TLS 1.2 list: ECDHE or DHE key exchange (forward
// secrecy) with AES-GCM or ChaCha20-Poly1305. TLS 1.3 keeps OpenSSL's own
// suites, all of which are of that kind.
constexpr char kCiphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// "http.tls_cert_file (SCRM_TLS_CERT_FILE) = '/etc/scrm/cert.pem'"
std::string Named(const char* key, const std::string& path) {
  const char* env = std::strcmp(key, kCertKey) == 0 ? "SCRM_TLS_CERT_FILE" : "SCRM_TLS_KEY_FILE";
  return std::string(key) + " (" + env + ") = '" + path + "'";
}

// OpenSSL's queued reasons, oldest first, and the queue emptied. They name
// what failed to parse, never the bytes.
std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += out.empty() ? "" : "; ";
    out += buf;
  }
  return out.empty() ? "no detail from OpenSSL" : out;
}

// Encrypted keys would make OpenSSL prompt on the terminal: refuse instead.
int NoPassphrase(char*, int, int, void*) { return -1; }

Status ReadFile(const char* key, const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return Status::InvalidArgument(
        "cannot read " + Named(key, path) + ": " + std::strerror(err) +
            " (give the path of a PEM file readable by the user scrm runs as; " + kSelfSigned + ")",
        key);
  }
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) {
    return Status::InvalidArgument("cannot read " + Named(key, path) + ": read error", key);
  }
  return Status::Ok();
}

BioPtr MemoryBio(const std::string& bytes) {
  return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

std::once_flag ssl_init;

}  // namespace

Result<Poco::Net::Context::Ptr> MakeServerContext(const TlsOptions& tls) {
  if (tls.cert_file.empty() || tls.key_file.empty()) {
    const bool cert = !tls.cert_file.empty();
    const char* set = cert ? kCertKey : kKeyKey;
    const char* missing = cert ? kKeyKey : kCertKey;
    return Status::InvalidArgument(
        std::string(set) + " is set but " + missing +
            " is not: TLS needs both, the PEM certificate and its private key. Set " + missing +
            (cert ? " (SCRM_TLS_KEY_FILE)" : " (SCRM_TLS_CERT_FILE)") + " as well, or unset " +
            set + " to serve plain HTTP (behind a TLS reverse proxy); " + kSelfSigned,
        missing);
  }
  std::string cert_pem, key_pem;
  if (Status s = ReadFile(kCertKey, tls.cert_file, &cert_pem); !s.ok()) return s;
  if (Status s = ReadFile(kKeyKey, tls.key_file, &key_pem); !s.ok()) return s;
  ERR_clear_error();

  // The certificate, then any intermediates after it.
  BioPtr cert_bio = MemoryBio(cert_pem);
  X509Ptr leaf(PEM_read_bio_X509(cert_bio.get(), nullptr, NoPassphrase, nullptr));
  if (!leaf) {
    return Status::InvalidArgument(
        Named(kCertKey, tls.cert_file) +
            " holds no PEM certificate (a block starting -----BEGIN CERTIFICATE-----): " +
            OpenSslErrors() + ". Give the server's certificate, then its intermediates; " +
            kSelfSigned,
        kCertKey);
  }
  std::vector<X509Ptr> chain;
  while (X509* next = PEM_read_bio_X509(cert_bio.get(), nullptr, NoPassphrase, nullptr)) {
    chain.emplace_back(next);
  }
  ERR_clear_error();  // the end of the file reads as "no start line"

  BioPtr key_bio = MemoryBio(key_pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, NoPassphrase, nullptr));
  // PKCS#8 ("BEGIN ENCRYPTED PRIVATE KEY") or legacy ("Proc-Type: 4,ENCRYPTED").
  const bool encrypted = key_pem.find("ENCRYPTED") != std::string::npos;
  // The key's bytes are done with: nothing of them may outlive the check.
  OPENSSL_cleanse(&key_pem[0], key_pem.size());
  if (!key) {
    const std::string why = OpenSslErrors();
    if (encrypted) {
      return Status::InvalidArgument(
          Named(kKeyKey, tls.key_file) +
              " is encrypted with a passphrase, which scrm serve cannot ask for: write it "
              "decrypted with `openssl pkey -in KEY -out KEY.plain`, readable by scrm's user only",
          kKeyKey);
    }
    return Status::InvalidArgument(
        Named(kKeyKey, tls.key_file) +
            " holds no PEM private key (a block starting -----BEGIN PRIVATE KEY-----): " + why +
            ". Give the private key the certificate was made with; " + kSelfSigned,
        kKeyKey);
  }
  if (X509_check_private_key(leaf.get(), key.get()) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument(
        Named(kKeyKey, tls.key_file) + " is not the private key of the certificate in " +
            Named(kCertKey, tls.cert_file) +
            ": give the key the certificate was made with (the outputs of `openssl x509 -noout "
            "-pubkey -in CERT` and `openssl pkey -pubout -in KEY` must be the same)",
        kKeyKey);
  }

  std::call_once(ssl_init, [] { Poco::Net::initializeSSL(); });
  try {
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // no client certificate
    params.loadDefaultCAs = false;
    params.cipherList = kCiphers;
    params.dhUse2048Bits = true;  // for the DHE suites: never a 1024-bit group
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    SSL_CTX* ssl = context->sslContext();
    bool ok = SSL_CTX_use_certificate(ssl, leaf.get()) == 1;
    for (const X509Ptr& c : chain) ok = ok && SSL_CTX_add1_chain_cert(ssl, c.get()) == 1;
    ok = ok && SSL_CTX_use_PrivateKey(ssl, key.get()) == 1 && SSL_CTX_check_private_key(ssl) == 1;
    if (!ok) {
      return Status::InvalidArgument(
          Named(kCertKey, tls.cert_file) + " with " + Named(kKeyKey, tls.key_file) +
              " cannot serve TLS: " + OpenSslErrors() +
              " (a key or signature too weak for OpenSSL's security level? use RSA 2048 bits or "
              "more, or ECDSA P-256; " + kSelfSigned + ")",
          kCertKey);
    }
    return context;
  } catch (const Poco::Exception& e) {
    ERR_clear_error();
    return Status::Internal("cannot set up TLS: " + e.displayText());
  }
}

struct ServerTls::Impl {
  TlsOptions options;
  Poco::Net::Context::Ptr context;
};

Poco::Net::Context::Ptr ContextOf(const ServerTls& tls) { return tls.impl().context; }

Result<std::shared_ptr<ServerTls>> ServerTls::Load(const TlsOptions& tls) {
  if (!tls.enabled()) {
    return Status::InvalidArgument("TLS needs http.tls_cert_file and http.tls_key_file",
                                   kCertKey);
  }
  Result<Poco::Net::Context::Ptr> context = MakeServerContext(tls);
  if (!context.ok()) return context.status();
  auto impl = std::make_unique<Impl>();
  impl->options = tls;
  impl->context = *context;
  return std::shared_ptr<ServerTls>(new ServerTls(std::move(impl)));
}

ServerTls::ServerTls(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ServerTls::~ServerTls() = default;

const TlsOptions& ServerTls::options() const { return impl_->options; }

Status CheckTls(const TlsOptions& tls) {
  if (!tls.enabled()) return Status::Ok();
  Result<std::shared_ptr<ServerTls>> loaded = ServerTls::Load(tls);
  return loaded.ok() ? Status::Ok() : loaded.status();
}

}  // namespace scrm::http
