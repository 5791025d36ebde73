#include "crm/crm_sync.h"

#include <algorithm>
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
           SyncSummary& summary) {
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
  store::UpsertCounts counts = repo.Upsert(module, live);
  summary.inserted += counts.inserted;
  summary.changed += counts.updated;
  summary.unchanged += counts.unchanged;
  if (!gone.empty()) summary.deleted += repo.Remove(module, gone);
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

    for (CrmModule module : {CrmModule::kAccounts, CrmModule::kContacts, CrmModule::kLeads}) {
      std::unordered_set<std::string> seen;
      std::string after;
      for (;;) {
        std::vector<CrmRecord> page = reader.ReadPage(module, since, after, options.page_size);
        if (page.empty()) break;
        after = page.back().customer.crm_id;
        for (const CrmRecord& r : page) seen.insert(r.customer.crm_id);
        Apply(repo, module, page, summary);
        if (progress) progress(summary);
        if (static_cast<int>(page.size()) < options.page_size) break;
      }
      if (summary.full) {
        // Records the engine holds that the CRM no longer has (hard-deleted,
        // or soft-deleted before the first sync).
        std::vector<std::string> vanished;
        for (std::string& id : repo.AllIds(module)) {
          if (!seen.count(id)) vanished.push_back(std::move(id));
        }
        summary.deleted += repo.Remove(module, vanished);
      } else {
        std::vector<std::string> related;
        for (const std::string& id : reader.RelatedChangesSince(module, since)) {
          if (!seen.count(id)) related.push_back(id);
        }
        for (size_t i = 0; i < related.size(); i += options.page_size) {
          std::vector<std::string> chunk(
              related.begin() + i,
              related.begin() + std::min(related.size(), i + options.page_size));
          std::vector<CrmRecord> page = reader.ReadByIds(module, chunk);
          Apply(repo, module, page, summary);
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

}  // namespace scrm::crm
