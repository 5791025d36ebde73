// ScriptedFetcher: a Fetcher that answers from a table of URLs and records
// every request (its Accept, ETag and the headers its signer adds), for the
// tests of the open networks' clients. A URL not in the table answers 404 as
// HttpFetcher says it; a request whose ETag matches the answer's gets 304.
#ifndef SCRM_TESTS_SOURCES_SCRIPTED_FETCHER_H_
#define SCRM_TESTS_SOURCES_SCRIPTED_FETCHER_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "sources/fetcher.h"

namespace scrm::testing {

// The host (with its port) and the request target ("/path?query") of an
// http(s) URL: what a signer signs.
inline std::pair<std::string, std::string> HostAndTarget(const std::string& url) {
  const size_t begin = url.find("://") == std::string::npos ? 0 : url.find("://") + 3;
  const size_t path = url.find('/', begin);
  if (path == std::string::npos) return {url.substr(begin), "/"};
  return {url.substr(begin, path - begin), url.substr(path)};
}

struct Sent {
  std::string url, accept, etag;
  std::vector<std::pair<std::string, std::string>> headers;
};

class ScriptedFetcher : public sources::Fetcher {
 public:
  Result<sources::FetchResult> Fetch(const sources::FetchRequest& request) override {
    Sent s{request.url, request.accept, request.etag, {}};
    if (request.headers_for) {
      auto [host, target] = HostAndTarget(request.url);
      s.headers = request.headers_for(host, target);
    }
    sent.push_back(s);
    auto it = answers.find(request.url);
    if (it == answers.end()) {
      return Status::FailedPrecondition("fetching " + request.url + ": server answered 404");
    }
    sources::FetchResult r = it->second;
    if (!request.etag.empty() && request.etag == r.etag) {
      r.status = 304;
      r.body.clear();
    }
    if (r.final_url.empty()) r.final_url = request.url;
    return r;
  }
  void Answer(const std::string& url, const nlohmann::json& body, const std::string& etag = "") {
    sources::FetchResult r;
    r.status = 200;
    r.body = body.dump();
    r.etag = etag;
    answers[url] = r;
  }
  std::map<std::string, sources::FetchResult> answers;
  std::vector<Sent> sent;
};

}  // namespace scrm::testing

#endif  // SCRM_TESTS_SOURCES_SCRIPTED_FETCHER_H_
