// The streaming JSON reader behind the outbox and JSON Feed parsers: the
// elements of "orderedItems" and "items" are handed over one by one, in
// order, numbered without repeats across arrays, and an error names a
// place inside the input.
#include <cstdint>

#include "fuzz_util.h"
#include "sources/json_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scrm;
  fuzz::BytesStream in(data, size);
  int64_t next_index = 0;
  bool began = false;
  sources::JsonStreamCallbacks callbacks;
  callbacks.on_items_begin = [&](const nlohmann::json& top, const std::string& key) {
    began = true;
    (void)top.size();
    (void)fuzz::Touch(key);
  };
  callbacks.on_item = [&](sources::JsonItem item) {
    SCRM_FUZZ_CHECK(began);
    SCRM_FUZZ_CHECK(item.index == next_index);
    SCRM_FUZZ_CHECK(item.offset >= 0 && item.offset <= static_cast<int64_t>(size));
    ++next_index;
    (void)fuzz::Touch(item.raw);
  };
  sources::JsonStreamResult r = sources::StreamJson(in, {"orderedItems", "items"}, callbacks);
  SCRM_FUZZ_CHECK(r.items == next_index);
  if (r.syntax_error) {
    SCRM_FUZZ_CHECK(!r.error.empty());
    SCRM_FUZZ_CHECK(r.error_offset >= 0 && r.error_offset <= static_cast<int64_t>(size));
  }
  return 0;
}
