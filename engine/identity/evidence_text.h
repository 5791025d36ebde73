// What a piece of matching evidence says, as stable phrase ids with their
// arguments, so that a page says it in its reader's language
// ("evidence_text.<id>" of ui-templates/i18n, {name} replaced by the
// argument) while the command line, the API and the stored "detail" keep
// the English written here. Ids never change meaning: add a new one
// instead. Pure; tests/ui/render_test.cc checks that every catalogue has
// every id with the same arguments, and that English is this text.
#ifndef SCRM_IDENTITY_EVIDENCE_TEXT_H_
#define SCRM_IDENTITY_EVIDENCE_TEXT_H_

#include <map>
#include <string>
#include <vector>

namespace scrm::identity {

struct Phrase {
  std::string id;                           // one of kPhrases
  std::map<std::string, std::string> args;  // {name} -> value
};

struct PhraseText {
  const char* id;
  const char* english;
};

// Every phrase, with its English text.
const std::vector<PhraseText>& Phrases();

// The English of phrases, joined with spaces (a main phrase, then its
// notes, which carry their own parentheses). An unknown id is said as
// itself.
std::string English(const std::vector<Phrase>& phrases);

}  // namespace scrm::identity

#endif  // SCRM_IDENTITY_EVIDENCE_TEXT_H_
