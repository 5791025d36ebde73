// core/fold.h: the engine's one text folding.
#include "core/fold.h"

#include <catch2/catch.hpp>
#include <string>

namespace scrm {
namespace {

TEST_CASE("FoldText folds case, accents, ligatures and compatibility forms", "[core][fold]") {
  const struct {
    const char* in;
    const char* out;
  } cases[] = {
      {"Hélène", "helene"},
      {"RÉSEAU", "reseau"},
      {"œuvre Œdipe Ætna", "oeuvre oedipe aetna"},
      {"Straße STRASSE ẞ", "strasse strasse ss"},
      {"ﬁn ﬂeur", "fin fleur"},            // compatibility ligatures
      {"Ｆｕｌｌ ２０２６", "full 2026"},  // full-width forms
      {"Øresund Łódź Đorđe Þór", "oresund lodz dorde thor"},
      {"Ħal Far Ŧ Ŋ ĸ ŀ ŉ", "hal far t n k l n"},  // no decomposition in Unicode: spelt out
      {"e\xcc\x81lodie", "elodie"},                // é decomposed in the input
      {"İstanbul", "istanbul"},
      {"L’été", "l'ete"},  // typographic apostrophe made ASCII
      {"soft\u00ADhyphen", "softhyphen"},
      {"Ελένη", "ελενη"},  // other scripts: case and accents folded, kept
      {"emoji 🚀 ok", "emoji 🚀 ok"},
      {"", ""},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    CHECK(FoldText(c.in) == c.out);
  }
}

TEST_CASE("FoldWords keeps words only, one space apart", "[core][fold]") {
  CHECK(FoldWords("Jean-Pierre  d'Œuvre (ACME), Inc.") == "jean pierre d oeuvre acme inc");
  CHECK(FoldWords("  «Zoë» — 42 🚀 ") == "zoe 42");
  CHECK(FoldWords("O’Brien") == "o brien");
  CHECK(FoldWords("").empty());
}

TEST_CASE("folding is idempotent and survives invalid UTF-8", "[core][fold]") {
  for (const char* s : {"L’été à Montréal", "Œuvres complètes", "Straße", "Ħ ŀ ŉ ﬁ"}) {
    const std::string once = FoldText(s);
    CHECK(FoldText(once) == once);
  }
  const std::string bad = std::string("ab\xC3") + "\xFF" + "cd\xE2\x82";
  CHECK(FoldText(bad).find("ab") == 0);
  CHECK(FoldWords(bad) == "ab cd");
}

}  // namespace
}  // namespace scrm
