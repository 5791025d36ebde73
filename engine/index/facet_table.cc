#include "index/facet_table.h"

#include <string_view>
#include <unordered_map>

#include "index/internal.h"
#include "index/terms.h"

namespace scrm::index::internal {
namespace {

constexpr char kListSep = '\x1e';

class Interner {
 public:
  explicit Interner(std::vector<std::string>* names) : names_(names) {}
  static constexpr uint32_t kNone = 0xffffffffu;
  uint32_t Id(std::string_view v) {
    if (v.empty()) return kNone;
    key_.assign(v.data(), v.size());
    auto [it, added] = ids_.try_emplace(key_, static_cast<uint32_t>(names_->size()));
    if (added) names_->push_back(key_);
    return it->second;
  }

 private:
  std::vector<std::string>* names_;
  std::unordered_map<std::string, uint32_t> ids_;
  std::string key_;
};

// Appends the ids of a list's values to out; returns how many.
size_t AddList(std::string_view list, Interner& interner, std::vector<uint32_t>* out) {
  size_t n = 0;
  while (!list.empty()) {
    const size_t end = list.find(kListSep);
    const uint32_t id = interner.Id(list.substr(0, end));
    if (id != Interner::kNone) out->push_back(id), ++n;
    if (end == std::string_view::npos) break;
    list.remove_prefix(end + 1);
  }
  return n;
}

}  // namespace

std::shared_ptr<const FacetTable> FacetTable::Build(const Xapian::Database& shard, int total) {
  auto t = std::make_shared<FacetTable>();
  t->uuid_ = shard.get_uuid();
  t->revision_ = shard.get_revision();
  t->total_ = total;
  const Xapian::docid last = shard.get_lastdocid();
  const size_t size = last == 0 ? 0 : (last - 1) / static_cast<unsigned>(total) + 1;
  t->records_.resize(size);
  t->date_keys_.resize(size);
  t->present_.assign(size, false);
  Interner platform(&t->names_[kPlatform]), source(&t->names_[kSource]),
      language(&t->names_[kLanguage]), tag(&t->names_[kTag]), account(&t->names_[kAccount]);
  // A single id, 16 bits: kNone when empty; false when it does not fit.
  auto narrow = [](uint32_t id, uint16_t* out) {
    *out = id == Interner::kNone ? kNone : static_cast<uint16_t>(id);
    return id == Interner::kNone || id < kNone;
  };
  std::vector<uint32_t> ids;
  Xapian::doccount present = 0;
  for (auto it = shard.valuestream_begin(kSlotFacets); it != shard.valuestream_end(kSlotFacets); ++it) {
    const Xapian::docid did = it.get_docid();
    if (did > last) break;
    const std::string packed = *it;
    FacetRecord r;
    if (!UnpackFacets(packed, &r)) {
      t->complete_ = false;
      continue;
    }
    Record rec;
    rec.day = r.has_day ? r.day : kNoDay;
    ids.clear();
    const size_t tags = AddList(r.tags, tag, &ids);
    const size_t accounts = AddList(r.accounts, account, &ids);
    // Facets that do not fit a Record (ids past 16 bits, lists past 255
    // values) leave the document to be read from the shard.
    if (!narrow(platform.Id(r.platform), &rec.platform) || !narrow(source.Id(r.source), &rec.source) ||
        !narrow(language.Id(r.language), &rec.language) || tags > 0xff || accounts > 0xff) {
      t->complete_ = false;
      continue;
    }
    rec.tags = static_cast<uint8_t>(tags);
    rec.accounts = static_cast<uint8_t>(accounts);
    if (ids.size() == 1) {
      rec.lists = ids[0];
    } else {
      rec.lists = static_cast<uint32_t>(t->list_ids_.size());
      t->list_ids_.insert(t->list_ids_.end(), ids.begin(), ids.end());
    }
    const size_t i = t->Index(did);
    t->records_[i] = rec;
    t->date_keys_[i] = r.date_key;
    t->present_[i] = true;
    ++present;
  }
  // A document without a facet record would be missed by a FacetFilter.
  if (present != shard.get_doccount()) t->complete_ = false;
  // The bits of the frequent platforms and languages: each bitmap is an
  // eighth of a byte per record, and a FacetFilter's check one bit test
  // (a record's look-up waits for memory: slower than decoding the
  // value's posting list, measured).
  for (int f = 0; f < 2; ++f) {
    std::vector<size_t> count(t->names_[f == 0 ? kPlatform : kLanguage].size(), 0);
    auto value = [f](const Record& r) { return f == 0 ? r.platform : r.language; };
    for (size_t i = 0; i < size; ++i) {
      if (t->present_[i] && value(t->records_[i]) != kNone) ++count[value(t->records_[i])];
    }
    t->bits_[f].resize(count.size());
    for (size_t id = 0; id < count.size(); ++id) {
      if (count[id] * 100 >= present && count[id] > 0) t->bits_[f][id].assign((size + 63) / 64, 0);
    }
    for (size_t i = 0; i < size; ++i) {
      if (!t->present_[i] || value(t->records_[i]) == kNone) continue;
      std::vector<uint64_t>& bits = t->bits_[f][value(t->records_[i])];
      if (!bits.empty()) bits[i / 64] |= uint64_t{1} << (i % 64);
    }
  }
  return t;
}

FacetTables::FacetTables(std::vector<ShardSpec> specs, int min_rebuild_seconds)
    : specs_(std::move(specs)),
      min_rebuild_seconds_(min_rebuild_seconds),
      dbs_(specs_.size()),
      built_at_(specs_.size()),
      identity_(specs_.size(), 0),
      tables_(specs_.size()) {
  thread_ = std::thread([this] { Loop(); });
}

FacetTables::~FacetTables() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::shared_ptr<const FacetTable> FacetTables::Get(size_t index) const {
  std::lock_guard<std::mutex> lock(mu_);
  return index < tables_.size() ? tables_[index] : nullptr;
}

void FacetTables::Loop() {
  std::vector<bool> open(specs_.size(), false);
  for (;;) {
    for (size_t i = 0; i < specs_.size(); ++i) {
      if (specs_[i].remote) continue;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) return;
      }
      try {
        if (!ShardExists(specs_[i])) continue;
        const uint64_t identity = ShardIdentity(specs_[i]);
        if (identity != identity_[i]) open[i] = false;  // swapped in by a rebuild
        if (!open[i]) {
          identity_[i] = identity;
          dbs_[i] = OpenReadableShard(specs_[i], 0);
          open[i] = true;
        } else {
          dbs_[i].reopen();
        }
        Refresh(i);
      } catch (const Xapian::Error&) {
        open[i] = false;  // opened again next time (a shard created over, a commit mid-build...)
      }
    }
    std::unique_lock<std::mutex> lock(mu_);
    if (wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) return;
  }
}

void FacetTables::Refresh(size_t i) {
  const Xapian::Database& db = dbs_[i];
  const std::shared_ptr<const FacetTable> current = Get(i);
  const std::string uuid = db.get_uuid();
  if (current && current->uuid() == uuid) {
    if (current->revision() == db.get_revision()) return;
    // Posts added since are read from the shard; only replaced ones are
    // stale: rebuilding at most every few seconds bounds that.
    if (std::chrono::steady_clock::now() - built_at_[i] < std::chrono::seconds(min_rebuild_seconds_)) return;
  }
  std::shared_ptr<const FacetTable> table = FacetTable::Build(db, specs_[i].total);
  built_at_[i] = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  tables_[i] = std::move(table);
}

}  // namespace scrm::index::internal
