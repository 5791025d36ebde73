// sources::GoneUpstream: which stored posts of a followed account count as
// deleted upstream, given the span a round read fully.
#include "sources/gone_upstream.h"

#include <catch2/catch.hpp>

namespace scrm::sources {
namespace {

const std::string kRepo = "at://did:plc:abc/app.bsky.feed.post/";

ReadSpan RecordKeys(const std::string& oldest, std::set<std::string> seen) {
  ReadSpan span;
  span.order = ReadSpan::Order::kRecordKey;
  span.oldest_key = oldest;
  span.seen = std::move(seen);
  return span;
}

ReadSpan Published(int64_t oldest, std::set<std::string> seen) {
  ReadSpan span;
  span.order = ReadSpan::Order::kPublished;
  span.oldest_published = oldest;
  span.seen = std::move(seen);
  return span;
}

}  // namespace

TEST_CASE("AT Protocol: stored record keys from the oldest read upward, not seen, are gone",
          "[sources][gone]") {
  // Stored: five posts, TIDs in time order; the round read 3kb..3ke, not 3kc.
  const std::vector<StoredPostRef> stored = {
      {kRepo + "3ka"}, {kRepo + "3kb"}, {kRepo + "3kc"}, {kRepo + "3kd"}, {kRepo + "3kf"}};
  const ReadSpan span = RecordKeys("3kb", {kRepo + "3kb", kRepo + "3kd", kRepo + "3ke"});
  // 3ka is older than anything read: kept. 3kf is newer than everything
  // read and was not listed: gone (the newest page is always read).
  CHECK(GoneUpstream(span, stored) == std::vector<std::string>{kRepo + "3kc", kRepo + "3kf"});
}

TEST_CASE("AT Protocol: the oldest record key read is itself inside the span", "[sources][gone]") {
  // A rejected record is listed (seen) though not stored as read; the
  // oldest key read bounds the span inclusively.
  const std::vector<StoredPostRef> stored = {{kRepo + "3kb"}, {kRepo + "3kc"}};
  CHECK(GoneUpstream(RecordKeys("3kb", {kRepo + "3kc"}), stored) ==
        std::vector<std::string>{kRepo + "3kb"});
  CHECK(GoneUpstream(RecordKeys("3kb", {kRepo + "3kb", kRepo + "3kc"}), stored).empty());
}

TEST_CASE("AT Protocol: ids that are not at:// URIs are never gone", "[sources][gone]") {
  const std::vector<StoredPostRef> stored = {{"https://example.org/post/9"}, {""}};
  CHECK(GoneUpstream(RecordKeys("0", {}), stored).empty());
}

TEST_CASE("ActivityPub: only posts published strictly after the oldest item read",
          "[sources][gone]") {
  const std::vector<StoredPostRef> stored = {
      {"https://h/p/1", 100}, {"https://h/p/2", 200}, {"https://h/p/3", 300},
      {"https://h/p/4", 400}, {"https://h/p/5", 0}};
  // Read: items of times 200..400 (p/2 and p/4 listed; p/3 not).
  const ReadSpan span = Published(200, {"https://h/p/2", "https://h/p/4"});
  // p/1 is older than what was read, p/2 at the boundary was listed, p/5
  // has no time: all kept. p/3 was not listed: gone.
  CHECK(GoneUpstream(span, stored) == std::vector<std::string>{"https://h/p/3"});
  // At the boundary's very second and not listed: kept (strictly after).
  CHECK(GoneUpstream(Published(200, {"https://h/p/4"}), stored) ==
        std::vector<std::string>{"https://h/p/3"});
}

TEST_CASE("an empty read removes nothing", "[sources][gone]") {
  const std::vector<StoredPostRef> stored = {{kRepo + "3ka", 100}, {"https://h/p/1", 100}};
  CHECK(GoneUpstream(ReadSpan{}, stored).empty());                  // nothing read in full
  CHECK(GoneUpstream(RecordKeys("", {}), stored).empty());          // no oldest key
  CHECK(GoneUpstream(Published(0, {}), stored).empty());            // no oldest time
}

TEST_CASE("a capped read counts only what it read in full", "[sources][gone]") {
  // The client reports the span of its full pages only: a first page cut
  // off by max_posts leaves no span, a later one the pages before it.
  const std::vector<StoredPostRef> stored = {
      {"https://h/p/1", 100}, {"https://h/p/2", 200}, {"https://h/p/3", 300}};
  ReadSpan cut;  // the first page cut: Order::kNone, whatever was seen
  cut.seen = {"https://h/p/3"};
  CHECK(GoneUpstream(cut, stored).empty());
  // Page 1 (times 300..250) read in full, page 2 cut: the span ends at 250.
  CHECK(GoneUpstream(Published(250, {"https://h/p/3"}), stored).empty());
}

TEST_CASE("nothing stored: nothing gone", "[sources][gone]") {
  CHECK(GoneUpstream(RecordKeys("3ka", {kRepo + "3kb"}), {}).empty());
  CHECK(GoneUpstream(Published(100, {"https://h/p/1"}), {}).empty());
}

TEST_CASE("RecordKeyOf", "[sources][gone]") {
  CHECK(RecordKeyOf(kRepo + "3kb2") == "3kb2");
  CHECK(RecordKeyOf("https://h/p/1").empty());
  CHECK(RecordKeyOf("at://did:plc:abc").empty());
  CHECK(RecordKeyOf("").empty());
}

}  // namespace scrm::sources
