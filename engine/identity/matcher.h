// Matcher: which CRM record (Contact, Lead or Account) a social profile
// belongs to, with a score in [0, 1] and the evidence behind it.
//
// The matcher holds a prepared copy of every customer and a blocking index
// (normalised e-mail, handle forms, profile URLs, website domain, family
// name + initial, phonetic family name + initial, family name alone when
// rare, company, given name + company). A profile is scored only against
// the customers that share a key with it, so a full run costs about
// (profiles x keys) index look-ups, not profiles x customers comparisons.
// Keys held by too many customers (a common surname alone, a shared
// mailbox) are skipped for blocking: they cannot decide anything.
//
// Scoring is a log-odds model (docs/identity.md): each piece of evidence
// is a log-likelihood ratio in bits, added to a prior, and the score is the
// logistic of the sum. Decisions follow the policy of Decide(): auto at or
// above options.auto_threshold with no close rival and no opted-out
// address, suggest at or above options.suggest_threshold, else nothing.
//
// Pure (no I/O). Not thread-safe for writes; concurrent Match() calls on a
// matcher nobody modifies are safe.
#ifndef SCRM_IDENTITY_MATCHER_H_
#define SCRM_IDENTITY_MATCHER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/customer.h"
#include "core/post.h"
#include "identity/evidence_text.h"

namespace scrm::identity {

// One reason for (or against) a link: a salesperson reads detail.
struct Evidence {
  std::string kind;    // email, crm_handle, crm_url, domain, name, handle, company, location...
  std::string detail;  // "same e-mail address jean.dupont@acme.fr": English(phrases)
  double weight = 0;   // log-likelihood ratio in bits; negative counts against
  // What detail says, for pages in other languages (evidence_text.h): the
  // main phrase, then its notes.
  std::vector<Phrase> phrases;
};

struct MatchOptions {
  double auto_threshold = 0.9;     // at or above: linked without review
  double suggest_threshold = 0.4;  // at or above (and below auto): review queue
  // A rival candidate within this much of the best score makes the best a
  // suggestion, never an auto link.
  double margin = 0.1;
  int max_suggestions = 3;  // per profile, best first
};

enum class Decision { kAuto, kSuggest };
const char* DecisionName(Decision d);  // "auto", "suggest"

struct Proposal {
  CrmModule module = CrmModule::kContacts;
  std::string crm_id;
  double score = 0;  // [0, 1]
  Decision decision = Decision::kSuggest;
  std::vector<Evidence> evidence;
  bool opted_out = false;  // the customer has an opted-out address: never auto
  // Some evidence beyond names, handles and places (an address, a handle
  // recorded in the CRM, the company): without it, never auto.
  bool anchored = false;
};

struct Scored {
  uint32_t customer = 0;
  double score = 0;
  double log_odds = 0;
  std::vector<Evidence> evidence;
  bool opted_out = false;
  bool anchored = false;
};

// The score of a log-odds sum in bits: 1 / (1 + 2^-bits).
double ScoreOfBits(double bits);
// The prior of a candidate pair, in bits (before any evidence).
inline constexpr double kPriorBits = -6.0;

// Decides over scored candidates of one profile (any order): the policy,
// separate from scoring so that it can be tested on its own.
std::vector<Proposal> Decide(std::vector<Proposal> candidates, const MatchOptions& options);

class Matcher {
 public:
  explicit Matcher(MatchOptions options = {});
  ~Matcher();
  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;

  // Adds a customer, or replaces the one with the same module and id.
  void Upsert(const Customer& customer);
  void Remove(CrmModule module, const std::string& crm_id);
  size_t size() const;  // live customers
  // Rebuilds the index in one sorted array (call after bulk loading; Upsert
  // keeps working afterwards). Cheaper look-ups and about 16 bytes a key.
  void Compact();

  // Every candidate sharing a usable key with the profile, scored, best
  // first. excluded(module, crm_id) true: left out (rejected pairs).
  using Excluded = std::function<bool(CrmModule, const std::string&)>;
  std::vector<Scored> ScoreAll(const Profile& profile, const Excluded& excluded = {}) const;
  // ScoreAll() then Decide(): at most one auto proposal, or suggestions.
  std::vector<Proposal> Match(const Profile& profile, const Excluded& excluded = {}) const;

  CrmModule ModuleOf(uint32_t customer) const;
  const std::string& CrmIdOf(uint32_t customer) const;
  const MatchOptions& options() const { return options_; }

  // Blocking statistics of the last calls (for benchmarks and tuning).
  struct Stats {
    uint64_t lookups = 0;
    uint64_t candidates = 0;
    uint64_t skipped_blocks = 0;
  };
  Stats stats() const;

 private:
  struct Impl;
  MatchOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scrm::identity

#endif  // SCRM_IDENTITY_MATCHER_H_
