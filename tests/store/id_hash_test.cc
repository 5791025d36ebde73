// IdHash: MD5 as RFC 1321 defines it, and the same 64 bits as the generated
// columns of sql/0003 compute in MariaDB, for any UTF-8 id.
#include "store/id_hash.h"

#include <catch2/catch.hpp>

#include "support/test_db.h"

using namespace scrm;

TEST_CASE("Md5Hex gives RFC 1321's test digests", "[store]") {
  const std::pair<const char*, const char*> cases[] = {
      {"", "d41d8cd98f00b204e9800998ecf8427e"},
      {"a", "0cc175b9c0f1b6a831c399e269772661"},
      {"abc", "900150983cd24fb0d6963f7d28e17f72"},
      {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
      {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
      {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
       "d174ab98d277d9f5a5611c2c9f419d9f"},
      {"1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678"
       "9012345678901234567890",  // 110 bytes: two blocks and a padding block
       "a4b3933521a38111eb597dd8dbc47614"},
  };
  for (const auto& [in, digest] : cases) {
    INFO(in);
    CHECK(store::Md5Hex(in) == digest);
  }
  CHECK(store::IdHash("abc") == static_cast<int64_t>(0x900150983cd24fb0ULL));  // negative
  CHECK(store::IdHash("a") == 0x0cc175b9c0f1b6a8LL);
}

TEST_CASE("IdHash is what MariaDB computes for the hash columns", "[mysql][store]") {
  testing::TestDatabase db;
  const std::string ids[] = {
      "",
      "https://social.example/users/anne/statuses/110000000000",
      "urn:li:activity:7200000000000000131",
      "Élodie—réseau «données» 🚀",
      std::string(55, 'x'),  // padding spills into a second block
      std::string(56, 'x'),
      std::string(64, 'y'),
      std::string(512, 'z'),
  };
  for (const std::string& id : ids) {
    INFO(id);
    // The id travels as hex so that no quoting can change its bytes.
    std::string hex;
    for (unsigned char c : id) {
      static const char kHex[] = "0123456789abcdef";
      hex += kHex[c >> 4];
      hex += kHex[c & 0xf];
    }
    const std::string literal = id.empty() ? "''" : "CONVERT(X'" + hex + "' USING utf8mb4)";
    CHECK(db.Scalar("SELECT CAST(CONV(LEFT(MD5(" + literal + "), 16), 16, -10) AS SIGNED)") ==
          std::to_string(store::IdHash(id)));
  }
}
