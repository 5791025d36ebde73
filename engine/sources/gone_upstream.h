// Which stored posts of a followed account its network no longer lists:
// the rule that lets following remove posts deleted upstream. A round reads
// only part of an account's posts (the newest pages, within FollowLimits),
// so a post missing from what was read is gone only when it falls inside
// the span the round read fully; anything outside that span is kept,
// whatever it is. Pure: values in, values out.
//
//  - AT Protocol (listRecords in record-key order, newest first; record
//    keys are TIDs, which sort as text in time order): every stored post
//    whose record key is at or above the oldest record key read, and that
//    was not seen, is gone.
//  - ActivityPub (an outbox, newest first): every stored post published
//    strictly after the oldest outbox item read, and that was not seen, is
//    gone; never one published at that time or before, nor one whose time
//    is unknown.
//
// A read that covered nothing fully (nothing read, or a first page cut off
// by the per-round cap) has no span: nothing is gone.
#ifndef SCRM_SOURCES_GONE_UPSTREAM_H_
#define SCRM_SOURCES_GONE_UPSTREAM_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace scrm::sources {

// What one round read of an account, to its end: the pages read in full.
struct ReadSpan {
  enum class Order {
    kNone,       // nothing was read in full: nothing can be called gone
    kRecordKey,  // AT Protocol: oldest_key holds the oldest record key read
    kPublished,  // ActivityPub: oldest_published holds the oldest item's time
  };
  Order order = Order::kNone;
  std::string oldest_key;
  int64_t oldest_published = 0;  // UTC seconds
  // The ids (Post::external_id) of every post listed in the span, whether
  // or not it was handed to the sink, rejected records' included.
  std::set<std::string> seen;
};

// A post as stored (external id and publication time, 0 when unknown).
struct StoredPostRef {
  std::string external_id;
  int64_t published = 0;
};

// The record key of an at:// URI (its last path segment); "" when none.
std::string_view RecordKeyOf(std::string_view uri);

// The external ids of the `stored` posts gone upstream, in `stored` order.
std::vector<std::string> GoneUpstream(const ReadSpan& span,
                                      const std::vector<StoredPostRef>& stored);

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_GONE_UPSTREAM_H_
