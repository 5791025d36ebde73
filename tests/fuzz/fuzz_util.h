// Shared by the fuzz targets: a RecordSink that reads every field of what
// it is given (so ASan sees a record built from freed or out-of-range
// bytes) and keeps nothing, and a check that aborts on a broken invariant
// (libFuzzer then saves the input as a crash).
#ifndef SCRM_TESTS_FUZZ_FUZZ_UTIL_H_
#define SCRM_TESTS_FUZZ_FUZZ_UTIL_H_

#include <cstdio>
#include <cstdlib>
#include <istream>
#include <streambuf>
#include <string>
#include <string_view>

#include "core/post.h"

namespace scrm::fuzz {

#define SCRM_FUZZ_CHECK(cond)                                                  \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                            \
    }                                                                          \
  } while (0)

// Touches a string's bytes: a cheap hash the optimiser cannot drop.
inline size_t Touch(const std::string& s) {
  size_t h = s.size();
  for (unsigned char c : s) h = h * 31 + c;
  return h;
}

class DrainSink : public RecordSink {
 public:
  void OnPost(Post post, const Position& where) override {
    hash_ += Touch(post.text) + Touch(post.external_id) + Touch(post.url) + Touch(where.file);
    ++posts;
  }
  void OnProfile(Profile profile, const Position& where) override {
    hash_ += Touch(profile.external_id) + Touch(profile.display_name) + Touch(where.file);
    ++profiles;
  }
  void OnDelete(Deletion deletion, const Position& where) override {
    hash_ += Touch(deletion.object_id) + Touch(deletion.actor_id) + Touch(where.file);
    ++deletions;
  }
  void OnReject(Reject reject) override {
    hash_ += Touch(reject.reason) + Touch(reject.raw);
    ++rejects;
  }
  long posts = 0, profiles = 0, deletions = 0, rejects = 0;

 private:
  volatile size_t hash_ = 0;
};

// An istream over the fuzz input without copying it.
class BytesBuf : public std::streambuf {
 public:
  BytesBuf(const uint8_t* data, size_t size) {
    char* p = const_cast<char*>(reinterpret_cast<const char*>(data));
    setg(p, p, p + size);
  }
};

class BytesStream : public std::istream {
 public:
  BytesStream(const uint8_t* data, size_t size) : std::istream(nullptr), buf_(data, size) {
    rdbuf(&buf_);
  }

 private:
  BytesBuf buf_;
};

inline std::string_view View(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace scrm::fuzz

#endif  // SCRM_TESTS_FUZZ_FUZZ_UTIL_H_
