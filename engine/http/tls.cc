#include "http/tls.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetSSL.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
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
struct ChainFree {
  void operator()(STACK_OF(X509)* chain) const { sk_X509_pop_free(chain, X509_free); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using ChainPtr = std::unique_ptr<STACK_OF(X509), ChainFree>;

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

// A certificate, its intermediates and its private key, checked to belong
// together. Immutable once made: handshakes on any thread read it.
struct Pair {
  X509Ptr leaf;
  ChainPtr chain;  // the intermediates, in file order; may be empty
  PkeyPtr key;
  CertificateInfo info;
};

std::string MemoryText(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return n > 0 && data != nullptr ? std::string(data, static_cast<size_t>(n)) : std::string();
}

CertificateInfo Describe(X509* cert) {
  CertificateInfo info;
  BioPtr subject(BIO_new(BIO_s_mem()));
  if (subject && X509_NAME_print_ex(subject.get(), X509_get_subject_name(cert), 0,
                                    XN_FLAG_RFC2253) >= 0) {
    info.subject = MemoryText(subject.get());
  }
  if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)) {
    if (char* hex = BN_bn2hex(bn)) {
      info.serial = hex;
      OPENSSL_free(hex);
    }
    BN_free(bn);
  }
  struct tm tm = {};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1) {
    info.not_after = static_cast<int64_t>(timegm(&tm));
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    info.not_after_text = text;
  }
  ERR_clear_error();
  return info;
}

// Reads and checks both files: the certificate (then any intermediates) and
// the private key that belongs to it.
Result<std::shared_ptr<const Pair>> ReadPair(const TlsOptions& tls) {
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

  auto pair = std::make_shared<Pair>();
  // The certificate, then any intermediates after it.
  BioPtr cert_bio = MemoryBio(cert_pem);
  pair->leaf.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, NoPassphrase, nullptr));
  if (!pair->leaf) {
    return Status::InvalidArgument(
        Named(kCertKey, tls.cert_file) +
            " holds no PEM certificate (a block starting -----BEGIN CERTIFICATE-----): " +
            OpenSslErrors() + ". Give the server's certificate, then its intermediates; " +
            kSelfSigned,
        kCertKey);
  }
  pair->chain.reset(sk_X509_new_null());
  if (!pair->chain) return Status::Internal("cannot set up TLS: out of memory");
  while (X509* next = PEM_read_bio_X509(cert_bio.get(), nullptr, NoPassphrase, nullptr)) {
    if (sk_X509_push(pair->chain.get(), next) <= 0) {
      X509_free(next);
      return Status::Internal("cannot set up TLS: out of memory");
    }
  }
  ERR_clear_error();  // the end of the file reads as "no start line"

  BioPtr key_bio = MemoryBio(key_pem);
  pair->key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, NoPassphrase, nullptr));
  // PKCS#8 ("BEGIN ENCRYPTED PRIVATE KEY") or legacy ("Proc-Type: 4,ENCRYPTED").
  const bool encrypted = key_pem.find("ENCRYPTED") != std::string::npos;
  // The key's bytes are done with: nothing of them may outlive the check.
  OPENSSL_cleanse(&key_pem[0], key_pem.size());
  if (!pair->key) {
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
  if (X509_check_private_key(pair->leaf.get(), pair->key.get()) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument(
        Named(kKeyKey, tls.key_file) + " is not the private key of the certificate in " +
            Named(kCertKey, tls.cert_file) +
            ": give the key the certificate was made with (the outputs of `openssl x509 -noout "
            "-pubkey -in CERT` and `openssl pkey -pubout -in KEY` must be the same)",
        kKeyKey);
  }
  pair->info = Describe(pair->leaf.get());
  return std::shared_ptr<const Pair>(std::move(pair));
}

// The pair OpenSSL refused (after ERR_* has its reasons).
Status CannotServe(const TlsOptions& tls) {
  return Status::InvalidArgument(
      Named(kCertKey, tls.cert_file) + " with " + Named(kKeyKey, tls.key_file) +
          " cannot serve TLS: " + OpenSslErrors() +
          " (a key or signature too weak for OpenSSL's security level? use RSA 2048 bits or "
          "more, or ECDSA P-256; " + kSelfSigned + ")",
      kCertKey);
}

// The context for pair, which it serves until a ServerTls renews it.
Result<Poco::Net::Context::Ptr> BuildContext(const TlsOptions& tls, const Pair& pair) {
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
    bool ok = SSL_CTX_use_certificate(ssl, pair.leaf.get()) == 1;
    for (int i = 0; ok && i < sk_X509_num(pair.chain.get()); ++i) {
      ok = SSL_CTX_add1_chain_cert(ssl, sk_X509_value(pair.chain.get(), i)) == 1;
    }
    ok = ok && SSL_CTX_use_PrivateKey(ssl, pair.key.get()) == 1 &&
         SSL_CTX_check_private_key(ssl) == 1;
    if (!ok) return CannotServe(tls);
    return context;
  } catch (const Poco::Exception& e) {
    ERR_clear_error();
    return Status::Internal("cannot set up TLS: " + e.displayText());
  }
}

// Puts pair on one connection in place of whatever it had (the context's
// pair, which may be of another key type and must not be chosen instead).
bool UsePair(SSL* ssl, const Pair& pair) {
  SSL_certs_clear(ssl);
  return SSL_use_cert_and_key(ssl, pair.leaf.get(), pair.key.get(), pair.chain.get(),
                              /*override=*/1) == 1;
}

// The pair new handshakes get. Owned by the SSL_CTX (ex_data) as well as by
// ServerTls, so it outlives every connection that may call back.
struct Served {
  std::mutex mu;
  std::shared_ptr<const Pair> pair;
  bool renewed = false;  // false: pair is the one the SSL_CTX itself holds
};

void FreeServed(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  delete static_cast<std::shared_ptr<Served>*>(ptr);  // null for other contexts
}

int ServedIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, FreeServed);
  return index;
}

// OpenSSL's certificate callback, on the thread of each handshake, once the
// ClientHello is in: 1 to go on, 0 to fail the handshake.
int SetServedPair(SSL* ssl, void* arg) {
  Served* served = static_cast<Served*>(arg);
  std::shared_ptr<const Pair> pair;
  {
    std::lock_guard<std::mutex> lock(served->mu);
    if (!served->renewed) return 1;  // the SSL already holds the context's pair
    pair = served->pair;
  }
  return UsePair(ssl, *pair) ? 1 : 0;
}

// What tells that a file was replaced or rewritten.
struct FileStamp {
  bool exists = false;
  unsigned long long dev = 0, ino = 0, size = 0, mtime_ns = 0, ctime_ns = 0;
  bool operator==(const FileStamp& o) const {
    return exists == o.exists && dev == o.dev && ino == o.ino && size == o.size &&
           mtime_ns == o.mtime_ns && ctime_ns == o.ctime_ns;
  }
};

FileStamp StampOf(const std::string& path) {
  FileStamp f;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return f;
  auto ns = [](const struct timespec& t) {
    return static_cast<unsigned long long>(t.tv_sec) * 1000000000ull +
           static_cast<unsigned long long>(t.tv_nsec);
  };
  f.exists = true;
  f.dev = st.st_dev;
  f.ino = st.st_ino;
  f.size = static_cast<unsigned long long>(st.st_size);
  f.mtime_ns = ns(st.st_mtim);
  f.ctime_ns = ns(st.st_ctim);
  return f;
}

using Stamps = std::array<FileStamp, 2>;

Stamps StampsOf(const TlsOptions& tls) { return {StampOf(tls.cert_file), StampOf(tls.key_file)}; }

}  // namespace

struct ServerTls::Impl {
  TlsOptions options;
  Poco::Net::Context::Ptr context;
  std::shared_ptr<Served> served;
  std::mutex reload_mu;  // one reload at a time; guards stamps
  Stamps stamps;         // of the files when last read (taken before reading)
  std::atomic<int64_t> ok{0}, failed{0};

  Result<CertificateInfo> ReloadLocked() {
    stamps = StampsOf(options);
    Result<std::shared_ptr<const Pair>> pair = ReadPair(options);
    Status usable = pair.ok() ? Probe(**pair) : pair.status();
    if (!usable.ok()) {
      ++failed;
      return usable;
    }
    {
      std::lock_guard<std::mutex> lock(served->mu);
      served->pair = *pair;
      served->renewed = true;
    }
    ++ok;
    return (*pair)->info;
  }

  // Whether the live context takes pair (its security level, key types) the
  // way a handshake will, on a connection object of its own.
  Status Probe(const Pair& pair) const {
    SSL* ssl = SSL_new(context->sslContext());
    if (ssl == nullptr) return Status::Internal("cannot set up TLS: " + OpenSslErrors());
    const bool usable = UsePair(ssl, pair);
    SSL_free(ssl);
    if (!usable) return CannotServe(options);
    ERR_clear_error();
    return Status::Ok();
  }
};

Result<Poco::Net::Context::Ptr> MakeServerContext(const TlsOptions& tls) {
  Result<std::shared_ptr<const Pair>> pair = ReadPair(tls);
  if (!pair.ok()) return pair.status();
  return BuildContext(tls, **pair);
}

Poco::Net::Context::Ptr ContextOf(const ServerTls& tls) { return tls.impl().context; }

Result<std::shared_ptr<ServerTls>> ServerTls::Load(const TlsOptions& tls) {
  if (!tls.enabled()) {
    return Status::InvalidArgument("TLS needs http.tls_cert_file and http.tls_key_file",
                                   kCertKey);
  }
  auto impl = std::make_unique<Impl>();
  impl->options = tls;
  impl->stamps = StampsOf(tls);  // before reading: a change meanwhile shows next time
  Result<std::shared_ptr<const Pair>> pair = ReadPair(tls);
  if (!pair.ok()) return pair.status();
  Result<Poco::Net::Context::Ptr> context = BuildContext(tls, **pair);
  if (!context.ok()) return context.status();
  impl->context = *context;
  impl->served = std::make_shared<Served>();
  impl->served->pair = *pair;
  SSL_CTX* ssl = impl->context->sslContext();
  auto owner = std::make_unique<std::shared_ptr<Served>>(impl->served);
  if (SSL_CTX_set_ex_data(ssl, ServedIndex(), owner.get()) != 1) {
    return Status::Internal("cannot set up TLS: " + OpenSslErrors());
  }
  owner.release();  // the SSL_CTX's now: FreeServed deletes it with the context
  SSL_CTX_set_cert_cb(ssl, SetServedPair, impl->served.get());
  return std::shared_ptr<ServerTls>(new ServerTls(std::move(impl)));
}

ServerTls::ServerTls(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ServerTls::~ServerTls() = default;

Result<CertificateInfo> ServerTls::Reload() {
  std::lock_guard<std::mutex> lock(impl_->reload_mu);
  return impl_->ReloadLocked();
}

std::optional<Result<CertificateInfo>> ServerTls::ReloadIfChanged() {
  std::lock_guard<std::mutex> lock(impl_->reload_mu);
  if (StampsOf(impl_->options) == impl_->stamps) return std::nullopt;
  return impl_->ReloadLocked();
}

CertificateInfo ServerTls::served() const {
  std::lock_guard<std::mutex> lock(impl_->served->mu);
  return impl_->served->pair->info;
}

const TlsOptions& ServerTls::options() const { return impl_->options; }
int64_t ServerTls::reloads_ok() const { return impl_->ok.load(); }
int64_t ServerTls::reloads_failed() const { return impl_->failed.load(); }

Status CheckTls(const TlsOptions& tls) {
  if (!tls.enabled()) return Status::Ok();
  Result<std::shared_ptr<ServerTls>> loaded = ServerTls::Load(tls);
  return loaded.ok() ? Status::Ok() : loaded.status();
}

}  // namespace scrm::http
