// TLS for the engine's own listener: the server Context built from a PEM
// certificate (chain) and its PEM private key, checked before anything
// listens, and the pair it serves, renewable while it serves. Internal to
// engine/http (server.cc); everyone else sees TlsOptions, ServerTls and
// CheckTls() in server.h.
//
// Promises: TLS 1.2 at least, forward-secret AEAD ciphers only, no client
// certificate asked for; the key is never written anywhere (messages name
// the file, never its content) and an encrypted key is refused rather than
// prompting on a terminal. Thread-safe: a Context is shared by every
// connection and only read after it is built; a renewed pair reaches each
// new handshake through OpenSSL's certificate callback (SSL_CTX_set_cert_cb),
// which sets it on that connection's SSL, so the shared SSL_CTX is never
// changed under a live handshake.
#ifndef SCRM_HTTP_TLS_H_
#define SCRM_HTTP_TLS_H_

#include <Poco/Net/Context.h>

#include "core/status.h"
#include "http/server.h"

namespace scrm::http {

// The server Context for tls (both files set), or InvalidArgument naming the
// configuration key, the file, what is wrong with it and how to fix it:
// only one of the two set, a file missing or unreadable, no PEM certificate
// or key in it, an encrypted key, a key that is not the certificate's.
// Without the renewal of ServerTls (a context for one pair, for tests).
Result<Poco::Net::Context::Ptr> MakeServerContext(const TlsOptions& tls);

// What server.cc needs of a ServerTls: the context its listener serves.
Poco::Net::Context::Ptr ContextOf(const ServerTls& tls);

}  // namespace scrm::http

#endif  // SCRM_HTTP_TLS_H_
