// PostReader: posts read back for the search index, with what the index
// needs from their source (name, visibility, community). LoadPosts() serves
// the index queue, ScanPosts() a full rebuild (`scrm reindex`), AllPostIds()
// the removal of documents whose post is gone; ParentsOf() the thread
// context of the sales panel's timeline. The record as read (raw) is
// not loaded: the index does not need it. Thread-safe; database failures
// throw store::DbError.
#ifndef SCRM_STORE_POST_READER_H_
#define SCRM_STORE_POST_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/post.h"
#include "store/pool.h"

namespace scrm::store {

struct PostRow {
  int64_t id = 0;  // scrm_posts.id
  int64_t source_id = 0;
  // The source's, or all three empty when the source was removed (its posts
  // stay): such a post is visible to no viewer but those who see everything.
  std::string source_name;
  std::string visibility;   // public, internal or community
  std::string community;    // when visibility is community
  Post post;                // every field but raw
  int64_t ingested_at = 0;  // epoch seconds
};

// The post a reply answers, as the panel shows it under the reply.
struct ParentPost {
  int64_t reply_id = 0;  // the reply's scrm_posts.id
  int64_t id = 0;        // the parent's
  std::string author_name;
  std::string author_handle;
  std::string excerpt;  // the first 200 characters of its text (or title)
  std::string url;
};

class PostReader {
 public:
  explicit PostReader(Pool& pool) : pool_(pool) {}

  // These posts, by id ascending; an id with no post (deleted) is absent.
  std::vector<PostRow> LoadPosts(const std::vector<int64_t>& ids);
  // At most limit posts with an id above after_id, by id ascending.
  std::vector<PostRow> ScanPosts(int64_t after_id, int limit);
  // Every post id, ascending (8 bytes each), read from an index rather than
  // the table, page_size ids a query.
  std::vector<int64_t> AllPostIds(int page_size = 100000);
  // Whether any post is stored (one row read: cheap on any size).
  bool HasPosts();
  // The stored parents of these posts (replies whose parent, same source,
  // has arrived; others are absent). A parent shares its reply's source, so
  // whoever may see the reply may see it.
  std::vector<ParentPost> ParentsOf(const std::vector<int64_t>& ids);

 private:
  Pool& pool_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_POST_READER_H_
