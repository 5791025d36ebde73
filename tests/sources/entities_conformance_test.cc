// Runs twitter-text's own conformance suite (extract.yml, and tlds.yml for
// the TLD list) against sources/entities.h, case by case, straight from the
// YAML files as upstream asks (never converted into C++ cases). Known
// failures are listed below with their reason; a listed case that passes, or
// a failing case that is not listed, fails the test, so the list stays true.

#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "sources/entities.h"

namespace {

using scrm::sources::Entity;

// Cases of the suite this port is known to get wrong: (section, description)
// and why. Empty: every case of extract.yml and tlds.yml passes.
const std::map<std::pair<std::string, std::string>, std::string> kKnownFailures = {};

std::filesystem::path ConformanceDir() {
  const char* env = std::getenv("SCRM_CONFORMANCE_DIR");
  if (env != nullptr && *env != '\0') return env;
  return SCRM_CONFORMANCE_DIR_DEFAULT;
}

// One case's verdict: empty when it passes, else what differed.
using Runner = std::function<std::string(const YAML::Node& test)>;

std::string Quote(const std::vector<std::string>& values) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << '"' << values[i] << '"';
  out << ']';
  return out.str();
}

std::vector<std::string> Strings(const YAML::Node& node) {
  std::vector<std::string> out;
  if (node.IsSequence()) {
    for (const auto& item : node) out.push_back(item.as<std::string>());
  }
  return out;
}

Runner StringList(std::function<std::vector<std::string>(std::string_view)> extract) {
  return [extract](const YAML::Node& test) -> std::string {
    const auto expected = Strings(test["expected"]);
    const auto actual = extract(test["text"].as<std::string>());
    if (actual == expected) return "";
    return "expected " + Quote(expected) + ", got " + Quote(actual);
  };
}

// Entities against [{<value_key>: ..., indices: [s, e], list_slug: ...}].
Runner EntityList(std::function<std::vector<Entity>(std::string_view)> extract,
                  std::string value_key) {
  return [extract, value_key](const YAML::Node& test) -> std::string {
    const auto actual = extract(test["text"].as<std::string>());
    std::vector<std::string> want, got;
    for (const auto& item : test["expected"]) {
      std::ostringstream s;
      s << item[value_key].as<std::string>() << " [" << item["indices"][0].as<size_t>() << ","
        << item["indices"][1].as<size_t>() << "]";
      if (item["list_slug"]) s << " slug=" << item["list_slug"].as<std::string>();
      want.push_back(s.str());
    }
    const bool with_slug = test["expected"].size() > 0 && test["expected"][0]["list_slug"];
    for (const Entity& e : actual) {
      std::ostringstream s;
      s << e.text << " [" << e.start << "," << e.end << "]";
      if (with_slug) s << " slug=" << e.list_slug;
      got.push_back(s.str());
    }
    if (want == got) return "";
    return "expected " + Quote(want) + ", got " + Quote(got);
  };
}

std::string RunReply(const YAML::Node& test) {
  const YAML::Node& expected = test["expected"];
  const std::optional<std::string> want =
      expected.IsNull() ? std::nullopt : std::optional<std::string>(expected.as<std::string>());
  const auto got = scrm::sources::ExtractReplyScreenName(test["text"].as<std::string>());
  if (got == want) return "";
  return "expected " + (want ? '"' + *want + '"' : std::string("none")) + ", got " +
         (got ? '"' + *got + '"' : std::string("none"));
}

struct SuiteResult {
  size_t total = 0;
  size_t passed = 0;
  std::vector<std::pair<std::string, size_t>> sections;  // name, passed; in file order
  std::map<std::string, size_t> section_totals;
  std::vector<std::string> unexpected;  // failures not listed, stale or fixed listings
};

SuiteResult RunSuite(const std::filesystem::path& file,
                     const std::map<std::string, Runner>& runners) {
  SuiteResult result;
  std::set<std::pair<std::string, std::string>> seen;
  const YAML::Node root = YAML::LoadFile(file.string());
  for (const auto& section : root["tests"]) {
    const std::string name = section.first.as<std::string>();
    size_t passed = 0;
    const auto runner = runners.find(name);
    for (const auto& test : section.second) {
      const std::string description = test["description"].as<std::string>();
      seen.insert({name, description});
      std::string failure;
      try {
        failure = runner == runners.end() ? "no runner for section " + name : runner->second(test);
      } catch (const std::exception& e) {
        failure = std::string("exception: ") + e.what();
      }
      ++result.total;
      const auto known = kKnownFailures.find({name, description});
      if (failure.empty()) {
        ++passed;
        ++result.passed;
        if (known != kKnownFailures.end()) {
          result.unexpected.push_back(name + " / " + description +
                                      ": listed as a known failure but passes; remove it");
        }
      } else if (known == kKnownFailures.end()) {
        result.unexpected.push_back(name + " / " + description + ": " + failure);
      }
    }
    result.sections.emplace_back(name, passed);
    result.section_totals[name] = section.second.size();
  }
  for (const auto& [key, reason] : kKnownFailures) {
    if (result.section_totals.count(key.first) != 0 && seen.count(key) == 0) {
      result.unexpected.push_back(key.first + " / " + key.second +
                                  ": listed as a known failure but no longer in the suite");
    }
  }
  return result;
}

void Report(const std::string& label, const SuiteResult& r) {
  const double percent = r.total == 0 ? 0.0 : 100.0 * r.passed / r.total;
  std::ostringstream out;
  out << label << ": " << r.passed << "/" << r.total << " cases pass (" << std::fixed
      << std::setprecision(1) << percent << "%)\n";
  for (const auto& [name, passed] : r.sections) {
    out << "  " << name << ": " << passed << "/" << r.section_totals.at(name) << "\n";
  }
  WARN(out.str());
}

}  // namespace

TEST_CASE("twitter-text extract.yml conformance", "[sources][entities][conformance]") {
  const auto file = ConformanceDir() / "twitter-text" / "extract.yml";
  if (!std::filesystem::exists(file)) {
    WARN("skipped: " << file.string() << " not found (set SCRM_CONFORMANCE_DIR)");
    return;
  }
  using namespace scrm::sources;
  const std::map<std::string, Runner> runners = {
      {"mentions", StringList(ExtractMentionedScreenNames)},
      {"mentions_with_indices", EntityList(ExtractMentionedScreenNamesWithIndices, "screen_name")},
      {"mentions_or_lists_with_indices",
       EntityList(ExtractMentionsOrListsWithIndices, "screen_name")},
      {"replies", RunReply},
      {"urls", StringList(ExtractUrls)},
      {"urls_with_indices", EntityList(ExtractUrlsWithIndices, "url")},
      {"urls_with_directional_markers", EntityList(ExtractUrlsWithIndices, "url")},
      {"tco_urls_with_params", StringList(ExtractUrls)},
      {"hashtags", StringList(ExtractHashtags)},
      {"hashtags_from_astral", StringList(ExtractHashtags)},
      {"hashtags_with_indices", EntityList(ExtractHashtagsWithIndices, "hashtag")},
      {"cashtags", StringList(ExtractCashtags)},
      {"cashtags_with_indices", EntityList(ExtractCashtagsWithIndices, "cashtag")},
  };
  const SuiteResult r = RunSuite(file, runners);
  Report("twitter-text extract.yml", r);
  for (const std::string& problem : r.unexpected) FAIL_CHECK(problem);
  REQUIRE(r.total > 0);
  REQUIRE(r.passed * 100 >= r.total * 99);
}

TEST_CASE("twitter-text tlds.yml: a URL on every TLD", "[sources][entities][conformance]") {
  const auto file = ConformanceDir() / "twitter-text" / "tlds.yml";
  if (!std::filesystem::exists(file)) {
    WARN("skipped: " << file.string() << " not found (set SCRM_CONFORMANCE_DIR)");
    return;
  }
  const Runner urls = StringList(scrm::sources::ExtractUrls);
  const SuiteResult r = RunSuite(file, {{"country", urls}, {"generic", urls}});
  Report("twitter-text tlds.yml", r);
  for (const std::string& problem : r.unexpected) FAIL_CHECK(problem);
  REQUIRE(r.total > 0);
  REQUIRE(r.passed * 100 >= r.total * 99);
}
