// Non-cryptographic hashing for change detection (fingerprints, checksums).
// Stable across builds and platforms; never a security boundary.
#ifndef SCRM_CORE_HASH_H_
#define SCRM_CORE_HASH_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace scrm {

// FNV-1a, 64 bits. Add() fields one by one: each is followed by a separator,
// so ("ab","c") and ("a","bc") differ.
class Fnv64 {
 public:
  Fnv64& Add(std::string_view s);
  Fnv64& Add(bool b);
  uint64_t value() const { return h_; }
  std::string Hex() const;  // 16 lower-case hex digits

 private:
  void Byte(unsigned char c) {
    h_ ^= c;
    h_ *= 0x100000001b3ULL;
  }
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

}  // namespace scrm

#endif  // SCRM_CORE_HASH_H_
