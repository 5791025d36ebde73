// Matching runs over the database: the whole of it (`scrm match`) or what
// changed since the last run (MatchSince, for `scrm serve`'s background
// loop). A run reads customers and profiles (store::ProfileReader), asks
// the pure Matcher for proposals, and stores them (store::LinkRepository:
// rejected pairs and profiles already linked are left alone) unless it is a
// dry run. The matcher itself (identity/) stays pure; this use case is
// what joins it to the database.
//
// Runs on one database must not overlap (the background loop and a manual
// `scrm match` at the same time would race on the same suggestions).
#ifndef SCRM_SERVICE_MATCHING_H_
#define SCRM_SERVICE_MATCHING_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "identity/matcher.h"
#include "store/link_repository.h"
#include "store/pool.h"

namespace scrm::service {

struct RunOptions {
  identity::MatchOptions match;        // thresholds (match.auto_threshold, match.suggest_threshold)
  bool dry_run = false;      // propose, store nothing
  int batch = 20000;         // profiles read and stored at a time
  int overlap_seconds = 300;  // incremental: re-read this much before the watermark
  // Incremental: more changed customers than this and the run matches every
  // profile instead (a big CRM sync is cheaper to follow in full).
  int max_changed_customers = 500;
  int max_changed_profiles = 100000;
};

// One proposal with the profile it is about, as `scrm match --dry-run --json` prints it.
struct ProposalRecord {
  int64_t profile_id = 0;
  std::string platform;
  std::string handle;
  std::string profile_url;
  std::string external_id;
  identity::Proposal proposal;
  nlohmann::json ToJson() const;  // platform, handle, profile_url, profile_id, crm_module, crm_id, score, decision, evidence
};

struct RunSummary {
  std::string mode;  // full, incremental
  bool dry_run = false;
  int64_t customers = 0;  // held by the matcher
  int64_t profiles = 0;   // matched
  int64_t settled = 0;    // skipped: already linked
  int64_t proposed_auto = 0;
  int64_t proposed_suggest = 0;
  int64_t stored_auto = 0;         // new auto links stored
  int64_t stored_suggestions = 0;  // new suggestions stored
  int64_t refreshed = 0;
  int64_t withdrawn = 0;
  int64_t candidates = 0;   // pairs scored (blocking's output)
  int64_t skipped_blocks = 0;  // look-ups of keys too common to use
  double seconds = 0;
  double load_seconds = 0;  // reading customers and building the matcher
  std::string watermark;    // incremental: the database time the next run starts from
  nlohmann::json ToJson() const;
};

using ProposalSink = std::function<void(const ProposalRecord&)>;

// Every profile against every customer (through blocking).
Result<RunSummary> MatchAll(store::Pool& pool, const RunOptions& options,
                            const ProposalSink& on_proposal = {});

// Keeps a matcher between runs so that each incremental run reads only what
// changed: customers synced and profiles updated since the watermark (kept
// in scrm_sync_state under the name "match"). The first run (or one without
// a watermark) matches everything. Not thread-safe: one loop calls it.
class IncrementalMatcher {
 public:
  IncrementalMatcher(store::Pool& pool, RunOptions options);
  ~IncrementalMatcher();
  Result<RunSummary> RunOnce(const ProposalSink& on_proposal = {});
  // Thresholds for the runs from the next on (an admin changed them); the
  // next run rebuilds its matcher when they differ.
  void SetMatch(const identity::MatchOptions& match);

 private:
  struct State;
  store::Pool& pool_;
  RunOptions options_;
  std::unique_ptr<State> state_;
};

// One incremental run with a matcher built for it (simple, and enough for
// occasional calls; a loop should keep an IncrementalMatcher).
Result<RunSummary> MatchSince(store::Pool& pool, const RunOptions& options,
                              const ProposalSink& on_proposal = {});

// The evidence list as stored in scrm_links.evidence and printed by the API.
nlohmann::json EvidenceJson(const std::vector<identity::Evidence>& evidence);

}  // namespace scrm::service

#endif  // SCRM_SERVICE_MATCHING_H_
