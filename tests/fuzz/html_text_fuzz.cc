// HTML to clean text (Mastodon content, feed descriptions) and character
// references in markup-free text.
#include <cstdint>

#include "fuzz_util.h"
#include "sources/html_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scrm;
  const std::string_view bytes = fuzz::View(data, size);
  sources::HtmlText text = sources::HtmlToText(bytes);
  (void)fuzz::Touch(text.text);
  for (const sources::HtmlLink& link : text.links) {
    (void)fuzz::Touch(link.href);
    (void)link.IsMentionOrHashtag();
  }
  (void)fuzz::Touch(sources::DecodeHtmlEntities(bytes));
  (void)sources::LookupHtmlEntity(bytes.substr(0, 40));
  return 0;
}
