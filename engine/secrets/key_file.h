// The secrets key: 32 random bytes in a file of its own (config
// `secrets.key_file`), kept apart from the database so that a copy of the
// database alone does not reveal the secrets sealed with it (seal.h). A key
// file is accepted only when it is a regular file of exactly 32 bytes that
// neither group nor others may read or write (mode 0600 or 0400); anything
// else is refused with a message saying how to fix it. The file is created
// on demand, atomically, by the first command that seals a secret.
#ifndef SCRM_SECRETS_KEY_FILE_H_
#define SCRM_SECRETS_KEY_FILE_H_

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "core/status.h"

namespace scrm::secrets {

// An AES-256 key and the file it came from (for messages; never the bytes).
// The bytes are wiped when the last copy goes.
class Key {
 public:
  static constexpr size_t kBytes = 32;

  Key(std::string bytes, std::string origin) : bytes_(std::move(bytes)), origin_(std::move(origin)) {}
  Key(const Key&) = default;
  Key& operator=(const Key&) = default;
  Key(Key&&) = default;
  Key& operator=(Key&&) = default;
  ~Key();

  const std::string& bytes() const { return bytes_; }
  const std::string& origin() const { return origin_; }

 private:
  std::string bytes_;
  std::string origin_;
};

// `secrets.key` beside the index directory: "/var/lib/scrm/index" ->
// "/var/lib/scrm/secrets.key", "scrm-index" -> "secrets.key". Beside, not
// inside: `scrm reindex` may rebuild that directory.
std::string DefaultKeyFilePath(const std::string& index_dir);

// Reads and checks the key file. NotFound when it does not exist;
// FailedPrecondition when it is refused (not a regular file, wrong size,
// group or other permissions), the message naming the file and the fix.
Result<Key> ReadKeyFile(const std::string& path);

// ReadKeyFile, creating the file first when it does not exist: 32 random
// bytes, mode 0600, written under a temporary name and linked into place, so
// a reader never sees half a key and of two concurrent creators one key wins.
// Missing parent directories are created. *created (may be null) tells
// whether this call made it: the caller says so (where, and to back it up).
Result<Key> ReadOrCreateKeyFile(const std::string& path, bool* created);

// Writes `bytes` to the new file `path` (mode 0600) under a temporary name
// and links it into place, so a reader never sees half of it; Conflict when
// `path` appeared meanwhile (the other writer wins). Missing parent
// directories are created. `setting` names the configuration key in messages.
Status CreateSecretFile(const std::string& path, const std::string& bytes,
                        const std::string& setting);

// A key file read by a long-running server: read on first use and again
// whenever the file changes (inode, size, mode or status change time) or was not
// usable, so a key created or replaced while the server runs is picked up
// without a restart. Thread-safe.
class CachedKeyFile {
 public:
  explicit CachedKeyFile(std::string path) : path_(std::move(path)) {}
  Result<Key> Get();
  const std::string& path() const { return path_; }

 private:
  const std::string path_;
  std::mutex mu_;
  std::optional<Key> key_;
  // Of the file key_ came from.
  unsigned long long inode_ = 0, size_ = 0, ctime_ns_ = 0;
  unsigned mode_ = 0;
};

}  // namespace scrm::secrets

#endif  // SCRM_SECRETS_KEY_FILE_H_
