#include "service/matching.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "core/text.h"
#include "core/time.h"
#include "store/link_repository.h"
#include "store/profile_reader.h"
#include "store/sync_state_repository.h"

namespace scrm::service {

using identity::Decision;
using identity::Evidence;
using identity::MatchOptions;
using identity::Matcher;
using identity::Phrase;
using identity::Proposal;

namespace {

constexpr char kStateName[] = "match";

double Round4(double x) { return std::round(x * 10000) / 10000; }

// Matches a batch of profiles, reports each proposal and (unless a dry run)
// stores the batch's results.
void MatchBatch(store::Pool& pool, const Matcher& matcher, const store::LinkRepository::MatchState& state,
                const std::vector<store::StoredProfile>& batch, const RunOptions& options,
                const ProposalSink& sink, RunSummary& summary) {
  std::vector<std::pair<std::string, std::string>> matched;
  std::vector<store::ProposedLink> proposed;
  // Matching is CPU-bound and the matcher is read-only here: the batch is
  // split between threads; results are then used in input order.
  std::vector<std::vector<Proposal>> results(batch.size());
  std::vector<char> settled(batch.size(), 0);
  auto work = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      const Profile& p = batch[i].profile;
      if (state.settled.count(store::LinkRepository::ProfileKey(p.platform, p.external_id))) {
        settled[i] = 1;
        continue;
      }
      results[i] = matcher.Match(p, [&](CrmModule module, const std::string& crm_id) {
        return !state.rejected.empty() &&
               state.rejected.count(
                   store::LinkRepository::PairKey(p.platform, p.external_id, module, crm_id)) > 0;
      });
    }
  };
  const size_t threads = batch.size() >= 2000 ? std::max(1u, std::min(4u, std::thread::hardware_concurrency())) : 1;
  std::vector<std::thread> pool_threads;
  const size_t per = (batch.size() + threads - 1) / threads;
  for (size_t t = 1; t < threads; ++t) {
    pool_threads.emplace_back(work, std::min(batch.size(), t * per), std::min(batch.size(), (t + 1) * per));
  }
  work(0, std::min(batch.size(), per));
  for (std::thread& t : pool_threads) t.join();
  for (size_t i = 0; i < batch.size(); ++i) {
    const store::StoredProfile& sp = batch[i];
    const Profile& p = sp.profile;
    ++summary.profiles;
    if (settled[i]) {
      ++summary.settled;
      continue;
    }
    matched.emplace_back(p.platform, p.external_id);
    for (Proposal& pr : results[i]) {
      if (pr.decision == Decision::kAuto) {
        ++summary.proposed_auto;
      } else {
        ++summary.proposed_suggest;
      }
      if (!options.dry_run) {
        store::ProposedLink l;
        l.profile_id = sp.id;
        l.platform = p.platform;
        l.external_id = p.external_id;
        l.module = pr.module;
        l.crm_id = pr.crm_id;
        l.score = Round4(pr.score);
        l.automatic = pr.decision == Decision::kAuto;
        l.evidence = EvidenceJson(pr.evidence).dump();
        proposed.push_back(std::move(l));
      }
      if (sink) {
        ProposalRecord r;
        r.profile_id = sp.id;
        r.platform = p.platform;
        r.handle = p.handle;
        r.profile_url = p.url.empty() ? p.external_id : p.url;
        r.external_id = p.external_id;
        r.proposal = std::move(pr);
        sink(r);
      }
    }
  }
  if (options.dry_run || matched.empty()) return;
  store::ApplyCounts c = store::LinkRepository(pool).ApplyMatches(matched, proposed);
  summary.stored_auto += c.auto_links;
  summary.stored_suggestions += c.suggestions;
  summary.refreshed += c.refreshed;
  summary.withdrawn += c.withdrawn;
  summary.settled += c.skipped;
}

Matcher BuildMatcher(store::Pool& pool, const RunOptions& options, int64_t* count) {
  Matcher m(options.match);
  std::vector<Customer> customers = store::ProfileReader(pool).AllCustomers();
  for (const Customer& c : customers) m.Upsert(c);
  m.Compact();
  *count = static_cast<int64_t>(customers.size());
  return m;
}

RunSummary FullRun(store::Pool& pool, const Matcher& matcher, const RunOptions& options,
                   const ProposalSink& sink) {
  RunSummary s;
  s.mode = "full";
  s.dry_run = options.dry_run;
  store::LinkRepository::MatchState state = store::LinkRepository(pool).LoadMatchState();
  // The next batch is read while this one is matched: at most two wait.
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::vector<store::StoredProfile>> queue;
  bool done = false;
  std::exception_ptr failure;
  std::thread reader([&] {
    try {
      store::ProfileReader(pool).ForEachProfile(
          [&](std::vector<store::StoredProfile>& batch) {
            std::unique_lock<std::mutex> lock(mu);
            cv.wait(lock, [&] { return queue.size() < 2 || failure; });
            queue.push_back(std::move(batch));
            cv.notify_all();
          },
          options.batch);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu);
      failure = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(mu);
    done = true;
    cv.notify_all();
  });
  try {
    for (;;) {
      std::vector<store::StoredProfile> batch;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return !queue.empty() || done; });
        if (queue.empty()) break;
        batch = std::move(queue.front());
        queue.pop_front();
        cv.notify_all();
      }
      MatchBatch(pool, matcher, state, batch, options, sink, s);
    }
  } catch (...) {
    {
      std::lock_guard<std::mutex> lock(mu);
      failure = std::current_exception();
      queue.clear();
      cv.notify_all();
    }
    reader.join();
    throw;
  }
  reader.join();
  if (failure) std::rethrow_exception(failure);
  return s;
}

std::string Earlier(const std::string& sql_time, int seconds) {
  std::optional<int64_t> t = ParseSqlDateTime(sql_time);
  return t ? FormatSqlDateTime(*t - seconds) : sql_time;
}

}  // namespace

nlohmann::json EvidenceJson(const std::vector<Evidence>& evidence) {
  nlohmann::json list = nlohmann::json::array();
  for (const Evidence& e : evidence) {
    nlohmann::json phrases = nlohmann::json::array();
    for (const Phrase& p : e.phrases) phrases.push_back({{"id", p.id}, {"args", p.args}});
    list.push_back({{"kind", e.kind}, {"detail", e.detail}, {"weight", e.weight}, {"phrases", phrases}});
  }
  return list;
}

nlohmann::json ProposalRecord::ToJson() const {
  return {{"platform", platform},
          {"handle", handle},
          {"profile_url", profile_url},
          {"profile_id", profile_id},
          {"crm_module", CrmModuleName(proposal.module)},
          {"crm_id", proposal.crm_id},
          {"score", Round4(proposal.score)},
          {"decision", DecisionName(proposal.decision)},
          {"evidence", EvidenceJson(proposal.evidence)}};
}

nlohmann::json RunSummary::ToJson() const {
  return {{"mode", mode},
          {"dry_run", dry_run},
          {"customers", customers},
          {"profiles", profiles},
          {"settled", settled},
          {"proposed_auto", proposed_auto},
          {"proposed_suggest", proposed_suggest},
          {"auto_links", stored_auto},
          {"suggestions", stored_suggestions},
          {"refreshed", refreshed},
          {"candidates", candidates},
          {"skipped_blocks", skipped_blocks},
          {"withdrawn", withdrawn},
          {"seconds", std::round(seconds * 1000) / 1000},
          {"load_seconds", std::round(load_seconds * 1000) / 1000},
          {"watermark", watermark}};
}

Result<RunSummary> MatchAll(store::Pool& pool, const RunOptions& options,
                            const ProposalSink& on_proposal) {
  const double t0 = MonotonicSeconds();
  const std::string now = store::ProfileReader(pool).DatabaseNow();
  int64_t customers = 0;
  Matcher matcher = BuildMatcher(pool, options, &customers);
  const double loaded = MonotonicSeconds();
  RunSummary s = FullRun(pool, matcher, options, on_proposal);
  s.customers = customers;
  s.candidates = static_cast<int64_t>(matcher.stats().candidates);
  s.skipped_blocks = static_cast<int64_t>(matcher.stats().skipped_blocks);
  s.load_seconds = loaded - t0;
  s.seconds = MonotonicSeconds() - t0;
  if (!options.dry_run) {
    s.watermark = now;
    store::SyncStateRepository(pool).RecordSuccess(kStateName, now, s.ToJson().dump());
  }
  return s;
}

struct IncrementalMatcher::State {
  std::unique_ptr<Matcher> matcher;
  int64_t customers = 0;
};

IncrementalMatcher::IncrementalMatcher(store::Pool& pool, RunOptions options)
    : pool_(pool), options_(options), state_(std::make_unique<State>()) {}
IncrementalMatcher::~IncrementalMatcher() = default;

void IncrementalMatcher::SetMatch(const MatchOptions& match) {
  const MatchOptions& now = options_.match;
  if (now.auto_threshold == match.auto_threshold && now.suggest_threshold == match.suggest_threshold &&
      now.margin == match.margin && now.max_suggestions == match.max_suggestions) {
    return;
  }
  options_.match = match;
  state_->matcher.reset();
}

Result<RunSummary> IncrementalMatcher::RunOnce(const ProposalSink& on_proposal) {
  const double t0 = MonotonicSeconds();
  store::ProfileReader reader(pool_);
  const std::string now = reader.DatabaseNow();
  std::optional<store::SyncState> last = store::SyncStateRepository(pool_).Get(kStateName);
  if (!state_->matcher) {
    state_->matcher = std::make_unique<Matcher>(BuildMatcher(pool_, options_, &state_->customers));
  }
  const double loaded = MonotonicSeconds();
  RunSummary s;
  s.dry_run = options_.dry_run;
  if (!last || last->watermark.empty()) {
    s = FullRun(pool_, *state_->matcher, options_, on_proposal);
  } else {
    const std::string since = Earlier(last->watermark, options_.overlap_seconds);
    std::vector<Customer> changed =
        reader.CustomersSyncedSince(since, options_.max_changed_customers + 1);
    for (const Customer& c : changed) state_->matcher->Upsert(c);
    if (changed.size() > static_cast<size_t>(options_.max_changed_customers)) {
      // A big CRM change: rebuild and match everything.
      state_->matcher = std::make_unique<Matcher>(BuildMatcher(pool_, options_, &state_->customers));
      s = FullRun(pool_, *state_->matcher, options_, on_proposal);
    } else {
      s.mode = "incremental";
      std::vector<store::StoredProfile> profiles =
          reader.ProfilesUpdatedSince(since, options_.max_changed_profiles);
      // Profiles that may belong to a changed customer: those showing its
      // family name, handle or an address (a scan, bounded by max_changed_customers).
      if (!changed.empty()) {
        std::vector<int64_t> ids = reader.ProfileIdsMentioning([&] {
          std::vector<std::string> needles;
          for (const Customer& c : changed) {
            if (!c.last_name.empty()) needles.push_back(c.last_name);
            if (c.module == CrmModule::kAccounts && !c.name.empty()) needles.push_back(c.name);
            for (const CustomerEmail& e : c.emails) needles.push_back(e.address);
            for (const std::string* h : {&c.twitter, &c.facebook}) {
              if (!h->empty()) needles.push_back(*h);
            }
          }
          return needles;
        }());
        std::vector<int64_t> known;
        for (const auto& p : profiles) known.push_back(p.id);
        std::sort(known.begin(), known.end());
        std::vector<int64_t> more;
        for (int64_t id : ids) {
          if (!std::binary_search(known.begin(), known.end(), id)) more.push_back(id);
        }
        for (auto& p : reader.ProfilesByIds(more)) profiles.push_back(std::move(p));
      }
      std::vector<std::pair<std::string, std::string>> keys;
      for (const auto& p : profiles) keys.emplace_back(p.profile.platform, p.profile.external_id);
      store::LinkRepository::MatchState state = store::LinkRepository(pool_).LoadMatchState(keys);
      for (size_t start = 0; start < profiles.size(); start += options_.batch) {
        std::vector<store::StoredProfile> batch(
            profiles.begin() + start,
            profiles.begin() + std::min(profiles.size(), start + options_.batch));
        MatchBatch(pool_, *state_->matcher, state, batch, options_, on_proposal, s);
      }
    }
  }
  s.customers = static_cast<int64_t>(state_->matcher->size());
  s.load_seconds = loaded - t0;
  s.seconds = MonotonicSeconds() - t0;
  if (!options_.dry_run) {
    s.watermark = now;
    store::SyncStateRepository(pool_).RecordSuccess(kStateName, now, s.ToJson().dump());
  }
  return s;
}

Result<RunSummary> MatchSince(store::Pool& pool, const RunOptions& options,
                              const ProposalSink& on_proposal) {
  IncrementalMatcher m(pool, options);
  return m.RunOnce(on_proposal);
}

}  // namespace scrm::service
