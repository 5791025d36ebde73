// Entity extraction (twitter-text's rules plus e-mails and fediverse
// handles): every span must lie inside the input, in order, without
// overlaps, and its bytes must hold what it reports.
#include <cstdint>

#include "fuzz_util.h"
#include "sources/entities.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scrm;
  const std::string_view text = fuzz::View(data, size);
  size_t last_end = 0;
  for (const sources::Entity& e : sources::ExtractEntities(text)) {
    SCRM_FUZZ_CHECK(e.start <= e.end && e.byte_start <= e.byte_end && e.byte_end <= size);
    SCRM_FUZZ_CHECK(e.byte_start >= last_end);
    last_end = e.byte_end;
    (void)fuzz::Touch(e.text);
  }
  (void)sources::ExtractMentionsOrListsWithIndices(text);
  (void)sources::ExtractReplyScreenName(text);
  (void)sources::ExtractHashtagsWithIndices(text);
  (void)sources::ExtractCashtagsWithIndices(text);
  (void)sources::ExtractUrlsWithIndices(text);
  (void)sources::ExtractEmailsWithIndices(text);
  (void)sources::ExtractFediverseHandlesWithIndices(text);
  return 0;
}
