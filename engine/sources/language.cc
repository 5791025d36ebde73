#include "sources/language.h"

#include <libexttextcat/textcat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "sources/entities.h"

#ifndef SCRM_TEXTCAT_DIR
#define SCRM_TEXTCAT_DIR "/usr/share/libexttextcat/"
#endif

namespace scrm::sources {
namespace {

// The runner-up (in another language) must score at least this much worse
// than the winner for the winner to be believed. textcat scores are
// distances (lower is better); it lists candidates within 3% of the best.
constexpr double kMinLead = 0.01;
// textcat's n-gram statistics settle within a few hundred bytes.
constexpr size_t kMaxBytes = 1000;

// The model file of each candidate (Chinese has two: simplified and
// traditional script).
struct Model {
  const char* file;
  const char* code;
};
constexpr Model kModels[] = {
    {"en.lm", "en"}, {"fr.lm", "fr"}, {"de.lm", "de"}, {"es.lm", "es"}, {"it.lm", "it"},
    {"pt.lm", "pt"}, {"nl.lm", "nl"}, {"ca.lm", "ca"}, {"pl.lm", "pl"}, {"ro.lm", "ro"},
    {"sv.lm", "sv"}, {"da.lm", "da"}, {"nb.lm", "nb"}, {"fi.lm", "fi"}, {"cs.lm", "cs"},
    {"hu.lm", "hu"}, {"tr.lm", "tr"}, {"el.lm", "el"}, {"ru.lm", "ru"}, {"uk.lm", "uk"},
    {"ar.lm", "ar"}, {"he.lm", "he"}, {"zh-Hans.lm", "zh"}, {"zh-Hant.lm", "zh"},
    {"ja.lm", "ja"}, {"ko.lm", "ko"}, {"hi.lm", "hi"}, {"th.lm", "th"}, {"vi.lm", "vi"},
    {"id.lm", "id"}};

// One thread's classifier. textcat reads its list of models from a file, so
// the restricted list is written to a temporary file, read, and removed.
class Classifier {
 public:
  Classifier() {
    const char* tmp = std::getenv("TMPDIR");
    std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/scrm-textcat-XXXXXX";
    std::vector<char> name(path.begin(), path.end());
    name.push_back('\0');
    int fd = mkstemp(name.data());
    if (fd < 0) return;
    std::string conf;
    for (const Model& m : kModels) conf += std::string(m.file) + " " + m.code + "\n";
    bool written = write(fd, conf.data(), conf.size()) == static_cast<ssize_t>(conf.size());
    close(fd);
    std::string dir = SCRM_TEXTCAT_DIR;  // textcat prepends it as is
    if (!dir.empty() && dir.back() != '/') dir += '/';
    if (written) handle_ = special_textcat_Init(name.data(), dir.c_str());
    unlink(name.data());
    if (handle_) candidates_ = textcat_GetClassifyFullOutput(handle_);
  }
  ~Classifier() {
    if (candidates_) textcat_ReleaseClassifyFullOutput(handle_, candidates_);
    if (handle_) textcat_Done(handle_);
  }
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;

  bool ok() const { return handle_ != nullptr && candidates_ != nullptr; }

  std::string Classify(const std::string& text) {
    if (!ok()) return "";
    int n = textcat_ClassifyFull(handle_, text.data(), text.size(), candidates_);
    if (n <= 0) return "";  // TEXTCAT_RESULT_UNKNOWN or _SHORT
    std::sort(candidates_, candidates_ + n,
              [](const candidate_t& a, const candidate_t& b) { return a.score < b.score; });
    std::string best = candidates_[0].name;
    for (int i = 1; i < n; ++i) {
      if (best == candidates_[i].name) continue;  // zh-Hans and zh-Hant
      double lead = static_cast<double>(candidates_[i].score) / candidates_[0].score - 1;
      if (lead < kMinLead) return "";
      break;
    }
    return best;
  }

 private:
  void* handle_ = nullptr;
  candidate_t* candidates_ = nullptr;
};

Classifier& ThreadClassifier() {
  thread_local Classifier classifier;
  return classifier;
}

// The text without what says nothing of its language: URLs, @mentions,
// fediverse handles, e-mail addresses, #hashtags, $cashtags.
std::string Prose(std::string_view text) {
  std::string out;
  size_t from = 0;
  for (const Entity& e : ExtractEntities(text)) {
    out.append(text.substr(from, e.byte_start - from));
    out.push_back(' ');
    from = e.byte_end;
  }
  out.append(text.substr(from));
  return out;
}

// Letters, roughly: ASCII letters and non-ASCII characters below U+10000
// (emoji, mostly above, do not count).
int CountLetters(std::string_view s) {
  int n = 0;
  for (unsigned char c : s) {
    if ((c < 0x80 && std::isalpha(c)) || (c >= 0xC0 && c < 0xF0)) ++n;
  }
  return n;
}

// At most kMaxBytes, cut on a UTF-8 boundary.
std::string Head(std::string s) {
  if (s.size() <= kMaxBytes) return s;
  size_t cut = kMaxBytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  return s;
}

}  // namespace

std::string DetectLanguage(std::string_view text) {
  std::string prose = Prose(text.substr(0, 4 * kMaxBytes));
  if (CountLetters(prose) < kMinLetters) return "";
  return ThreadClassifier().Classify(Head(std::move(prose)));
}

bool LanguageDetectionAvailable() { return ThreadClassifier().ok(); }

}  // namespace scrm::sources
