#include "secrets/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace scrm::secrets {

namespace {

std::string Octal(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777u);
  return buf;
}

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// Reads the file behind an open descriptor, checking what fstat says of it.
Result<Key> ReadChecked(int fd, const std::string& path, struct stat* st) {
  if (::fstat(fd, st) != 0) return Status::FailedPrecondition(Errno("cannot stat key file", path));
  if (!S_ISREG(st->st_mode)) {
    return Status::FailedPrecondition("key file " + path + " is not a regular file: point "
                                      "secrets.key_file (SCRM_SECRETS_KEY_FILE) at the key file");
  }
  if ((st->st_mode & 077) != 0) {
    return Status::FailedPrecondition(
        "key file " + path + " has mode " + Octal(st->st_mode) +
        ": group or others may use it, and it unlocks every push secret; "
        "run chmod 600 " + path + " (and check who may have read it)");
  }
  if (st->st_size != static_cast<off_t>(Key::kBytes)) {
    return Status::FailedPrecondition(
        "key file " + path + " holds " + std::to_string(st->st_size) + " bytes, a key is exactly " +
        std::to_string(Key::kBytes) + ": restore the right file from its backup; if no secret was "
        "ever sealed with it, remove it and scrm creates a new one (or write one: head -c 32 "
        "/dev/urandom > " + path + " && chmod 600 " + path + ")");
  }
  std::string bytes(Key::kBytes, '\0');
  size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(fd, &bytes[got], bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      OPENSSL_cleanse(&bytes[0], bytes.size());
      return Status::FailedPrecondition(n < 0 ? Errno("cannot read key file", path)
                                              : "key file " + path + " was shortened while read");
    }
    got += static_cast<size_t>(n);
  }
  return Key(std::move(bytes), path);
}

Result<Key> ReadAt(const std::string& path, struct stat* st) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) {
      return Status::NotFound("key file " + path + " does not exist (secrets.key_file, "
                              "SCRM_SECRETS_KEY_FILE): restore it from its backup");
    }
    if (errno == ELOOP) {
      return Status::FailedPrecondition("key file " + path + " is a symbolic link: point "
                                        "secrets.key_file at the file itself");
    }
    return Status::FailedPrecondition(Errno("cannot open key file", path));
  }
  Result<Key> key = ReadChecked(fd, path, st);
  ::close(fd);
  return key;
}

// Writes 32 random bytes to a new file beside `path` and links it into
// place: Conflict when `path` appeared meanwhile (the other key wins).
Status Create(const std::string& path) {
  std::string bytes(Key::kBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&bytes[0]), static_cast<int>(bytes.size())) != 1) {
    return Status::Internal("no random bytes for a new key (OpenSSL RAND_bytes failed)");
  }
  Status made = CreateSecretFile(path, bytes, "secrets.key_file / SCRM_SECRETS_KEY_FILE");
  OPENSSL_cleanse(&bytes[0], bytes.size());
  return made;
}

}  // namespace

Status CreateSecretFile(const std::string& path, const std::string& bytes,
                        const std::string& setting) {
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  const std::string tmp = path + ".new-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::FailedPrecondition(Errno("cannot create key file", tmp) +
                                      " (is the directory writable? set " + setting +
                                      " elsewhere)");
  }
  const bool written = ::fchmod(fd, 0600) == 0 &&
                       ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) &&
                       ::fsync(fd) == 0;
  const int write_errno = errno;
  ::close(fd);
  Status result;
  if (!written) {
    errno = write_errno;
    result = Status::FailedPrecondition(Errno("cannot write key file", tmp));
  } else if (::link(tmp.c_str(), path.c_str()) != 0) {
    result = errno == EEXIST ? Status::Conflict("key file " + path + " appeared meanwhile")
                             : Status::FailedPrecondition(Errno("cannot create key file", path));
  }
  ::unlink(tmp.c_str());
  if (result.ok()) {
    // The new name must survive a crash as surely as what it protects.
    const std::string dir = parent.empty() ? "." : parent.string();
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
  return result;
}

Key::~Key() {
  if (!bytes_.empty()) OPENSSL_cleanse(&bytes_[0], bytes_.size());
}

std::string DefaultKeyFilePath(const std::string& index_dir) {
  std::filesystem::path dir = std::filesystem::path(index_dir).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();  // "a/index/" -> "a/index"
  return (dir.parent_path() / "secrets.key").string();
}

Result<Key> ReadKeyFile(const std::string& path) {
  struct stat st;
  return ReadAt(path, &st);
}

Result<Key> ReadOrCreateKeyFile(const std::string& path, bool* created) {
  if (created != nullptr) *created = false;
  Result<Key> key = ReadKeyFile(path);
  if (key.ok() || key.status().code() != Status::Code::kNotFound) return key;
  Status made = Create(path);
  if (!made.ok() && made.code() != Status::Code::kConflict) return made;
  if (made.ok() && created != nullptr) *created = true;
  return ReadKeyFile(path);
}

Result<Key> CachedKeyFile::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  struct stat st;
  if (key_ && ::stat(path_.c_str(), &st) == 0 && st.st_ino == inode_ && st.st_mode == mode_ &&
      static_cast<unsigned long long>(st.st_size) == size_ &&
      static_cast<unsigned long long>(st.st_ctim.tv_sec) * 1000000000ull + st.st_ctim.tv_nsec ==
          ctime_ns_) {
    return *key_;
  }
  key_.reset();
  Result<Key> key = ReadAt(path_, &st);
  if (!key.ok()) return key;
  key_ = *key;
  inode_ = st.st_ino;
  mode_ = st.st_mode;
  size_ = static_cast<unsigned long long>(st.st_size);
  ctime_ns_ = static_cast<unsigned long long>(st.st_ctim.tv_sec) * 1000000000ull + st.st_ctim.tv_nsec;
  return key;
}

}  // namespace scrm::secrets
