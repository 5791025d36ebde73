#include "ingest/poller.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <istream>
#include <optional>
#include <streambuf>
#include <utility>
#include <vector>

#include "core/reasons.h"
#include "core/time.h"
#include "store/source_repository.h"

namespace scrm::ingest {

namespace {

// Reads a fetched body in place: a feed may be tens of MiB, no second copy.
class StringReadBuf : public std::streambuf {
 public:
  explicit StringReadBuf(const std::string& s) {
    char* p = const_cast<char*>(s.data());
    setg(p, p, p + s.size());
  }
};

// The wait after `failures` consecutive failures: the interval doubled per
// failure, capped at max_backoff, but never shorter than the interval.
int64_t WaitSeconds(int64_t interval, int failures, int64_t max_backoff) {
  int64_t cap = std::max(interval, max_backoff);
  int64_t wait = interval;
  for (int i = 0; i < failures && wait < cap; ++i) wait *= 2;
  return std::min(wait, cap);
}

bool IsFetched(const Source& s) { return s.type == "url" || s.type == "listen"; }

bool IsPolled(const Source& s) {
  return IsFetched(s) && s.poll_interval_seconds > 0 && !s.location.empty();
}

PeriodicOptions LoopOptions(const PollerOptions& options) {
  PeriodicOptions o;
  o.gate = options.gate;
  o.on_failure = [f = options.on_failure](const std::string&, const std::string& what) {
    if (f) f("", what);
  };
  return o;
}

}  // namespace

Poller::Poller(store::Pool& pool, sources::Fetcher& fetcher, PollerOptions options)
    : pool_(pool),
      fetcher_(fetcher),
      options_(std::move(options)),
      loop_("polling", std::chrono::seconds(std::max(1, options_.tick_seconds)), [this] { Round(); },
            LoopOptions(options_)) {}

Poller::~Poller() { Stop(); }

bool Poller::IsDue(const Source& source, int64_t now) {
  if (in_flight_.count(source.id) != 0) return false;
  const int64_t interval = source.poll_interval_seconds;
  auto it = schedule_.find(source.id);
  if (it != schedule_.end()) {
    return now >= it->second.last_attempt +
                      WaitSeconds(interval, it->second.failures, options_.max_backoff_seconds);
  }
  // Not polled since start-up: the stored last run decides.
  if (source.last_run_at.empty()) return true;
  std::optional<int64_t> last = ParseSqlDateTime(source.last_run_at);
  return !last || now >= *last + interval;
}

int Poller::RunDue(int64_t now) { return RunDueImpl(now, false); }

int Poller::RunDueImpl(int64_t now, bool background) {
  std::vector<Source> all = store::SourceRepository(pool_).List();
  std::vector<Source> due;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Forget removed sources.
    for (auto it = schedule_.begin(); it != schedule_.end();) {
      bool present = std::any_of(all.begin(), all.end(),
                                 [&](const Source& s) { return s.id == it->first; });
      it = present ? std::next(it) : schedule_.erase(it);
    }
    for (Source& s : all) {
      if (IsPolled(s) && IsDue(s, now)) {
        in_flight_.insert(s.id);
        due.push_back(std::move(s));
      }
    }
  }
  int polled = 0;
  auto release_from = [&](size_t first) {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t j = first; j < due.size(); ++j) in_flight_.erase(due[j].id);
  };
  for (size_t i = 0; i < due.size(); ++i) {
    if (background && loop_.stopping()) {
      release_from(i);  // left for the next start
      break;
    }
    ++polled;
    try {
      Poll(due[i], now);  // releases due[i]'s in_flight_ mark
    } catch (const store::DbError& e) {
      // An SQL error particular to this source's data: the others go on;
      // but without a database there is no point in trying them.
      if (e.unavailable()) {
        release_from(i + 1);
        throw;
      }
    } catch (...) {
      release_from(i + 1);
      throw;
    }
  }
  return polled;
}

Result<IngestSummary> Poller::PollNow(const std::string& name) {
  std::optional<Source> source = store::SourceRepository(pool_).Get(name);
  if (!source) {
    return Status::NotFound("no source named '" + name + "'")
        .WithReason(reason::kSourceUnknown, {{"name", name}});
  }
  if (!IsFetched(*source)) {
    return Status::FailedPrecondition("source '" + name + "' is a " + source->type +
                                      " source: only url and listen sources are fetched")
        .WithReason(reason::kPollNotUrl, {{"name", name}, {"type", source->type}});
  }
  if (source->location.empty()) {
    return Status::FailedPrecondition("source '" + name + "' has no URL (location)")
        .WithReason(reason::kPollNoLocation, {{"name", name}});
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!in_flight_.insert(source->id).second) {
      return Status::Conflict("source '" + name + "' is being polled right now")
          .WithReason(reason::kPollBusy, {{"name", name}});
    }
  }
  return Poll(*source, NowUnixSeconds());
}

Result<IngestSummary> Poller::Poll(const Source& source, int64_t now) {
  // Whatever happens, the source is free again and its attempt counts.
  struct Release {
    Poller* p;
    int64_t id;
    int64_t now;
    bool ok = false;
    ~Release() {
      std::lock_guard<std::mutex> lock(p->mu_);
      p->in_flight_.erase(id);
      Schedule& s = p->schedule_[id];
      s.last_attempt = now;
      s.failures = ok ? 0 : s.failures + 1;
    }
  } release{this, source.id, now};

  store::SourceRepository repo(pool_);
  bool counted = false;  // this failure is already counted and reported
  auto fail = [&](const Status& status) -> Result<IngestSummary> {
    counted = true;
    failed_++;
    if (options_.on_failure) options_.on_failure(source.name, status.message());
    repo.RecordFailure(source.id, status.message());
    return status;
  };

  try {
    if (source.type == "listen") {
      Result<IngestSummary> heard = Listen(source);
      if (!heard.ok()) return fail(heard.status());
      repo.RecordSuccess(source.id,
                         heard->posts_new + heard->posts_updated + heard->profiles_new +
                             heard->profiles_updated,
                         "", "");
      ok_++;
      release.ok = true;
      return heard;
    }
    sources::FetchRequest request;
    request.url = source.location;
    request.etag = source.etag;
    request.last_modified = source.last_modified;
    request.timeout_seconds = options_.fetch_timeout_seconds;
    request.max_bytes = options_.max_bytes;
    Result<sources::FetchResult> fetched = Status::Internal("not fetched");
    try {
      fetched = fetcher_.Fetch(request);
    } catch (const std::exception& e) {
      fetched = Status::Internal("fetching " + sources::RedactUrl(source.location) + ": " +
                                 e.what());
    }
    if (!fetched.ok()) return fail(fetched.status());

    IngestSummary summary;
    if (fetched->status == 304) {
      summary.format = source.format;
      summary.notes.push_back("not modified (HTTP 304): nothing fetched");
      repo.RecordSuccess(source.id, 0, fetched->etag, fetched->last_modified);
      not_modified_++;
      release.ok = true;
      return summary;
    }

    StringReadBuf buf(fetched->body);
    std::istream in(&buf);
    IngestOptions options;
    options.format = source.format;
    options.file_name = fetched->final_url;
    options.charset = fetched->charset;
    options.base_url = fetched->final_url;
    Result<IngestSummary> ingested = Ingest(pool_, source, in, options);
    if (!ingested.ok()) return fail(ingested.status());
    const IngestSummary& s = *ingested;
    repo.RecordSuccess(source.id,
                       s.posts_new + s.posts_updated + s.profiles_new + s.profiles_updated,
                       fetched->etag, fetched->last_modified);
    ok_++;
    release.ok = true;
    return ingested;
  } catch (const std::exception& e) {
    // The database failed us (store::DbError): count it, record it when the
    // database still listens, and let the caller's edge report it.
    if (!release.ok && !counted) {
      failed_++;
      if (options_.on_failure) options_.on_failure(source.name, e.what());
      try {
        repo.RecordFailure(source.id, e.what());
      } catch (const std::exception&) {
      }
    }
    throw;
  }
}

Result<IngestSummary> Poller::Listen(const Source& source) {
  nlohmann::json stored = nlohmann::json::parse(source.state.empty() ? "{}" : source.state,
                                                nullptr, false);
  if (!stored.is_object()) stored = nlohmann::json::object();
  nlohmann::json state = nlohmann::json::object();  // the terms of now only
  IngestSummary total;
  Status failed;
  for (const std::string& term : ListenTerms(source.location)) {
    const std::string before =
        stored.contains(term) && stored[term].is_string() ? stored[term].get<std::string>() : "";
    state[term] = before;
    if (!failed.ok()) continue;  // a term after a failure keeps its state
    auto takes = [&term](const sources::Listener* l) { return l->Takes(term); };
    auto found = std::find_if(options_.listeners.begin(), options_.listeners.end(), takes);
    if (found == options_.listeners.end()) {
      failed = Status::FailedPrecondition("source '" + source.name + "' listens for '" + term +
                                          "', but this process has no client for its network");
      continue;
    }
    sources::Listener& listener = **found;
    const std::string network(listener.network());
    if (total.format.find(network) == std::string::npos) {
      total.format += (total.format.empty() ? "" : "+") + network;
    }
    sources::ListenReport report;
    Status heard;
    auto produce = [&](RecordSink& sink) -> Status {
      Result<sources::ListenReport> r =
          listener.Listen(term, before, options_.listen_limits, sink);
      if (r.ok()) {
        report = std::move(*r);
      } else {
        heard = r.status();
      }
      return Status::Ok();  // said below, after what was handed over is stored
    };
    IngestOptions options;
    options.file_name = "search " + term;
    options.writers = 1;
    Result<IngestSummary> s = IngestRecords(pool_, source, network, produce, options);
    if (!s.ok()) {
      failed = s.status();
      continue;
    }
    total += *s;
    if (!heard.ok()) {
      const std::string message = "listening for '" + term + "': " + heard.message();
      failed = heard.code() == Status::Code::kUnavailable ? Status::Unavailable(message)
                                                           : Status::FailedPrecondition(message);
      continue;
    }
    state[term] = report.state;
    total.notes.push_back(term + ": " + std::to_string(report.requests) + " requests, " +
                          std::to_string(report.posts) + " matches, " +
                          std::to_string(report.profiles) + " profiles");
  }
  store::SourceRepository(pool_).RecordState(source.id, state.dump());
  if (!failed.ok()) return failed;
  return total;
}

void Poller::Start() { loop_.Start(); }

void Poller::Stop() { loop_.Stop(); }

void Poller::Round() { RunDueImpl(NowUnixSeconds(), true); }

PollerCounters Poller::counters() const {
  PollerCounters c;
  c.ok = ok_.load();
  c.not_modified = not_modified_.load();
  c.failed = failed_.load();
  return c;
}

}  // namespace scrm::ingest
