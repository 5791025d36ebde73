// A blocking HTTP/1.1 client for the server tests: one call, one answer, over
// a real socket (Poco::Net::HTTPClientSession).
#ifndef SCRM_TESTS_HTTP_HTTP_CLIENT_H_
#define SCRM_TESTS_HTTP_HTTP_CLIENT_H_

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <map>
#include <string>

#include "http/request.h"

namespace scrm::testing {

struct ClientResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string Header(const std::string& name) const {
    auto it = headers.find(http::LowerAscii(name));
    return it == headers.end() ? "" : it->second;
  }
};

struct CallOptions {
  std::string body;
  bool send_body = false;  // also for an empty body: sends Content-Length: 0
  bool chunked = false;
  std::map<std::string, std::string> headers;
};

inline CallOptions WithBody(std::string body, bool chunked = false) {
  CallOptions o;
  o.body = std::move(body);
  o.send_body = true;
  o.chunked = chunked;
  return o;
}

inline ClientResponse Call(Poco::Net::HTTPClientSession& session, const std::string& method,
                           const std::string& target, const CallOptions& o = {}) {
  Poco::Net::HTTPRequest req(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [k, v] : o.headers) req.set(k, v);
  if (o.chunked) {
    req.setChunkedTransferEncoding(true);
  } else if (o.send_body || !o.body.empty()) {
    req.setContentLength64(static_cast<Poco::Int64>(o.body.size()));
  }
  std::ostream& out = session.sendRequest(req);
  out << o.body;
  Poco::Net::HTTPResponse resp;
  std::istream& in = session.receiveResponse(resp);
  ClientResponse r;
  r.status = resp.getStatus();
  Poco::StreamCopier::copyToString(in, r.body);
  for (const auto& [k, v] : resp) r.headers[http::LowerAscii(k)] = v;
  return r;
}

inline ClientResponse Call(int port, const std::string& method, const std::string& target,
                           const CallOptions& o = {}) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  session.setTimeout(Poco::Timespan(10, 0));
  return Call(session, method, target, o);
}

inline ClientResponse Get(int port, const std::string& target) { return Call(port, "GET", target); }

// A call with "Authorization: Bearer TOKEN" and, when given, a JSON body.
inline ClientResponse Authed(int port, const std::string& method, const std::string& target,
                             const std::string& token, const std::string& json_body = "") {
  CallOptions o;
  o.headers["Authorization"] = "Bearer " + token;
  if (!json_body.empty()) {
    o.body = json_body;
    o.send_body = true;
    o.headers["Content-Type"] = "application/json";
  }
  return Call(port, method, target, o);
}

}  // namespace scrm::testing

#endif  // SCRM_TESTS_HTTP_HTTP_CLIENT_H_
