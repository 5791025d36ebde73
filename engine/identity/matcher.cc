#include "identity/matcher.h"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "core/hash.h"
#include "identity/evidence_rules.h"
#include "identity/normalize.h"
#include "identity/prepared.h"

namespace scrm::identity {

namespace {

// Block key kinds and the largest block still used for candidates.
enum KeyKind : char {
  kEmail = 'E',
  kHandle = 'H',
  kUrl = 'U',
  kDomain = 'D',
  kFamilyInitial = 'N',
  kFamily = 'S',
  kPhonetic = 'P',
  kCompany = 'C',
  kGivenCompany = 'G',
  kFullName = 'F',  // counted (name rarity), never used for blocking
  kTypoBlock = 'R'
};  // given name + first or last four letters of the family name: typos

size_t BlockCap(char kind) {
  switch (kind) {
    case kEmail:
      return 50;
    case kHandle:
      return 50;
    case kUrl:
      return 20;
    case kDomain:
      return 50;
    case kFamilyInitial:
      return 100;
    case kFamily:
      return 30;
    case kPhonetic:
      return 30;
    case kCompany:
      return 20;
    case kGivenCompany:
      return 30;
    case kFullName:
      return 0;
    case kTypoBlock:
      return 30;
  }
  return 0;
}

uint64_t KeyHash(char kind, std::string_view key) {
  Fnv64 h;
  h.Add(std::string_view(&kind, 1)).Add(key);
  return h.value();
}

struct Keyed {
  char kind;
  std::string key;
};

// The keys sorted, each once.
std::vector<Keyed> Distinct(std::vector<Keyed> keys) {
  std::sort(keys.begin(), keys.end(), [](const Keyed& a, const Keyed& b) {
    return a.kind != b.kind ? a.kind < b.kind : a.key < b.key;
  });
  keys.erase(std::unique(
                 keys.begin(), keys.end(),
                 [](const Keyed& a, const Keyed& b) { return a.kind == b.kind && a.key == b.key; }),
             keys.end());
  return keys;
}

std::vector<Keyed> CustomerKeys(const Prepared& c) {
  std::vector<Keyed> keys;
  for (const auto& e : c.emails) keys.push_back({kEmail, e.address});
  if (!c.twitter.empty()) keys.push_back({kHandle, HandleAlnum(c.twitter)});
  if (!c.facebook.empty()) keys.push_back({kHandle, HandleAlnum(c.facebook)});
  for (const auto& u : c.urls) keys.push_back({kUrl, u});
  if (!c.domain.empty() && !IsPerson(c)) keys.push_back({kDomain, c.domain});
  if (IsPerson(c)) {
    for (const auto& [form, w] : HandleForms(c)) keys.push_back({kHandle, form});
    if (!c.family_core.empty()) {
      const std::string initial = c.given_canonical.empty() ? "" : c.given_canonical.substr(0, 1);
      const std::string raw_initial = c.given_first.empty() ? "" : c.given_first.substr(0, 1);
      for (const std::string* fam : {&c.family_core, &c.family_full}) {
        keys.push_back({kFamilyInitial, *fam + '|' + initial});
        if (raw_initial != initial) keys.push_back({kFamilyInitial, *fam + '|' + raw_initial});
      }
      for (const auto& part : c.family_parts)
        keys.push_back({kFamilyInitial, part + '|' + initial});
      keys.push_back({kFamily, c.family_core});
      keys.push_back({kPhonetic, c.phonetic + '|' + initial});
      keys.push_back({kFullName, c.family_core + '|' + c.given_canonical});
      if (c.family_core.size() >= 5 && !c.given_canonical.empty()) {
        keys.push_back({kTypoBlock, c.family_core.substr(0, 4) + "<|" + c.given_canonical});
        keys.push_back({kTypoBlock,
                        c.family_core.substr(c.family_core.size() - 4) + ">|" + c.given_canonical});
      }
    }
    if (!c.given_canonical.empty() && !c.company_norm.empty()) {
      keys.push_back({kGivenCompany, c.given_canonical + '|' + c.company_norm});
    }
  } else if (!c.company_norm.empty()) {
    keys.push_back({kCompany, c.company_norm});
  }
  return Distinct(std::move(keys));
}

std::vector<Keyed> ProfileKeys(const ProfileView& v) {
  std::vector<Keyed> keys;
  for (const auto& e : v.emails) keys.push_back({kEmail, e});
  if (!v.handle_alnum.empty()) keys.push_back({kHandle, v.handle_alnum});
  if (v.handle_alnum_nodigits != v.handle_alnum && !v.handle_alnum_nodigits.empty()) {
    keys.push_back({kHandle, v.handle_alnum_nodigits});
  }
  for (const auto& u : v.urls) keys.push_back({kUrl, u});
  for (const auto& d : v.domains) keys.push_back({kDomain, d});
  for (const auto& d : v.email_domains) keys.push_back({kDomain, d});
  const auto& t = v.name_tokens;
  // Family name: any run of up to four tokens (particles included or not);
  // given name: the first token outside the run.
  for (size_t b = 0; b < t.size(); ++b) {
    for (size_t e = b + 1; e <= t.size() && e - b <= 4; ++e) {
      std::string full = Join(t, b, e, false), core = Join(t, b, e, true);
      if (core.size() < 2) continue;
      std::vector<std::string> initials;
      for (size_t k = 0; k < t.size(); ++k) {
        if (k >= b && k < e) continue;
        if (IsParticle(t[k]) && t[k].size() > 1) continue;
        initials.push_back(CanonicalGivenName(t[k]).substr(0, 1));
        initials.push_back(t[k].substr(0, 1));
      }
      for (const std::string* fam : {&full, &core}) {
        for (const auto& i : initials) keys.push_back({kFamilyInitial, *fam + '|' + i});
        if (e - b == 1 || fam == &core) keys.push_back({kFamily, *fam});
      }
      if (e - b <= 2) {
        std::string ph = PhoneticKey(core);
        for (const auto& i : initials) keys.push_back({kPhonetic, ph + '|' + i});
      }
      if (core.size() >= 4) {
        for (size_t k = 0; k < t.size(); ++k) {
          if ((k >= b && k < e) || t[k].size() < 2) continue;
          const std::string g = CanonicalGivenName(t[k]);
          keys.push_back({kTypoBlock, core.substr(0, 4) + "<|" + g});
          keys.push_back({kTypoBlock, core.substr(core.size() - 4) + ">|" + g});
        }
      }
    }
  }
  if (!v.p->display_name.empty()) {
    std::string c = NormalizeCompany(v.p->display_name);
    if (!c.empty()) keys.push_back({kCompany, c});
  }
  if (!v.company.empty() && !t.empty()) {
    std::string c = NormalizeCompany(v.company);
    if (!c.empty()) {
      for (const auto& tok : t) keys.push_back({kGivenCompany, CanonicalGivenName(tok) + '|' + c});
    }
  }
  return Distinct(std::move(keys));
}

}  // namespace

const char* DecisionName(Decision d) { return d == Decision::kAuto ? "auto" : "suggest"; }

double ScoreOfBits(double bits) { return 1.0 / (1.0 + std::exp2(-bits)); }

std::vector<Proposal> Decide(std::vector<Proposal> c, const MatchOptions& o) {
  std::stable_sort(c.begin(), c.end(),
                   [](const Proposal& a, const Proposal& b) { return a.score > b.score; });
  c.erase(std::remove_if(c.begin(), c.end(),
                         [&](const Proposal& p) { return p.score < o.suggest_threshold; }),
          c.end());
  if (c.empty()) return c;
  const bool rival = c.size() > 1 && c[1].score >= c[0].score - o.margin;
  if (c[0].score >= o.auto_threshold && !rival && !c[0].opted_out && c[0].anchored) {
    c.resize(1);  // a profile links to one record at most: no suggestions beside it
    c[0].decision = Decision::kAuto;
    return c;
  }
  if (c.size() > static_cast<size_t>(o.max_suggestions)) c.resize(o.max_suggestions);
  for (Proposal& p : c) p.decision = Decision::kSuggest;
  return c;
}

struct Matcher::Impl {
  std::vector<Prepared> customers;
  std::unordered_map<std::string, uint32_t> by_id;  // module|crm_id -> index
  struct Entry {
    uint64_t key;
    uint32_t customer;
    bool operator<(const Entry& o) const {
      return key != o.key ? key < o.key : customer < o.customer;
    }
  };
  std::vector<Entry> sorted;  // after Compact()
  // An open-addressing table over `sorted`: key -> its run of entries. One
  // probe (usually one cache miss) per look-up instead of a binary search
  // over millions of entries.
  struct Slot {
    uint64_t key = 0;
    uint32_t begin = 0;
    uint32_t count = 0;  // 0: empty
  };
  std::vector<Slot> table;
  uint64_t mask = 0;
  std::unordered_multimap<uint64_t, uint32_t> recent;  // added since
  size_t live = 0;
  mutable std::atomic<uint64_t> lookups{0}, candidates{0}, skipped{0};

  static std::string IdKey(CrmModule m, const std::string& id) {
    return std::string(CrmModuleName(m)) + '|' + id;
  }

  static uint64_t Mix(uint64_t k) { return (k ^ (k >> 29)) * 0xbf58476d1ce4e5b9ULL; }
  // The run of `sorted` holding key: [first, first + n).
  std::pair<const Entry*, size_t> Run(uint64_t key) const {
    if (table.empty()) return {nullptr, 0};
    for (uint64_t i = Mix(key) & mask;; i = (i + 1) & mask) {
      const Slot& s = table[i];
      if (s.count == 0) return {nullptr, 0};
      if (s.key == key) return {sorted.data() + s.begin, s.count};
    }
  }
  void BuildTable() {
    size_t distinct = 0;
    for (size_t i = 0; i < sorted.size(); ++i)
      distinct += (i == 0 || sorted[i].key != sorted[i - 1].key);
    size_t size = 16;
    while (size < distinct * 2) size <<= 1;
    table.assign(size, Slot{});
    mask = size - 1;
    for (size_t i = 0; i < sorted.size();) {
      size_t j = i;
      while (j < sorted.size() && sorted[j].key == sorted[i].key) ++j;
      uint64_t at = Mix(sorted[i].key) & mask;
      while (table[at].count != 0) at = (at + 1) & mask;
      table[at] = Slot{sorted[i].key, static_cast<uint32_t>(i), static_cast<uint32_t>(j - i)};
      i = j;
    }
  }
  // Live customers holding the key (dead ones are filtered by the caller).
  template <typename F>
  size_t ForKey(uint64_t key, F&& f) const {
    auto [first, n] = Run(key);
    for (size_t k = 0; k < n; ++k) f(first[k].customer);
    if (!recent.empty()) {
      auto range = recent.equal_range(key);
      for (auto it = range.first; it != range.second; ++it, ++n) f(it->second);
    }
    return n;
  }
  size_t Count(uint64_t key) const {
    return Run(key).second + (recent.empty() ? 0 : recent.count(key));
  }
};

Matcher::Matcher(MatchOptions options) : options_(options), impl_(std::make_unique<Impl>()) {}
Matcher::~Matcher() = default;
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;

void Matcher::Upsert(const Customer& customer) {
  Remove(customer.module, customer.crm_id);
  const uint32_t index = static_cast<uint32_t>(impl_->customers.size());
  impl_->customers.push_back(Prepare(customer));
  Prepared& prepared = impl_->customers.back();
  prepared.full_name_key =
      KeyHash(kFullName, prepared.family_core + '|' + prepared.given_canonical);
  impl_->by_id[Impl::IdKey(customer.module, customer.crm_id)] = index;
  for (const Keyed& k : CustomerKeys(impl_->customers.back())) {
    impl_->recent.emplace(KeyHash(k.kind, k.key), index);
  }
  ++impl_->live;
}

void Matcher::Remove(CrmModule module, const std::string& crm_id) {
  auto it = impl_->by_id.find(Impl::IdKey(module, crm_id));
  if (it == impl_->by_id.end()) return;
  impl_->customers[it->second].alive = false;
  impl_->by_id.erase(it);
  --impl_->live;
}

size_t Matcher::size() const { return impl_->live; }

void Matcher::Compact() {
  std::vector<Impl::Entry> all;
  all.reserve(impl_->sorted.size() + impl_->recent.size());
  for (const auto& e : impl_->sorted) {
    if (impl_->customers[e.customer].alive) all.push_back(e);
  }
  for (const auto& [k, c] : impl_->recent) {
    if (impl_->customers[c].alive) all.push_back({k, c});
  }
  std::sort(all.begin(), all.end());
  impl_->sorted = std::move(all);
  impl_->sorted.shrink_to_fit();
  impl_->BuildTable();
  std::unordered_multimap<uint64_t, uint32_t>().swap(impl_->recent);
}

CrmModule Matcher::ModuleOf(uint32_t c) const { return impl_->customers[c].module; }
const std::string& Matcher::CrmIdOf(uint32_t c) const { return impl_->customers[c].crm_id; }

Matcher::Stats Matcher::stats() const {
  return {impl_->lookups.load(), impl_->candidates.load(), impl_->skipped.load()};
}

std::vector<Scored> Matcher::ScoreAll(const Profile& profile, const Excluded& excluded) const {
  const Impl& im = *impl_;
  ProfileView v = View(profile);
  std::vector<uint32_t> cands;
  for (const Keyed& k : ProfileKeys(v)) {
    const uint64_t h = KeyHash(k.kind, k.key);
    im.lookups.fetch_add(1, std::memory_order_relaxed);
    if (im.Count(h) > BlockCap(k.kind)) {
      im.skipped.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    im.ForKey(h, [&](uint32_t c) {
      if (im.customers[c].alive) cands.push_back(c);
    });
  }
  std::sort(cands.begin(), cands.end());
  cands.erase(std::unique(cands.begin(), cands.end()), cands.end());
  im.candidates.fetch_add(cands.size(), std::memory_order_relaxed);

  std::vector<Scored> out;
  for (uint32_t ci : cands) {
    const Prepared& c = im.customers[ci];
    if (excluded && excluded(c.module, c.crm_id)) continue;
    Scored s;
    s.customer = ci;
    auto append = [&s](std::vector<Evidence> found) {
      for (Evidence& e : found) s.evidence.push_back(std::move(e));
    };
    append(EmailEvidence(
        c, v, [&im](const std::string& address) { return im.Count(KeyHash(kEmail, address)); },
        &s.opted_out));
    append(CrmHandleEvidence(c, v));
    append(CompanyEvidence(c, v));
    if (IsPerson(c)) {
      // Records of one person (a converted lead beside its contact: same
      // company) count once.
      size_t same_name = 1;
      im.ForKey(c.full_name_key, [&](uint32_t o) {
        const Prepared& other = im.customers[o];
        if (o != ci && other.alive && other.company_norm != c.company_norm) ++same_name;
      });
      append(PersonNameEvidence(c, v, same_name));
    } else {
      append(AccountNameEvidence(c, v));
    }
    append(PlaceEvidence(c, v));
    if (c.opted_out) s.opted_out = true;
    s.anchored = Anchored(s.evidence);
    double bits = kPriorBits;
    for (const auto& e : s.evidence) bits += e.weight;
    s.log_odds = bits;
    s.score = ScoreOfBits(bits);
    for (auto& e : s.evidence) e.weight = std::round(e.weight * 100) / 100;
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const Scored& a, const Scored& b) {
    return a.score != b.score ? a.score > b.score : a.customer < b.customer;
  });
  return out;
}

std::vector<Proposal> Matcher::Match(const Profile& profile, const Excluded& excluded) const {
  std::vector<Proposal> props;
  for (Scored& s : ScoreAll(profile, excluded)) {
    if (s.score < options_.suggest_threshold) break;
    Proposal p;
    p.module = impl_->customers[s.customer].module;
    p.crm_id = impl_->customers[s.customer].crm_id;
    p.score = s.score;
    p.evidence = std::move(s.evidence);
    p.opted_out = s.opted_out;
    p.anchored = s.anchored;
    props.push_back(std::move(p));
  }
  return Decide(std::move(props), options_);
}

}  // namespace scrm::identity
