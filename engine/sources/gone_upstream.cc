#include "sources/gone_upstream.h"

namespace scrm::sources {

std::string_view RecordKeyOf(std::string_view uri) {
  if (uri.rfind("at://", 0) != 0) return "";
  const size_t slash = uri.rfind('/');
  return slash == std::string_view::npos || slash < 5 ? "" : uri.substr(slash + 1);
}

std::vector<std::string> GoneUpstream(const ReadSpan& span,
                                      const std::vector<StoredPostRef>& stored) {
  std::vector<std::string> gone;
  for (const StoredPostRef& post : stored) {
    if (span.seen.count(post.external_id) > 0) continue;
    bool inside = false;
    switch (span.order) {
      case ReadSpan::Order::kNone:
        break;
      case ReadSpan::Order::kRecordKey: {
        const std::string_view key = RecordKeyOf(post.external_id);
        inside = !span.oldest_key.empty() && !key.empty() && key >= span.oldest_key;
        break;
      }
      case ReadSpan::Order::kPublished:
        inside = span.oldest_published > 0 && post.published > span.oldest_published;
        break;
    }
    if (inside) gone.push_back(post.external_id);
  }
  return gone;
}

}  // namespace scrm::sources
