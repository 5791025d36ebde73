// scrm serve: the HTTP server (API, UI, /healthz, /readyz, /metrics) on
// Poco's ServerApplication, with the CRM sync in the background. SIGTERM or
// SIGINT stops accepting, drains the requests in flight, and exits 0. SIGHUP
// reloads the TLS certificate and key files (so does a look at them every
// http.tls_reload_seconds), keeping the old pair when the new one is bad.
#include <Poco/Util/ServerApplication.h>
#include <signal.h>

#include <atomic>
#include <functional>
#include <iostream>
#include <optional>
#include <thread>

#include "app/background.h"
#include "app/cli.h"
#include "app/open_networks.h"
#include "app/systemd_notify.h"
#include "core/gate.h"
#include "http/api_keys.h"
#include "http/auth.h"
#include "http/rate_limit.h"
#include "http/server.h"
#include "ingest/index_feeder.h"
#include "ingest/poller.h"
#include "service/activitypub_actor.h"
#include "sources/fetcher.h"
#include "ui/page_server.h"
#include "store/read_pool.h"

namespace scrm::app {

namespace {

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

http::TlsOptions TlsOptionsOf(const Config& config) {
  http::TlsOptions tls;
  tls.cert_file = config.http_tls_cert_file;
  tls.key_file = config.http_tls_key_file;
  return tls;
}

http::ServerOptions ServerOptionsOf(const Config& config) {
  http::ServerOptions options;
  options.bind = config.http_bind;
  options.port = config.http_port;
  options.threads = config.http_threads > 0
                        ? config.http_threads
                        : http::WorkSlots::ForCores(std::thread::hardware_concurrency());
  options.slot_wait_ms = config.http_slot_wait_ms;
  options.max_connections = config.http_max_connections;
  options.max_connections_per_address = config.http_max_connections_per_address;
  options.header_timeout_seconds = config.http_header_timeout_seconds;
  options.body_timeout_seconds = config.http_body_timeout_seconds;
  options.idle_timeout_seconds = config.http_idle_timeout_seconds;
  options.read_timeout_seconds = config.http_read_timeout_seconds;
  options.write_timeout_seconds = config.http_write_timeout_seconds;
  options.max_body_bytes = static_cast<size_t>(config.http_max_body_bytes);
  options.max_body_bytes_unauthenticated =
      static_cast<size_t>(config.http_max_body_bytes_unauthenticated);
  options.max_concurrent_per_caller = config.http_max_concurrent_per_caller;
  options.trusted_proxies = config.http_trusted_proxies;
  options.per_address = {static_cast<double>(config.http_rate_limit_per_address),
                         2.0 * config.http_rate_limit_per_address};
  options.per_credential = {static_cast<double>(config.http_rate_limit_per_credential),
                            2.0 * config.http_rate_limit_per_credential};
  options.tls = TlsOptionsOf(config);
  return options;
}

ui::UiOptions UiOptionsOf(const Config& config) {
  ui::UiOptions ui_options;
  ui_options.crm_origin = config.crm_origin;
  ui_options.match = MatchOptionsOf(config);
  ui_options.secrets_key_file = config.secrets_key_file;
  ui_options.session_minutes = config.ui_session_minutes;
  ui_options.session_max_hours = config.ui_session_max_hours;
  return ui_options;
}

http::SessionOptions SessionOptionsOf(const Config& config) {
  http::SessionOptions session_options;
  session_options.idle_seconds = int64_t{config.ui_session_minutes} * 60;
  session_options.max_seconds = int64_t{config.ui_session_max_hours} * 3600;
  return session_options;
}

ingest::PollerOptions PollerOptionsOf(const Config& config, BackgroundGate* gate) {
  ingest::PollerOptions poll_options;
  poll_options.tick_seconds = config.poll_tick_seconds;
  poll_options.fetch_timeout_seconds = config.poll_timeout_seconds;
  poll_options.max_bytes = config.poll_max_bytes;
  poll_options.gate = gate;
  poll_options.on_failure = [](const std::string& source, const std::string& message) {
    std::cerr << "scrm serve: polling " << (source.empty() ? "sources" : source) << ": "
              << message << "\n";
  };
  return poll_options;
}

void SayReplica(store::ReadPool& reads, const std::string& replica) {
  const store::ReplicaHealth h = reads.Check();
  std::cerr << "scrm serve: replica " << replica << ": "
            << (h.healthy ? "in use for the search pages and the Social panel"
                          : h.problem + "; those reads go to db.url until it is well")
            << std::endl;
}

// /metrics of the background work: polls, index feeding, the replica.
void AddBackgroundMetrics(http::Metrics& metrics, ingest::Poller& poller, ingest::IndexFeeder& feeder,
                          store::ReadPool& reads) {
  http::ScalarFamily& polls = metrics.registry().AddCounter(
      "scrm_source_polls_total", "Polls of url sources by result.", {"result"});
  polls.SetCallback({"ok"}, [&poller] { return static_cast<double>(poller.counters().ok); });
  polls.SetCallback({"not_modified"},
                    [&poller] { return static_cast<double>(poller.counters().not_modified); });
  polls.SetCallback({"failed"}, [&poller] { return static_cast<double>(poller.counters().failed); });
  http::ScalarFamily& indexed = metrics.registry().AddCounter(
      "scrm_index_feed_total", "Posts indexed (or removed) from the queue, and failed drains.",
      {"result"});
  indexed.SetCallback({"indexed"}, [&feeder] { return static_cast<double>(feeder.indexed_total()); });
  indexed.SetCallback({"failed"}, [&feeder] { return static_cast<double>(feeder.failures_total()); });
  metrics.registry()
      .AddGauge("scrm_db_replica_lag_seconds",
                "Seconds the replica (db.replica_url) is behind; -1 when it is not used "
                "(none, unreachable, stopped, or further behind than db.replica_max_lag_seconds).")
      .SetCallback({}, [&reads] {
        const store::ReplicaHealth h = reads.last();
        return h.healthy ? h.lag_seconds : -1.0;
      });
  http::ScalarFamily& read_targets = metrics.registry().AddCounter(
      "scrm_db_lagging_reads_total",
      "Reads that tolerate lag (search pages, the Social panel), by where they went.", {"target"});
  read_targets.SetCallback({"replica"}, [&reads] { return static_cast<double>(reads.replica_reads()); });
  read_targets.SetCallback({"primary"}, [&reads] { return static_cast<double>(reads.primary_reads()); });
}

// The engine's ActivityPub actor (activitypub.base_url), read once: its
// key made now if missing, so that the document served and the key that
// signs fetches never change under a running server. A refused key file is
// said on stderr.
ConfiguredActor ReadActor(const Config& config) {
  bool created = false;
  ConfiguredActor actor = LoadConfiguredActor(config, &created);
  if (!actor.ok()) {
    std::cerr << "scrm serve: " << actor.status().message()
              << "; until fixed, /ap/actor answers 404 and the fediverse is not followed\n";
  } else if (created) {
    std::cerr << "scrm serve: created the ActivityPub actor key " << config.activitypub_key_file
              << " (back it up)\n";
  }
  return actor;
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
    exit_code = Serve();
    return exit_code;
  }

 private:
  int Serve() {
    // TLS files first, read once: a bad one refuses the start before
    // anything runs, a good one is the context the listener serves.
    const http::TlsOptions tls = TlsOptionsOf(config_);
    std::shared_ptr<http::ServerTls> tls_context;
    if (tls.enabled()) {
      Result<std::shared_ptr<http::ServerTls>> loaded = http::ServerTls::Load(tls);
      if (!loaded.ok()) return Fail("serve", loaded.status());
      tls_context = *loaded;
    }
    store::Pool pool(config_.db);
    if (Status ping = pool.Ping(); !ping.ok()) {
      return Fail("serve", Status::Unavailable(ping.message() + " (check db.url or SCRM_DB_URL)"));
    }
    // Reads that tolerate lag (search pages, the Social panel) go to the
    // replica while it is healthy (db.replica_url), else to the primary.
    std::unique_ptr<store::Pool> replica_pool;
    if (config_.db_replica_enabled) replica_pool = std::make_unique<store::Pool>(config_.db_replica);
    store::ReadPool reads(pool, replica_pool.get(), config_.db_replica_max_lag_seconds);
    if (replica_pool) SayReplica(reads, config_.db_replica.url.Redacted());

    // The index: searched by the API, fed from the database's queue. A
    // damaged or mismatched one does not stop the engine: search answers
    // with the problem (and /readyz 503) until `scrm reindex`.
    const index::IndexConfig index_config = IndexConfigOf(config_);
    Status index_problem;
    Result<std::unique_ptr<index::Searcher>> searcher =
        index::Searcher::Open(index_config, &index_problem);
    if (!searcher.ok()) return Fail("serve", searcher.status());
    if (!index_problem.ok()) {
      std::cerr << "scrm serve: the search index cannot be searched: " << index_problem.message()
                << "; search answers 503 until it is rebuilt (stop scrm serve, run `scrm reindex`)"
                << std::endl;
    }
    ingest::IndexFeeder feeder(pool, index_config);

    // The /ui/ pages: templates checked now, so a broken one stops the start.
    Result<std::unique_ptr<ui::Templates>> templates = ui::Templates::Load(config_.ui_templates_dir);
    if (!templates.ok()) return Fail("serve", templates.status());
    ui::PageServer pages(std::move(*templates), &pool, searcher->get(), UiOptionsOf(config_));
    // Sessions in the database: a restart keeps everyone signed in, and
    // engines behind one load balancer share them (docs/ui.md).
    http::SessionStore sessions(SessionOptionsOf(config_), &pool);
    pages.SetSessions(&sessions);
    pages.SetReadPool(&reads);

    // The key of the sources' sealed push secrets, read when a push needs it
    // (and again when the file changes); a refused one is said now.
    secrets::CachedKeyFile secrets_key(config_.secrets_key_file);
    if (Result<secrets::Key> key = secrets_key.Get();
        !key.ok() && key.status().code() != Status::Code::kNotFound) {
      std::cerr << "scrm serve: " << key.status().message()
                << "; until then pushes to sources with a sealed secret answer 503\n";
    }
    // Refusals for the security log: counted per request, written every few
    // seconds (and at the end, after the server: declared before it).
    http::RefusalLog refusals(&pool);
    BackgroundGate gate;  // closed by an import over the API
    // A record the CRM plugin reports as changed is matched at once. The
    // background starts after the server; requests end (server.Stop) before it goes.
    std::atomic<Background*> background_now{nullptr};
    http::Services services;
    services.pool = &pool;
    services.reads = &reads;
    services.searcher = searcher->get();
    services.search_time_budget_ms = config_.search_time_budget_ms;
    services.pages = &pages;
    services.sessions = &sessions;
    services.authorizer = http::WithApiKeys(http::TokenAuthorizer(config_.secret, &sessions), &pool);
    services.secret = config_.secret;
    services.match = MatchOptionsOf(config_);
    services.import_staging_dir = config_.transfer_staging_dir;
    services.background = &gate;
    services.crm_record_changed = [&background_now] {
      if (Background* b = background_now.load()) b->MatchSoon();
    };
    services.secrets_key = &secrets_key;
    services.secrets_key_file = config_.secrets_key_file;  // seals secrets given to /api/v1/admin/sources
    services.refusals = &refusals;
    const ConfiguredActor actor = ReadActor(config_);
    if (actor.ok() && actor->has_value()) services.activitypub_actor = (*actor)->document;
    // URL sources are polled on their interval, with conditional GET.
    // Listen sources on the same schedule: fediverse servers' hashtag
    // timelines and the AT Protocol's AppView.
    sources::HttpFetcher fetcher(FetcherOptionsOf(config_));
    Listeners listeners(config_, fetcher);
    ingest::PollerOptions poll_options = PollerOptionsOf(config_, &gate);
    poll_options.listeners = listeners.all();
    poll_options.listen_limits = OpenNetworkLimitsOf(config_);
    ingest::Poller poller(pool, fetcher, poll_options);
    pages.SetPoller(&poller);  // the admin page's "Poll now"
    services.poller = &poller;  // and POST /api/v1/admin/sources/{name}/poll
    http::ServerOptions options = ServerOptionsOf(config_);
    options.tls_context = tls_context;
    http::Server server(options, services);

    AddBackgroundMetrics(server.metrics(), poller, feeder, reads);

    Background background(config_, {&pool, &reads, &feeder, &poller, tls_context.get(),
                                    replica_pool != nullptr, &server.metrics(), &gate, &actor});
    if (Status s = server.Start(); !s.ok()) return Fail("serve", s);
    std::cout << "scrm: listening on " << server.scheme() << "://" << config_.http_bind << ":"
              << server.port() << std::endl;
    background.Start();
    background_now = &background;
    NotifySystemd(std::string("READY=1\nSTATUS=serving on ") + server.scheme() + "://" +
                  config_.http_bind + ":" + std::to_string(server.port()));
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
    server.Stop();
    background.Stop();
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
