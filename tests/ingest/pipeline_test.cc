// The ingest pipeline against a real MariaDB: idempotent upserts, edits,
// rejects kept with their position and bytes, nothing lost; and the index
// feeder that indexes what it stored.
#include "ingest/pipeline.h"

#include <catch2/catch.hpp>
#include <stdlib.h>

#include <filesystem>
#include <sstream>

#include "index/index.h"
#include "ingest/index_feeder.h"
#include "store/index_queue_repository.h"
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
  for (const char* k : {"format", "read", "new", "updated", "unchanged", "removed",
                        "deletes_refused", "deletes_unknown", "rejected", "skipped", "profiles",
                        "bytes", "seconds", "notes"}) {
    INFO(k);
    CHECK(j.contains(k));
  }
}

namespace {

std::string Delete(const std::string& id, const std::string& actor, bool tombstone) {
  const std::string object = "https://social.example/notes/" + id;
  return R"({"type":"Delete","id":")" + object + R"(#delete","actor":")" + actor +
         R"(","object":)" +
         (tombstone ? R"({"type":"Tombstone","id":")" + object + R"("})" : '"' + object + '"') +
         "}\n";
}

// The queued index changes of the post of this scrm_posts id.
int64_t Queued(testing::TestDatabase& db, int64_t post_id) {
  return db.Count("SELECT COUNT(*) FROM scrm_index_queue WHERE post_id = " +
                  std::to_string(post_id));
}

int64_t PostId(testing::TestDatabase& db, const std::string& note) {
  return db.Count("SELECT COALESCE(MAX(id), 0) FROM scrm_posts WHERE external_id = "
                  "'https://social.example/notes/" + note + "'");
}

}  // namespace

TEST_CASE("a Delete by the post's author removes it, anyone else's is refused and reported",
          "[mysql][ingest]") {
  Fixture f;
  const std::string anne = "https://social.example/users/anne";
  const std::string mallory = "https://evil.example/users/mallory";
  f.Run(Note("1", "premier") + Note("2", "deuxième") + Note("3", "troisième"));
  store::ContentRepository repo(f.db.pool());
  REQUIRE(repo.CountPosts(f.source.id) == 3);
  const int64_t id1 = PostId(f.db, "1");
  const int64_t id3 = PostId(f.db, "3");
  const int64_t queued_before = Queued(f.db, id1);

  // Anne deletes 1 (by id) and 3 (a Tombstone); Mallory tries 2; nobody holds 9.
  auto s = f.Run(Delete("1", anne, false) + Delete("2", mallory, true) +
                 Delete("3", anne, true) + Delete("9", anne, false));
  CHECK(s.read == 4);
  CHECK(s.removed == 2);
  CHECK(s.deletes_refused == 1);
  CHECK(s.deletes_unknown == 1);
  CHECK(s.rejected == 0);
  CHECK(s.ToJson()["removed"] == 2);
  CHECK(s.ToJson()["deletes_refused"] == 1);
  REQUIRE_FALSE(s.notes.empty());
  CHECK(s.notes[0] == "Delete of https://social.example/notes/2 by " + mallory +
                          " refused: the post's author is " + anne + "; the post is kept");

  CHECK_FALSE(repo.GetPost(f.source.id, "https://social.example/notes/1").has_value());
  CHECK_FALSE(repo.GetPost(f.source.id, "https://social.example/notes/3").has_value());
  REQUIRE(repo.GetPost(f.source.id, "https://social.example/notes/2").has_value());
  CHECK(repo.GetPost(f.source.id, "https://social.example/notes/2")->text == "deuxième");
  CHECK(repo.CountPosts(f.source.id) == 1);
  // The index is told: each removed post queued once more.
  CHECK(Queued(f.db, id1) == queued_before + 1);
  CHECK(Queued(f.db, id3) >= 1);

  // The same Deletes again: nothing left to remove, the refusal said again.
  auto again = f.Run(Delete("1", anne, false) + Delete("2", mallory, false));
  CHECK(again.removed == 0);
  CHECK(again.deletes_unknown == 1);
  CHECK(again.deletes_refused == 1);
}

TEST_CASE("a Delete by the author removes the post under every source that holds it",
          "[mysql][ingest]") {
  Fixture f;
  const std::string anne = "https://social.example/users/anne";
  // The same posts heard by a listen source, and post 2 also imported
  // under a third source as written by someone else (a forged copy).
  auto other = [&](const std::string& name, const std::string& type) {
    Source s;
    s.name = name;
    s.type = type;
    s.location = type == "listen" ? "#café" : "";
    s.visibility = "public";
    auto added = store::SourceRepository(f.db.pool()).Add(s);
    REQUIRE(added.ok());
    return *added;
  };
  Source heard = other("heard", "listen");
  Source forged = other("forged", "file");
  f.Run(Note("1", "un") + Note("2", "deux") + Note("3", "trois"));
  Source followed = f.source;
  f.source = heard;
  f.Run(Note("1", "un") + Note("2", "deux"));
  f.source = forged;
  f.Run(R"({"type":"Note","id":"https://social.example/notes/2","attributedTo":"https://evil.example/users/mallory","content":"deux"})"
        "\n");
  store::ContentRepository repo(f.db.pool());
  const int64_t heard_1 = PostId(f.db, "1");  // the listen source's copy: the newer row
  const int64_t queued_before = Queued(f.db, heard_1);

  // Anne's Delete of 1 arrives through the followed source: both copies go.
  f.source = followed;
  auto s = f.Run(Delete("1", anne, false));
  CHECK(s.removed == 2);
  CHECK(s.deletes_unknown == 0);
  CHECK_FALSE(repo.GetPost(followed.id, "https://social.example/notes/1").has_value());
  CHECK_FALSE(repo.GetPost(heard.id, "https://social.example/notes/1").has_value());
  CHECK(Queued(f.db, heard_1) == queued_before + 1);  // its index document goes too

  // Her Delete of 2 through a source that holds no copy of hers: her
  // copies go, the copy that names another author stays.
  f.source = forged;
  s = f.Run(Delete("2", anne, true));
  CHECK(s.removed == 2);
  CHECK(s.deletes_refused == 0);
  CHECK_FALSE(repo.GetPost(followed.id, "https://social.example/notes/2").has_value());
  CHECK_FALSE(repo.GetPost(heard.id, "https://social.example/notes/2").has_value());
  CHECK(repo.GetPost(forged.id, "https://social.example/notes/2").has_value());
  CHECK(repo.CountPosts(followed.id) == 1);  // 3, which nobody deleted

  // Mallory's Delete of Anne's 3 is refused wherever it comes from.
  s = f.Run(Delete("3", "https://evil.example/users/mallory", false));
  CHECK(s.removed == 0);
  CHECK(s.deletes_refused == 1);
  CHECK(repo.GetPost(followed.id, "https://social.example/notes/3").has_value());
}

TEST_CASE("a post re-created after its Delete in one input stays, one deleted after goes",
          "[mysql][ingest]") {
  Fixture f;
  const std::string anne = "https://social.example/users/anne";
  // Input order holds across a batch: Create, Delete, Create again.
  auto s = f.Run(Note("1", "v1") + Delete("1", anne, false) + Note("1", "v2") + Note("2", "x") +
                 Delete("2", anne, true));
  store::ContentRepository repo(f.db.pool());
  auto p = repo.GetPost(f.source.id, "https://social.example/notes/1");
  REQUIRE(p.has_value());
  CHECK(p->text == "v2");
  CHECK_FALSE(repo.GetPost(f.source.id, "https://social.example/notes/2").has_value());
}

TEST_CASE("posts and Deletes of other posts, mixed in one batch, each land in input order",
          "[mysql][ingest]") {
  Fixture f;
  const std::string anne = "https://social.example/users/anne";
  // One batch for all (1,000 records): only the re-creation of 1 waits for
  // the next, the other posts stay beside the Deletes.
  auto s = f.Run(Note("1", "one") + Note("2", "two") + Delete("1", anne, false) + Note("3", "three") +
                 Note("2", "two, edited") + Delete("3", anne, true) + Delete("4", anne, false) +
                 Note("1", "one again") + Note("5", "five"));
  CHECK(s.removed == 2);
  CHECK(s.deletes_unknown == 1);
  store::ContentRepository repo(f.db.pool());
  auto text = [&](const std::string& id) -> std::string {
    auto p = repo.GetPost(f.source.id, "https://social.example/notes/" + id);
    return p ? p->text : "(none)";
  };
  CHECK(text("1") == "one again");
  CHECK(text("2") == "two, edited");
  CHECK(text("3") == "(none)");
  CHECK(text("4") == "(none)");
  CHECK(text("5") == "five");
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

TEST_CASE("summaries add up every count, and keep the first reject reason", "[ingest]") {
  ingest::IngestSummary total;
  total.format = "as2-jsonl";
  ingest::IngestSummary a, b;
  a.read = 3, a.posts_new = 2, a.removed = 1, a.deletes_refused = 1, a.bytes = 100, a.seconds = 0.5;
  a.first_reject_reason = "line 2: no id";
  b.read = 4, b.posts_updated = 1, b.posts_unchanged = 1, b.profiles_new = 2, b.removed = 2;
  b.deletes_unknown = 1, b.rejected = 1, b.skipped = 1, b.bytes = 50, b.seconds = 0.25;
  b.first_reject_reason = "line 9: bad date";
  total += a;
  total += b;
  CHECK(total.format == "as2-jsonl");
  CHECK(total.read == 7);
  CHECK(total.posts_new == 2);
  CHECK(total.posts_updated == 1);
  CHECK(total.posts_unchanged == 1);
  CHECK(total.profiles_new == 2);
  CHECK(total.removed == 3);
  CHECK(total.deletes_refused == 1);
  CHECK(total.deletes_unknown == 1);
  CHECK(total.rejected == 1);
  CHECK(total.skipped == 1);
  CHECK(total.bytes == 150);
  CHECK(total.seconds == Approx(0.75));
  CHECK(total.first_reject_reason == "line 2: no id");
}

// Into an empty index a long queue is a bulk build; into one that has
// posts, a long queue is appended (built apart, merged with the shards
// once); a short one is added to the shards.
TEST_CASE("a long queue into an index that has posts is appended, a short one added",
          "[mysql][ingest]") {
  Fixture f;
  index::IndexConfig config;
  std::string tmpl = (std::filesystem::temp_directory_path() / "scrm-feeder-XXXXXX").string();
  REQUIRE(mkdtemp(tmpl.data()) != nullptr);
  config.dir = tmpl;
  config.shards = 2;
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{tmpl};
  auto store = [&f](int first, int last) {  // notes n-<k>, each about a warehouse
    std::string input;
    for (int k = first; k <= last; ++k) input += Note("n-" + std::to_string(k), "Warehouse note " + std::to_string(k));
    f.Run(input);
  };
  auto drain = [&f, &config] {
    ingest::IndexFeeder feeder(f.db.pool(), config, /*batch_size=*/50, /*append_at_least=*/100);
    Result<ingest::FeedStats> fed = feeder.Drain();
    INFO(fed.status().ToString());
    REQUIRE(fed.ok());
    return *fed;
  };
  auto found = [&config](const std::string& q) {
    Result<std::unique_ptr<index::Searcher>> searcher = index::Searcher::Open(config);
    REQUIRE(searcher.ok());
    index::SearchRequest r;
    r.q = q;
    r.viewer.everything = true;
    Result<index::SearchResult> result = (*searcher)->Search(r);
    REQUIRE(result.ok());
    return result->total;
  };
  auto pending = [&f] { return store::IndexQueueRepository(f.db.pool()).Pending(); };

  store(1, 300);
  ingest::FeedStats first = drain();  // 300 rows, the index empty: built in bulk
  CHECK(first.rebuilt);
  CHECK_FALSE(first.appended);
  CHECK(found("warehouse") == 300);

  // 300 rows: a drain's commit (5 batches of 50), at least 100 and a
  // quarter of the 300 indexed.
  store(301, 600);
  ingest::FeedStats second = drain();
  CHECK(second.appended);
  CHECK_FALSE(second.rebuilt);
  CHECK(second.indexed == 300);
  CHECK(pending() == 0);
  CHECK(found("warehouse") == 600);
  CHECK(found("\"note 437\"") == 1);

  store(601, 660);  // 60 rows: fewer than 100
  ingest::FeedStats third = drain();
  CHECK_FALSE(third.appended);
  CHECK(third.indexed == 60);
  CHECK(found("warehouse") == 660);
  CHECK(pending() == 0);
}
