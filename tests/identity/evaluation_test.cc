// The labelled evaluation set (tests/data/identity/generate.py, seed 2,
// generated into the build tree): precision of auto links and recall of
// auto plus suggested links, against the targets of issue 5. The weights
// were tuned on seed 1 (SCRM_IDENTITY_EVAL_DIR=/tmp/identity-dev after
// `generate.py --seed 1 --out /tmp/identity-dev`), never on this set.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "identity/matcher.h"

using namespace scrm;
using namespace scrm::identity;

namespace {

std::string EvalDir() {
  const char* env = std::getenv("SCRM_IDENTITY_EVAL_DIR");
  return env && *env ? env : SCRM_IDENTITY_EVAL_DIR_DEFAULT;
}

std::vector<nlohmann::json> ReadLines(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<nlohmann::json> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

std::string S(const nlohmann::json& j, const char* k) { return j.value(k, std::string()); }

}  // namespace

TEST_CASE("evaluation set: auto precision >= 99.5%, recall of auto + suggested >= 95%",
          "[identity][evaluation]") {
  const std::string dir = EvalDir();
  Matcher matcher;
  for (const auto& j : ReadLines(dir + "/customers.jsonl")) {
    Customer c;
    c.module = *ParseCrmModule(S(j, "module"));
    c.crm_id = S(j, "crm_id");
    c.first_name = S(j, "first_name");
    c.last_name = S(j, "last_name");
    c.name = S(j, "name");
    c.company = S(j, "company");
    c.city = S(j, "city");
    c.country = S(j, "country");
    c.website = S(j, "website");
    c.website_domain = S(j, "website_domain");
    c.twitter = S(j, "twitter");
    c.facebook = S(j, "facebook");
    for (const auto& e : j["emails"]) {
      c.emails.push_back({e["address"].get<std::string>(), e["primary"].get<bool>(),
                          e["opt_out"].get<bool>()});
    }
    matcher.Upsert(c);
  }
  matcher.Compact();

  int64_t autos = 0, autos_right = 0, truths = 0, found = 0, found_auto = 0, suggestions = 0;
  std::map<std::string, std::pair<int, int>> by_case;  // case -> (profiles, missed)
  std::vector<std::string> wrong_autos;
  std::map<int, std::pair<int, int>> calibration;  // tenth -> (best candidates, right)
  std::vector<double> right_scores;  // per profile of a CRM person: the right record's score
  for (const auto& j : ReadLines(dir + "/profiles.jsonl")) {
    Profile p;
    p.platform = S(j, "platform");
    p.external_id = S(j, "external_id");
    p.handle = S(j, "handle");
    p.display_name = S(j, "display_name");
    p.url = S(j, "url");
    p.bio = S(j, "bio");
    p.company = S(j, "company");
    p.position = S(j, "position");
    p.location = S(j, "location");
    for (const auto& w : j["websites"]) p.websites.push_back(w.get<std::string>());
    for (const auto& e : j["emails"]) p.emails.push_back(e.get<std::string>());
    std::set<std::string> truth;
    for (const auto& t : j["truth"]) truth.insert(t.get<std::string>());

    // Calibration: of the best candidates scored in each tenth, how many are right.
    {
      std::vector<Scored> all = matcher.ScoreAll(p);
      if (all.empty() && !truth.empty()) right_scores.push_back(0);
      if (!all.empty()) {
        const Scored& best = all[0];
        const bool right = truth.count(std::string(CrmModuleName(matcher.ModuleOf(best.customer))) + "/" +
                                       matcher.CrmIdOf(best.customer)) > 0;
        int bin = std::min(9, static_cast<int>(best.score * 10));
        if (!truth.empty()) {
          double right_score = 0;
          for (const Scored& x : all) {
            if (truth.count(std::string(CrmModuleName(matcher.ModuleOf(x.customer))) + "/" +
                            matcher.CrmIdOf(x.customer))) {
              right_score = std::max(right_score, x.score);
            }
          }
          right_scores.push_back(right_score);
        }
        calibration[bin].first++;
        calibration[bin].second += right ? 1 : 0;
      }
    }
    std::vector<Proposal> props = matcher.Match(p);
    bool hit = false, hit_auto = false;
    for (const Proposal& pr : props) {
      const bool right = truth.count(std::string(CrmModuleName(pr.module)) + "/" + pr.crm_id) > 0;
      if (pr.decision == Decision::kAuto) {
        ++autos;
        if (right) {
          ++autos_right;
        } else {
          std::string why;
          for (const Evidence& e : pr.evidence) why += " [" + e.kind + " " + e.detail + "]";
          wrong_autos.push_back(S(j, "case") + ": '" + p.display_name + "' @" + p.handle + " -> " +
                                pr.crm_id + " " + std::to_string(pr.score) + why);
        }
      } else {
        ++suggestions;
      }
      hit = hit || right;
      hit_auto = hit_auto || (right && pr.decision == Decision::kAuto);
    }
    if (!truth.empty() && !hit && std::getenv("SCRM_IDENTITY_EVAL_DEBUG")) {
      // Why the right record was missed: its score and evidence, or no candidate at all.
      std::string why = "not a candidate";
      for (const Scored& s : matcher.ScoreAll(p)) {
        if (!truth.count(std::string(CrmModuleName(matcher.ModuleOf(s.customer))) + "/" +
                         matcher.CrmIdOf(s.customer))) {
          continue;
        }
        why = "score " + std::to_string(s.score) + ":";
        for (const Evidence& e : s.evidence) why += " [" + e.kind + " " + std::to_string(e.weight) + " " + e.detail + "]";
      }
      for (const Proposal& pr : props) why += " | proposed " + pr.crm_id + " " + std::to_string(pr.score) + " " + DecisionName(pr.decision);
      std::printf("MISS %s '%s' @%s co='%s' loc='%s': %s\n", S(j, "case").c_str(),
                  p.display_name.c_str(), p.handle.c_str(), p.company.c_str(), p.location.c_str(),
                  why.c_str());
    }
    if (!truth.empty()) {
      ++truths;
      found += hit ? 1 : 0;
      found_auto += hit_auto ? 1 : 0;
      std::string c = S(j, "case");
      c = c.substr(0, c.find('+'));
      by_case[c].first++;
      if (!hit) by_case[c].second++;
    }
  }
  const double precision = autos ? 100.0 * autos_right / autos : 100.0;
  const double recall = truths ? 100.0 * found / truths : 0;
  std::printf("identity evaluation (%s): %lld profiles of CRM people; %lld auto links, %lld right: "
              "precision %.2f%%; found (auto + suggested) %lld: recall %.2f%% (auto alone %.2f%%); "
              "%lld suggestions\n",
              dir.c_str(), static_cast<long long>(truths), static_cast<long long>(autos),
              static_cast<long long>(autos_right), precision, static_cast<long long>(found), recall,
              truths ? 100.0 * found_auto / truths : 0, static_cast<long long>(suggestions));
  std::printf("  calibration (best candidate per profile):");
  for (const auto& [bin, n] : calibration) {
    std::printf(" [%.1f,%.1f) %d/%d", bin / 10.0, (bin + 1) / 10.0, n.second, n.first);
  }
  std::printf("\n  share of CRM people's profiles whose record scores at least:");
  for (double t : {0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}) {
    size_t n = std::count_if(right_scores.begin(), right_scores.end(), [&](double x) { return x >= t; });
    std::printf(" %.1f: %.1f%%", t, right_scores.empty() ? 0.0 : 100.0 * n / right_scores.size());
  }
  std::printf("\n");
  for (const auto& [c, n] : by_case) {
    if (n.second) std::printf("  missed %d of %d %s\n", n.second, n.first, c.c_str());
  }
  for (const std::string& w : wrong_autos) std::printf("  wrong auto link: %s\n", w.c_str());
  CHECK(precision >= 99.5);
  CHECK(recall >= 95.0);
}
