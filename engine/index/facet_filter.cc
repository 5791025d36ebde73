#include "index/facet_filter.h"

#include <algorithm>

#include "index/internal.h"
#include "index/terms.h"

namespace scrm::index::internal {

bool TableCanFilter(const std::string& value) {
  return !value.empty() && LowerValue(value) == value &&
         std::none_of(value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) <= ' '; });
}

FacetFilter::FacetFilter(FacetCondition condition, std::vector<std::shared_ptr<const FacetTable>> tables)
    : condition_(std::move(condition)), tables_(std::move(tables)) {}

FacetFilter* FacetFilter::clone() const { return new FacetFilter(condition_, tables_); }

std::string FacetFilter::get_description() const {
  std::string out = "FacetFilter(";
  for (size_t i = 0; i < condition_.terms.size(); ++i) out += (i > 0 ? " OR " : "") + condition_.terms[i];
  return out + ")";
}

void FacetFilter::init(const Xapian::Database& db) {
  table_ = nullptr;
  lists_.clear();
  ends_.clear();
  did_ = 0;
  at_end_ = false;
  freq_ = 0;
  std::vector<Xapian::doccount> freqs;  // of each term
  for (const std::string& t : condition_.terms) freq_ += freqs.emplace_back(db.get_termfreq(t));
  const std::string uuid = db.get_uuid();
  for (size_t k = 0; k < tables_.size(); ++k) {
    const FacetTable* t = tables_[k].get();
    if (t == nullptr || t->uuid() != uuid) continue;
    if (t->revision() != db.get_revision() || !t->complete()) break;  // stale or partial: by the lists
    // Every value kept must have its bits, or the shard is filtered by
    // its lists.
    std::vector<const std::vector<uint64_t>*> bits;
    const std::vector<std::string>& names = t->names(condition_.facet);
    bool all_bits = true;
    for (size_t id = 0; id < names.size() && id < FacetTable::kNone; ++id) {
      if (std::find(condition_.values.begin(), condition_.values.end(), names[id]) == condition_.values.end()) {
        continue;
      }
      const std::vector<uint64_t>* b = t->Bits(condition_.facet, static_cast<uint16_t>(id));
      if (b == nullptr) all_bits = false;
      bits.push_back(b);
    }
    if (!all_bits) break;
    table_ = t;
    positions_ = t->size();
    bits_ = std::move(bits);
    first_ = static_cast<Xapian::docid>(k + 1);
    step_ = static_cast<Xapian::docid>(tables_.size());
    return;
  }
  for (size_t i = 0; i < condition_.terms.size(); ++i) {
    if (freqs[i] == 0) continue;
    lists_.push_back(db.postlist_begin(condition_.terms[i]));
    ends_.push_back(db.postlist_end(condition_.terms[i]));
  }
}

void FacetFilter::next(double) { Seek(did_ + 1); }

void FacetFilter::skip_to(Xapian::docid did, double) {
  if (did > did_) Seek(did);
}

void FacetFilter::Seek(Xapian::docid did) {
  if (table_ != nullptr) {
    // The shard's ids are first_ + i * step_: the first position at or
    // after did whose bit is set in a kept value's bits.
    size_t i = did <= first_ ? 0 : (did - first_ + step_ - 1) / step_;
    for (size_t w = i / 64; i < positions_ && !bits_.empty(); ++w, i = w * 64) {
      uint64_t word = 0;
      for (const std::vector<uint64_t>* b : bits_) word |= (*b)[w];
      word &= ~uint64_t{0} << (i % 64);
      if (word != 0) {
        i = w * 64 + static_cast<size_t>(__builtin_ctzll(word));
        if (i >= positions_) break;
        did_ = first_ + static_cast<Xapian::docid>(i) * step_;
        return;
      }
    }
    at_end_ = true;
    return;
  }
  // By the lists: the smallest id at or after did among them.
  Xapian::docid best = 0;
  for (size_t k = 0; k < lists_.size(); ++k) {
    if (lists_[k] == ends_[k]) continue;
    lists_[k].skip_to(did);
    if (lists_[k] != ends_[k] && (best == 0 || *lists_[k] < best)) best = *lists_[k];
  }
  if (best == 0) {
    at_end_ = true;
  } else {
    did_ = best;
  }
}

}  // namespace scrm::index::internal
