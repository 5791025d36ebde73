// sql/0003 on a database that already holds posts written under 0002: the
// hash columns are filled for every row, the indexes replaced, and the
// posts keep their identity (re-ingesting them changes nothing, an edit
// replaces them).
#include <catch2/catch.hpp>

#include "store/content_repository.h"
#include "store/id_hash.h"
#include "store/index_queue_repository.h"
#include "store/migrator.h"
#include "store/store_fixture.h"

using namespace scrm;
using scrm::testing::FullPost;

namespace {

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// A row as 0002's ContentRepository wrote it.
std::string Insert0002(int64_t source_id, const Post& p) {
  return "INSERT INTO scrm_posts (source_id, external_id, platform, kind, url, author_id, "
         "author_name, author_handle, title, body, language, published, updated, in_reply_to, "
         "shared_id, hashtags, mentions, links, likes, shares, replies, raw, fingerprint, "
         "ingested_at) VALUES (" +
         std::to_string(source_id) + "," + Quote(p.external_id) + "," + Quote(p.platform) + "," +
         Quote(p.kind) + "," + Quote(p.url) + "," + Quote(p.author_id) + "," +
         Quote(p.author_name) + "," + Quote(p.author_handle) + "," + Quote(p.title) + "," +
         Quote(p.text) + "," + Quote(p.language) + ", FROM_UNIXTIME(" +
         std::to_string(p.published) + "), NULL," + Quote(p.in_reply_to) + "," +
         Quote(p.shared_id) + ", '[]', '[]', '[]', 0, 0, 0," + Quote(p.raw) + "," +
         Quote(p.Fingerprint()) + ", UTC_TIMESTAMP());\n";
}

Post OldPost(int i) {
  Post p;
  p.external_id =
      "https://social.example/users/u" + std::to_string(i % 7) + "/statuses/" + std::to_string(i);
  p.platform = "mastodon";
  p.kind = i % 3 == 0 ? "reply" : "post";
  p.author_id = i % 5 == 0 ? "" : "https://social.example/users/u" + std::to_string(i % 7);
  p.text = "message " + std::to_string(i);
  p.language = "fr";
  p.published = 1772359200 + i;
  if (i % 3 == 0)
    p.in_reply_to = "https://social.example/users/u1/statuses/" + std::to_string(i - 1);
  p.raw = "{}";
  return p;
}

}  // namespace

TEST_CASE("0003 fills the hash columns of posts written before it and keeps them one post each",
          "[mysql][store]") {
  testing::TestDatabase db;
  store::MigrateOptions allow;
  allow.allow_empty_crm = true;
  std::vector<store::Migration> upto2(store::EmbeddedMigrations().begin(),
                                      store::EmbeddedMigrations().begin() + 2);
  REQUIRE(upto2.back().name == "0002_sources_posts");
  REQUIRE(store::Migrate(db.pool(), upto2, allow).ok());
  db.Exec(
      "INSERT INTO scrm_sources (name, type, visibility, created_at, updated_at) VALUES "
      "('forum', 'file', 'public', UTC_TIMESTAMP(), UTC_TIMESTAMP());\n");
  const int64_t source_id = db.Count("SELECT id FROM scrm_sources WHERE name = 'forum'");
  std::vector<Post> posts;
  std::string sql;
  for (int i = 0; i < 300; ++i) {
    posts.push_back(OldPost(i));
    sql += Insert0002(source_id, posts.back());
  }
  db.Exec(sql);

  auto migrated = store::Migrate(db.pool(), store::EmbeddedMigrations(), allow);
  REQUIRE(migrated.ok());
  CHECK(migrated->from_version == 2);
  CHECK(migrated->applied.front() == "0003_post_hash_keys");

  // Every row has its hashes, as IdHash computes them.
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_posts WHERE key_hash IS NULL") == 0);
  for (int i : {0, 1, 3, 5, 299}) {
    const Post& p = posts[static_cast<size_t>(i)];
    INFO(p.external_id);
    const std::string where = " FROM scrm_posts WHERE external_id = " + Quote(p.external_id);
    CHECK(db.Scalar("SELECT key_hash" + where) == std::to_string(store::IdHash(p.external_id)));
    CHECK(db.Scalar("SELECT key_seq" + where) == "0");
    CHECK(db.Scalar("SELECT reply_hash" + where) ==
          (p.in_reply_to.empty() ? "" : std::to_string(store::IdHash(p.in_reply_to))));
    CHECK(db.Scalar("SELECT author_hash" + where) ==
          (p.author_id.empty() ? "" : std::to_string(store::IdHash(p.author_id))));
  }
  // The wide indexes are gone, the hash ones in their place.
  CHECK(db.Scalar("SELECT GROUP_CONCAT(DISTINCT index_name ORDER BY index_name) FROM "
                  "information_schema.statistics WHERE table_schema = DATABASE() AND "
                  "table_name = 'scrm_posts'") ==
        "idx_scrm_posts_hash_author,idx_scrm_posts_hash_key,idx_scrm_posts_hash_reply,"
        "idx_scrm_posts_published,PRIMARY");
  CHECK(db.Scalar("SELECT GROUP_CONCAT(column_name ORDER BY seq_in_index) FROM "
                  "information_schema.statistics WHERE table_schema = DATABASE() AND "
                  "table_name = 'scrm_posts' AND index_name = 'idx_scrm_posts_hash_key'") ==
        "key_hash,source_id,key_seq");
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_index_queue") == 0);

  // 0003 run again (a crash after its statements, before it was recorded)
  // changes nothing.
  // Columns (with the expressions of generated ones) and indexes.
  const std::string shape =
      "SELECT CONCAT((SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position) FROM "
      "information_schema.columns WHERE table_schema = DATABASE() AND table_name = "
      "'scrm_posts'), '|', (SELECT GROUP_CONCAT(MD5(generation_expression)) FROM "
      "information_schema.columns WHERE table_schema = DATABASE() AND table_name = "
      "'scrm_posts' AND generation_expression IS NOT NULL), '|', (SELECT "
      "GROUP_CONCAT(index_name, ':', column_name ORDER BY index_name, seq_in_index) FROM "
      "information_schema.statistics WHERE table_schema = DATABASE() AND table_name = "
      "'scrm_posts'))";
  const std::string before = db.Scalar(shape);
  CHECK(before.size() < 1024);  // GROUP_CONCAT's limit: nothing cut off
  CHECK(before.find("idx_scrm_posts_hash_key:key_seq") != std::string::npos);
  REQUIRE(store::EmbeddedMigrations()[2].name == "0003_post_hash_keys");
  db.Exec(store::EmbeddedMigrations()[2].sql);
  CHECK(db.Scalar(shape) == before);
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_posts") == 300);

  // The same posts again: found, unchanged. One edited: replaced in place.
  store::ContentRepository repo(db.pool());
  auto again = repo.UpsertPosts(source_id, posts);
  CHECK(again.inserted == 0);
  CHECK(again.updated == 0);
  CHECK(again.unchanged == 300);
  posts[42].text = "message corrigé";
  const int64_t id42 =
      db.Count("SELECT id FROM scrm_posts WHERE external_id = " + Quote(posts[42].external_id));
  auto edit = repo.UpsertPosts(source_id, posts);
  CHECK(edit.updated == 1);
  CHECK(repo.CountPosts(source_id) == 300);
  CHECK(repo.GetPost(source_id, posts[42].external_id)->text == "message corrigé");
  CHECK(db.Count("SELECT id FROM scrm_posts WHERE external_id = " + Quote(posts[42].external_id)) ==
        id42);
  CHECK(store::IndexQueueRepository(db.pool()).Next(10).size() == 1);
  // A new one is still new.
  CHECK(repo.UpsertPosts(source_id, {OldPost(300)}).inserted == 1);
}
