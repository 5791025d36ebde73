// CRM sync: brings the engine's copy of CRM records (scrm_customers) up to
// date with SuiteCRM. Incremental by date_modified (UTC) from a stored
// watermark minus a safe overlap, so that a record saved by a transaction
// still open at the last sync is not missed; full on request or on the first
// run, which also sweeps records that vanished from the CRM. Soft-deleted
// CRM records leave the engine's view. Two syncs never overlap: a database
// lock serialises them across processes.
#ifndef SCRM_CRM_CRM_SYNC_H_
#define SCRM_CRM_CRM_SYNC_H_

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/customer.h"
#include "core/status.h"
#include "store/pool.h"

namespace scrm::crm {

struct SyncOptions {
  bool full = false;          // re-read every live record and sweep vanished ones
  int overlap_seconds = 300;  // re-read this much before the watermark
  int page_size = 2000;       // records read per query
  int lock_wait_seconds = 0;  // how long to wait for a sync already running
  int workers = 2;            // parallel spans of a full sync (each with its own connections)
};

struct SyncSummary {
  bool full = false;
  int64_t contacts = 0;  // records read, per module
  int64_t leads = 0;
  int64_t accounts = 0;
  int64_t inserted = 0;   // new to the engine
  int64_t changed = 0;    // rewritten because a synced field changed
  int64_t unchanged = 0;  // read again, nothing to write
  int64_t deleted = 0;    // removed from the engine's view
  double seconds = 0;
  std::string watermark;  // where the next incremental sync starts (before overlap)

  // {"mode","contacts","leads","accounts","updated","new","changed","unchanged",
  //  "deleted","seconds","watermark"}; updated = new + changed.
  nlohmann::json ToJson() const;
};

// Called after each page with the running totals (for a progress line).
using SyncProgress = std::function<void(const SyncSummary&)>;

// The sync's name in scrm_sync_state.
inline constexpr char kCrmSyncName[] = "crm";

// Runs one sync. FailedPrecondition when another sync holds the lock;
// database failures throw store::DbError (and are recorded in scrm_sync_state).
Result<SyncSummary> RunSync(store::Pool& pool, const SyncOptions& options,
                            const SyncProgress& progress = nullptr);

// What re-reading one record did to the engine's copy.
enum class RecordOutcome {
  kInserted,   // new to the engine
  kChanged,    // rewritten: a synced field changed
  kUnchanged,  // read again, nothing to write
  kRemoved,    // deleted (or gone) in the CRM: left the engine's view
  kAbsent,     // neither the CRM nor the engine has it
};
const char* RecordOutcomeName(RecordOutcome o);  // "inserted", "changed", ...

// Re-reads one CRM record now (a logic hook said it was saved, deleted or
// restored) and applies it like a sync would: upserted when live, removed
// when deleted or missing. A changed record's synced_at moves, so the next
// incremental matching run re-matches it. Takes no sync lock, so it never
// waits for a long full sync; if that sync wrote an older read of the same
// record afterwards, the next incremental sync (date_modified, with overlap)
// reads it again. Database failures throw store::DbError.
RecordOutcome SyncRecord(store::Pool& pool, CrmModule module, const std::string& crm_id);

}  // namespace scrm::crm

#endif  // SCRM_CRM_CRM_SYNC_H_
