// HTML fragments (Mastodon `content`, feed descriptions, profile bios) to
// clean text: tags dropped, the text of links kept, <br> and block ends to
// newlines, every HTML character reference decoded, <script>/<style>
// contents dropped, white space collapsed. Pure functions of their input,
// total on any bytes (malformed or truncated HTML never throws or crashes),
// safe to call from any thread.
#ifndef SCRM_SOURCES_HTML_TEXT_H_
#define SCRM_SOURCES_HTML_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scrm::sources {

// An <a href> of the fragment, with what the reader saw and the attributes
// that say what kind of link it is (Mastodon marks mentions and hashtags with
// class="mention"/"hashtag" and rel="tag").
struct HtmlLink {
  std::string href;  // entities decoded, otherwise as written (not resolved)
  std::string text;  // the link's clean text
  std::string rel;
  std::string css_class;

  // True for Mastodon-style mention and hashtag links, which point at a
  // profile or a tag page rather than at content.
  bool IsMentionOrHashtag() const;
};

struct HtmlText {
  // Runs of white space become one space; <br> gives "\n"; paragraphs and
  // other blocks (<p>, <blockquote>, <h1>..., <ul>, <pre>, <table>) are
  // separated by a blank line ("\n\n"), lighter blocks (<div>, <li>, <tr>)
  // by "\n". No leading or trailing white space. U+00A0 (&nbsp;) is kept.
  std::string text;
  std::vector<HtmlLink> links;  // in document order, duplicates kept
};

HtmlText HtmlToText(std::string_view html);

// Decodes character references in text that holds no markup (an attribute
// value, an RSS title): named (the HTML Standard's full list, including the
// legacy forms without ';' such as "&amp" and "&eacute", except where an
// alphanumeric or '=' follows: "?a=1&copy=2" in a URL stays as written, the
// HTML rule for attributes, applied to text too), decimal and hex.
// Code points 0x80-0x9F are read as windows-1252 (as browsers do); invalid
// ones (0, surrogates, beyond U+10FFFF) become U+FFFD. An '&' that starts no
// reference is kept.
std::string DecodeHtmlEntities(std::string_view text);

// The replacement of one named reference: `name` without the '&', with its
// ';' when written ("eacute;", or "eacute" for the legacy form). nullopt
// when the HTML Standard has no such name.
std::optional<std::string_view> LookupHtmlEntity(std::string_view name);

// Appends the UTF-8 encoding of a code point (U+FFFD for invalid ones).
void AppendUtf8(std::string& out, uint32_t code_point);

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_HTML_TEXT_H_
