// Small URL helpers the parsers share: is a reference absolute, which host
// does a URL name, and resolving a relative reference against a base (RFC
// 3986, section 5.2). Pure functions, total on any input.
#ifndef SCRM_SOURCES_URL_UTIL_H_
#define SCRM_SOURCES_URL_UTIL_H_

#include <string>
#include <string_view>

namespace scrm::sources {

// "https://x", "mailto:a@b", "tag:host,2016:1": a scheme and a colon.
bool IsAbsoluteUrl(std::string_view url);

// The host of an absolute URL with an authority ("https://u@Host:8080/x" ->
// "host", lower-cased); empty when there is none.
std::string UrlHost(std::string_view url);

// UrlHost with the port when one is written that is not the scheme's
// default ("http://127.0.0.1:3000/x" -> "127.0.0.1:3000", "https://h:443/"
// -> "h"): the host part of a fediverse handle, which WebFinger needs whole.
std::string UrlHostPort(std::string_view url);

// `ref` resolved against `base`. `ref` as written when it is absolute, when
// base is empty or not absolute, or when either does not parse.
std::string ResolveUrl(std::string_view base, std::string_view ref);

// s percent-encoded for a query value or a path segment: every byte but
// ASCII letters, digits, "-._~" and those in `keep` becomes %XX (upper-case
// hex). keep "@:" leaves "acct:alice@host" readable, ":" a DID.
std::string PercentEncode(std::string_view s, std::string_view keep = "");

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_URL_UTIL_H_
