#include "store/id_hash.h"

#include <array>
#include <cstring>

namespace scrm::store {

namespace {

// MD5 as RFC 1321 describes it, for short inputs (ids of up to a few
// hundred bytes): no streaming interface, the message is padded in place.
constexpr std::array<uint32_t, 64> kT = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
constexpr std::array<int, 64> kS = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                    5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

inline uint32_t Rotl(uint32_t x, int c) { return (x << c) | (x >> (32 - c)); }

std::array<uint32_t, 4> Md5(std::string_view data) {
  std::array<uint32_t, 4> h = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  const uint64_t bits = static_cast<uint64_t>(data.size()) * 8;
  std::string msg(data);
  msg.push_back(static_cast<char>(0x80));
  while (msg.size() % 64 != 56) msg.push_back('\0');
  for (int i = 0; i < 8; ++i) msg.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  const auto* p = reinterpret_cast<const unsigned char*>(msg.data());
  for (size_t block = 0; block < msg.size(); block += 64) {
    uint32_t m[16];
    for (int i = 0; i < 16; ++i) {
      const unsigned char* b = p + block + 4 * i;
      m[i] = static_cast<uint32_t>(b[0]) | static_cast<uint32_t>(b[1]) << 8 |
             static_cast<uint32_t>(b[2]) << 16 | static_cast<uint32_t>(b[3]) << 24;
    }
    uint32_t a = h[0], bb = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 64; ++i) {
      uint32_t f;
      int g;
      if (i < 16) {
        f = (bb & c) | (~bb & d);
        g = i;
      } else if (i < 32) {
        f = (d & bb) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = bb ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (bb | ~d);
        g = (7 * i) % 16;
      }
      const uint32_t next = bb + Rotl(a + f + kT[i] + m[g], kS[i]);
      a = d;
      d = c;
      c = bb;
      bb = next;
    }
    h[0] += a;
    h[1] += bb;
    h[2] += c;
    h[3] += d;
  }
  return h;
}

// The digest's byte k (0..15): words are little-endian.
inline unsigned DigestByte(const std::array<uint32_t, 4>& h, int k) {
  return (h[k / 4] >> (8 * (k % 4))) & 0xff;
}

}  // namespace

int64_t IdHash(std::string_view id) {
  const std::array<uint32_t, 4> h = Md5(id);
  uint64_t v = 0;
  for (int k = 0; k < 8; ++k) v = (v << 8) | DigestByte(h, k);
  return static_cast<int64_t>(v);  // two's complement, as CONV(..., -10)
}

std::string Md5Hex(std::string_view data) {
  static const char kHex[] = "0123456789abcdef";
  const std::array<uint32_t, 4> h = Md5(data);
  std::string out;
  for (int k = 0; k < 16; ++k) {
    out += kHex[DigestByte(h, k) >> 4];
    out += kHex[DigestByte(h, k) & 0xf];
  }
  return out;
}

}  // namespace scrm::store
