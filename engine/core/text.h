// Text utilities shared by every room: trimming, ASCII case folding, e-mail
// and web-address normalisation, query strings. Pure functions on UTF-8
// strings; bytes outside ASCII are passed through unchanged.
#ifndef SCRM_CORE_TEXT_H_
#define SCRM_CORE_TEXT_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace scrm {

std::string Trim(std::string_view s);
std::string ToLowerAscii(std::string_view s);
bool StartsWith(std::string_view s, std::string_view prefix);
std::vector<std::string> Split(std::string_view s, char sep);

// At most max_chars code points of s, cut on a code-point boundary (for
// columns sized in characters, such as varchar(100) in utf8mb4).
std::string TruncateUtf8(std::string_view s, size_t max_chars);

// Trimmed and lower-cased; empty when the text is not a plausible address
// (exactly one '@', a non-empty local part, a dotted domain, no spaces).
std::string NormalizeEmail(std::string_view raw);

// The host of a website as typed in a CRM ("https://www.Example.co.uk/about",
// "example.co.uk", "http://shop.example.fr:8080"), lower-cased, without a
// leading "www.". Empty when there is no plausible host.
std::string WebsiteDomain(std::string_view website);

// The URL when it is http(s) (scheme in any case), else "": a javascript: or
// data: link read from a post or a profile never reaches a page or an
// answer as a link.
std::string HttpUrlOrEmpty(const std::string& url);

// text with each "{name}" replaced by args' value of that name, in one pass
// (a value holding "{...}" is never expanded again); a name without a value
// stays as written. For the catalogues' messages and their arguments.
std::string FillArgs(std::string_view text, const std::map<std::string, std::string>& args);

// Decodes %XX escapes (and '+' as a space when plus_is_space); false when an
// escape is malformed.
bool PercentDecode(const std::string& in, bool plus_is_space, std::string* out);
// Decodes a query string "a=1&b=x+y&c=%C3%A9" (no leading '?'); false when an
// escape is malformed.
bool ParseQuery(const std::string& raw, std::multimap<std::string, std::string>* out);

}  // namespace scrm

#endif  // SCRM_CORE_TEXT_H_
