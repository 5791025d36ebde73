// Language of a post's text, with libexttextcat (n-gram profiles, the
// library LibreOffice uses): an ISO 639-1 code when the guess is clear,
// "" when the text is too short or the guess is not clear. Never a guess
// dressed as a fact: a wrong language would mislead filters and replies.
// Thread-safe: each thread gets its own classifier (textcat handles are not
// shareable), loaded on its first call.
//
// Candidates are restricted to 29 widely used languages (kCandidateLanguages):
// with all 160 models, short English posts come out as Scots (8 of 50 test
// sentences) and short Italian as Esperanto; with the restricted set and a
// 1% lead over the runner-up, tests/data/sources/language gives French
// 48/50 right and 2 unknown, English 49/50 right and 1 unknown, none wrong
// (see tests/sources/language_test.cc).
#ifndef SCRM_SOURCES_LANGUAGE_H_
#define SCRM_SOURCES_LANGUAGE_H_

#include <string>
#include <string_view>

namespace scrm::sources {

// The languages DetectLanguage may answer, as ISO 639-1 codes.
inline constexpr const char* kCandidateLanguages[] = {
    "en", "fr", "de", "es", "it", "pt", "nl", "ca", "pl", "ro", "sv", "da", "nb", "fi", "cs",
    "hu", "tr", "el", "ru", "uk", "ar", "he", "zh", "ja", "ko", "hi", "th", "vi", "id"};

// Fewer letters than this (after URLs, @mentions, #hashtags and e-mail
// addresses are removed) and the answer is "".
inline constexpr int kMinLetters = 20;

// "fr", "en", ... or "" (too short, no clear winner, or the language models
// could not be loaded). Only the first 1000 bytes or so are looked at.
std::string DetectLanguage(std::string_view text);

// False when libexttextcat's models (SCRM_TEXTCAT_DIR, by default
// /usr/share/libexttextcat/) cannot be loaded; DetectLanguage then always
// answers "".
bool LanguageDetectionAvailable();

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_LANGUAGE_H_
