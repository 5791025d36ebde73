#include "core/hash.h"

#include <cstdio>

namespace scrm {

Fnv64& Fnv64::Add(std::string_view s) {
  for (unsigned char c : s) Byte(c);
  Byte(0x1f);
  return *this;
}

Fnv64& Fnv64::Add(bool b) {
  Byte(b ? 1 : 0);
  return *this;
}

std::string Fnv64::Hex() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h_));
  return buf;
}

}  // namespace scrm
