// scrm serve: the HTTP server (API, UI, /healthz, /readyz, /metrics) on
// Poco's ServerApplication, with the CRM sync in the background. SIGTERM or
// SIGINT stops accepting, drains the requests in flight, and exits 0. SIGHUP
// reloads the TLS certificate and key files (so does a look at them every
// http.tls_reload_seconds), keeping the old pair when the new one is bad.
#include <Poco/Util/ServerApplication.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <iostream>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "app/cli.h"
#include "service/activitypub_actor.h"
#include "service/push_secrets.h"
#include "app/systemd_notify.h"
#include "core/gate.h"
#include "core/time.h"
#include "crm/crm_sync.h"
#include "http/api_keys.h"
#include "http/auth.h"
#include "identity/run/match_run.h"
#include "identity/run/match_settings.h"
#include "http/server.h"
#include "ingest/index_feeder.h"
#include "ingest/poller.h"
#include "sources/fetcher.h"
#include "ui/page_server.h"
#include "store/privacy_repository.h"
#include "store/read_pool.h"
#include "store/sync_state_repository.h"

namespace scrm::app {

namespace {

// Runs the CRM sync now and then every interval until Stop().
class SyncLoop {
 public:
  SyncLoop(store::Pool& pool, const Config& config, http::Metrics& metrics, BackgroundGate& gate)
      : pool_(pool), config_(config), metrics_(metrics), gate_(gate) {
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
      if (std::shared_lock<std::shared_mutex> pass = gate_.TryEnter(); pass.owns_lock()) RunOnce();
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
  BackgroundGate& gate_;  // closed during an import over the API: the round is skipped
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
  // gate (may be null): while it is closed (an import over the API), rounds
  // are skipped.
  Periodic(std::string name, std::chrono::seconds interval, BackgroundGate* gate, std::function<void()> task)
      : name_(std::move(name)), interval_(interval), gate_(gate), task_(std::move(task)) {}
  ~Periodic() { Stop(); }

  void Start() {
    if (interval_.count() <= 0) return;
    thread_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!stop_) {
        lock.unlock();
        try {
          std::shared_lock<std::shared_mutex> pass;
          if (gate_ != nullptr) pass = gate_->TryEnter();
          if (gate_ == nullptr || pass.owns_lock()) task_();
        } catch (const std::exception& e) {
          std::cerr << "scrm serve: " << name_ << " failed: " << e.what() << "\n";
        }
        lock.lock();
        cv_.wait_for(lock, interval_, [this] { return stop_ || soon_; });
        soon_ = false;
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

  // The next round starts now instead of at the end of the interval (or
  // right after the one running).
  void RunSoon() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      soon_ = true;
    }
    cv_.notify_all();
  }

 private:
  const std::string name_;
  const std::chrono::seconds interval_;
  BackgroundGate* gate_;
  std::function<void()> task_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool soon_ = false;
  std::thread thread_;
};

// Matches new profiles and changed CRM records every interval until Stop().
class MatchLoop {
 public:
  MatchLoop(store::Pool& pool, const Config& config, BackgroundGate& gate)
      : pool_(pool),
        defaults_(MatchOptionsOf(config)),
        loop_("matching", std::chrono::seconds(config.match_interval_seconds), &gate, [this] { Once(); }) {
    identity::RunOptions options;
    options.match = defaults_;
    matcher_ = std::make_unique<identity::IncrementalMatcher>(pool, options);
  }

  void Start() { loop_.Start(); }
  void Stop() { loop_.Stop(); }
  void RunSoon() { loop_.RunSoon(); }

 private:
  void Once() {
    try {  // the thresholds in force: an admin may have stored others since the last run
      matcher_->SetMatch(identity::LoadMatchSettings(pool_, defaults_).options);
    } catch (const store::DbError& e) {
      std::cerr << "scrm serve: matching: " << e.what() << "\n";
      return;
    }
    Result<identity::RunSummary> r = matcher_->RunOnce();
    if (!r.ok()) {
      std::cerr << "scrm serve: matching: " << r.status().message() << "\n";
    } else if (r->stored_auto + r->stored_suggestions > 0) {
      std::cerr << "scrm serve: matching: " << r->stored_auto << " new links, "
                << r->stored_suggestions << " new suggestions\n";
    }
  }

  store::Pool& pool_;
  const identity::MatchOptions defaults_;  // the configuration's
  std::unique_ptr<identity::IncrementalMatcher> matcher_;
  Periodic loop_;  // last: its thread stops before the matcher goes
};

std::string Describe(const http::CertificateInfo& c) {
  return "subject " + c.subject + ", serial " + c.serial + ", expires " + c.not_after_text;
}

// One line per reload: what is served now, or why the files were refused
// and what is still served.
void SayReload(const http::ServerTls& tls, const Result<http::CertificateInfo>& reloaded,
               const char* trigger) {
  if (reloaded.ok()) {
    std::cerr << "scrm serve: TLS certificate reloaded (" << trigger << "): "
              << Describe(*reloaded) << "; new connections get it" << std::endl;
  } else {
    std::cerr << "scrm serve: TLS certificate not reloaded (" << trigger << "), still serving "
              << Describe(tls.served()) << ": " << reloaded.status().message() << std::endl;
  }
}

// Signals scrm serve waits for; SIGHUP is blocked in every thread from the
// start (threads inherit the mask), so that it is only ever taken here.
sigset_t WaitedSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGQUIT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

// Poco's waitForTerminationRequest() with SIGHUP added: on_hangup runs for
// each SIGHUP; SIGINT, SIGQUIT or SIGTERM returns.
void WaitForTermination(const std::function<void()>& on_hangup) {
  const sigset_t set = WaitedSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig != SIGHUP) return;
    on_hangup();
  }
}

class ServeApp : public Poco::Util::ServerApplication {
 public:
  explicit ServeApp(const Config& config) : config_(config) {}
  int exit_code = kExitOk;

 protected:
  int main(const std::vector<std::string>&) override {
    // Before any thread starts, so that none of them takes a SIGHUP (whose
    // default is to end the process): WaitForTermination() does.
    sigset_t hangup;
    sigemptyset(&hangup);
    sigaddset(&hangup, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &hangup, nullptr);

    // TLS files first, read once: a bad one refuses the start before
    // anything runs, a good one is the context the listener serves.
    http::TlsOptions tls;
    tls.cert_file = config_.http_tls_cert_file;
    tls.key_file = config_.http_tls_key_file;
    std::shared_ptr<http::ServerTls> tls_context;
    if (tls.enabled()) {
      Result<std::shared_ptr<http::ServerTls>> loaded = http::ServerTls::Load(tls);
      if (!loaded.ok()) {
        exit_code = Fail("serve", loaded.status());
        return exit_code;
      }
      tls_context = *loaded;
    }
    store::Pool pool(config_.db);
    if (Status ping = pool.Ping(); !ping.ok()) {
      exit_code = Fail("serve", Status::Unavailable(ping.message() +
                                                    " (check db.url or SCRM_DB_URL)"));
      return exit_code;
    }
    // Reads that tolerate lag (search pages, the Social panel) go to the
    // replica while it is healthy (db.replica_url), else to the primary.
    std::unique_ptr<store::Pool> replica_pool;
    if (config_.db_replica_enabled) replica_pool = std::make_unique<store::Pool>(config_.db_replica);
    store::ReadPool reads(pool, replica_pool.get(), config_.db_replica_max_lag_seconds);
    if (replica_pool) {
      const store::ReplicaHealth h = reads.Check();
      std::cerr << "scrm serve: replica " << config_.db_replica.url.Redacted() << ": "
                << (h.healthy ? "in use for the search pages and the Social panel"
                              : h.problem + "; those reads go to db.url until it is well")
                << std::endl;
    }
    http::ServerOptions options;
    options.bind = config_.http_bind;
    options.port = config_.http_port;
    options.threads = config_.http_threads;
    options.slot_wait_ms = config_.http_slot_wait_ms;
    options.max_connections = config_.http_max_connections;
    options.max_connections_per_address = config_.http_max_connections_per_address;
    options.header_timeout_seconds = config_.http_header_timeout_seconds;
    options.body_timeout_seconds = config_.http_body_timeout_seconds;
    options.idle_timeout_seconds = config_.http_idle_timeout_seconds;
    options.read_timeout_seconds = config_.http_read_timeout_seconds;
    options.write_timeout_seconds = config_.http_write_timeout_seconds;
    options.max_body_bytes = static_cast<size_t>(config_.http_max_body_bytes);
    options.max_body_bytes_unauthenticated =
        static_cast<size_t>(config_.http_max_body_bytes_unauthenticated);
    options.max_concurrent_per_caller = config_.http_max_concurrent_per_caller;
    options.trusted_proxies = config_.http_trusted_proxies;
    options.per_address = {static_cast<double>(config_.http_rate_limit_per_address),
                           2.0 * config_.http_rate_limit_per_address};
    options.per_credential = {static_cast<double>(config_.http_rate_limit_per_credential),
                              2.0 * config_.http_rate_limit_per_credential};
    options.tls = tls;
    options.tls_context = tls_context;

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
      return service::SealPushSecret(config_.secrets_key_file, source, clear);
    };
    ui_options.session_minutes = config_.ui_session_minutes;
    ui_options.session_max_hours = config_.ui_session_max_hours;
    ui::PageServer pages(std::move(*templates), &pool, searcher->get(), ui_options);
    http::SessionOptions session_options;
    session_options.idle_seconds = int64_t{config_.ui_session_minutes} * 60;
    session_options.max_seconds = int64_t{config_.ui_session_max_hours} * 3600;
    // In the database: a restart keeps everyone signed in, and engines
    // behind one load balancer share the sessions (docs/ui.md).
    http::SessionStore sessions(session_options, &pool);
    pages.SetSessions(&sessions);
    pages.SetReadPool(&reads);

    BackgroundGate background;  // closed by an import over the API
    http::Services services;
    services.pool = &pool;
    services.reads = &reads;
    services.searcher = searcher->get();
    services.search_time_budget_ms = config_.search_time_budget_ms;
    services.pages = &pages;
    services.sessions = &sessions;
    services.authorizer =
        http::WithApiKeys(http::TokenAuthorizer(config_.secret, &sessions), &pool);
    services.secret = config_.secret;
    services.match = MatchOptionsOf(config_);
    services.import_staging_dir = config_.transfer_staging_dir;
    services.background = &background;
    // A record the CRM plugin reports as changed is matched at once. The
    // loop starts after the server; requests end (server.Stop) before it goes.
    std::atomic<MatchLoop*> match_now{nullptr};
    services.crm_record_changed = [&match_now] {
      if (MatchLoop* m = match_now.load()) m->RunSoon();
    };
    // The key of the sources' sealed push secrets, read when a push needs it
    // (and again when the file changes); a refused one is said now.
    secrets::CachedKeyFile secrets_key(config_.secrets_key_file);
    if (Result<secrets::Key> key = secrets_key.Get();
        !key.ok() && key.status().code() != Status::Code::kNotFound) {
      std::cerr << "scrm serve: " << key.status().message()
                << "; until then pushes to sources with a sealed secret answer 503\n";
    }
    services.secrets_key = &secrets_key;
    // Refusals for the security log: counted per request, written every few
    // seconds (and at the end, after the server: declared before it).
    http::RefusalLog refusals(&pool);
    services.refusals = &refusals;
    // The engine's ActivityPub actor (activitypub.base_url): its key is made
    // now if missing, so that the document served never changes under a
    // running server; a refused key file is said, and no actor is served.
    if (!config_.activitypub_base_url.empty()) {
      bool created = false;
      Result<service::ActivityPubActor> actor = service::LoadActivityPubActor(
          config_.activitypub_base_url, config_.activitypub_key_file, &created);
      if (!actor.ok()) {
        std::cerr << "scrm serve: " << actor.status().message()
                  << "; until fixed, /ap/actor answers 404 and fediverse fetches are unsigned\n";
      } else {
        if (created) {
          std::cerr << "scrm serve: created the ActivityPub actor key " << config_.activitypub_key_file
                    << " (back it up)\n";
        }
        services.activitypub_actor = actor->document;
      }
    }
    http::Server server(options, services);
    SyncLoop sync(pool, config_, server.metrics(), background);
    server.metrics().SetSyncLagSource([&sync] { return sync.LagSeconds(); });

    // URL sources are polled on their interval, with conditional GET.
    sources::HttpFetcherOptions fetch_options;
    fetch_options.ca_location = config_.poll_ca_file;
    sources::HttpFetcher fetcher(fetch_options);
    ingest::PollerOptions poll_options;
    poll_options.tick_seconds = config_.poll_tick_seconds;
    poll_options.fetch_timeout_seconds = config_.poll_timeout_seconds;
    poll_options.max_bytes = config_.poll_max_bytes;
    poll_options.gate = &background;
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
    // Renewed certificates (certbot and the like replace the files): looked
    // for every http.tls_reload_seconds, and reloaded on SIGHUP.
    Periodic tls_watch("TLS certificate check",
                       std::chrono::seconds(tls_context ? config_.http_tls_reload_seconds : 0), nullptr,
                       [&tls_context] {
                         if (auto reloaded = tls_context->ReloadIfChanged()) {
                           SayReload(*tls_context, *reloaded, "the files changed");
                         }
                       });
    if (tls_context) {
      std::cerr << "scrm serve: TLS certificate " << Describe(tls_context->served()) << std::endl;
      tls_watch.Start();
    }
    // The replica's health, every 2 seconds: a change of verdict is logged.
    server.metrics().registry()
        .AddGauge("scrm_db_replica_lag_seconds",
                  "Seconds the replica (db.replica_url) is behind; -1 when it is not used "
                  "(none, unreachable, stopped, or further behind than db.replica_max_lag_seconds).")
        .SetCallback({}, [&reads] {
          const store::ReplicaHealth h = reads.last();
          return h.healthy ? h.lag_seconds : -1.0;
        });
    http::ScalarFamily& read_targets = server.metrics().registry().AddCounter(
        "scrm_db_lagging_reads_total",
        "Reads that tolerate lag (search pages, the Social panel), by where they went.", {"target"});
    read_targets.SetCallback({"replica"}, [&reads] { return static_cast<double>(reads.replica_reads()); });
    read_targets.SetCallback({"primary"}, [&reads] { return static_cast<double>(reads.primary_reads()); });
    Periodic replica_watch("replica check", std::chrono::seconds(replica_pool ? 2 : 0), nullptr,
                           [&reads, was = reads.last().healthy]() mutable {
                             const store::ReplicaHealth h = reads.Check();
                             if (h.healthy != was) {
                               std::cerr << "scrm serve: replica "
                                         << (h.healthy ? "back in use (" + std::to_string(h.lag_seconds) + " s behind)"
                                                       : "not used: " + h.problem + "; reads go to db.url")
                                         << std::endl;
                             }
                             was = h.healthy;
                           });
    replica_watch.Start();
    sync.Start();
    if (config_.poll_tick_seconds > 0) poller.Start();
    MatchLoop matching(pool, config_, background);
    matching.Start();
    match_now = &matching;
    // Retention per source: at start, then every retention.interval_hours.
    // The removed posts are queued; the feeder takes them out of the index.
    Periodic retention("retention", std::chrono::hours(config_.retention_interval_hours), &background, [&pool] {
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
    NotifySystemd(std::string("READY=1\nSTATUS=serving on ") + server.scheme() + "://" + config_.http_bind + ":" +
                  std::to_string(server.port()));
    WaitForTermination([&tls_context] {
      if (tls_context) {
        SayReload(*tls_context, tls_context->Reload(), "SIGHUP");
      } else {
        std::cerr << "scrm serve: SIGHUP: no TLS certificate to reload (http.tls_cert_file is "
                     "not set)" << std::endl;
      }
    });
    std::cerr << "scrm serve: stopping: draining requests in flight\n";
    NotifySystemd("STOPPING=1\nSTATUS=draining requests in flight");
    tls_watch.Stop();
    server.Stop();
    replica_watch.Stop();
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
                 "SCRM_TLS_KEY_FILE), PEM, it speaks only HTTPS (docs/security.md); renewed\n"
                 "files are served to new connections without a restart: on SIGHUP, and when\n"
                 "seen changed (every http.tls_reload_seconds, SCRM_TLS_RELOAD_SECONDS; 0: off).\n";
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
