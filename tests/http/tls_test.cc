// TLS on the engine's own listener (http.tls_cert_file, http.tls_key_file):
// certificates made at test time with the openssl CLI, the real server on a
// loopback port, real HTTPS clients (Poco HTTPSClientSession, verification
// on). Then the configuration errors, through CheckTls and through the real
// `scrm serve`, and `scrm serve` itself over TLS on the test database. Last,
// renewal: files replaced under a running server, new connections shown the
// new certificate, a bad replacement refused while the old one stays.
#include "http/server.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/X509Certificate.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "http/auth.h"
#include "http/errors.h"
#include "http/session.h"
#include "http/tls.h"
#include "http_client.h"
#include "raw_client.h"
#include "support/process.h"
#include "support/test_db.h"

namespace scrm::http {
namespace {

namespace fs = std::filesystem;
using scrm::testing::Call;
using scrm::testing::CallOptions;
using scrm::testing::ClientResponse;
using scrm::testing::Run;
using scrm::testing::RunResult;

constexpr char kSecret[] = "tls-test-secret";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Pair {
  std::string cert;
  std::string key;
};

// Self-signed pairs made once per test process in a temporary directory:
// "server" (SAN localhost and 127.0.0.1), "other" (another key, same names),
// "elsewhere" (a name that is not 127.0.0.1), "renewed" (another key, same
// names: the renewal) and "rsa" (an RSA key, same names), plus an encrypted
// copy of server's key and files that are not PEM.
class Certs {
 public:
  static Certs& Get() {
    static Certs certs;
    return certs;
  }
  ~Certs() { fs::remove_all(dir_); }

  const fs::path& dir() const { return dir_; }
  Pair server, other, elsewhere, renewed, rsa;
  std::string encrypted_key;  // server's key under a passphrase
  std::string garbage;        // "not a certificate"
  std::string missing;        // a path that does not exist

 private:
  Certs() {
    dir_ = fs::temp_directory_path() / ("scrm-tls-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    server = Make("server", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    other = Make("other", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    elsewhere = Make("elsewhere", "subjectAltName=DNS:elsewhere.example");
    renewed = Make("renewed", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    rsa = Make("rsa", "subjectAltName=DNS:localhost,IP:127.0.0.1", "rsa:2048");
    encrypted_key = (dir_ / "encrypted-key.pem").string();
    Openssl({"pkey", "-in", server.key, "-aes256", "-passout", "pass:secret", "-out",
             encrypted_key});
    garbage = (dir_ / "garbage.pem").string();
    std::ofstream(garbage) << "this is not a certificate\n";
    missing = (dir_ / "no-such-file.pem").string();
  }

  static void Openssl(std::vector<std::string> args) {
    args.insert(args.begin(), SCRM_OPENSSL);
    RunResult r = Run(args, {});
    INFO("openssl " << r.err);
    REQUIRE(r.exit_code == 0);
  }

  Pair Make(const std::string& name, const std::string& san, const std::string& key = "ec") {
    Pair p{(dir_ / (name + "-cert.pem")).string(), (dir_ / (name + "-key.pem")).string()};
    // P-256 keys by default: made in milliseconds, unlike RSA.
    std::vector<std::string> args = {"req", "-x509", "-newkey", key};
    if (key == "ec") args.insert(args.end(), {"-pkeyopt", "ec_paramgen_curve:prime256v1"});
    args.insert(args.end(), {"-nodes", "-days", "2", "-subj", "/CN=" + name, "-addext", san,
                             "-keyout", p.key, "-out", p.cert});
    Openssl(args);
    return p;
  }

  fs::path dir_;
};

ServerOptions TlsOptionsFor(const Pair& pair) {
  ServerOptions o;
  o.port = 0;
  o.threads = 4;
  o.drain_seconds = 5;
  o.tls.cert_file = pair.cert;
  o.tls.key_file = pair.key;
  return o;
}

// A client context trusting exactly ca_file, verifying the server's
// certificate and name.
Poco::Net::Context::Ptr ClientTrusting(const std::string& ca_file) {
  static std::once_flag init;
  std::call_once(init, [] { Poco::Net::initializeSSL(); });
  return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", ca_file,
                                Poco::Net::Context::VERIFY_STRICT, 9, /*loadDefaultCAs=*/false);
}

ClientResponse Https(int port, const std::string& ca_file, const std::string& method,
                     const std::string& target, const CallOptions& o = {}) {
  Poco::Net::HTTPSClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port),
                                        ClientTrusting(ca_file));
  session.setTimeout(Poco::Timespan(10, 0));
  return Call(session, method, target, o);
}

std::string Token(const std::string& roles_csv) {
  TokenClaims c;
  c.user_id = "7";
  c.user_name = "Tess";
  c.roles = {roles_csv};
  c.expires_at = static_cast<int64_t>(std::time(nullptr)) + 300;
  return MintToken(c, kSecret);
}

bool Contains(const std::string& s, const std::string& what) {
  return s.find(what) != std::string::npos;
}

TEST_CASE("over TLS: healthz, readyz and metrics answer, with HSTS", "[http][tls]") {
  const Certs& certs = Certs::Get();
  Server server(TlsOptionsFor(certs.server), Services{});
  REQUIRE(server.Start().ok());
  CHECK(std::string(server.scheme()) == "https");

  ClientResponse health = Https(server.port(), certs.server.cert, "GET", "/healthz");
  CHECK(health.status == 200);
  CHECK(nlohmann::json::parse(health.body) == nlohmann::json{{"status", "ok"}});
  CHECK(health.Header("Strict-Transport-Security") == "max-age=31536000");
  CHECK(health.Header("X-Content-Type-Options") == "nosniff");
  CHECK(Https(server.port(), certs.server.cert, "GET", "/readyz").status == 503);  // no database
  ClientResponse metrics = Https(server.port(), certs.server.cert, "GET", "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.Header("Strict-Transport-Security") == "max-age=31536000");
  // Errors too carry it.
  CHECK(Https(server.port(), certs.server.cert, "GET", "/no/such/route")
            .Header("Strict-Transport-Security") == "max-age=31536000");

  // Several requests on one kept-alive TLS connection.
  Poco::Net::HTTPSClientSession session("127.0.0.1", static_cast<Poco::UInt16>(server.port()),
                                        ClientTrusting(certs.server.cert));
  session.setKeepAlive(true);  // else Poco's client asks to close after each request
  REQUIRE(Call(session, "GET", "/healthz").status == 200);
  const Poco::UInt16 local_port = session.socket().address().port();
  for (int i = 0; i < 3; ++i) CHECK(Call(session, "GET", "/healthz").status == 200);
  CHECK(session.socket().address().port() == local_port);  // the same connection throughout
  server.Stop();
}

// Stop() returns once every connection's thread has let go of the server,
// so the server's owner, not a thread still unwinding while the process
// exits, ends its TLS context. (A thread that did it late left LeakSanitizer
// a half-freed OpenSSL context at exit, now and then, in CI.)
TEST_CASE("once stopped and destroyed, a TLS server holds its context no more", "[http][tls]") {
  const Certs& certs = Certs::Get();
  for (int round = 0; round < 20; ++round) {
    std::weak_ptr<ServerTls> tls;
    {
      Server server(TlsOptionsFor(certs.server), Services{});
      REQUIRE(server.Start().ok());
      tls = server.tls();
      REQUIRE(!tls.expired());
      // A kept-alive connection, still open when the server stops.
      Poco::Net::HTTPSClientSession session("127.0.0.1", static_cast<Poco::UInt16>(server.port()),
                                            ClientTrusting(certs.server.cert));
      session.setKeepAlive(true);
      REQUIRE(Call(session, "GET", "/healthz").status == 200);
      server.Stop();
      CHECK(server.connections() == 0);
    }
    INFO("round " << round);
    REQUIRE(tls.expired());
  }
}

TEST_CASE("plain HTTP has no HSTS and says http", "[http][tls]") {
  ServerOptions o;
  o.port = 0;
  o.threads = 2;
  Server server(o, Services{});
  REQUIRE(server.Start().ok());
  CHECK(std::string(server.scheme()) == "http");
  ClientResponse r = scrm::testing::Get(server.port(), "/healthz");
  CHECK(r.status == 200);
  CHECK(r.Header("Strict-Transport-Security").empty());
}

TEST_CASE("over TLS: an API call with a token works, and the session cookie is Secure",
          "[http][tls]") {
  const Certs& certs = Certs::Get();
  SessionStore sessions;
  Services services;
  services.sessions = &sessions;
  services.authorizer = TokenAuthorizer(kSecret, &sessions);
  Server server(TlsOptionsFor(certs.server), services);
  server.AddRoute({"GET", "/api/v1/tls-probe", Access::kUser, [](const Request& r) {
                     return Response::Json({{"user", r.principal.user_id}, {"tls", r.tls}});
                   }});
  // A page's sign-on, as routes.cc does it for /ui/ pages.
  server.AddRoute({"GET", "/ui/tls-probe", Access::kUser, [&sessions](const Request& r) {
                     if (!r.Query("sso")) return Response::Json({{"session", true}});
                     Result<Response> s =
                         StartSession(sessions, r, static_cast<int64_t>(std::time(nullptr)));
                     return s.ok() ? *s : ErrorResponse(s.status());
                   }});
  REQUIRE(server.Start().ok());
  const std::string& ca = certs.server.cert;

  CHECK(Https(server.port(), ca, "GET", "/api/v1/tls-probe").status == 401);
  CallOptions bearer;
  bearer.headers["Authorization"] = "Bearer " + Token("sales");
  ClientResponse api = Https(server.port(), ca, "GET", "/api/v1/tls-probe", bearer);
  INFO(api.body);
  REQUIRE(api.status == 200);
  CHECK(nlohmann::json::parse(api.body) == nlohmann::json{{"user", "7"}, {"tls", true}});

  // No X-Forwarded-Proto: the engine's own TLS makes the cookie Secure.
  ClientResponse signon = Https(server.port(), ca, "GET", "/ui/tls-probe?sso=" + Token("sales"));
  REQUIRE(signon.status == 303);
  const std::string set = signon.Header("Set-Cookie");
  CHECK(Contains(set, "HttpOnly"));
  CHECK(Contains(set, "; Secure; SameSite=None; Partitioned"));
  CallOptions cookie;
  cookie.headers["Cookie"] = set.substr(0, set.find(';'));
  ClientResponse page = Https(server.port(), ca, "GET", "/ui/tls-probe", cookie);
  CHECK(page.status == 200);
  CHECK(page.Header("Strict-Transport-Security") == "max-age=31536000");
}

TEST_CASE("a plain HTTP client on the TLS port gets no answer", "[http][tls]") {
  const Certs& certs = Certs::Get();
  Server server(TlsOptionsFor(certs.server), Services{});
  REQUIRE(server.Start().ok());
  int status = 0;
  std::string failure;
  try {
    status = scrm::testing::Get(server.port(), "/healthz").status;
  } catch (const Poco::Exception& e) {
    failure = e.displayText();  // the connection ends, or a TLS alert is no HTTP answer
  }
  INFO(failure);
  CHECK(status == 0);
  CHECK_FALSE(failure.empty());
  // The server is unharmed: a TLS client right after is answered.
  CHECK(Https(server.port(), certs.server.cert, "GET", "/healthz").status == 200);

  // A client that connects and says nothing holds a request thread, not the
  // accepting one: the handshake is not done on accept.
  Poco::Net::StreamSocket silent(
      Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(server.port())));
  const auto start = std::chrono::steady_clock::now();
  CHECK(Https(server.port(), certs.server.cert, "GET", "/healthz").status == 200);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("a TLS handshake that does not finish is cut at the head's deadline", "[http][tls]") {
  const Certs& certs = Certs::Get();
  ServerOptions o = TlsOptionsFor(certs.server);
  o.header_timeout_seconds = 1;
  o.read_timeout_seconds = 30;
  Server server(o, Services{});
  REQUIRE(server.Start().ok());
  // A TLS record header, then one byte of a ClientHello every 100 ms.
  scrm::testing::RawConnection c(server.port());
  REQUIRE(c.Send(std::string("\x16\x03\x01\x02\x00", 5)));
  bool cut = false;
  for (int i = 0; i < 100 && !cut; ++i) {
    bool closed = false;
    cut = !c.Send(std::string(1, '\x01')) ||
          !c.Read(std::chrono::milliseconds(100), &closed).empty() || closed;
  }
  CHECK(cut);
  CHECK(server.metrics().RenderText().find(
            "scrm_http_connections_cut_total{phase=\"handshake\"} 1\n") != std::string::npos);
  // Others are served meanwhile and after.
  CHECK(Https(server.port(), certs.server.cert, "GET", "/healthz").status == 200);
}

TEST_CASE("a client that does not trust the certificate, or finds another name, refuses it",
          "[http][tls]") {
  const Certs& certs = Certs::Get();
  Server server(TlsOptionsFor(certs.server), Services{});
  REQUIRE(server.Start().ok());
  // What the client's handshake throws, "" when it got an answer.
  auto refusal = [](int port, const std::string& ca) -> std::string {
    try {
      Https(port, ca, "GET", "/healthz");
    } catch (const Poco::Net::SSLException& e) {
      return e.displayText();
    }
    return "";
  };
  // Trusting another self-signed certificate only: the chain fails.
  const std::string untrusted = refusal(server.port(), certs.other.cert);
  INFO(untrusted);
  CHECK(Contains(untrusted, "certificate verify failed"));

  // A certificate trusted but made for elsewhere.example: the name fails.
  Server elsewhere(TlsOptionsFor(certs.elsewhere), Services{});
  REQUIRE(elsewhere.Start().ok());
  const std::string wrong_name = refusal(elsewhere.port(), certs.elsewhere.cert);
  INFO(wrong_name);
  CHECK(Contains(wrong_name, "Unacceptable certificate from 127.0.0.1"));
  // The same client trusting the right certificate is answered.
  CHECK(Https(server.port(), certs.server.cert, "GET", "/healthz").status == 200);
}

TEST_CASE("the server context asks TLS 1.2 at least and no client certificate", "[http][tls]") {
  const Certs& certs = Certs::Get();
  Result<Poco::Net::Context::Ptr> context = MakeServerContext(TlsOptionsFor(certs.server).tls);
  REQUIRE(context.ok());
  SSL_CTX* ssl = (*context)->sslContext();
  CHECK(SSL_CTX_get_min_proto_version(ssl) == TLS1_2_VERSION);
  CHECK((SSL_CTX_get_verify_mode(ssl) & SSL_VERIFY_PEER) == 0);
  CHECK((*context)->isForServerUse());
}

TEST_CASE("the TLS files are read once: the server serves the context built before it",
          "[http][tls]") {
  const Certs& certs = Certs::Get();
  const fs::path dir = certs.dir() / ("once-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const TlsOptions files{(dir / "cert.pem").string(), (dir / "key.pem").string()};
  fs::copy_file(certs.server.cert, files.cert_file);
  fs::copy_file(certs.server.key, files.key_file);
  Result<std::shared_ptr<ServerTls>> tls = ServerTls::Load(files);
  REQUIRE(tls.ok());
  CHECK((*tls)->options().cert_file == files.cert_file);
  // Gone before Start(): it does not read them again.
  fs::remove_all(dir);
  ServerOptions o = TlsOptionsFor(certs.server);
  o.tls = files;
  o.tls_context = *tls;
  Server server(o, Services{});
  Status started = server.Start();
  INFO(started.message());
  REQUIRE(started.ok());
  CHECK(std::string(server.scheme()) == "https");
  CHECK(Https(server.port(), certs.server.cert, "GET", "/healthz").status == 200);
  // Load refuses what CheckTls refuses, with the same words.
  Result<std::shared_ptr<ServerTls>> bad = ServerTls::Load({certs.server.cert, certs.other.key});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == CheckTls({certs.server.cert, certs.other.key}).message());
}

// Each bad configuration: the key at fault, the file, and the words of the fix.
TEST_CASE("bad TLS settings name the key, the file and the fix, never the key's bytes",
          "[http][tls]") {
  const Certs& certs = Certs::Get();
  struct Case {
    const char* what;
    std::string cert, key;
    const char* field;
    std::vector<std::string> says;
  };
  const std::vector<Case> cases = {
      {"only the certificate", certs.server.cert, "", "http.tls_key_file",
       {"http.tls_cert_file is set but http.tls_key_file is not", "SCRM_TLS_KEY_FILE",
        "openssl req -x509"}},
      {"only the key", "", certs.server.key, "http.tls_cert_file",
       {"http.tls_key_file is set but http.tls_cert_file is not", "SCRM_TLS_CERT_FILE"}},
      {"certificate file missing", certs.missing, certs.server.key, "http.tls_cert_file",
       {"cannot read http.tls_cert_file (SCRM_TLS_CERT_FILE) = '" + certs.missing + "'",
        "No such file or directory", "openssl req -x509"}},
      {"key file missing", certs.server.cert, certs.missing, "http.tls_key_file",
       {"cannot read http.tls_key_file (SCRM_TLS_KEY_FILE) = '" + certs.missing + "'"}},
      {"certificate not PEM", certs.garbage, certs.server.key, "http.tls_cert_file",
       {"'" + certs.garbage + "' holds no PEM certificate", "BEGIN CERTIFICATE"}},
      {"the key given as the certificate", certs.server.key, certs.server.key,
       "http.tls_cert_file", {"holds no PEM certificate"}},
      {"key not PEM", certs.server.cert, certs.garbage, "http.tls_key_file",
       {"'" + certs.garbage + "' holds no PEM private key"}},
      {"key encrypted", certs.server.cert, certs.encrypted_key, "http.tls_key_file",
       {"is encrypted with a passphrase", "openssl pkey -in KEY -out KEY.plain"}},
      {"key of another certificate", certs.server.cert, certs.other.key, "http.tls_key_file",
       {"'" + certs.other.key + "' is not the private key of the certificate in",
        certs.server.cert, "openssl pkey -pubout"}},
  };
  // The base64 lines of the keys: none may appear in a message.
  std::vector<std::string> key_lines;
  for (const std::string& k : {certs.server.key, certs.other.key, certs.encrypted_key}) {
    std::istringstream lines(Slurp(k));
    for (std::string line; std::getline(lines, line);) {
      if (line.size() > 16 && line.rfind("-----", 0) != 0) key_lines.push_back(line);
    }
  }
  REQUIRE(key_lines.size() >= 6);
  for (const Case& c : cases) {
    INFO(c.what);
    TlsOptions tls{c.cert, c.key};
    Status s = CheckTls(tls);
    INFO(s.message());
    REQUIRE_FALSE(s.ok());
    CHECK(s.code() == Status::Code::kInvalidArgument);
    CHECK(s.field() == c.field);
    for (const std::string& words : c.says) CHECK(Contains(s.message(), words));
    for (const std::string& line : key_lines) CHECK_FALSE(Contains(s.message(), line));

    // Server::Start refuses the same way and listens nowhere.
    ServerOptions o;
    o.port = 0;
    o.tls = tls;
    Server server(o, Services{});
    Status started = server.Start();
    CHECK(started.message() == s.message());
    CHECK(server.port() == 0);
  }
  CHECK(CheckTls(TlsOptions{}).ok());  // neither: plain HTTP
  CHECK(CheckTls(TlsOptions{certs.server.cert, certs.server.key}).ok());
}

TEST_CASE("scrm serve refuses to start on a bad TLS setting, saying which and how to fix",
          "[http][tls]") {
  const Certs& certs = Certs::Get();
  REQUIRE_FALSE(scrm::testing::ScrmBinary().empty());
  // The TLS check comes first: no database is needed to be refused.
  std::map<std::string, std::string> env = {
      {"SCRM_DB_URL", "mysql://nobody:none@127.0.0.1:1/none"},
      {"SCRM_HTTP_PORT", "0"},
      {"SCRM_TLS_CERT_FILE", certs.server.cert}};
  RunResult only_cert = Run({scrm::testing::ScrmBinary(), "serve"}, env);
  INFO(only_cert.err);
  CHECK(only_cert.exit_code == 2);
  CHECK(Contains(only_cert.err, "scrm serve: http.tls_cert_file is set but http.tls_key_file"));
  CHECK(only_cert.out.empty());  // never "listening"

  env["SCRM_TLS_KEY_FILE"] = certs.other.key;
  RunResult mismatch = Run({scrm::testing::ScrmBinary(), "serve"}, env);
  INFO(mismatch.err);
  CHECK(mismatch.exit_code == 2);
  CHECK(Contains(mismatch.err, "is not the private key of the certificate"));
}

// The environment of a real `scrm serve` over TLS on db, its index in dir.
std::map<std::string, std::string> ServeEnv(const scrm::testing::TestDatabase& db,
                                            const fs::path& dir, const Pair& pair) {
  return {{"SCRM_DB_URL", db.url_string()},
          {"SCRM_HTTP_PORT", "0"},
          {"SCRM_INDEX_DIR", (dir / "index").string()},
          {"SCRM_SECRET", kSecret},
          {"SCRM_CRM_SYNC_INTERVAL", "0"},
          {"SCRM_TLS_CERT_FILE", pair.cert},
          {"SCRM_TLS_KEY_FILE", pair.key}};
}

// Migrates the database of env, starts the real `scrm serve` with it into
// *serve, and returns the port of the https URL it prints.
int MigrateAndServe(const std::map<std::string, std::string>& env,
                    std::unique_ptr<scrm::testing::Child>* serve) {
  const std::string scrm = scrm::testing::ScrmBinary();
  RunResult migrate = Run({scrm, "migrate", "--allow-empty-crm"}, env);
  INFO(migrate.err);
  REQUIRE(migrate.exit_code == 0);
  *serve = std::make_unique<scrm::testing::Child>(std::vector<std::string>{scrm, "serve"}, env);
  const std::string line = (*serve)->WaitForLine("listening on", 15000);
  INFO((*serve)->Stderr());
  REQUIRE(Contains(line, "scrm: listening on https://127.0.0.1:"));
  const int port = std::atoi(line.c_str() + line.rfind(':') + 1);
  REQUIRE(port > 0);
  return port;
}

TEST_CASE("scrm serve over TLS: an https URL, probes, the API and the Secure cookie",
          "[mysql][http][tls]") {
  const Certs& certs = Certs::Get();
  scrm::testing::TestDatabase db;
  const fs::path dir = certs.dir() / ("serve-" + db.url().database);
  fs::create_directories(dir);
  std::unique_ptr<scrm::testing::Child> started;
  const int port = MigrateAndServe(ServeEnv(db, dir, certs.server), &started);
  scrm::testing::Child& serve = *started;
  const std::string& ca = certs.server.cert;

  ClientResponse health = Https(port, ca, "GET", "/healthz");
  CHECK(health.status == 200);
  CHECK(health.Header("Strict-Transport-Security") == "max-age=31536000");
  CHECK(Https(port, ca, "GET", "/readyz").status == 200);

  CallOptions bearer;
  bearer.headers["Authorization"] = "Bearer " + Token("admin");
  ClientResponse links = Https(port, ca, "GET", "/api/v1/links", bearer);
  INFO(links.body);
  CHECK(links.status == 200);
  CHECK(Https(port, ca, "GET", "/api/v1/links").status == 401);

  ClientResponse signon = Https(port, ca, "GET", "/ui/conversations?sso=" + Token("marketing"));
  CHECK(signon.status == 303);
  CHECK(Contains(signon.Header("Set-Cookie"), "; Secure; SameSite=None; Partitioned"));

  serve.Signal(SIGTERM);
  CHECK(serve.Wait(15000) == 0);
  // Nothing of the key in what scrm serve wrote.
  const std::string key = Slurp(certs.server.key);
  const std::string body_line = key.substr(key.find('\n') + 1, 40);
  CHECK_FALSE(Contains(serve.Stderr(), body_line));
}


// ---- Renewal: the files replaced while the server runs ----

// The common name of the certificate a new TLS connection is shown (the
// client verifies nothing: it only looks).
std::string PresentedName(int port) {
  static std::once_flag init;
  std::call_once(init, [] { Poco::Net::initializeSSL(); });
  Poco::Net::Context::Ptr looker = new Poco::Net::Context(
      Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_NONE, 9, false);
  Poco::Net::SecureStreamSocket socket(
      Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)), looker);
  socket.completeHandshake();
  const std::string name = socket.peerCertificate().commonName();
  socket.close();
  return name;
}

// Where a test's server reads its pair, replaced the way certbot and
// operators do: written beside, then renamed into place.
struct LivePair {
  // Starts with the "server" pair.
  explicit LivePair(const std::string& name) : dir(Certs::Get().dir() / name) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    Put(Certs::Get().server);
  }
  ~LivePair() { fs::remove_all(dir); }

  TlsOptions options() const { return {cert(), key()}; }
  // A server on a loopback port reading its pair here.
  ServerOptions server_options(int threads = 4) const {
    ServerOptions o = TlsOptionsFor(Certs::Get().server);
    o.tls = options();
    o.threads = threads;
    return o;
  }
  std::string cert() const { return (dir / "cert.pem").string(); }
  std::string key() const { return (dir / "key.pem").string(); }

  static void Replace(const std::string& from, const std::string& to) {
    const std::string tmp = to + ".new";
    fs::copy_file(from, tmp, fs::copy_options::overwrite_existing);
    fs::rename(tmp, to);
  }
  void Put(const Pair& p) const {
    Replace(p.cert, cert());
    Replace(p.key, key());
  }

  fs::path dir;
};

TEST_CASE("a renewed certificate is served to new connections without a restart",
          "[http][tls]") {
  const Certs& certs = Certs::Get();
  LivePair live("renew-" + std::to_string(::getpid()));
  Server server(live.server_options(), Services{});
  REQUIRE(server.Start().ok());
  const int port = server.port();
  std::shared_ptr<ServerTls> tls = server.tls();
  REQUIRE(tls != nullptr);
  CHECK(tls->served().subject == "CN=server");
  CHECK(tls->served().not_after > static_cast<int64_t>(std::time(nullptr)));
  CHECK(PresentedName(port) == "server");
  CHECK_FALSE(tls->ReloadIfChanged().has_value());  // nothing changed yet

  // A connection opened before the renewal, kept alive across it.
  Poco::Net::HTTPSClientSession before("127.0.0.1", static_cast<Poco::UInt16>(port),
                                       ClientTrusting(certs.server.cert));
  before.setKeepAlive(true);  // Poco's client closes after each request unless told
  REQUIRE(Call(before, "GET", "/healthz").status == 200);
  const Poco::UInt16 before_port = before.socket().address().port();

  live.Put(certs.renewed);
  std::optional<Result<CertificateInfo>> reloaded = tls->ReloadIfChanged();
  REQUIRE(reloaded.has_value());
  INFO(reloaded->status().message());
  REQUIRE(reloaded->ok());
  CHECK((*reloaded)->subject == "CN=renewed");
  CHECK_FALSE((*reloaded)->not_after_text.empty());
  CHECK(tls->served().subject == "CN=renewed");
  CHECK_FALSE(tls->ReloadIfChanged().has_value());  // once per change

  // New connections: the new certificate, verified by a client trusting it
  // only; a client trusting only the old one now refuses.
  CHECK(PresentedName(port) == "renewed");
  CHECK(Https(port, certs.renewed.cert, "GET", "/healthz").status == 200);
  CHECK_THROWS_AS(Https(port, certs.server.cert, "GET", "/healthz"), Poco::Net::SSLException);
  // The server never stopped: same port, and the connection opened before
  // (the same one: same local port, no new handshake) still answers.
  CHECK(server.port() == port);
  CHECK(Call(before, "GET", "/healthz").status == 200);
  CHECK(before.socket().address().port() == before_port);

  // The expiry and the reloads in /metrics.
  ClientResponse metrics = Https(port, certs.renewed.cert, "GET", "/metrics");
  CHECK(Contains(metrics.body, "scrm_tls_cert_not_after_seconds " +
                                   std::to_string(tls->served().not_after)));
  CHECK(Contains(metrics.body, "scrm_tls_reloads_total{result=\"ok\"} 1"));

  // Another key type (ECDSA to RSA): only the new pair is offered, never the
  // first one the context was built with.
  live.Put(certs.rsa);
  REQUIRE(tls->Reload().ok());
  CHECK(PresentedName(port) == "rsa");
  CHECK(Https(port, certs.rsa.cert, "GET", "/healthz").status == 200);
  CHECK(tls->reloads_ok() == 2);
}

TEST_CASE("a bad replacement is refused, saying which file and how to fix it, and the "
          "certificate served stays", "[http][tls]") {
  const Certs& certs = Certs::Get();
  LivePair live("bad-renew-" + std::to_string(::getpid()));
  Server server(live.server_options(), Services{});
  REQUIRE(server.Start().ok());
  std::shared_ptr<ServerTls> tls = server.tls();

  struct Case {
    const char* what;
    std::string cert, key;  // "" : remove that file
    std::vector<std::string> says;
  };
  const std::vector<Case> cases = {
      {"certificate not PEM", certs.garbage, certs.server.key,
       {"http.tls_cert_file (SCRM_TLS_CERT_FILE) = '" + live.cert() + "' holds no PEM certificate",
        "BEGIN CERTIFICATE"}},
      {"the key of another certificate", certs.renewed.cert, certs.server.key,
       {"'" + live.key() + "' is not the private key of the certificate in", live.cert(),
        "openssl pkey -pubout"}},
      {"key file missing", certs.renewed.cert, "",
       {"cannot read http.tls_key_file (SCRM_TLS_KEY_FILE) = '" + live.key() + "'",
        "No such file or directory"}},
      {"key encrypted", certs.server.cert, certs.encrypted_key,
       {"is encrypted with a passphrase", "openssl pkey -in KEY -out KEY.plain"}},
  };
  int failed = 0;
  for (const Case& c : cases) {
    INFO(c.what);
    LivePair::Replace(c.cert, live.cert());
    if (c.key.empty()) {
      fs::remove(live.key());
    } else {
      LivePair::Replace(c.key, live.key());
    }
    Result<CertificateInfo> r = tls->Reload();
    INFO(r.status().message());
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
    for (const std::string& words : c.says) CHECK(Contains(r.status().message(), words));
    CHECK(tls->reloads_failed() == ++failed);
    // Still the first pair, to new connections too.
    CHECK(tls->served().subject == "CN=server");
    CHECK(PresentedName(server.port()) == "server");
    CHECK(Https(server.port(), certs.server.cert, "GET", "/healthz").status == 200);
  }

  // A renewal caught half done (the certificate replaced, not yet its key)
  // is refused once, not at every look, and taken once the key follows.
  live.Put(certs.server);
  REQUIRE(tls->Reload().ok());
  LivePair::Replace(certs.renewed.cert, live.cert());
  std::optional<Result<CertificateInfo>> half = tls->ReloadIfChanged();
  REQUIRE(half.has_value());
  CHECK_FALSE(half->ok());
  CHECK_FALSE(tls->ReloadIfChanged().has_value());
  CHECK(PresentedName(server.port()) == "server");
  LivePair::Replace(certs.renewed.key, live.key());
  std::optional<Result<CertificateInfo>> whole = tls->ReloadIfChanged();
  REQUIRE(whole.has_value());
  REQUIRE(whole->ok());
  CHECK(PresentedName(server.port()) == "renewed");
}

TEST_CASE("handshakes during reloads all succeed, each with one whole pair", "[http][tls]") {
  const Certs& certs = Certs::Get();
  LivePair live("busy-renew-" + std::to_string(::getpid()));
  Server server(live.server_options(8), Services{});
  REQUIRE(server.Start().ok());
  std::shared_ptr<ServerTls> tls = server.tls();
  const int port = server.port();

  std::atomic<bool> stop{false};
  std::atomic<int> handshakes{0};
  std::mutex mu;
  std::vector<std::string> odd;  // failures, or names never served
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&] {
      while (!stop) {
        try {
          const std::string name = PresentedName(port);
          if (name != "server" && name != "renewed" && name != "rsa") {
            std::lock_guard<std::mutex> lock(mu);
            odd.push_back("shown " + name);
          }
          ++handshakes;
        } catch (const Poco::Exception& e) {
          std::lock_guard<std::mutex> lock(mu);
          odd.push_back(e.displayText());
        }
      }
    });
  }
  const Pair* rotation[] = {&certs.renewed, &certs.rsa, &certs.server};
  int reloads = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < end || reloads < 6) {
    live.Put(*rotation[reloads % 3]);
    Result<CertificateInfo> r = tls->Reload();
    INFO(r.status().message());
    REQUIRE(r.ok());
    ++reloads;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop = true;
  for (std::thread& t : clients) t.join();
  INFO(handshakes.load() << " handshakes, " << reloads << " reloads");
  CHECK(odd.empty());
  if (!odd.empty()) FAIL(odd.front());
  CHECK(handshakes.load() > 20);
}

// Text scrm serve wrote to stderr containing needle, waiting up to timeout_ms.
bool StderrSays(const scrm::testing::Child& child, const std::string& needle, int timeout_ms) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (Contains(child.Stderr(), needle)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Contains(child.Stderr(), needle);
}

size_t Occurrences(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST_CASE("scrm serve takes a renewed certificate on SIGHUP and when it sees the files change",
          "[mysql][http][tls]") {
  const Certs& certs = Certs::Get();
  scrm::testing::TestDatabase db;
  LivePair live("serve-renew-" + db.url().database);
  std::map<std::string, std::string> env = ServeEnv(db, live.dir, {live.cert(), live.key()});
  env["SCRM_TLS_RELOAD_SECONDS"] = "1";
  std::unique_ptr<scrm::testing::Child> started;
  const int port = MigrateAndServe(env, &started);
  scrm::testing::Child& serve = *started;
  INFO(serve.Stderr());
  CHECK(StderrSays(serve, "scrm serve: TLS certificate subject CN=server, serial ", 5000));
  CHECK(PresentedName(port) == "server");

  // Replaced: seen within a second or two, no signal needed.
  live.Put(certs.renewed);
  CHECK(StderrSays(serve,
                   "TLS certificate reloaded (the files changed): subject CN=renewed, serial ",
                   10000));
  CHECK(PresentedName(port) == "renewed");
  CHECK(Https(port, certs.renewed.cert, "GET", "/readyz").status == 200);

  // SIGHUP reads the files now (its default action would end the process).
  serve.Signal(SIGHUP);
  CHECK(StderrSays(serve, "TLS certificate reloaded (SIGHUP): subject CN=renewed", 5000));
  CHECK(Https(port, certs.renewed.cert, "GET", "/healthz").status == 200);

  // A bad replacement: one line naming the file and the fix, the renewed
  // certificate still served.
  LivePair::Replace(certs.garbage, live.cert());
  const std::string refused = "TLS certificate not reloaded (the files changed), still serving "
                              "subject CN=renewed";
  CHECK(StderrSays(serve, refused, 10000));
  CHECK(Contains(serve.Stderr(), "http.tls_cert_file (SCRM_TLS_CERT_FILE) = '" + live.cert() +
                                     "' holds no PEM certificate"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK(Occurrences(serve.Stderr(), refused) == 1);  // said once, not every second
  serve.Signal(SIGHUP);
  CHECK(StderrSays(serve, "TLS certificate not reloaded (SIGHUP), still serving subject CN=renewed",
                   5000));
  CHECK(PresentedName(port) == "renewed");
  CHECK(Https(port, certs.renewed.cert, "GET", "/healthz").status == 200);

  serve.Signal(SIGTERM);
  CHECK(serve.Wait(15000) == 0);
  const std::string key = Slurp(certs.renewed.key);
  CHECK_FALSE(Contains(serve.Stderr(), key.substr(key.find('\n') + 1, 40)));
}

}  // namespace
}  // namespace scrm::http
