// The shard layout: which databases make up the index (local directories
// dir/shard-i first, then the remotes), how to open them for writing and
// reading, and the check that each one was built for this layout (its
// "scrm.layout" metadata, "<index>/<total>", and "scrm.format").
#ifndef SCRM_INDEX_SHARDS_H_
#define SCRM_INDEX_SHARDS_H_

#include <xapian.h>

#include <string>
#include <vector>

#include "core/status.h"
#include "index/index.h"

namespace scrm::index::internal {

struct ShardSpec {
  int index = 0;
  int total = 0;
  bool remote = false;
  std::string path;  // local: the database directory
  std::string host;  // remote
  unsigned port = 0;
  std::string name;  // for messages: the path or host:port
};

// InvalidArgument (field "index.shards", "index.dir" or
// "index.remote_shards") when the configuration cannot make a layout.
Result<std::vector<ShardSpec>> ShardLayout(const IndexConfig& config);

// True when a local shard holds a database (remote shards: always true).
bool ShardExists(const ShardSpec& spec);
// The inode of a local shard's directory (0: remote or missing): it changes
// when a rebuild swaps a new shard in, which a reader's reopen() may not see
// (the new database can have the revision the old one had).
uint64_t ShardIdentity(const ShardSpec& spec);
// The bytes of a local shard's version file (Xapian's iamglass: the
// revision and where each table's root is), which every commit replaces:
// while they are the same, a reader open on the shard sees its last commit.
// "" for a remote shard or a file that cannot be read (then: reopen).
std::string ShardVersion(const ShardSpec& spec);
// Swaps the directories a and b in one step (renameat2 RENAME_EXCHANGE).
// Internal naming both on failure.
Status ExchangeDirectories(const std::string& a, const std::string& b);

// These throw Xapian::Error. `empty`: start the shard over (the layout of
// OpenEmpty).
// no_sync: Xapian's DB_NO_SYNC (commits not forced to disk; SyncShardFiles
// does it once at the end of a bulk load). Local shards only.
Xapian::WritableDatabase OpenWritableShard(const ShardSpec& spec, int timeout_ms, bool empty,
                                          bool no_sync = false);
// fsync()s every file of a local shard and its directory; a remote shard is
// the server's to sync. Internal naming the file on failure.
Status SyncShardFiles(const ShardSpec& spec);
Xapian::Database OpenReadableShard(const ShardSpec& spec, int timeout_ms);

// For a writer: records the layout in a new (empty) shard, or checks it;
// `reset` records it whatever was there (OpenEmpty). May throw Xapian::Error.
Status PrepareWritableShard(Xapian::WritableDatabase& db, const ShardSpec& spec, bool reset);
// For a reader: FailedPrecondition when the shard was built for another
// layout. May throw Xapian::Error.
Status CheckShard(const Xapian::Database& db, const ShardSpec& spec);

}  // namespace scrm::index::internal

#endif  // SCRM_INDEX_SHARDS_H_
