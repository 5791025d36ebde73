// The facet records of a local shard, in memory. Reading a match's value
// from the shard costs a B-tree look-up and an 8 KB block read when matches
// are sparse (1 to 3 µs each, measured: 10 to 28 ms of a 20,000-match search
// at 1M posts); from this table it is an array index. A table is built by
// streaming the shard's facet slot once (about 0.2 s per million posts) and
// is immutable; the Searcher rebuilds it in the background when the shard
// changes (FacetTables). Documents added since are read from the shard;
// documents replaced since count with their previous record until the next
// rebuild (docs/index-terms.md, "Facets").
#ifndef SCRM_INDEX_FACET_TABLE_H_
#define SCRM_INDEX_FACET_TABLE_H_

#include <xapian.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "index/shards.h"

namespace scrm::index::internal {

class FacetTable {
 public:
  // Streams the kSlotFacets of shard (a database of exactly one shard, one
  // of `total`): its document ids are post id + 1, post id = shard mod total.
  static std::shared_ptr<const FacetTable> Build(const Xapian::Database& shard, int total);

  // 16 bytes: a search counts up to index.facet_sample matches, each a
  // look-up here in id order, and the look-ups are what the counting costs
  // (cache misses: 32-byte records with the list ids elsewhere spent two
  // thirds of a 20,000-match count waiting for memory, measured).
  struct Record {
    int32_t day;        // kNoDay: none
    uint32_t lists;     // tags + accounts == 1: that id; else the first in list_ids_
    uint16_t platform, source, language;  // ids into names(); kNone: none
    uint8_t tags, accounts;               // how many tag ids, then account ids
  };
  static_assert(sizeof(Record) == 16, "a Record is 16 bytes: see above");
  static constexpr uint16_t kNone = 0xffff;
  static constexpr int32_t kNoDay = INT32_MIN;
  enum Facet { kPlatform, kSource, kLanguage, kTag, kAccount, kFacets };

  // The record of a shard document id, nullptr when the table has none (a
  // document added since it was built, or one whose facets do not fit a
  // Record: read from the shard instead).
  const Record* Find(Xapian::docid did) const {
    const size_t i = Index(did);
    if (did == 0 || i >= records_.size() || !present_[i]) return nullptr;
    return &records_[i];
  }
  // How many positions the table has: position i is the shard's document
  // i * total + shard + 1.
  size_t size() const { return records_.size(); }
  // Whether every document of the shard has its record (none left out for
  // facets a Record cannot hold).
  bool complete() const { return complete_; }
  // The records of a platform or language value (`facet` kPlatform or
  // kLanguage, `id` into names()) as bits by position (i above), for values
  // of 1 % of the records or more; null for others (a filter on a rarer
  // value reads its posting list: short, and cheaper than a scan).
  const std::vector<uint64_t>* Bits(Facet facet, uint16_t id) const {
    const std::vector<std::vector<uint64_t>>& by_id = bits_[facet == kPlatform ? 0 : 1];
    return facet != kPlatform && facet != kLanguage ? nullptr
           : id < by_id.size() && !by_id[id].empty() ? &by_id[id]
                                                     : nullptr;
  }
  // The record of a document Find found (to prefetch, or to read again
  // without Find's checks).
  const Record* Address(Xapian::docid did) const { return records_.data() + Index(did); }
  // The date key (DateKeyOf) of a document Find found.
  uint64_t DateKey(Xapian::docid did) const { return date_keys_[Index(did)]; }
  // The tag ids, then the account ids, of r.
  const uint32_t* ListIds(const Record& r) const {
    return r.tags + r.accounts == 1 ? &r.lists : list_ids_.data() + r.lists;
  }
  const std::vector<std::string>& names(Facet f) const { return names_[f]; }
  const std::string& uuid() const { return uuid_; }
  Xapian::rev revision() const { return revision_; }

 private:
  std::string uuid_;
  Xapian::rev revision_ = 0;
  int total_ = 1;
  bool complete_ = true;
  size_t Index(Xapian::docid did) const { return (did - 1) / static_cast<unsigned>(total_); }

  std::vector<Record> records_;  // by Index(document id)
  std::vector<uint64_t> date_keys_;  // the same
  std::vector<bool> present_;
  std::vector<uint32_t> list_ids_;
  std::vector<std::vector<uint64_t>> bits_[2];  // platform, language: by id
  std::vector<std::string> names_[kFacets];
};

// The tables of the local shards, kept fresh by a thread: every second it
// looks at each shard's revision and rebuilds a table whose shard changed,
// at most once every `min_rebuild_seconds` per shard.
class FacetTables {
 public:
  FacetTables(std::vector<ShardSpec> specs, int min_rebuild_seconds);
  ~FacetTables();
  // The table of shard `index` (its position in the layout); null if none.
  std::shared_ptr<const FacetTable> Get(size_t index) const;

 private:
  void Loop();
  void Refresh(size_t i);

  const std::vector<ShardSpec> specs_;
  const int min_rebuild_seconds_;
  std::vector<Xapian::Database> dbs_;  // the thread's own, one per shard
  std::vector<std::chrono::steady_clock::time_point> built_at_;
  std::vector<uint64_t> identity_;  // ShardIdentity of each open shard
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::vector<std::shared_ptr<const FacetTable>> tables_;  // under mu_
  std::thread thread_;
};

}  // namespace scrm::index::internal

#endif  // SCRM_INDEX_FACET_TABLE_H_
