// Language detection on short sentences written for these tests
// (tests/data/sources/language: 50 French, 50 English, 25 in five other
// languages, each a social-media-sized message). Prints the accuracy it
// measures; the thresholds below are what language.h promises.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "parsers_test_util.h"
#include "sources/language.h"

namespace scrm::sources {
namespace {

using scrm::testing::SourcesDataDir;

struct Sample {
  std::string language;
  std::string text;
};

// "fr.txt": one sentence a line; "other.txt": "<code>\t<sentence>".
std::vector<Sample> ReadSamples(const std::string& name, const std::string& language) {
  std::ifstream in(SourcesDataDir() + "/language/" + name);
  std::vector<Sample> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (language.empty()) {
      size_t tab = line.find('\t');
      out.push_back({line.substr(0, tab), line.substr(tab + 1)});
    } else {
      out.push_back({language, line});
    }
  }
  return out;
}

struct Score {
  int right = 0, wrong = 0, unknown = 0;
};

Score Measure(const std::vector<Sample>& samples, const std::string& label) {
  Score s;
  for (const Sample& sample : samples) {
    std::string got = DetectLanguage(sample.text);
    if (got.empty()) {
      ++s.unknown;
    } else if (got == sample.language) {
      ++s.right;
    } else {
      ++s.wrong;
      WARN("wrong: " << got << " for [" << sample.language << "] " << sample.text);
    }
  }
  WARN(label << ": " << s.right << " right, " << s.wrong << " wrong, " << s.unknown
             << " unknown of " << samples.size());
  return s;
}

TEST_CASE("language detection: French and English short sentences", "[sources][language]") {
  REQUIRE(LanguageDetectionAvailable());
  std::vector<Sample> fr = ReadSamples("fr.txt", "fr");
  std::vector<Sample> en = ReadSamples("en.txt", "en");
  REQUIRE(fr.size() == 50);
  REQUIRE(en.size() == 50);
  Score f = Measure(fr, "French");
  Score e = Measure(en, "English");
  // Measured: French 48 right, 2 unknown; English 49 right, 1 unknown.
  CHECK(f.wrong == 0);
  CHECK(e.wrong == 0);
  CHECK(f.right >= 46);
  CHECK(e.right >= 46);
}

TEST_CASE("language detection: other languages", "[sources][language]") {
  std::vector<Sample> other = ReadSamples("other.txt", "");
  REQUIRE(other.size() == 25);
  Score s = Measure(other, "de/es/it/nl/pt");
  // Measured: 22 right, 1 wrong (Portuguese read as Spanish), 2 unknown.
  CHECK(s.right >= 20);
  CHECK(s.wrong <= 2);
}

TEST_CASE("language detection: short or empty text is unknown", "[sources][language]") {
  for (const char* text : {"", "ok", "Merci !", "lol 😂😂😂", "https://exemple.fr/une-page-tres-longue-sans-texte",
                           "@marie @paul @jean #lundi #mardi #mercredi https://t.co/abc",
                           "1234567890 1234567890 1234567890"}) {
    INFO(text);
    CHECK(DetectLanguage(text) == "");
  }
  // Mentions, hashtags and links do not count as letters, nor sway the answer.
  CHECK(DetectLanguage("@support_client Bonjour, ma commande n'est toujours pas arrivée "
                       "https://exemple.fr/commande/123456 #colis") == "fr");
}

TEST_CASE("language detection: answers only candidate languages", "[sources][language]") {
  std::vector<std::string> codes(std::begin(kCandidateLanguages), std::end(kCandidateLanguages));
  for (const Sample& s : ReadSamples("other.txt", "")) {
    std::string got = DetectLanguage(s.text);
    if (!got.empty()) CHECK(std::find(codes.begin(), codes.end(), got) != codes.end());
  }
  // Chinese: two models (simplified and traditional), one answer.
  CHECK(DetectLanguage("我们的新产品下周上市，欢迎大家来店里试用并提出宝贵意见。谢谢支持！") == "zh");
  CHECK(DetectLanguage("Спасибо за быстрый ответ, я свяжусь с вами завтра утром.") == "ru");
}

TEST_CASE("language detection from many threads at once", "[sources][language]") {
  std::vector<Sample> fr = ReadSamples("fr.txt", "fr");
  std::vector<Sample> en = ReadSamples("en.txt", "en");
  std::vector<std::string> expected_fr, expected_en;
  for (const Sample& s : fr) expected_fr.push_back(DetectLanguage(s.text));
  for (const Sample& s : en) expected_en.push_back(DetectLanguage(s.text));
  std::vector<int> mismatches(8, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (size_t i = 0; i < fr.size(); ++i) {
          if (DetectLanguage(fr[i].text) != expected_fr[i]) ++mismatches[t];
          if (DetectLanguage(en[i].text) != expected_en[i]) ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int m : mismatches) CHECK(m == 0);
}

}  // namespace
}  // namespace scrm::sources
