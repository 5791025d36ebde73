// PostReader against a real MariaDB: every field the index needs comes back
// as it was written, with its source's name, visibility and community.
#include "store/post_reader.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>

#include "store/content_repository.h"
#include "store/store_fixture.h"

using namespace scrm;
using scrm::testing::FullPost;

namespace {

void CheckSame(const Post& got, const Post& want) {
  CHECK(got.external_id == want.external_id);
  CHECK(got.platform == want.platform);
  CHECK(got.kind == want.kind);
  CHECK(got.url == want.url);
  CHECK(got.author_id == want.author_id);
  CHECK(got.author_name == want.author_name);
  CHECK(got.author_handle == want.author_handle);
  CHECK(got.title == want.title);
  CHECK(got.text == want.text);
  CHECK(got.language == want.language);
  CHECK(got.published == want.published);
  CHECK(got.updated == want.updated);
  CHECK(got.in_reply_to == want.in_reply_to);
  CHECK(got.shared_id == want.shared_id);
  CHECK(got.hashtags == want.hashtags);
  CHECK(got.mentions == want.mentions);
  CHECK(got.links == want.links);
  CHECK(got.likes == want.likes);
  CHECK(got.shares == want.shares);
  CHECK(got.replies == want.replies);
  CHECK(got.raw.empty());  // not loaded: the index does not need it
}

}  // namespace

TEST_CASE("posts read back for the index carry every field and their source", "[mysql][store]") {
  testing::ContentFixture f;
  store::ContentRepository repo(f.db.pool());
  Post full = FullPost("https://social.example/notes/1", "Réunion « CRM » demain 🚀 #réseau");
  Post bare;  // only what a minimal record has: empty lists, no dates
  bare.external_id = "bare";
  bare.platform = "forum";
  bare.text = "court";
  repo.UpsertPosts(f.forum.id, {full});
  repo.UpsertPosts(f.blog.id, {bare});
  const int64_t full_id =
      f.db.Count("SELECT id FROM scrm_posts WHERE external_id = '" + full.external_id + "'");
  const int64_t bare_id = f.db.Count("SELECT id FROM scrm_posts WHERE external_id = 'bare'");
  const int64_t now = f.db.Count("SELECT UNIX_TIMESTAMP(UTC_TIMESTAMP())");

  store::PostReader reader(f.db.pool());
  // Asked in any order, with a repeat and a missing id: by id, once, the
  // missing one absent.
  std::vector<store::PostRow> rows = reader.LoadPosts({bare_id, 987654, full_id, bare_id});
  REQUIRE(rows.size() == 2);
  const store::PostRow& a = rows[0];
  CHECK(a.id == full_id);
  CHECK(a.source_id == f.forum.id);
  CHECK(a.source_name == "forum");
  CHECK(a.visibility == "community");
  CHECK(a.community == "partners");
  CheckSame(a.post, full);
  CHECK(a.ingested_at >= now - 60);
  CHECK(a.ingested_at <= now + 60);

  const store::PostRow& b = rows[1];
  CHECK(b.id == bare_id);
  CHECK(b.source_name == "blog");
  CHECK(b.visibility == "public");
  CHECK(b.community.empty());
  CheckSame(b.post, bare);
  CHECK(b.post.kind == "post");
  CHECK(b.post.published == 0);

  CHECK(reader.LoadPosts({}).empty());
  CHECK(reader.LoadPosts({987654}).empty());
}

TEST_CASE("ScanPosts pages through every post by id, AllPostIds lists them", "[mysql][store]") {
  testing::ContentFixture f;
  store::ContentRepository repo(f.db.pool());
  std::vector<Post> posts;
  for (int i = 0; i < 2345; ++i)
    posts.push_back(FullPost("n" + std::to_string(i), "texte " + std::to_string(i)));
  repo.UpsertPosts(f.forum.id, posts);
  repo.UpsertPosts(f.blog.id, {FullPost("blog-1"), FullPost("n5")});
  // A deleted post leaves a hole in the ids.
  f.db.Exec("DELETE FROM scrm_posts WHERE external_id = 'n100';\n");

  store::PostReader reader(f.db.pool());
  std::vector<int64_t> scanned;
  std::map<std::string, std::string> text_by_id;
  int64_t after = 0;
  for (;;) {
    std::vector<store::PostRow> page = reader.ScanPosts(after, 1000);
    for (const store::PostRow& r : page) {
      scanned.push_back(r.id);
      text_by_id[r.post.external_id] = r.post.text;
    }
    if (page.size() < 1000) break;
    after = page.back().id;
  }
  CHECK(scanned.size() == 2346);
  CHECK(std::is_sorted(scanned.begin(), scanned.end()));
  CHECK(std::adjacent_find(scanned.begin(), scanned.end()) == scanned.end());
  CHECK(text_by_id["n7"] == "texte 7");  // n5 of the blog may come first: not checked
  CHECK(text_by_id.count("n100") == 0);
  CHECK(text_by_id.count("blog-1") == 1);
  CHECK(reader.ScanPosts(scanned.back(), 10).empty());

  CHECK(reader.AllPostIds() == scanned);
  // Small pages: their boundaries (a hash shared by two posts of two
  // sources among them) drop no id and repeat none.
  CHECK(reader.AllPostIds(7) == scanned);
  CHECK(reader.AllPostIds(1) == scanned);
}

TEST_CASE("a post whose source was removed is still read, with no source", "[mysql][store]") {
  testing::ContentFixture f;
  store::ContentRepository(f.db.pool()).UpsertPosts(f.blog.id, {FullPost("orphan")});
  REQUIRE(store::SourceRepository(f.db.pool()).Remove("blog").ok());
  store::PostReader reader(f.db.pool());
  std::vector<store::PostRow> rows = reader.ScanPosts(0, 10);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].post.external_id == "orphan");
  CHECK(rows[0].source_id == f.blog.id);
  CHECK(rows[0].source_name.empty());
  CHECK(rows[0].visibility.empty());
  CHECK(reader.LoadPosts({rows[0].id}).size() == 1);
}
