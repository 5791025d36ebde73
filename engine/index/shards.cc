#include "index/shards.h"

#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "index/internal.h"

namespace scrm::index::internal {
namespace {

std::string LayoutValue(int index, int total) {
  return std::to_string(index) + "/" + std::to_string(total);
}

std::string Describe(const std::string& layout) {
  const size_t slash = layout.find('/');
  if (slash == std::string::npos) return "\"" + layout + "\"";
  return "shard " + layout.substr(0, slash) + " of " + layout.substr(slash + 1);
}

Status Mismatch(const ShardSpec& spec, const std::string& found) {
  return Status::FailedPrecondition(
      "index shard " + spec.name + " was built as " + Describe(found) +
      " but the configuration makes it " + Describe(LayoutValue(spec.index, spec.total)) +
      " (index.shards and index.remote_shards changed): run `scrm reindex`");
}

Status Check(const Xapian::Database& db, const ShardSpec& spec, bool* unmarked) {
  const std::string layout = db.get_metadata(kMetaLayout);
  *unmarked = layout.empty();
  if (layout.empty()) {
    if (db.get_doccount() == 0) return Status::Ok();
    return Status::FailedPrecondition("index shard " + spec.name + " holds " +
                                      std::to_string(db.get_doccount()) +
                                      " documents but no scrm layout: run `scrm reindex`");
  }
  if (layout != LayoutValue(spec.index, spec.total)) return Mismatch(spec, layout);
  const std::string format = db.get_metadata(kMetaFormat);
  if (format != kIndexFormat) {
    return Status::FailedPrecondition("index shard " + spec.name + " was written in index format " +
                                      (format.empty() ? "?" : format) + ", this scrm uses format " +
                                      kIndexFormat + ": run `scrm reindex`");
  }
  return Status::Ok();
}

}  // namespace

Status FromXapian(const Xapian::Error& e, const std::string& what) {
  const std::string type = e.get_type();
  if (type == "DatabaseLockError") {
    return Status::Unavailable("index locked by another process (" + what +
                               "): another scrm command is writing it; retry when it is done");
  }
  if (type == "NetworkError" || type == "NetworkTimeoutError") {
    return Status::Unavailable("index shard unreachable (" + what + "): " + e.get_msg());
  }
  if (type == "DatabaseCorruptError") {
    return Status::Internal("index corrupt (" + what + "): " + e.get_msg() + ": run `scrm reindex`");
  }
  if (type == "DatabaseVersionError" || type == "DatabaseOpeningError" ||
      type == "DatabaseNotFoundError") {
    return Status::FailedPrecondition("index cannot be opened (" + what + "): " + e.get_msg() +
                                      ": run `scrm reindex`");
  }
  if (type == "QueryParserError") {
    return Status::InvalidArgument("the query cannot be read: " + e.get_msg(), "q");
  }
  return Status::Internal("index error (" + what + "): " + e.get_description());
}

Result<std::vector<ShardSpec>> ShardLayout(const IndexConfig& config) {
  if (config.shards < 0) {
    return Status::InvalidArgument("index.shards must be 0 or more", "index.shards");
  }
  const int total = config.shards + static_cast<int>(config.remotes.size());
  if (total == 0) {
    return Status::InvalidArgument(
        "index.shards is 0 and index.remote_shards is empty: the index needs at least one shard",
        "index.shards");
  }
  if (config.shards > 0 && config.dir.empty()) {
    return Status::InvalidArgument("index.dir is empty: set the directory of the local shards",
                                   "index.dir");
  }
  std::vector<ShardSpec> out;
  for (int i = 0; i < config.shards; ++i) {
    ShardSpec s;
    s.index = i;
    s.total = total;
    s.path = (std::filesystem::path(config.dir) / ("shard-" + std::to_string(i))).string();
    s.name = s.path;
    out.push_back(std::move(s));
  }
  for (size_t r = 0; r < config.remotes.size(); ++r) {
    const std::string& hp = config.remotes[r];
    const size_t colon = hp.rfind(':');
    ShardSpec s;
    s.index = config.shards + static_cast<int>(r);
    s.total = total;
    s.remote = true;
    s.name = hp;
    unsigned long port = 0;
    bool ok = colon != std::string::npos && colon > 0 && colon + 1 < hp.size();
    if (ok) {
      s.host = hp.substr(0, colon);
      if (s.host.size() > 2 && s.host.front() == '[' && s.host.back() == ']') {
        s.host = s.host.substr(1, s.host.size() - 2);  // [::1]:33333
      }
      for (size_t i = colon + 1; i < hp.size() && ok; ++i) {
        ok = hp[i] >= '0' && hp[i] <= '9' && port <= 65535;
        port = port * 10 + static_cast<unsigned long>(hp[i] - '0');
      }
      ok = ok && port > 0 && port <= 65535;
    }
    if (!ok) {
      return Status::InvalidArgument("index.remote_shards: \"" + hp + "\" is not host:port",
                                     "index.remote_shards");
    }
    s.port = static_cast<unsigned>(port);
    out.push_back(std::move(s));
  }
  return out;
}

bool ShardExists(const ShardSpec& spec) {
  if (spec.remote) return true;
  std::error_code ec;
  return std::filesystem::exists(std::filesystem::path(spec.path) / "iamglass", ec);
}

uint64_t ShardIdentity(const ShardSpec& spec) {
  struct stat st {};
  if (spec.remote || ::stat(spec.path.c_str(), &st) != 0) return 0;
  return static_cast<uint64_t>(st.st_ino);
}

std::string ShardVersion(const ShardSpec& spec) {
  if (spec.remote) return std::string();
  const int fd = ::open((spec.path + "/iamglass").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::string();
  std::string bytes;
  char buf[512];  // the file is about 140 bytes
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      bytes.clear();
      break;
    }
    bytes.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return bytes;
}

Status ExchangeDirectories(const std::string& a, const std::string& b) {
  if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) != 0) {
    return Status::Internal("cannot swap " + a + " and " + b + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Xapian::WritableDatabase OpenWritableShard(const ShardSpec& spec, int timeout_ms, bool empty,
                                          bool no_sync) {
  if (spec.remote) {
    const auto t = static_cast<unsigned>(timeout_ms < 0 ? 0 : timeout_ms);
    Xapian::WritableDatabase db = Xapian::Remote::open_writable(spec.host, spec.port, t, t);
    if (empty && db.get_doccount() > 0) {
      // The remote protocol cannot overwrite a database: delete every document.
      std::vector<Xapian::docid> ids;
      for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) ids.push_back(*it);
      for (Xapian::docid id : ids) db.delete_document(id);
    }
    return db;
  }
  std::filesystem::create_directories(spec.path);
  return Xapian::WritableDatabase(
      spec.path, (empty ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_CREATE_OR_OPEN) |
                     Xapian::DB_BACKEND_GLASS | (no_sync ? Xapian::DB_NO_SYNC : 0));
}

Status SyncShardFiles(const ShardSpec& spec) {
  if (spec.remote) return Status::Ok();
  std::error_code ec;
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(spec.path, ec)) {
    if (entry.is_regular_file(ec)) paths.push_back(entry.path().string());
  }
  if (ec) return Status::Internal("index shard " + spec.name + ": cannot list " + spec.path + ": " + ec.message());
  paths.push_back(spec.path);  // the directory itself: new and renamed files
  for (const std::string& path : paths) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::Internal("index shard " + spec.name + ": cannot open " + path + " to sync it");
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return Status::Internal("index shard " + spec.name + ": fsync of " + path + " failed");
  }
  return Status::Ok();
}

Xapian::Database OpenReadableShard(const ShardSpec& spec, int timeout_ms) {
  if (spec.remote) {
    const auto t = static_cast<unsigned>(timeout_ms < 0 ? 0 : timeout_ms);
    return Xapian::Remote::open(spec.host, spec.port, t, t);
  }
  return Xapian::Database(spec.path, Xapian::DB_BACKEND_GLASS);
}

Status PrepareWritableShard(Xapian::WritableDatabase& db, const ShardSpec& spec, bool reset) {
  bool unmarked = reset;
  if (!reset) {
    Status s = Check(db, spec, &unmarked);
    if (!s.ok()) return s;
  }
  if (unmarked) {
    db.set_metadata(kMetaLayout, LayoutValue(spec.index, spec.total));
    db.set_metadata(kMetaFormat, kIndexFormat);
    db.commit();
  }
  return Status::Ok();
}

Status CheckShard(const Xapian::Database& db, const ShardSpec& spec) {
  bool unmarked = false;
  return Check(db, spec, &unmarked);
}

}  // namespace scrm::index::internal
