// The search API's parameters: the input read as a query string
// ("k=v&k=v", no percent-decoding: the server decodes before this point)
// into the multimap ParseSearchParams takes; a request it accepts then
// becomes the Xapian filter (over an empty in-memory database) as a search
// would build it.
#include <xapian.h>

#include <cstdint>
#include <map>
#include <string>

#include "fuzz_util.h"
#include "index/query.h"
#include "service/search.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scrm;
  const std::string_view bytes = fuzz::View(data, size);
  std::multimap<std::string, std::string> params;
  size_t start = 0;
  while (start <= bytes.size()) {
    size_t amp = bytes.find('&', start);
    if (amp == std::string_view::npos) amp = bytes.size();
    const std::string_view pair = bytes.substr(start, amp - start);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      params.emplace(std::string(pair), "");
    } else {
      params.emplace(std::string(pair.substr(0, eq)), std::string(pair.substr(eq + 1)));
    }
    start = amp + 1;
  }
  Result<index::SearchRequest> request = service::ParseSearchParams(params);
  if (!request.ok()) {
    SCRM_FUZZ_CHECK(!request.status().message().empty());
    return 0;
  }
  static const Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  index::internal::Filter filter = index::internal::FilterOf(*request, db);
  (void)index::internal::Restrict(Xapian::Query::MatchAll, filter).get_description();
  return 0;
}
