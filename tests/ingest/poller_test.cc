// The feed fetcher and the poller against a real HTTP server on loopback
// (Poco's, on port 0, serving an RSS 2.0 feed with an ETag), and the poller
// against a real MariaDB: conditional GETs, changes ingested, failures
// recorded and retried with backoff, limits and redirects. Time is driven by
// the `now` given to RunDue, so nothing waits for a schedule.
#include "ingest/poller.h"

#include <Poco/DeflatingStream.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/time.h"
#include "sources/fetcher.h"
#include "store/content_repository.h"
#include "store/migrator.h"
#include "store/source_repository.h"
#include "support/test_db.h"

using namespace scrm;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const char* const kItems[] = {
    R"(<item><title>Été à Montréal</title><link>http://blog.example.fr/posts/1</link>
<guid isPermaLink="false">urn:scrm-test:1</guid><pubDate>Mon, 02 Mar 2026 10:00:00 +0000</pubDate>
<description>Les clients ont adoré la crème brûlée, dit Hélène.</description></item>)",
    R"(<item><title>Où en sommes-nous ?</title><link>http://blog.example.fr/posts/2</link>
<guid isPermaLink="false">urn:scrm-test:2</guid><pubDate>Tue, 03 Mar 2026 10:00:00 +0000</pubDate>
<description>Réunion prévue à Besançon : ça avance, première étape franchie.</description></item>)",
    R"(<item><title>Noël approche</title><link>http://blog.example.fr/posts/3</link>
<guid isPermaLink="false">urn:scrm-test:3</guid><pubDate>Wed, 04 Mar 2026 10:00:00 +0000</pubDate>
<description>Déjà l'hiver : bûche, marrons glacés et garçons pressés.</description></item>)",
    R"(<item><title>Printemps à Genève</title><link>http://blog.example.fr/posts/4</link>
<guid isPermaLink="false">urn:scrm-test:4</guid><pubDate>Thu, 05 Mar 2026 10:00:00 +0000</pubDate>
<description>Le lac, les cygnes, et un café crème au soleil.</description></item>)",
};

std::string Feed(int items) {
  std::string s =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<rss version=\"2.0\"><channel><title>Le blog de l'équipe</title>"
      "<link>http://blog.example.fr/</link><description>Nouvelles</description>\n";
  for (int i = 0; i < items; ++i) s += std::string(kItems[i]) + "\n";
  return s + "</channel></rss>\n";
}

// What the server serves and what it saw; shared with its handler threads.
struct FeedState {
  std::mutex mu;
  int items = 3;
  std::string etag = "\"v1\"";
  std::string last_modified = "Mon, 02 Mar 2026 10:00:00 GMT";
  int fail_remaining = 0;  // answer 500 that many times
  int feed_requests = 0;
  int not_modified_answers = 0;
  std::string seen_if_none_match;
  std::string seen_if_modified_since;
  std::string seen_user_agent;
  std::string seen_authorization;
};

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(FeedState& state) : state_(state) {}

  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& resp) override {
    using Poco::Net::HTTPResponse;
    const std::string path = req.getURI();
    std::unique_lock<std::mutex> lock(state_.mu);
    state_.seen_user_agent = req.get("User-Agent", "");
    state_.seen_authorization = req.get("Authorization", "");
    if (path == "/feed.xml") {
      ++state_.feed_requests;
      state_.seen_if_none_match = req.get("If-None-Match", "");
      state_.seen_if_modified_since = req.get("If-Modified-Since", "");
      if (state_.fail_remaining > 0) {
        --state_.fail_remaining;
        resp.setStatusAndReason(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
        resp.setContentType("text/plain");
        resp.sendBuffer("oops", 4);
        return;
      }
      resp.set("ETag", state_.etag);
      resp.set("Last-Modified", state_.last_modified);
      if (state_.seen_if_none_match == state_.etag) {
        ++state_.not_modified_answers;
        resp.setStatusAndReason(HTTPResponse::HTTP_NOT_MODIFIED);
        resp.send();
        return;
      }
      SendFeed(resp, Feed(state_.items));
    } else if (path == "/old") {
      resp.redirect("/feed.xml", HTTPResponse::HTTP_MOVED_PERMANENTLY);
    } else if (path == "/to-localhost") {  // the same server, by a name not allowed
      std::string host = req.getHost();
      resp.redirect("http://localhost" + host.substr(host.rfind(':')) + "/feed.xml",
                    HTTPResponse::HTTP_FOUND);
    } else if (path == "/to-metadata") {  // a cloud's metadata service
      resp.redirect("http://169.254.169.254/latest/meta-data/", HTTPResponse::HTTP_FOUND);
    } else if (path == "/loop") {
      resp.redirect("/loop", HTTPResponse::HTTP_FOUND);
    } else if (path == "/gzip") {
      std::ostringstream packed;
      {
        Poco::DeflatingOutputStream gz(packed, Poco::DeflatingStreamBuf::STREAM_GZIP);
        gz << Feed(3);
        gz.close();
      }
      resp.set("Content-Encoding", "gzip");
      SendFeed(resp, packed.str());
    } else if (path == "/big" || path == "/big-chunked") {
      if (path == "/big-chunked") resp.setChunkedTransferEncoding(true);
      SendFeed(resp, std::string(2 * 1024 * 1024, 'x'));
    } else if (path == "/slow") {
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      SendFeed(resp, Feed(1));
    } else if (path == "/unavailable") {
      resp.setStatusAndReason(HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
      resp.send();
    } else {
      resp.setStatusAndReason(HTTPResponse::HTTP_NOT_FOUND);
      resp.send();
    }
  }

 private:
  static void SendFeed(Poco::Net::HTTPServerResponse& resp, const std::string& body) {
    resp.setContentType("application/rss+xml; charset=UTF-8");
    if (resp.getChunkedTransferEncoding()) {
      resp.send() << body;
    } else {
      resp.sendBuffer(body.data(), body.size());
    }
  }
  FeedState& state_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(FeedState& state) : state_(state) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(state_);
  }

 private:
  FeedState& state_;
};

// A real HTTP server on 127.0.0.1, on a port the system picks. It has a
// thread pool of its own, joined on destruction: a handler still running
// (the /slow one a client gave up on) must not outlive the test.
class FeedServer {
 public:
  FeedServer()
      : threads_(2, 8),
        socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
        server_(new Factory(state), threads_, socket_, new Poco::Net::HTTPServerParams) {
    server_.start();
  }
  ~FeedServer() {
    server_.stopAll(true);
    threads_.joinAll();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + path;
  }
  FeedState state;

 private:
  Poco::ThreadPool threads_;  // declared first: destroyed after the server
  Poco::Net::ServerSocket socket_;
  Poco::Net::HTTPServer server_;
};

// A URL on which nothing listens: a port the system gave and took back.
std::string RefusedUrl(const std::string& userinfo = "") {
  Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
  int port = s.address().port();
  s.close();
  return "http://" + userinfo + "127.0.0.1:" + std::to_string(port) + "/feed.xml";
}

// A fetcher allowed to reach the test servers on 127.0.0.1 (net.allow_hosts).
sources::HttpFetcherOptions Loopback() {
  sources::HttpFetcherOptions o;
  o.allow_hosts = {"127.0.0.1"};
  return o;
}

struct Fixture {
  explicit Fixture(int poll_interval = 60) {
    store::MigrateOptions allow;
    allow.allow_empty_crm = true;
    REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), allow).ok());
    Source s;
    s.name = "blog";
    s.type = "url";
    s.location = server.Url("/feed.xml");
    s.poll_interval_seconds = poll_interval;
    s.visibility = "public";
    auto added = store::SourceRepository(db.pool()).Add(s);
    REQUIRE(added.ok());
    source_id = added->id;
  }
  Source Stored() {
    auto s = store::SourceRepository(db.pool()).Get("blog");
    REQUIRE(s.has_value());
    return *s;
  }
  int64_t Posts() { return store::ContentRepository(db.pool()).CountPosts(source_id); }
  std::string SeenIfNoneMatch() {
    std::lock_guard<std::mutex> lock(server.state.mu);
    return server.state.seen_if_none_match;
  }

  testing::TestDatabase db;
  FeedServer server;
  sources::HttpFetcher fetcher{Loopback()};
  int64_t source_id = 0;
};

}  // namespace

TEST_CASE("the poller ingests a feed, asks again conditionally, and takes in what changed",
          "[mysql][ingest][poller]") {
  Fixture f;
  ingest::PollerOptions options;
  options.max_backoff_seconds = 200;
  ingest::Poller poller(f.db.pool(), f.fetcher, options);
  const int64_t t0 = NowUnixSeconds();

  // Never polled: due at once. Three posts, the ETag and Last-Modified kept.
  CHECK(poller.RunDue(t0) == 1);
  CHECK(f.Posts() == 3);
  Source s = f.Stored();
  CHECK(s.etag == "\"v1\"");
  CHECK(s.last_modified == "Mon, 02 Mar 2026 10:00:00 GMT");
  CHECK(s.last_error.empty());
  CHECK_FALSE(s.last_success_at.empty());
  CHECK(f.SeenIfNoneMatch().empty());
  auto post = store::ContentRepository(f.db.pool()).GetPost(f.source_id, "urn:scrm-test:1");
  REQUIRE(post.has_value());
  CHECK(post->title == "Été à Montréal");
  CHECK_THAT(post->text, Contains("crème brûlée, dit Hélène"));
  CHECK(post->url == "http://blog.example.fr/posts/1");

  // Not due before its interval.
  CHECK(poller.RunDue(t0 + 30) == 0);

  // Due again: the server sees If-None-Match and answers 304; nothing new.
  CHECK(poller.RunDue(t0 + 60) == 1);
  CHECK(f.SeenIfNoneMatch() == "\"v1\"");
  {
    std::lock_guard<std::mutex> lock(f.server.state.mu);
    CHECK(f.server.state.seen_if_modified_since == "Mon, 02 Mar 2026 10:00:00 GMT");
    CHECK(f.server.state.not_modified_answers == 1);
    CHECK_THAT(f.server.state.seen_user_agent, StartsWith("scrm/"));
  }
  CHECK(f.Posts() == 3);
  CHECK(poller.counters().ok == 1);
  CHECK(poller.counters().not_modified == 1);

  // The feed changes: a fourth item under a new ETag.
  {
    std::lock_guard<std::mutex> lock(f.server.state.mu);
    f.server.state.items = 4;
    f.server.state.etag = "\"v2\"";
    f.server.state.last_modified = "Thu, 05 Mar 2026 10:00:00 GMT";
  }
  CHECK(poller.RunDue(t0 + 120) == 1);
  CHECK(f.Posts() == 4);
  CHECK(f.Stored().etag == "\"v2\"");
  CHECK(f.Stored().last_modified == "Thu, 05 Mar 2026 10:00:00 GMT");

  // The server fails twice: the error is on the source, retries back off
  // (60 s, then 120 s, then 240 capped at 200), and success clears it.
  {
    std::lock_guard<std::mutex> lock(f.server.state.mu);
    f.server.state.fail_remaining = 2;
  }
  CHECK(poller.RunDue(t0 + 180) == 1);
  s = f.Stored();
  CHECK_THAT(s.last_error, Contains("server answered 500"));
  CHECK_THAT(s.last_error, Contains(f.server.Url("/feed.xml")));
  CHECK(s.etag == "\"v2\"");  // kept for the next try
  CHECK(poller.RunDue(t0 + 180 + 60) == 0);   // would be due without backoff
  CHECK(poller.RunDue(t0 + 180 + 119) == 0);
  CHECK(poller.RunDue(t0 + 180 + 120) == 1);  // fails again
  CHECK_THAT(f.Stored().last_error, Contains("500"));
  CHECK(poller.RunDue(t0 + 300 + 199) == 0);
  CHECK(poller.RunDue(t0 + 300 + 200) == 1);  // max_backoff_seconds caps the wait
  s = f.Stored();
  CHECK(s.last_error.empty());
  CHECK(f.Posts() == 4);
  CHECK(poller.counters().failed == 2);
  CHECK(poller.counters().ok == 2);
  CHECK(poller.counters().not_modified == 2);  // v2 had not changed since
  // Back on the plain interval.
  CHECK(poller.RunDue(t0 + 500 + 59) == 0);
  CHECK(poller.RunDue(t0 + 500 + 60) == 1);
}

TEST_CASE("poll now runs whatever the schedule and says why it cannot",
          "[mysql][ingest][poller]") {
  Fixture f(/*poll_interval=*/0);  // manual only
  ingest::Poller poller(f.db.pool(), f.fetcher);
  CHECK(poller.RunDue(NowUnixSeconds()) == 0);
  CHECK(f.Posts() == 0);

  auto first = poller.PollNow("blog");
  REQUIRE(first.ok());
  CHECK(first->posts_new == 3);
  CHECK(f.Posts() == 3);
  auto second = poller.PollNow("blog");
  REQUIRE(second.ok());
  CHECK(second->posts_new == 0);
  REQUIRE_FALSE(second->notes.empty());
  CHECK_THAT(second->notes[0], Contains("not modified"));

  CHECK(poller.PollNow("nope").status().code() == Status::Code::kNotFound);
  Source file;
  file.name = "upload";
  file.type = "file";
  file.location = "/tmp/x.json";
  REQUIRE(store::SourceRepository(f.db.pool()).Add(file).ok());
  CHECK(poller.PollNow("upload").status().code() == Status::Code::kFailedPrecondition);

  // A failure is returned and recorded on the source.
  Source broken = f.Stored();
  broken.location = RefusedUrl();
  REQUIRE(store::SourceRepository(f.db.pool()).Update(broken).ok());
  auto failed = poller.PollNow("blog");
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().code() == Status::Code::kUnavailable);
  CHECK_THAT(f.Stored().last_error, Contains(broken.location));
  CHECK(poller.counters().failed == 1);
}

TEST_CASE("the poller's thread starts and stops promptly", "[mysql][ingest][poller]") {
  Fixture f;
  ingest::PollerOptions options;
  options.tick_seconds = 3600;
  ingest::Poller poller(f.db.pool(), f.fetcher, options);
  poller.Start();
  // The first run happens at start; wait for it (briefly).
  for (int i = 0; i < 100 && poller.counters().ok == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(poller.counters().ok == 1);
  auto begin = std::chrono::steady_clock::now();
  poller.Stop();
  CHECK(std::chrono::steady_clock::now() - begin < std::chrono::seconds(1));
  CHECK(f.Posts() == 3);
}

namespace {

// A network's search, scripted: each term's matches, oldest first; the
// state is how many of them were handed over before. A term in `failing`
// fails after handing over its new matches. As "activitypub" it takes the
// terms written #tag@server, as "atproto" every other.
class FakeListener : public sources::Listener {
 public:
  explicit FakeListener(std::string net = "atproto") : net_(std::move(net)) {}
  std::string_view network() const override { return net_; }
  bool Takes(const std::string& term) const override {
    return FediverseTagOf(term).has_value() == (net_ == "activitypub");
  }
  Result<sources::ListenReport> Listen(const std::string& term, const std::string& state,
                                       const sources::FollowLimits&, RecordSink& sink) override {
    std::lock_guard<std::mutex> lock(mu);
    calls.push_back(term + "@" + state);
    const std::vector<std::string>& texts = matches[term];
    sources::ListenReport report;
    report.requests = 1;
    for (size_t i = state.empty() ? 0 : std::stoul(state); i < texts.size(); ++i) {
      Post p;
      p.platform = "bluesky";
      p.external_id = "at://did:plc:author/app.bsky.feed.post/" + term + std::to_string(i);
      p.author_id = "did:plc:author";
      p.author_handle = "author.test";
      p.text = texts[i];
      p.published = 1796032800 + static_cast<int64_t>(i);
      sink.OnPost(std::move(p), Position{});
      ++report.posts;
    }
    if (failing.count(term) != 0) return Status::Unavailable("the AppView answered 503");
    report.state = std::to_string(texts.size());
    return report;
  }
  std::mutex mu;
  std::map<std::string, std::vector<std::string>> matches;
  std::set<std::string> failing;
  std::vector<std::string> calls;

 private:
  std::string net_;
};

}  // namespace

TEST_CASE("a listen source: its terms searched, matches stored, only new ones next time",
          "[mysql][ingest][poller]") {
  Fixture f;
  Source listen;
  listen.name = "talk";
  listen.type = "listen";
  listen.location = "#suitecrm, open source crm";
  listen.poll_interval_seconds = 60;
  listen.visibility = "public";
  store::SourceRepository repo(f.db.pool());
  Result<Source> added = repo.Add(listen);
  REQUIRE(added.ok());
  FakeListener listener;
  listener.matches["#suitecrm"] = {"Notre équipe passe à #suitecrm", "Moved to #suitecrm"};
  listener.matches["open source crm"] = {"An open source CRM, at last"};
  FakeListener fediverse("activitypub");
  ingest::PollerOptions options;
  options.listeners = {&fediverse, &listener};
  ingest::Poller poller(f.db.pool(), f.fetcher, options);
  store::ContentRepository content(f.db.pool());

  Result<ingest::IngestSummary> first = poller.PollNow("talk");
  REQUIRE(first.ok());
  CHECK(first->posts_new == 3);
  CHECK(first->format == "atproto");
  REQUIRE(first->notes.size() == 2);
  CHECK(first->notes[0] == "#suitecrm: 1 requests, 2 matches, 0 profiles");
  CHECK(content.CountPosts(added->id) == 3);
  std::optional<Source> stored = repo.Get("talk");
  REQUIRE(stored.has_value());
  CHECK(stored->state == R"({"#suitecrm":"2","open source crm":"1"})");
  CHECK(stored->items_total == 3);
  CHECK(stored->last_error.empty());
  CHECK_FALSE(stored->last_success_at.empty());

  // A new match: the next poll (on the schedule) starts from the state.
  listener.matches["#suitecrm"].push_back("Still happy with #suitecrm");
  CHECK(poller.RunDue(NowUnixSeconds() + 3600) == 2);  // the feed and the listen source
  CHECK(content.CountPosts(added->id) == 4);
  CHECK(listener.calls == std::vector<std::string>{"#suitecrm@", "open source crm@",
                                                   "#suitecrm@2", "open source crm@1"});

  // A term that fails: the error on the source, the terms before it keep
  // their progress, the ones after keep their state.
  stored = repo.Get("talk");
  stored->location = "open source crm, #suitecrm, logiciel libre";
  REQUIRE(repo.Update(*stored).ok());
  listener.matches["open source crm"].push_back("Open source CRM news");
  listener.matches["#suitecrm"].push_back("Another #suitecrm post");
  listener.failing.insert("#suitecrm");
  Result<ingest::IngestSummary> failed = poller.PollNow("talk");
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().code() == Status::Code::kUnavailable);
  CHECK_THAT(failed.status().message(), Contains("listening for '#suitecrm'"));
  stored = repo.Get("talk");
  CHECK_THAT(stored->last_error, Contains("503"));
  CHECK(stored->state == R"({"#suitecrm":"3","logiciel libre":"","open source crm":"2"})");
  CHECK(content.CountPosts(added->id) == 6);  // what came before the failure is kept

  // A fediverse hashtag goes to the listener that takes it, the others not.
  listener.failing.clear();
  fediverse.matches["#suitecrm@social.example"] = {"Toot about #suitecrm"};
  stored = repo.Get("talk");
  stored->location = "#suitecrm@social.example, open source crm";
  REQUIRE(repo.Update(*stored).ok());
  Result<ingest::IngestSummary> both = poller.PollNow("talk");
  REQUIRE(both.ok());
  CHECK(both->format == "activitypub+atproto");
  CHECK(both->posts_new == 1);
  CHECK(fediverse.calls == std::vector<std::string>{"#suitecrm@social.example@"});
  CHECK(listener.calls.back() == "open source crm@2");

  // Without a client, a listen source says so.
  ingest::Poller deaf(f.db.pool(), f.fetcher);
  CHECK_THAT(deaf.PollNow("talk").status().message(), Contains("no client"));
}

TEST_CASE("the fetcher follows redirects, reads gzip and the charset", "[fetcher]") {
  FeedServer server;
  sources::HttpFetcher fetcher(Loopback());
  sources::FetchRequest req;

  req.url = server.Url("/old");
  auto r = fetcher.Fetch(req);
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->final_url == server.Url("/feed.xml"));
  CHECK(r->body == Feed(3));
  CHECK(r->charset == "UTF-8");
  CHECK(r->etag == "\"v1\"");

  req.url = server.Url("/gzip");
  r = fetcher.Fetch(req);
  REQUIRE(r.ok());
  CHECK(r->body == Feed(3));

  req.url = server.Url("/loop");
  r = fetcher.Fetch(req);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kFailedPrecondition);
  CHECK_THAT(r.status().message(), Contains("more than 5 redirects"));
}

TEST_CASE("the fetcher names the URL and the reason of each failure", "[fetcher]") {
  FeedServer server;
  sources::HttpFetcher fetcher(Loopback());
  sources::FetchRequest req;

  SECTION("connection refused, without the password of the URL") {
    req.url = RefusedUrl("ann:s3cret@");
    auto r = fetcher.Fetch(req);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kUnavailable);
    CHECK_THAT(r.status().message(), Contains("refused"));
    CHECK_THAT(r.status().message(), Contains("ann:***@127.0.0.1"));
    CHECK_THAT(r.status().message(), !Contains("s3cret"));
  }
  SECTION("a body over the limit, announced or chunked") {
    req.max_bytes = 1024 * 1024;
    for (const char* path : {"/big", "/big-chunked"}) {
      req.url = server.Url(path);
      auto r = fetcher.Fetch(req);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == Status::Code::kFailedPrecondition);
      CHECK_THAT(r.status().message(), Contains("limit of 1 MiB"));
      CHECK_THAT(r.status().message(), Contains(req.url));
    }
  }
  SECTION("4xx is the source's to fix, 5xx is for later") {
    req.url = server.Url("/gone");
    auto r = fetcher.Fetch(req);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kFailedPrecondition);
    CHECK_THAT(r.status().message(), Contains("server answered 404"));
    req.url = server.Url("/unavailable");
    r = fetcher.Fetch(req);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kUnavailable);
    CHECK_THAT(r.status().message(), Contains("server answered 503"));
  }
  SECTION("a server too slow to answer") {
    req.url = server.Url("/slow");
    req.timeout_seconds = 1;
    auto r = fetcher.Fetch(req);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kUnavailable);
    CHECK_THAT(r.status().message(), Contains("timeout"));
  }
  SECTION("userinfo becomes Basic auth and never reaches the result") {
    req.url = "http://ann:s3cret@" + server.Url("/feed.xml").substr(7);
    auto r = fetcher.Fetch(req);
    REQUIRE(r.ok());
    CHECK(r->final_url == server.Url("/feed.xml"));
    std::lock_guard<std::mutex> lock(server.state.mu);
    CHECK(server.state.seen_authorization == "Basic YW5uOnMzY3JldA==");
  }
  SECTION("not a fetchable URL") {
    req.url = "ftp://example.org/feed";
    CHECK(fetcher.Fetch(req).status().code() == Status::Code::kInvalidArgument);
  }
}

TEST_CASE("the fetcher refuses loopback and private addresses unless the host is allowed",
          "[fetcher]") {
  FeedServer server;
  sources::FetchRequest req;
  req.url = server.Url("/feed.xml");
  auto feed_requests = [&server] {
    std::lock_guard<std::mutex> lock(server.state.mu);
    return server.state.feed_requests;
  };

  SECTION("loopback, by address or by name, is refused before any request") {
    sources::HttpFetcher fetcher;
    for (const std::string& url :
         {server.Url("/feed.xml"), "http://localhost" + server.Url("/feed.xml").substr(16)}) {
      req.url = url;
      auto r = fetcher.Fetch(req);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == Status::Code::kFailedPrecondition);
      CHECK_THAT(r.status().message(), Contains("127.0.0.1, a loopback address"));
      CHECK_THAT(r.status().message(), Contains("net.allow_hosts"));
      CHECK_THAT(r.status().message(), Contains(url));
    }
    CHECK(feed_requests() == 0);
  }
  SECTION("a host listed in net.allow_hosts is fetched, whatever its case") {
    sources::HttpFetcherOptions o;
    o.allow_hosts = {"LocalHost"};
    sources::HttpFetcher fetcher(o);
    req.url = "http://localhost" + server.Url("/feed.xml").substr(16);
    auto r = fetcher.Fetch(req);
    REQUIRE(r.ok());
    CHECK(r->body == Feed(3));
    CHECK(feed_requests() == 1);
  }
  SECTION("a redirect to a host not allowed is refused, and nothing is sent there") {
    sources::HttpFetcher fetcher(Loopback());
    req.url = server.Url("/to-localhost");
    auto r = fetcher.Fetch(req);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kFailedPrecondition);
    CHECK_THAT(r.status().message(), Contains("host 'localhost' resolves to 127.0.0.1"));
    CHECK(feed_requests() == 0);
    req.url = server.Url("/to-metadata");
    r = fetcher.Fetch(req);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Contains("169.254.169.254, a link-local address"));
  }
}

TEST_CASE("which addresses are not public", "[fetcher]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"127.0.0.1", "loopback"},         {"127.255.0.9", "loopback"},
      {"0.0.0.0", "unspecified"},        {"10.1.2.3", "private"},
      {"172.16.0.1", "private"},         {"172.31.255.255", "private"},
      {"192.168.1.1", "private"},        {"169.254.169.254", "link-local"},
      {"100.64.0.1", "shared (carrier-grade NAT)"},
      {"224.0.0.1", "multicast"},        {"255.255.255.255", "reserved"},
      {"::1", "loopback"},
      {"fe80::1", "link-local"},         {"fd12:3456::1", "unique-local"},
      {"fc00::1", "unique-local"},       {"ff02::1", "multicast"},
      {"::ffff:127.0.0.1", "loopback"},  {"::ffff:10.0.0.1", "private"},
      {"::127.0.0.1", "loopback"},       {"64:ff9b::a00:1", "private"},
      {"2002:c0a8:101::1", "private"},   {"8.8.8.8", ""},
      {"172.32.0.1", ""},                {"100.128.0.1", ""},
      {"2001:4860:4860::8888", ""},      {"::ffff:8.8.8.8", ""},
      {"localhost", "not an IP address"},
  };
  for (const auto& [ip, kind] : cases) {
    INFO(ip);
    CHECK(sources::NonPublicAddressKind(ip) == kind);
  }
}

TEST_CASE("RedactUrl hides a password and nothing else", "[fetcher]") {
  CHECK(sources::RedactUrl("https://ann:pw@host/x?a=b") == "https://ann:***@host/x?a=b");
  CHECK(sources::RedactUrl("https://ann@host/x") == "https://ann@host/x");
  CHECK(sources::RedactUrl("https://host/x@y") == "https://host/x@y");
  CHECK(sources::RedactUrl("not a url") == "not a url");
}
