// Test helpers for the parsers: a RecordSink that keeps everything it is
// given, and readers for files of the shared conformance data and of
// tests/data/sources.
#ifndef SCRM_TESTS_SOURCES_PARSERS_TEST_UTIL_H_
#define SCRM_TESTS_SOURCES_PARSERS_TEST_UTIL_H_

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/post.h"

namespace scrm::testing {

class CollectingSink : public RecordSink {
 public:
  void OnPost(Post post, const Position& where) override {
    posts.push_back(std::move(post));
    post_positions.push_back(where);
    order.push_back('P');
  }
  void OnProfile(Profile profile, const Position& where) override {
    profiles.push_back(std::move(profile));
    profile_positions.push_back(where);
    order.push_back('R');
  }
  void OnDelete(Deletion deletion, const Position& where) override {
    deletions.push_back(std::move(deletion));
    deletion_positions.push_back(where);
    order.push_back('D');
  }
  void OnReject(Reject reject) override {
    rejects.push_back(std::move(reject));
    order.push_back('X');
  }

  std::vector<Post> posts;
  std::vector<Position> post_positions;
  std::vector<Profile> profiles;
  std::vector<Position> profile_positions;
  std::vector<Deletion> deletions;
  std::vector<Position> deletion_positions;
  std::vector<Reject> rejects;
  std::string order;  // P post, R profile, D deletion, X reject, in arrival order
};

inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string SourcesDataDir() { return std::string(SCRM_SOURCE_DIR) + "/tests/data/sources"; }

}  // namespace scrm::testing

#endif  // SCRM_TESTS_SOURCES_PARSERS_TEST_UTIL_H_
