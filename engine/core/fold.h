// The one text folding of the engine, so that a name or a word compares the
// same wherever it is looked at: the index and queries (engine/index), and
// identity matching (engine/identity) both fold with it.
//
// Per code point: a few letters that Unicode does not decompose (œ, æ, ø,
// ł, đ, ð, þ, ı, ħ, ŧ, ŋ, ĸ, ŀ, ŉ) are spelt out in ASCII, the others take
// their compatibility decomposition (NFKD: "ﬁ" -> "fi", "é" -> "e" + a
// combining accent) whose nonspacing marks are dropped, then full case
// folding ("ß" -> "ss"). Typographic apostrophes become ASCII ones; soft
// hyphens and joiners inside words go. Letters of other scripts are folded
// (case, compatibility forms) and kept. Invalid UTF-8 becomes a space.
#ifndef SCRM_CORE_FOLD_H_
#define SCRM_CORE_FOLD_H_

#include <string>
#include <string_view>

namespace scrm {

// Appends the fold of in to *out. Everything that is not a letter is kept
// (spaces, punctuation, digits, emoji), folded where it has a compatibility
// form ("２" -> "2").
void FoldAppend(std::string_view in, std::string* out);
std::string FoldText(std::string_view in);

// FoldText() reduced to words: runs of letters, combining marks and digits,
// separated by single spaces; everything else (hyphens, apostrophes,
// punctuation, symbols, emoji) separates. "Jean-Pierre d'Œuvre" ->
// "jean pierre d oeuvre".
std::string FoldWords(std::string_view in);

}  // namespace scrm

#endif  // SCRM_CORE_FOLD_H_
