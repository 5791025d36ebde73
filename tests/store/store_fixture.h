// Shared set-up of the store's content tests: a fresh database, migrated,
// with sources to write into, and posts to write.
#ifndef SCRM_TESTS_STORE_STORE_FIXTURE_H_
#define SCRM_TESTS_STORE_STORE_FIXTURE_H_

#include <catch2/catch.hpp>
#include <string>

#include "core/post.h"
#include "core/source.h"
#include "store/migrator.h"
#include "store/source_repository.h"
#include "support/test_db.h"

namespace scrm::testing {

struct ContentFixture {
  ContentFixture() {
    store::MigrateOptions allow;
    allow.allow_empty_crm = true;
    REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), allow).ok());
    forum = AddSource("forum", "community", "partners");
    blog = AddSource("blog", "public", "");
  }
  Source AddSource(const std::string& name, const std::string& visibility,
                   const std::string& community) {
    Source s;
    s.name = name;
    s.visibility = visibility;
    s.community = community;
    auto added = store::SourceRepository(db.pool()).Add(s);
    REQUIRE(added.ok());
    return *added;
  }
  TestDatabase db;
  Source forum, blog;
};

// A post with every field set.
inline Post FullPost(const std::string& id, const std::string& text = "Bonjour à tous") {
  Post p;
  p.external_id = id;
  p.platform = "mastodon";
  p.kind = "reply";
  p.url = "https://social.example/@anne/" + id;
  p.author_id = "https://social.example/users/anne";
  p.author_name = "Anne Lefèvre";
  p.author_handle = "anne@social.example";
  p.title = "Titre « " + id + " »";
  p.text = text;
  p.language = "fr";
  p.published = 1772359200;  // 2026-03-01 10:00:00
  p.updated = 1772445600;
  p.in_reply_to = "https://social.example/notes/parent";
  p.shared_id = "https://other.example/notes/9";
  p.hashtags = {"réseau", "crm"};
  p.mentions = {"bob@piaille.fr"};
  p.links = {"https://exemple.fr/a?b=c&d=\"e\""};
  p.likes = 3;
  p.shares = 2;
  p.replies = 1;
  p.raw = "{\"id\":\"" + id + "\"}";
  return p;
}

}  // namespace scrm::testing

#endif  // SCRM_TESTS_STORE_STORE_FIXTURE_H_
