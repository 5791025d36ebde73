// The import staged over the API (service/transfer.h, ImportStaging):
// which names it takes, the offsets a piece must start at and the Conflict
// that names the right one, listing and clearing, without a database (the
// restore end to end is tests/app/transfer_test.cc, through the server).
#include "service/transfer.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

using namespace scrm;
using namespace scrm::service;
namespace fs = std::filesystem;

namespace {

struct StagingDir {
  StagingDir()
      : path(fs::temp_directory_path() / ("scrm-service-staging-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
  }
  ~StagingDir() { fs::remove_all(path); }
  std::string Read(const std::string& file) const {
    std::ifstream in(path / file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  fs::path path;
};

}  // namespace

TEST_CASE("a staged file grows from the offset it has, and a wrong one is a Conflict naming it",
          "[service][transfer]") {
  StagingDir dir;
  ImportStaging staging(dir.path.string());

  Result<StagedFile> first = staging.Append("posts.jsonl", 0, "abc");
  REQUIRE(first.ok());
  CHECK(first->file == "posts.jsonl");
  CHECK(first->bytes == 3);
  Result<StagedFile> second = staging.Append("posts.jsonl", 3, "defg");
  REQUIRE(second.ok());
  CHECK(second->bytes == 7);
  CHECK(dir.Read("posts.jsonl") == "abcdefg");

  // A piece sent twice, or one skipped: refused, the file as it was.
  for (uint64_t wrong : {3u, 9u}) {
    Result<StagedFile> refused = staging.Append("posts.jsonl", wrong, "xyz");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == Status::Code::kConflict);
    CHECK(refused.status().message() ==
          "posts.jsonl has 7 bytes staged, not " + std::to_string(wrong) +
              ": send the piece that starts at offset 7 (or offset 0 to start the file again)");
  }
  CHECK(dir.Read("posts.jsonl") == "abcdefg");

  // Offset 0 starts the file again.
  Result<StagedFile> again = staging.Append("posts.jsonl", 0, "new");
  REQUIRE(again.ok());
  CHECK(again->bytes == 3);
  CHECK(dir.Read("posts.jsonl") == "new");
  // A file not staged yet takes only offset 0.
  Result<StagedFile> fresh = staging.Append("links.jsonl", 5, "x");
  REQUIRE_FALSE(fresh.ok());
  CHECK(fresh.status().code() == Status::Code::kConflict);
  CHECK_FALSE(fs::exists(dir.path / "links.jsonl"));
}

TEST_CASE("only an export's file names are staged, and a piece needs its offset",
          "[service][transfer]") {
  StagingDir dir;
  ImportStaging staging(dir.path.string());
  for (const char* bad :
       {"../etc/passwd", "posts.txt", "Posts.jsonl", "manifest.json.csv", ".jsonl", "a/b.csv"}) {
    INFO(bad);
    Result<StagedFile> refused = staging.Append(bad, 0, "x");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == Status::Code::kInvalidArgument);
    CHECK(refused.status().field() == "file");
  }
  // The name is checked before the offset.
  CHECK(staging.Append("posts.txt", std::nullopt, "x").status().field() == "file");
  Result<StagedFile> no_offset = staging.Append("posts.csv", std::nullopt, "x");
  REQUIRE_FALSE(no_offset.ok());
  CHECK(no_offset.status().code() == Status::Code::kInvalidArgument);
  CHECK(no_offset.status().field() == "offset");
  for (const char* good : {"manifest.json", "posts.jsonl", "link_decisions.jsonl", "posts.csv"}) {
    INFO(good);
    CHECK(staging.Append(good, 0, "x").ok());
  }
}

TEST_CASE("what is staged is listed by name with its size, and cleared", "[service][transfer]") {
  StagingDir dir;
  ImportStaging staging(dir.path.string());
  Result<std::vector<StagedFile>> none = staging.List();  // the directory does not exist yet
  REQUIRE(none.ok());
  CHECK(none->empty());

  REQUIRE(staging.Append("posts.jsonl", 0, "12345").ok());
  REQUIRE(staging.Append("manifest.json", 0, "{}").ok());
  Result<std::vector<StagedFile>> listed = staging.List();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].file == "manifest.json");
  CHECK((*listed)[0].bytes == 2);
  CHECK((*listed)[1].file == "posts.jsonl");
  CHECK((*listed)[1].bytes == 5);

  REQUIRE(staging.Clear().ok());
  Result<std::vector<StagedFile>> cleared = staging.List();
  REQUIRE(cleared.ok());
  CHECK(cleared->empty());
}

TEST_CASE("staging needs transfer.staging_dir, and a restore needs a staged manifest",
          "[service][transfer]") {
  store::PoolOptions unreachable;  // never connected: both refusals come before the database
  unreachable.url.host = "192.0.2.1";
  store::Pool pool(unreachable);

  ImportStaging unset("");
  for (const Status& s : {unset.Append("posts.jsonl", 0, "x").status(), unset.List().status(),
                          unset.Clear(), unset.Restore(pool, nullptr, {}).status()}) {
    CHECK(s.code() == Status::Code::kUnavailable);
    CHECK(s.message() == "no staging directory: set transfer.staging_dir");
  }

  StagingDir dir;
  ImportStaging staging(dir.path.string());
  REQUIRE(staging.Append("posts.jsonl", 0, "{}\n").ok());
  Result<StagedImport> restored = staging.Restore(pool, nullptr, {});
  REQUIRE_FALSE(restored.ok());
  CHECK(restored.status().code() == Status::Code::kFailedPrecondition);
  CHECK(restored.status().message().find("no manifest.json staged") == 0);
  CHECK(fs::exists(dir.path / "posts.jsonl"));  // kept, to complete or clear
}
