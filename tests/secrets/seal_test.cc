// secrets: AES-256-GCM sealing (round trip, tampering, wrong key or
// associated data refused) and the key file (created 0600, refused when too
// open or the wrong size, re-read by the cache when replaced).
#include "secrets/seal.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "secrets/key_file.h"

using namespace scrm;
using namespace scrm::secrets;

namespace {

Key TestKey(char fill) { return Key(std::string(Key::kBytes, fill), "test.key"); }

// A scratch directory per test case, removed at the end.
struct Scratch {
  std::filesystem::path dir;
  explicit Scratch(const std::string& name) {
    dir = std::filesystem::temp_directory_path() /
          ("scrm-secrets-test-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~Scratch() { std::filesystem::remove_all(dir); }
  std::string Write(const std::string& name, const std::string& bytes, mode_t mode) const {
    const std::string path = (dir / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    return path;
  }
};

mode_t ModeOf(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("a sealed secret opens with the same key and associated data only", "[secrets]") {
  const Key key = TestKey('k');
  const std::string aad = PushSecretAssociatedData("community");
  for (const std::string& clear : {std::string("s3cret"), std::string(""), std::string(255, 'x'),
                                  std::string("\0binary\xff", 8)}) {
    const std::string sealed = Seal(key, clear, aad);
    CHECK(sealed.rfind("enc:v1:", 0) == 0);
    CHECK(IsSealed(sealed));
    if (!clear.empty()) CHECK(sealed.find(clear) == std::string::npos);
    Result<std::string> opened = Open(key, sealed, aad);
    REQUIRE(opened.ok());
    CHECK(*opened == clear);
  }
  // A fresh nonce each time: the same secret never seals the same way twice.
  CHECK(Seal(key, "s3cret", aad) != Seal(key, "s3cret", aad));
  // 7 + base64url(12 + 255 + 16 bytes): what the column (varchar 512) must hold.
  CHECK(Seal(key, std::string(255, 'x'), aad).size() == 385);

  const std::string sealed = Seal(key, "s3cret", aad);
  SECTION("another key") {
    Result<std::string> r = Open(TestKey('K'), sealed, aad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kFailedPrecondition);
    CHECK(r.status().message().find("test.key") != std::string::npos);
    CHECK(r.status().message().find("s3cret") == std::string::npos);
  }
  SECTION("another source's row") {
    CHECK_FALSE(Open(key, sealed, PushSecretAssociatedData("staff")).ok());
  }
  SECTION("any byte changed") {
    // Flip one character of the nonce, the ciphertext and the tag in turn.
    const size_t body = std::string("enc:v1:").size();
    for (size_t i = body; i < sealed.size(); ++i) {
      std::string tampered = sealed;
      tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
      INFO("position " << i);
      CHECK_FALSE(Open(key, tampered, aad).ok());
    }
    CHECK_FALSE(Open(key, sealed.substr(0, sealed.size() - 1), aad).ok());
    CHECK_FALSE(Open(key, sealed + "A", aad).ok());
  }
  SECTION("damaged or unknown forms") {
    for (const std::string& bad : {std::string("enc:v1:"), std::string("enc:v1:!!!!"),
                                  std::string("enc:v1:AAAA"), std::string("s3cret")}) {
      INFO(bad);
      CHECK_FALSE(Open(key, bad, aad).ok());
    }
    Result<std::string> v2 = Open(key, "enc:v2:" + sealed.substr(7), aad);
    REQUIRE_FALSE(v2.ok());
    CHECK(v2.status().message().find("'enc:v2:'") != std::string::npos);
  }
  CHECK_FALSE(IsSealed("s3cret"));
  CHECK_FALSE(IsSealed(""));
}

TEST_CASE("the key file is created once, 0600, and read back", "[secrets]") {
  Scratch scratch("create");
  const std::string path = (scratch.dir / "sub" / "secrets.key").string();
  Result<Key> missing = ReadKeyFile(path);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Status::Code::kNotFound);
  CHECK(missing.status().message().find(path) != std::string::npos);

  bool created = false;
  Result<Key> key = ReadOrCreateKeyFile(path, &created);
  REQUIRE(key.ok());
  CHECK(created);
  CHECK(key->bytes().size() == 32);
  CHECK(key->origin() == path);
  CHECK(ModeOf(path) == 0600);
  CHECK(std::filesystem::file_size(path) == 32);
  // Nothing left beside it but the key.
  CHECK(std::distance(std::filesystem::directory_iterator(scratch.dir / "sub"),
                      std::filesystem::directory_iterator()) == 1);

  Result<Key> again = ReadOrCreateKeyFile(path, &created);
  REQUIRE(again.ok());
  CHECK_FALSE(created);
  CHECK(again->bytes() == key->bytes());
  CHECK(ReadKeyFile(path)->bytes() == key->bytes());
  // Two keys made apart differ.
  Result<Key> other = ReadOrCreateKeyFile((scratch.dir / "other.key").string(), nullptr);
  REQUIRE(other.ok());
  CHECK(other->bytes() != key->bytes());
}

TEST_CASE("a key file that is too open, the wrong size or not a file is refused", "[secrets]") {
  Scratch scratch("refused");
  const std::string key(32, 'k');
  struct Case {
    std::string name;
    std::string bytes;
    mode_t mode;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{
           {"group-readable", key, 0640, "chmod 600"},
           {"world-readable", key, 0644, "chmod 600"},
           {"group-writable", key, 0620, "chmod 600"},
           {"short", std::string(16, 'k'), 0600, "holds 16 bytes, a key is exactly 32"},
           {"long", key + "\n", 0600, "holds 33 bytes"},
           {"empty", "", 0600, "holds 0 bytes"}}) {
    INFO(c.name);
    const std::string path = scratch.Write(c.name, c.bytes, c.mode);
    for (Result<Key> r : {ReadKeyFile(path), ReadOrCreateKeyFile(path, nullptr),
                          CachedKeyFile(path).Get()}) {
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == Status::Code::kFailedPrecondition);
      CHECK(r.status().message().find(path) != std::string::npos);
      CHECK(r.status().message().find(c.says) != std::string::npos);
    }
    // Refused, never replaced.
    CHECK(std::filesystem::file_size(path) == c.bytes.size());
  }
  CHECK(ReadKeyFile(scratch.Write("read-only", key, 0400)).ok());

  const std::string target = scratch.Write("target", key, 0600);
  const std::string link = (scratch.dir / "link").string();
  std::filesystem::create_symlink(target, link);
  Result<Key> via_link = ReadKeyFile(link);
  REQUIRE_FALSE(via_link.ok());
  CHECK(via_link.status().message().find("symbolic link") != std::string::npos);
  Result<Key> dir = ReadKeyFile(scratch.dir.string());
  REQUIRE_FALSE(dir.ok());
  CHECK(dir.status().message().find("not a regular file") != std::string::npos);
}

TEST_CASE("the server's cached key file follows the file", "[secrets]") {
  Scratch scratch("cache");
  const std::string path = (scratch.dir / "secrets.key").string();
  CachedKeyFile cache(path);
  CHECK(cache.Get().status().code() == Status::Code::kNotFound);
  // Created while the server runs: picked up.
  REQUIRE(ReadOrCreateKeyFile(path, nullptr).ok());
  Result<Key> first = cache.Get();
  REQUIRE(first.ok());
  CHECK(first->bytes() == ReadKeyFile(path)->bytes());
  // Made too open: refused from then on.
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  CHECK(cache.Get().status().code() == Status::Code::kFailedPrecondition);
  REQUIRE(::chmod(path.c_str(), 0600) == 0);
  REQUIRE(cache.Get().ok());
  // Replaced (a restore from backup): the new key.
  const std::string restored = scratch.Write("restored", std::string(32, 'r'), 0600);
  std::filesystem::rename(restored, path);
  Result<Key> now = cache.Get();
  REQUIRE(now.ok());
  CHECK(now->bytes() == std::string(32, 'r'));
}

TEST_CASE("the key file sits beside the index directory unless configured", "[secrets]") {
  CHECK(DefaultKeyFilePath("/var/lib/scrm/index") == "/var/lib/scrm/secrets.key");
  CHECK(DefaultKeyFilePath("/var/lib/scrm/index/") == "/var/lib/scrm/secrets.key");
  CHECK(DefaultKeyFilePath("scrm-index") == "secrets.key");
  CHECK(DefaultKeyFilePath("build/demo-index") == "build/secrets.key");
}
