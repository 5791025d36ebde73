// IdHash: the 64-bit hash under which scrm_posts indexes its wide ids
// (external_id, in_reply_to, author_id): the first 8 bytes of the MD5 of
// the id's bytes, read big-endian. MariaDB computes the same value for the
// generated columns of sql/0003_post_hash_keys.sql,
//   CAST(CONV(LEFT(MD5(id), 16), 16, 10) AS UNSIGNED),
// and the store computes it here to look rows up by those columns. Not
// collision-free: a lookup by hash always compares the id itself too.
#ifndef SCRM_STORE_ID_HASH_H_
#define SCRM_STORE_ID_HASH_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace scrm::store {

int64_t IdHash(std::string_view id);

// The whole MD5 digest as 32 lower-case hex digits (RFC 1321), for tests.
std::string Md5Hex(std::string_view data);

}  // namespace scrm::store

#endif  // SCRM_STORE_ID_HASH_H_
