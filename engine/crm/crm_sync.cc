#include "crm/crm_sync.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <map>
#include <set>
#include <cmath>
#include <optional>
#include <unordered_set>

#include "core/time.h"
#include "crm/crm_reader.h"
#include "store/customer_repository.h"
#include "store/sql_util.h"
#include "store/sync_state_repository.h"

namespace scrm::crm {

nlohmann::json SyncSummary::ToJson() const {
  return {{"mode", full ? "full" : "incremental"},
          {"contacts", contacts},
          {"leads", leads},
          {"accounts", accounts},
          {"updated", inserted + changed},
          {"new", inserted},
          {"changed", changed},
          {"unchanged", unchanged},
          {"deleted", deleted},
          {"seconds", std::round(seconds * 1000) / 1000},
          {"watermark", watermark}};
}

namespace {

int64_t& CountOf(SyncSummary& s, CrmModule m) {
  switch (m) {
    case CrmModule::kContacts: return s.contacts;
    case CrmModule::kLeads: return s.leads;
    case CrmModule::kAccounts: return s.accounts;
  }
  return s.contacts;
}

// Writes one page: live records upserted, deleted ones removed.
void Apply(store::CustomerRepository& repo, CrmModule module, std::vector<CrmRecord>& page,
           bool dense, SyncSummary& summary) {
  std::vector<Customer> live;
  std::vector<std::string> gone;
  for (CrmRecord& r : page) {
    if (r.deleted) {
      gone.push_back(r.customer.crm_id);
    } else {
      live.push_back(std::move(r.customer));
    }
  }
  CountOf(summary, module) += static_cast<int64_t>(live.size());
  store::UpsertCounts counts = repo.Upsert(module, live, dense);
  summary.inserted += counts.inserted;
  summary.changed += counts.updated;
  summary.unchanged += counts.unchanged;
  if (!gone.empty()) summary.deleted += repo.Remove(module, gone);
}

void Merge(SyncSummary& into, const SyncSummary& part) {
  into.contacts += part.contacts;
  into.leads += part.leads;
  into.accounts += part.accounts;
  into.inserted += part.inserted;
  into.changed += part.changed;
  into.unchanged += part.unchanged;
  into.deleted += part.deleted;
}

// What the workers of one sync share: the running totals, the ids seen,
// the progress callback. Guarded by mu.
struct Shared {
  std::mutex mu;
  SyncSummary* summary;
  const SyncProgress* progress;
  std::unordered_set<std::string> seen;
};

// Reads and applies, page by page on a connection of its own, every record
// of `module` with id in (after, upto] (upto empty: no upper bound).
void ScanSpan(store::Pool& pool, CrmModule module, const std::string& since, std::string after,
              const std::string& upto, int page_size, Shared& shared) {
  store::Pool::Lease conn = pool.Acquire();
  CrmReader reader(*conn);
  store::CustomerRepository repo(pool);
  for (;;) {
    std::vector<CrmRecord> page = reader.ReadPage(module, since, after, upto, page_size);
    if (page.empty()) break;
    after = page.back().customer.crm_id;
    std::vector<std::string> ids;
    for (const CrmRecord& r : page) ids.push_back(r.customer.crm_id);
    SyncSummary part;
    Apply(repo, module, page, /*dense=*/since.empty(), part);
    std::lock_guard<std::mutex> lock(shared.mu);
    shared.seen.insert(ids.begin(), ids.end());
    Merge(*shared.summary, part);
    if (*shared.progress) (*shared.progress)(*shared.summary);
    if (static_cast<int>(ids.size()) < page_size) break;
  }
}

}  // namespace

Result<SyncSummary> RunSync(store::Pool& pool, const SyncOptions& options,
                            const SyncProgress& progress) {
  const double started = MonotonicSeconds();
  store::SyncStateRepository state_repo(pool);
  store::CustomerRepository repo(pool);
  SyncSummary summary;
  try {
    store::Pool::Lease conn = pool.Acquire();
    store::NamedLock lock(*conn, "scrm_crm_sync", options.lock_wait_seconds);
    if (!lock.held()) {
      return Status::FailedPrecondition(
          "another CRM sync is running (scrm serve's background sync or another scrm crm-sync); "
          "try again when it has finished");
    }
    CrmReader reader(*conn);
    // The database's clock, read before any record: whatever is saved from
    // now on has date_modified >= this, up to clock skew, which the overlap covers.
    const std::string now = reader.DbNow();

    std::optional<store::SyncState> state = state_repo.Get(kCrmSyncName);
    std::string since;
    summary.full = options.full || !state || state->watermark.empty();
    if (!summary.full) {
      int64_t wm = ParseSqlDateTime(state->watermark).value_or(0);
      since = FormatSqlDateTime(std::max<int64_t>(0, wm - options.overlap_seconds));
    }

    std::map<CrmModule, std::set<std::string>> related;
    if (!summary.full) related = reader.RelatedChangesSince(since);
    for (CrmModule module : {CrmModule::kAccounts, CrmModule::kContacts, CrmModule::kLeads}) {
      Shared shared;
      shared.summary = &summary;
      shared.progress = &progress;
      // A full sync reads every live record: spans of ids are read and
      // written in parallel, each on its own connections, so that MariaDB
      // works on more than one core. An incremental sync reads few records.
      std::vector<std::string> bounds = summary.full ? reader.SplitPoints(module, options.workers)
                                                     : std::vector<std::string>{};
      std::vector<std::thread> workers;
      std::vector<std::exception_ptr> errors(bounds.size() + 1);
      for (size_t w = 0; w <= bounds.size(); ++w) {
        std::string after = w == 0 ? "" : bounds[w - 1];
        std::string upto = w < bounds.size() ? bounds[w] : "";
        auto work = [&, w, after, upto] {
          try {
            ScanSpan(pool, module, since, after, upto, options.page_size, shared);
          } catch (...) {
            errors[w] = std::current_exception();
          }
        };
        if (w == bounds.size()) {
          work();
        } else {
          workers.emplace_back(work);
        }
      }
      for (std::thread& t : workers) t.join();
      for (const std::exception_ptr& e : errors) {
        if (e) std::rethrow_exception(e);
      }
      if (summary.full) {
        // Records the engine holds that the CRM no longer has (hard-deleted,
        // or soft-deleted before the first sync).
        std::vector<std::string> vanished;
        for (std::string& id : repo.AllIds(module)) {
          if (!shared.seen.count(id)) vanished.push_back(std::move(id));
        }
        summary.deleted += repo.Remove(module, vanished);
      } else {
        std::vector<std::string> extra;
        for (const std::string& id : related[module]) {
          if (!shared.seen.count(id)) extra.push_back(id);
        }
        for (size_t i = 0; i < extra.size(); i += options.page_size) {
          std::vector<std::string> chunk(
              extra.begin() + i, extra.begin() + std::min(extra.size(), i + options.page_size));
          std::vector<CrmRecord> page = reader.ReadByIds(module, chunk);
          Apply(repo, module, page, /*dense=*/false, summary);
        }
      }
    }
    summary.watermark = now;
    summary.seconds = MonotonicSeconds() - started;
    state_repo.RecordSuccess(kCrmSyncName, now, summary.ToJson().dump());
    return summary;
  } catch (const sql::SQLException& e) {
    store::DbError err = store::DbError::From(e, "CRM sync");
    try {
      state_repo.RecordFailure(kCrmSyncName, err.what());
    } catch (const store::DbError&) {
      // The database is gone: nothing more can be recorded.
    }
    throw err;
  } catch (const store::DbError& e) {
    try {
      state_repo.RecordFailure(kCrmSyncName, e.what());
    } catch (const store::DbError&) {
    }
    throw;
  }
}

const char* RecordOutcomeName(RecordOutcome o) {
  switch (o) {
    case RecordOutcome::kInserted: return "inserted";
    case RecordOutcome::kChanged: return "changed";
    case RecordOutcome::kUnchanged: return "unchanged";
    case RecordOutcome::kRemoved: return "removed";
    case RecordOutcome::kAbsent: return "absent";
  }
  return "absent";
}

RecordOutcome SyncRecord(store::Pool& pool, CrmModule module, const std::string& crm_id) {
  try {
    std::vector<CrmRecord> page;
    {
      store::Pool::Lease conn = pool.Acquire();
      page = CrmReader(*conn).ReadByIds(module, {crm_id});
    }
    store::CustomerRepository repo(pool);
    if (page.empty()) {
      // Hard-deleted (or never there): drop the engine's copy if it has one.
      return repo.Remove(module, {crm_id}) > 0 ? RecordOutcome::kRemoved : RecordOutcome::kAbsent;
    }
    SyncSummary s;
    Apply(repo, module, page, /*dense=*/false, s);
    if (s.deleted > 0) return RecordOutcome::kRemoved;
    if (s.inserted > 0) return RecordOutcome::kInserted;
    if (s.changed > 0) return RecordOutcome::kChanged;
    if (s.unchanged > 0) return RecordOutcome::kUnchanged;
    return RecordOutcome::kAbsent;  // deleted in the CRM, unknown to the engine
  } catch (const sql::SQLException& e) {
    throw store::DbError::From(e, std::string("re-reading CRM record ") + CrmModuleName(module) +
                                      "/" + crm_id);
  }
}

}  // namespace scrm::crm
