// scrm serve: the HTTP server (API, UI, /healthz, /readyz, /metrics) on
// Poco's ServerApplication, with the CRM sync in the background. SIGTERM or
// SIGINT stops accepting, drains the requests in flight, and exits 0.
#include <Poco/Util/ServerApplication.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <iostream>
#include <mutex>
#include <thread>

#include "app/cli.h"
#include "app/push_secrets.h"
#include "core/time.h"
#include "crm/crm_sync.h"
#include "http/api_keys.h"
#include "http/auth.h"
#include "identity/run/match_run.h"
#include "http/server.h"
#include "ingest/index_feeder.h"
#include "ingest/poller.h"
#include "sources/fetcher.h"
#include "ui/page_server.h"
#include "store/privacy_repository.h"
#include "store/sync_state_repository.h"

namespace scrm::app {

namespace {

// Runs the CRM sync now and then every interval until Stop().
class SyncLoop {
 public:
  SyncLoop(store::Pool& pool, const Config& config, http::Metrics& metrics)
      : pool_(pool), config_(config), metrics_(metrics) {
    try {
      std::optional<store::SyncState> state = store::SyncStateRepository(pool_).Get(crm::kCrmSyncName);
      if (state && !state->last_success_at.empty()) {
        last_success_ = ParseSqlDateTime(state->last_success_at).value_or(0);
      }
    } catch (const store::DbError&) {
      // Not migrated yet: no sync has ever succeeded.
    }
  }

  void Start() {
    if (config_.crm_sync_interval_seconds <= 0) return;
    thread_ = std::thread([this] { Run(); });
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  double LagSeconds() const {
    int64_t last = last_success_.load();
    return last == 0 ? -1.0 : static_cast<double>(NowUnixSeconds() - last);
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      lock.unlock();
      RunOnce();
      lock.lock();
      cv_.wait_for(lock, std::chrono::seconds(config_.crm_sync_interval_seconds),
                   [this] { return stop_; });
    }
  }

  void RunOnce() {
    crm::SyncOptions options;
    options.overlap_seconds = config_.crm_sync_overlap_seconds;
    try {
      Result<crm::SyncSummary> s = crm::RunSync(pool_, options);
      if (s.ok()) {
        last_success_ = NowUnixSeconds();
        metrics_.CountSyncRun(true);
        if (s->inserted + s->changed + s->deleted > 0) {
          std::cerr << "scrm serve: crm sync " << s->ToJson().dump() << "\n";
        }
        return;
      }
      // Another sync holds the lock: not a failure of this one.
      if (s.status().code() == Status::Code::kFailedPrecondition) return;
      std::cerr << "scrm serve: crm sync failed: " << s.status().message() << "\n";
    } catch (const std::exception& e) {
      std::cerr << "scrm serve: crm sync failed: " << e.what() << "\n";
    }
    metrics_.CountSyncRun(false);
  }

  store::Pool& pool_;
  const Config& config_;
  http::Metrics& metrics_;
  std::atomic<int64_t> last_success_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Runs a task at start and then every interval on its own thread until
// Stop(); an exception is reported under the task's name and retried at
// the next interval.
class Periodic {
 public:
  Periodic(std::string name, std::chrono::seconds interval, std::function<void()> task)
      : name_(std::move(name)), interval_(interval), task_(std::move(task)) {}
  ~Periodic() { Stop(); }

  void Start() {
    if (interval_.count() <= 0) return;
    thread_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!stop_) {
        lock.unlock();
        try {
          task_();
        } catch (const std::exception& e) {
          std::cerr << "scrm serve: " << name_ << " failed: " << e.what() << "\n";
        }
        lock.lock();
        cv_.wait_for(lock, interval_, [this] { return stop_; });
      }
    });
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  const std::string name_;
  const std::chrono::seconds interval_;
  std::function<void()> task_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Matches new profiles and changed CRM records every interval until Stop().
class MatchLoop {
 public:
  MatchLoop(store::Pool& pool, const Config& config)
      : loop_("matching", std::chrono::seconds(config.match_interval_seconds), [this] { Once(); }) {
    identity::RunOptions options;
    options.match = MatchOptionsOf(config);
    matcher_ = std::make_unique<identity::IncrementalMatcher>(pool, options);
  }

  void Start() { loop_.Start(); }
  void Stop() { loop_.Stop(); }

 private:
  void Once() {
    Result<identity::RunSummary> r = matcher_->RunOnce();
    if (!r.ok()) {
      std::cerr << "scrm serve: matching: " << r.status().message() << "\n";
    } else if (r->stored_auto + r->stored_suggestions > 0) {
      std::cerr << "scrm serve: matching: " << r->stored_auto << " new links, "
                << r->stored_suggestions << " new suggestions\n";
    }
  }

  std::unique_ptr<identity::IncrementalMatcher> matcher_;
  Periodic loop_;  // last: its thread stops before the matcher goes
};

class ServeApp : public Poco::Util::ServerApplication {
 public:
  explicit ServeApp(const Config& config) : config_(config) {}
  int exit_code = kExitOk;

 protected:
  int main(const std::vector<std::string>&) override {
    // TLS files first: a bad one refuses the start before anything runs.
    http::TlsOptions tls;
    tls.cert_file = config_.http_tls_cert_file;
    tls.key_file = config_.http_tls_key_file;
    if (Status s = http::CheckTls(tls); !s.ok()) {
      exit_code = Fail("serve", s);
      return exit_code;
    }
    store::Pool pool(config_.db);
    if (Status ping = pool.Ping(); !ping.ok()) {
      exit_code = Fail("serve", Status::Unavailable(ping.message() +
                                                    " (check db.url or SCRM_DB_URL)"));
      return exit_code;
    }
    http::ServerOptions options;
    options.bind = config_.http_bind;
    options.port = config_.http_port;
    options.threads = config_.http_threads;
    options.max_body_bytes = static_cast<size_t>(config_.http_max_body_bytes);
    options.per_address = {static_cast<double>(config_.http_rate_limit_per_address),
                           2.0 * config_.http_rate_limit_per_address};
    options.per_credential = {static_cast<double>(config_.http_rate_limit_per_credential),
                              2.0 * config_.http_rate_limit_per_credential};
    options.tls = tls;

    // The index: searched by the API, fed from the database's queue.
    const index::IndexConfig index_config = IndexConfigOf(config_);
    // A damaged or mismatched index does not stop the engine: search answers
    // with the problem (and /readyz 503) until `scrm reindex`.
    Status index_problem;
    Result<std::unique_ptr<index::Searcher>> searcher =
        index::Searcher::Open(index_config, &index_problem);
    if (!searcher.ok()) {
      exit_code = Fail("serve", searcher.status());
      return exit_code;
    }
    if (!index_problem.ok()) {
      std::cerr << "scrm serve: the search index cannot be searched: " << index_problem.message()
                << "; search answers 503 until it is rebuilt (stop scrm serve, run `scrm reindex`)"
                << std::endl;
    }
    ingest::IndexFeeder feeder(pool, index_config);

    // The /ui/ pages: templates checked now, so a broken one stops the start.
    Result<std::unique_ptr<ui::Templates>> templates = ui::Templates::Load(config_.ui_templates_dir);
    if (!templates.ok()) {
      exit_code = Fail("serve", templates.status());
      return exit_code;
    }
    ui::UiOptions ui_options;
    ui_options.crm_origin = config_.crm_origin;
    ui_options.match = MatchOptionsOf(config_);
    ui_options.seal_push_secret = [this](const std::string& source, const std::string& clear) {
      return SealPushSecret(config_, source, clear);
    };
    ui_options.session_minutes = config_.ui_session_minutes;
    ui::PageServer pages(std::move(*templates), &pool, searcher->get(), ui_options);
    http::SessionOptions session_options;
    session_options.idle_seconds = int64_t{config_.ui_session_minutes} * 60;
    // In the database: a restart keeps everyone signed in, and engines
    // behind one load balancer share the sessions (docs/ui.md).
    http::SessionStore sessions(session_options, &pool);
    pages.SetSessions(&sessions);

    http::Services services;
    services.pool = &pool;
    services.searcher = searcher->get();
    services.pages = &pages;
    services.sessions = &sessions;
    services.authorizer =
        http::WithApiKeys(http::TokenAuthorizer(config_.secret, &sessions), &pool);
    services.secret = config_.secret;
    // The key of the sources' sealed push secrets, read when a push needs it
    // (and again when the file changes); a refused one is said now.
    secrets::CachedKeyFile secrets_key(config_.secrets_key_file);
    if (Result<secrets::Key> key = secrets_key.Get();
        !key.ok() && key.status().code() != Status::Code::kNotFound) {
      std::cerr << "scrm serve: " << key.status().message()
                << "; until then pushes to sources with a sealed secret answer 503\n";
    }
    services.secrets_key = &secrets_key;
    http::Server server(options, services);
    SyncLoop sync(pool, config_, server.metrics());
    server.metrics().SetSyncLagSource([&sync] { return sync.LagSeconds(); });

    // URL sources are polled on their interval, with conditional GET.
    sources::HttpFetcherOptions fetch_options;
    fetch_options.ca_location = config_.poll_ca_file;
    sources::HttpFetcher fetcher(fetch_options);
    ingest::PollerOptions poll_options;
    poll_options.tick_seconds = config_.poll_tick_seconds;
    poll_options.fetch_timeout_seconds = config_.poll_timeout_seconds;
    poll_options.max_bytes = config_.poll_max_bytes;
    poll_options.on_failure = [](const std::string& source, const std::string& message) {
      std::cerr << "scrm serve: polling " << (source.empty() ? "sources" : source) << ": "
                << message << "\n";
    };
    ingest::Poller poller(pool, fetcher, poll_options);
    pages.SetPoller(&poller);  // the admin page's "Poll now"
    http::ScalarFamily& polls = server.metrics().registry().AddCounter(
        "scrm_source_polls_total", "Polls of url sources by result.", {"result"});
    polls.SetCallback({"ok"}, [&poller] { return static_cast<double>(poller.counters().ok); });
    polls.SetCallback({"not_modified"},
                      [&poller] { return static_cast<double>(poller.counters().not_modified); });
    polls.SetCallback({"failed"},
                      [&poller] { return static_cast<double>(poller.counters().failed); });
    http::ScalarFamily& indexed = server.metrics().registry().AddCounter(
        "scrm_index_feed_total", "Posts indexed (or removed) from the queue, and failed drains.",
        {"result"});
    indexed.SetCallback({"indexed"}, [&feeder] { return static_cast<double>(feeder.indexed_total()); });
    indexed.SetCallback({"failed"}, [&feeder] { return static_cast<double>(feeder.failures_total()); });

    if (Status s = server.Start(); !s.ok()) {
      exit_code = Fail("serve", s);
      return exit_code;
    }
    std::cout << "scrm: listening on " << server.scheme() << "://" << config_.http_bind << ":"
              << server.port() << std::endl;
    sync.Start();
    if (config_.poll_tick_seconds > 0) poller.Start();
    MatchLoop matching(pool, config_);
    matching.Start();
    // Retention per source: at start, then every retention.interval_hours.
    // The removed posts are queued; the feeder takes them out of the index.
    Periodic retention("retention", std::chrono::hours(config_.retention_interval_hours), [&pool] {
      int64_t removed = 0;
      for (const store::RetentionCounts& c : store::PrivacyRepository(pool).ApplyRetention("scrm", false)) {
        removed += c.posts;
      }
      if (removed > 0) std::cerr << "scrm serve: retention: " << removed << " posts removed\n";
    });
    retention.Start();
    feeder.Start(config_.index_feed_interval_ms, [](const std::string& message) {
      std::cerr << "scrm serve: indexing: " << message << "\n";
    });
    waitForTerminationRequest();
    std::cerr << "scrm serve: stopping: draining requests in flight\n";
    server.Stop();
    poller.Stop();  // a poll in progress finishes first (bounded by the fetch timeout)
    sync.Stop();
    matching.Stop();
    retention.Stop();
    feeder.Stop();
    return kExitOk;
  }

 private:
  const Config& config_;
};

}  // namespace

int CmdServe(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs("serve", argc, argv, 2, {}, {"help"});
  if (!args.ok()) return Fail("serve", args.status());
  if (args->Has("help")) {
    std::cout << "usage: scrm serve\n\n"
                 "Serves the API and UI on http.bind:http.port (SCRM_HTTP_PORT), with GET /healthz,\n"
                 "GET /readyz (database reachable and migrated) and GET /metrics (Prometheus).\n"
                 "Serves the pages under /ui/ (docs/ui.md) from ui.templates_dir, checked at start.\n"
                 "Syncs the CRM every crm.sync_interval_seconds and polls url sources on their\n"
                 "interval. Prints 'scrm: listening on URL'\n"
                 "when ready. SIGTERM or SIGINT drains requests in flight and exits 0.\n"
                 "With http.tls_cert_file and http.tls_key_file (SCRM_TLS_CERT_FILE,\n"
                 "SCRM_TLS_KEY_FILE), PEM, it speaks only HTTPS (docs/security.md).\n";
    return kExitOk;
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("serve", s);
  ServeApp app(ctx.config);
  char name[] = "scrm";
  char* app_argv[] = {name, nullptr};
  int rc = app.run(1, app_argv);
  return rc != 0 ? rc : app.exit_code;
}

}  // namespace scrm::app
