// The ingest pipeline against a real MariaDB: idempotent upserts, edits,
// rejects kept with their position and bytes, nothing lost.
#include "ingest/pipeline.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "store/content_repository.h"
#include "store/migrator.h"
#include "store/source_repository.h"
#include "support/test_db.h"

using namespace scrm;

namespace {

struct Fixture {
  Fixture() {
    store::MigrateOptions allow;
    allow.allow_empty_crm = true;
    REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), allow).ok());
    Source s;
    s.name = "forum";
    s.visibility = "public";
    auto added = store::SourceRepository(db.pool()).Add(s);
    REQUIRE(added.ok());
    source = *added;
  }
  ingest::IngestSummary Run(const std::string& text, const std::string& format = "as2-jsonl",
                            size_t batch = 1000) {
    std::istringstream in(text);
    ingest::IngestOptions o;
    o.format = format;
    o.file_name = "test.jsonl";
    o.batch_size = batch;
    auto r = ingest::Ingest(db.pool(), source, in, o);
    REQUIRE(r.ok());
    return *r;
  }
  testing::TestDatabase db;
  Source source;
};

std::string Note(const std::string& id, const std::string& text,
                 const std::string& published = "2026-03-01T10:00:00Z",
                 const std::string& extra = "") {
  return R"({"type":"Note","id":"https://social.example/notes/)" + id +
         R"(","attributedTo":"https://social.example/users/anne","content":")" + text +
         R"(","published":")" + published + "\"" + extra + "}\n";
}

}  // namespace

TEST_CASE("ingesting the same input twice changes nothing", "[mysql][ingest]") {
  Fixture f;
  std::string input;
  for (int i = 0; i < 2500; ++i) {
    input += Note(std::to_string(i), "<p>Bonjour n°" + std::to_string(i) + " #scrm</p>");
  }
  auto first = f.Run(input, "as2-jsonl", 700);
  CHECK(first.read == 2500);
  CHECK(first.posts_new == 2500);
  CHECK(first.rejected == 0);
  CHECK(first.bytes == static_cast<int64_t>(input.size()));
  auto second = f.Run(input);
  CHECK(second.posts_new == 0);
  CHECK(second.posts_updated == 0);
  CHECK(second.posts_unchanged == 2500);
  store::ContentRepository repo(f.db.pool());
  CHECK(repo.CountPosts(f.source.id) == 2500);
  auto p = repo.GetPost(f.source.id, "https://social.example/notes/7");
  REQUIRE(p.has_value());
  CHECK(p->text == "Bonjour n°7 #scrm");
  CHECK(p->hashtags == std::vector<std::string>{"scrm"});
  CHECK(p->published == 1772359200);
  CHECK_FALSE(p->raw.empty());
}

TEST_CASE("an edited post replaces its old version, and of one id read twice the last wins",
          "[mysql][ingest]") {
  Fixture f;
  f.Run(Note("1", "première version") + Note("2", "autre"));
  auto edit = f.Run(Note("1", "seconde version", "2026-03-01T10:00:00Z",
                         R"(,"updated":"2026-03-02T08:00:00Z")") +
                    Note("2", "autre"));
  CHECK(edit.posts_updated == 1);
  CHECK(edit.posts_unchanged == 1);
  auto dup = f.Run(Note("3", "un") + Note("3", "deux"));
  CHECK(dup.read == 2);
  store::ContentRepository repo(f.db.pool());
  CHECK(repo.GetPost(f.source.id, "https://social.example/notes/1")->text == "seconde version");
  CHECK(repo.GetPost(f.source.id, "https://social.example/notes/3")->text == "deux");
  CHECK(repo.CountPosts(f.source.id) == 3);
}

TEST_CASE("bad records are kept with position, bytes and reason, and good ones still land",
          "[mysql][ingest]") {
  Fixture f;
  std::string input = Note("1", "bon") + "{not json at all\n" + Note("2", "bon aussi") +
                      Note("3", "date illisible", "hier");
  auto s = f.Run(input);
  CHECK(s.posts_new == 2);
  CHECK(s.rejected == 2);
  store::ContentRepository repo(f.db.pool());
  auto rejects = repo.ListRejects(f.source.id, "open", 10);
  REQUIRE(rejects.size() == 2);
  // Newest first: the second bad record is line 4.
  CHECK(rejects[0].reject.position.line == 4);
  CHECK(rejects[1].reject.position.line == 2);
  CHECK(rejects[1].reject.position.file == "test.jsonl");
  CHECK(rejects[1].reject.raw == "{not json at all");
  CHECK_FALSE(rejects[1].reject.reason.empty());
  CHECK(repo.CountRejects(f.source.id, "open") == 2);
}

TEST_CASE("an input that is not the format at all is one clear error", "[mysql][ingest]") {
  Fixture f;
  std::istringstream in("this is not a feed, nor JSON\n");
  ingest::IngestOptions o;
  o.file_name = "notes.txt";
  auto r = ingest::Ingest(f.db.pool(), f.source, in, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("notes.txt") != std::string::npos);
  std::istringstream empty("");
  auto e = ingest::Ingest(f.db.pool(), f.source, empty, o);
  CHECK_FALSE(e.ok());
}

TEST_CASE("the summary JSON carries the documented fields", "[ingest]") {
  ingest::IngestSummary s;
  auto j = s.ToJson();
  for (const char* k : {"format", "read", "new", "updated", "unchanged", "rejected", "skipped",
                        "profiles", "bytes", "seconds", "notes"}) {
    INFO(k);
    CHECK(j.contains(k));
  }
}

TEST_CASE("ids are case-sensitive: posts whose ids differ only by case are two posts",
          "[mysql][ingest]") {
  Fixture f;
  auto s = f.Run(Note("AbC", "majuscules") + Note("abc", "minuscules"));
  CHECK(s.posts_new == 2);
  store::ContentRepository repo(f.db.pool());
  CHECK(repo.GetPost(f.source.id, "https://social.example/notes/AbC")->text == "majuscules");
  CHECK(repo.GetPost(f.source.id, "https://social.example/notes/abc")->text == "minuscules");
}

TEST_CASE("a reply that arrives before its parent joins its thread when the parent comes",
          "[mysql][ingest]") {
  Fixture f;
  f.Run(Note("2", "la réponse", "2026-03-01T11:00:00Z",
             R"(,"inReplyTo":"https://social.example/notes/1")"));
  CHECK(f.db.Count("SELECT COUNT(*) FROM scrm_posts c JOIN scrm_posts p ON p.source_id = "
                   "c.source_id AND p.external_id = c.in_reply_to") == 0);
  f.Run(Note("1", "la question"));
  CHECK(f.db.Scalar("SELECT p.body FROM scrm_posts c JOIN scrm_posts p ON p.source_id = "
                    "c.source_id AND p.external_id = c.in_reply_to WHERE c.external_id = "
                    "'https://social.example/notes/2'") == "la question");
}
