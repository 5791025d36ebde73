// The sources' push secrets at rest, through the real `scrm` binary: sealed
// by `scrm sources add/set` with a key file made on demand (0600), never
// shown; clear ones of older versions sealed by `scrm migrate` (once), and
// every one re-sealed by `scrm secrets rotate`, all or nothing.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/app_instance.h"
#include "http/push.h"
#include "secrets/key_file.h"
#include "secrets/seal.h"
#include "store/source_repository.h"

using namespace scrm;
using namespace scrm::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string Stored(AppInstance& in, const std::string& source) {
  return in.db.Scalar("SELECT push_secret FROM scrm_sources WHERE name = '" + source + "'");
}

// The stored secret of `source` opened with the key of `key_file`.
Result<std::string> OpenWith(AppInstance& in, const std::string& key_file,
                             const std::string& source) {
  Result<secrets::Key> key = secrets::ReadKeyFile(key_file);
  if (!key.ok()) return key.status();
  return secrets::Open(*key, Stored(in, source), secrets::PushSecretAssociatedData(source));
}

// A push the way a pusher signs it, checked with the key of `key_file`.
int Push(AppInstance& in, const std::string& key_file, const std::string& source,
         const std::string& secret) {
  http::Request r;
  r.method = "POST";
  r.params["source"] = source;
  r.body = R"({"type":"Note","id":"https://c.example/)" + source +
           R"(","content":"bonjour","published":"2026-01-01T00:00:00Z"})" "\n";
  r.headers["x-scrm-signature"] = http::PushSignature(secret, r.body);
  secrets::CachedKeyFile key(key_file);
  return http::HandlePush(&in.db.pool(), &key, r).status;
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// A source stored the way versions before sealing did: the secret in clear.
void AddClear(AppInstance& in, const std::string& name, const std::string& secret) {
  Source s;
  s.name = name;
  s.type = "push";
  s.push_secret = secret;
  REQUIRE(store::SourceRepository(in.db.pool()).Add(s).ok());
}

}  // namespace

TEST_CASE("scrm sources stores a push secret sealed, with a key file made on demand",
          "[mysql][app][secrets]") {
  AppInstance in;
  in.Migrate();
  CHECK_FALSE(fs::exists(in.key_file));  // nothing to seal yet: no key
  RunResult plain = in.Scrm({"sources", "add", "staff", "--type", "file"});
  REQUIRE(plain.exit_code == 0);
  CHECK_FALSE(fs::exists(in.key_file));

  RunResult added = in.Scrm({"sources", "add", "community", "--type", "push", "--secret",
                             "clear-push-secret", "--json"});
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
  CHECK(added.err.find("created key file " + in.key_file) != std::string::npos);
  CHECK(added.err.find("back it up") != std::string::npos);
  CHECK(ModeOf(in.key_file) == 0600);
  CHECK(fs::file_size(in.key_file) == 32);
  CHECK(json::parse(added.out)["push_secret"] == "(set)");

  // The column, read raw, holds no trace of the secret.
  const std::string first = Stored(in, "community");
  CHECK(first.rfind("enc:v1:", 0) == 0);
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_sources WHERE push_secret LIKE '%clear-push%'") == 0);
  CHECK(*OpenWith(in, in.key_file, "community") == "clear-push-secret");
  // Shown as (set), never the secret nor its sealed form.
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"sources", "show", "community"}, {"sources", "show", "community", "--json"},
           {"sources", "list", "--json"}}) {
    RunResult shown = in.Scrm(args);
    CHECK(shown.exit_code == 0);
    CHECK(shown.out.find("clear-push-secret") == std::string::npos);
    CHECK(shown.out.find("enc:") == std::string::npos);
  }
  CHECK(in.ScrmJson({"sources", "show", "community"})["push_secret"] == "(set)");
  CHECK(Push(in, in.key_file, "community", "clear-push-secret") == 200);
  CHECK(Push(in, in.key_file, "community", "another-secret") == 401);

  // Other settings changed: the sealed value stays as it is.
  REQUIRE(in.Scrm({"sources", "set", "community", "--visibility", "public"}).exit_code == 0);
  CHECK(Stored(in, "community") == first);
  // A new secret: sealed again, with the same key (no new file).
  RunResult set = in.Scrm({"sources", "set", "community", "--secret", "second-secret"});
  REQUIRE(set.exit_code == 0);
  CHECK(set.err.find("created key file") == std::string::npos);
  CHECK(*OpenWith(in, in.key_file, "community") == "second-secret");
  RunResult too_long = in.Scrm({"sources", "set", "community", "--secret", std::string(256, 's')});
  CHECK(too_long.exit_code == 2);
  CHECK(too_long.err.find("at most 255") != std::string::npos);

  SECTION("a key file others may read is refused, saying how to fix it") {
    REQUIRE(::chmod(in.key_file.c_str(), 0644) == 0);
    const std::string before = Stored(in, "community");
    RunResult refused = in.Scrm({"sources", "set", "community", "--secret", "third"});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find(in.key_file) != std::string::npos);
    CHECK(refused.err.find("chmod 600 " + in.key_file) != std::string::npos);
    CHECK(Stored(in, "community") == before);
    CHECK(ModeOf(in.key_file) == 0644);  // refused, not "fixed" behind the operator's back
    // A push answers 503, never a crash, never the secret.
    CHECK(Push(in, in.key_file, "community", "second-secret") == 503);
  }
  SECTION("a key file of the wrong size is refused") {
    std::ofstream(in.key_file, std::ios::trunc) << "too short";
    RunResult refused = in.Scrm({"sources", "add", "other", "--type", "push", "--secret", "x"});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("holds 9 bytes, a key is exactly 32") != std::string::npos);
    CHECK(in.ScrmJson({"sources", "list"}).size() == 2);
  }
  SECTION("a missing key file cannot open what it sealed") {
    fs::remove(in.key_file);
    CHECK(Push(in, in.key_file, "community", "second-secret") == 503);
  }
}

TEST_CASE("scrm migrate seals the clear push secrets of older versions, once",
          "[mysql][app][secrets]") {
  AppInstance in;
  in.Migrate();
  AddClear(in, "legacy", "legacy-clear-secret");
  AddClear(in, "other", "other-clear-secret");
  REQUIRE(in.Scrm({"sources", "add", "none", "--type", "push"}).exit_code == 0);
  // Before scrm migrate runs, a clear secret still verifies (no key needed).
  CHECK(Push(in, in.key_file, "legacy", "legacy-clear-secret") == 200);
  CHECK_FALSE(fs::exists(in.key_file));

  RunResult migrated = in.Scrm({"migrate", "--allow-empty-crm", "--json"});
  INFO(migrated.err);
  REQUIRE(migrated.exit_code == 0);
  CHECK(json::parse(migrated.out)["secrets_sealed"] == 2);
  CHECK(migrated.err.find("created key file " + in.key_file) != std::string::npos);
  CHECK(ModeOf(in.key_file) == 0600);
  const std::string sealed = Stored(in, "legacy");
  CHECK(sealed.rfind("enc:v1:", 0) == 0);
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_sources WHERE push_secret LIKE '%clear-secret%'") == 0);
  CHECK(Stored(in, "none") == "");
  CHECK(*OpenWith(in, in.key_file, "legacy") == "legacy-clear-secret");
  CHECK(*OpenWith(in, in.key_file, "other") == "other-clear-secret");
  // Push verification still works, with the sealed secret now.
  CHECK(Push(in, in.key_file, "legacy", "legacy-clear-secret") == 200);
  CHECK(Push(in, in.key_file, "legacy", "other-clear-secret") == 401);

  // Again: nothing to do, nothing changed.
  RunResult again = in.Scrm({"migrate", "--allow-empty-crm", "--json"});
  REQUIRE(again.exit_code == 0);
  CHECK(json::parse(again.out)["secrets_sealed"] == 0);
  CHECK(Stored(in, "legacy") == sealed);
  RunResult text = in.Scrm({"migrate", "--allow-empty-crm"});
  CHECK(text.out.find("sealed") == std::string::npos);
}

TEST_CASE("scrm secrets rotate re-seals every push secret with a new key, all or nothing",
          "[mysql][app][secrets]") {
  AppInstance in;
  in.Migrate();
  REQUIRE(in.Scrm({"sources", "add", "a", "--type", "push", "--secret", "secret-a"}).exit_code == 0);
  REQUIRE(in.Scrm({"sources", "add", "b", "--type", "push", "--secret", "secret-b"}).exit_code == 0);
  REQUIRE(in.Scrm({"sources", "add", "c", "--type", "file"}).exit_code == 0);
  AddClear(in, "d", "secret-d");  // not migrated yet: rotation seals it too
  const std::string old_key = in.key_file;
  const std::string new_key = in.index_dir + "-rotated/new.key";
  struct Cleanup {
    std::string dir;
    ~Cleanup() { fs::remove_all(dir); }
  } cleanup{in.index_dir + "-rotated"};
  const std::string a_before = Stored(in, "a");

  CHECK(in.Scrm({"secrets", "rotate"}).exit_code == 2);
  CHECK(in.Scrm({"secrets", "rotate", "--new-key-file", old_key}).exit_code == 2);
  CHECK(in.Scrm({"secrets", "spin", "--new-key-file", new_key}).exit_code == 2);

  RunResult rotated = in.Scrm({"secrets", "rotate", "--new-key-file", new_key, "--json"});
  INFO(rotated.err);
  REQUIRE(rotated.exit_code == 0);
  const json report = json::parse(rotated.out);
  CHECK(report["resealed"] == 3);
  CHECK(report["created"] == true);
  CHECK(ModeOf(new_key) == 0600);
  CHECK(Stored(in, "a") != a_before);
  for (auto [source, secret] : std::vector<std::pair<std::string, std::string>>{
           {"a", "secret-a"}, {"b", "secret-b"}, {"d", "secret-d"}}) {
    INFO(source);
    CHECK(Stored(in, source).rfind("enc:v1:", 0) == 0);
    CHECK(*OpenWith(in, new_key, source) == secret);
    CHECK_FALSE(OpenWith(in, old_key, source).ok());
    CHECK(Push(in, new_key, source, secret) == 200);
    CHECK(Push(in, old_key, source, secret) == 503);  // until serve reads the new key
  }
  CHECK(Stored(in, "c") == "");

  // The operator points the configuration at the new key.
  in.env["SCRM_SECRETS_KEY_FILE"] = new_key;
  CHECK(in.ScrmJson({"sources", "show", "a"})["push_secret"] == "(set)");
  // A value that does not open stops the rotation before anything changes.
  const std::string b_good = Stored(in, "b");
  std::string tampered = b_good;
  tampered[12] = tampered[12] == 'A' ? 'B' : 'A';
  in.db.Exec("UPDATE scrm_sources SET push_secret = '" + tampered + "' WHERE name = 'b';");
  const std::string a_now = Stored(in, "a");
  const std::string newer_key = in.index_dir + "-rotated/newer.key";
  RunResult failed = in.Scrm({"secrets", "rotate", "--new-key-file", newer_key});
  CHECK(failed.exit_code == 1);
  CHECK(failed.err.find("source 'b'") != std::string::npos);
  CHECK(failed.err.find("nothing was changed") != std::string::npos);
  CHECK(Stored(in, "a") == a_now);
  CHECK(Stored(in, "b") == tampered);
  CHECK(*OpenWith(in, new_key, "a") == "secret-a");
  // The same key under another name is no rotation.
  fs::copy_file(new_key, newer_key, fs::copy_options::overwrite_existing);
  REQUIRE(::chmod(newer_key.c_str(), 0600) == 0);
  in.db.Exec("UPDATE scrm_sources SET push_secret = '" + b_good + "' WHERE name = 'b';");
  RunResult same = in.Scrm({"secrets", "rotate", "--new-key-file", newer_key});
  CHECK(same.exit_code == 2);
  CHECK(same.err.find("same key") != std::string::npos);
}

TEST_CASE("scrm secrets check: the key file and every sealed secret, nothing changed",
          "[mysql][app][secrets]") {
  AppInstance in;
  in.Migrate();
  // Nothing sealed and no key file yet: all is well (the key is made on demand).
  RunResult empty = in.Scrm({"secrets", "check", "--json"});
  INFO(empty.err);
  REQUIRE(empty.exit_code == 0);
  CHECK(json::parse(empty.out) == json{{"key_file", in.key_file},
                                       {"key_file_exists", false},
                                       {"key_file_error", nullptr},
                                       {"sealed", 0},
                                       {"opened", 0},
                                       {"clear", 0},
                                       {"clear_sources", json::array()},
                                       {"unreadable", json::array()},
                                       {"ok", true}});
  CHECK_FALSE(fs::exists(in.key_file));  // check makes nothing

  REQUIRE(in.Scrm({"sources", "add", "a", "--type", "push", "--secret", "secret-a"}).exit_code == 0);
  REQUIRE(in.Scrm({"sources", "add", "b", "--type", "push", "--secret", "secret-b"}).exit_code == 0);
  REQUIRE(in.Scrm({"sources", "add", "c", "--type", "file"}).exit_code == 0);
  const std::string a_sealed = Stored(in, "a"), b_sealed = Stored(in, "b");

  // All fine.
  RunResult fine = in.Scrm({"secrets", "check", "--json"});
  INFO(fine.err);
  REQUIRE(fine.exit_code == 0);
  json report = json::parse(fine.out);
  CHECK(report["ok"] == true);
  CHECK(report["key_file_exists"] == true);
  CHECK(report["sealed"] == 2);
  CHECK(report["opened"] == 2);
  CHECK(report["unreadable"].empty());
  RunResult text = in.Scrm({"secrets", "check"});
  CHECK(text.exit_code == 0);
  CHECK(text.out == "ok: 2 of 2 sealed push secrets open with " + in.key_file + ", 0 in clear\n");

  SECTION("a wrong key file names every source it cannot open, and the fix") {
    const std::string wrong = in.index_dir + ".wrong.key";
    struct Cleanup {
      std::string path;
      ~Cleanup() { fs::remove(path); }
    } cleanup{wrong};
    std::ofstream(wrong, std::ios::binary) << std::string(32, 'w');
    REQUIRE(::chmod(wrong.c_str(), 0600) == 0);
    in.env["SCRM_SECRETS_KEY_FILE"] = wrong;
    RunResult bad = in.Scrm({"secrets", "check", "--json"});
    CHECK(bad.exit_code == 1);
    report = json::parse(bad.out);
    CHECK(report["ok"] == false);
    CHECK(report["key_file_error"] == nullptr);  // the file itself is usable
    CHECK(report["opened"] == 0);
    REQUIRE(report["unreadable"].size() == 2);
    CHECK(report["unreadable"][0]["source"] == "a");
    CHECK(report["unreadable"][1]["source"] == "b");
    const std::string error = report["unreadable"][1]["error"];
    CHECK(error.find("does not open with key file " + wrong) != std::string::npos);
    CHECK(error.find("scrm sources set b --secret") != std::string::npos);
    RunResult lines = in.Scrm({"secrets", "check"});
    CHECK(lines.exit_code == 1);
    CHECK(lines.out.find("source 'a': the sealed value does not open") != std::string::npos);
    CHECK(lines.out.find("source 'b': the sealed value does not open") != std::string::npos);
    CHECK(lines.out.find("problems: 0 of 2 sealed") != std::string::npos);
  }
  SECTION("a key file others may read, or none at all, is the problem named") {
    REQUIRE(::chmod(in.key_file.c_str(), 0644) == 0);
    RunResult open = in.Scrm({"secrets", "check", "--json"});
    CHECK(open.exit_code == 1);
    report = json::parse(open.out);
    CHECK(report["key_file_error"].get<std::string>().find("chmod 600 " + in.key_file) !=
          std::string::npos);
    CHECK(report["unreadable"].size() == 2);
    CHECK(ModeOf(in.key_file) == 0644);  // reported, not changed

    fs::remove(in.key_file);
    RunResult gone = in.Scrm({"secrets", "check"});
    CHECK(gone.exit_code == 1);
    CHECK(gone.out.rfind("key file " + in.key_file + " does not exist", 0) == 0);
    CHECK(gone.out.find("source 'a': the sealed push secret cannot be opened") !=
          std::string::npos);
  }
  SECTION("a tampered row is named, the others open") {
    std::string tampered = b_sealed;
    tampered[12] = tampered[12] == 'A' ? 'B' : 'A';
    in.db.Exec("UPDATE scrm_sources SET push_secret = '" + tampered + "' WHERE name = 'b';");
    RunResult bad = in.Scrm({"secrets", "check", "--json"});
    CHECK(bad.exit_code == 1);
    report = json::parse(bad.out);
    CHECK(report["opened"] == 1);
    REQUIRE(report["unreadable"].size() == 1);
    CHECK(report["unreadable"][0]["source"] == "b");
    CHECK(Stored(in, "b") == tampered);  // nothing changed
    CHECK(Stored(in, "a") == a_sealed);
  }
  SECTION("a clear row of an older version is reported until scrm migrate seals it") {
    AddClear(in, "legacy", "legacy-clear-secret");
    RunResult clear = in.Scrm({"secrets", "check", "--json"});
    CHECK(clear.exit_code == 1);
    report = json::parse(clear.out);
    CHECK(report["clear"] == 1);
    CHECK(report["clear_sources"] == json::array({"legacy"}));
    CHECK(report["unreadable"].empty());
    RunResult line = in.Scrm({"secrets", "check"});
    CHECK(line.out.find("source 'legacy': the push secret is stored in clear") !=
          std::string::npos);
    CHECK(line.out.find("run `scrm migrate`") != std::string::npos);
    CHECK(line.out.find("legacy-clear-secret") == std::string::npos);  // never the secret
    CHECK(Stored(in, "legacy") == "legacy-clear-secret");               // not sealed by check
    REQUIRE(in.Scrm({"migrate", "--allow-empty-crm"}).exit_code == 0);
    CHECK(in.Scrm({"secrets", "check"}).exit_code == 0);
  }
  // Nothing changed by any check.
  CHECK(in.db.Count("SELECT COUNT(*) FROM scrm_sources WHERE name = 'c' AND push_secret = ''") == 1);
}
