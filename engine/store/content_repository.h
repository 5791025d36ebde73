// ContentRepository: what sources bring in. Posts (scrm_posts, keyed by
// source and external id), profiles (scrm_profiles, keyed by platform and
// external id) and rejects (scrm_rejects: records that could not be read,
// with their raw bytes and position, kept for review and retry).
//
// Upserts take a batch and write only new and changed records (by
// fingerprint), 1,000 records to a transaction: ingesting the same input
// twice changes nothing, and an edited record replaces its old version.
// Every post written (new or changed, never an unchanged one) is queued in
// scrm_index_queue in the transaction that writes it, so the search index
// cannot silently fall behind the database (IndexQueueRepository). Posts are
// found by the hash of their id and then the id itself (sql/0003): see
// store/id_hash.h. A post leaves the store one way, whoever removes it (an
// erasure, a retention run, a deletion on its network): RemovePostsOn. A
// deletion on its network (a Delete by its author, or a post its author's
// network no longer lists) removes the post from every source that holds it
// (a listen source's copy of a followed account's post), not only the one
// it was read through: RemoveDeletedPostsOn.
// Thread-safe; database failures throw store::DbError.
#ifndef SCRM_STORE_CONTENT_REPOSITORY_H_
#define SCRM_STORE_CONTENT_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/post.h"
#include "store/customer_repository.h"
#include "store/pool.h"

namespace scrm::store {

// Removes these posts (scrm_posts ids) with everything hanging off them,
// on `conn` inside the caller's transaction: the rows, and their documents
// in the search index (queued in scrm_index_queue: the feeder finds the
// post gone and deletes its document). Returns the posts removed.
int64_t RemovePostsOn(sql::Connection& conn, const std::vector<int64_t>& post_ids);

// As RemovePostsOn, for posts deleted by their author on their network:
// with them go their copies under other sources, the posts with the same
// external id and the same (non-empty) author id. Returns every post
// removed, the copies counted.
int64_t RemoveDeletedPostsOn(sql::Connection& conn, const std::vector<int64_t>& post_ids);

// What the deletions of one batch did (ContentRepository::ApplyDeletions).
struct DeletionCounts {
  int64_t removed = 0;  // posts removed: the Delete was by their author
  int64_t refused = 0;  // a post of that id is stored, but the Delete is not its author's: kept
  int64_t unknown = 0;  // no post of that id stored: nothing to remove
  // One line per refused Delete (the post, who asked, its author), the first
  // kMaxRefusals.
  std::vector<std::string> refusals;
  static constexpr size_t kMaxRefusals = 20;

  DeletionCounts& operator+=(const DeletionCounts& o) {
    removed += o.removed;
    refused += o.refused;
    unknown += o.unknown;
    for (const std::string& r : o.refusals) {
      if (refusals.size() >= kMaxRefusals) break;
      refusals.push_back(r);
    }
    return *this;
  }
};

// A stored post's key, as following compares its posts with its network's.
struct StoredPostKey {
  int64_t id = 0;
  std::string external_id;
  int64_t published = 0;  // 0 when unknown
};

struct StoredReject {
  int64_t id = 0;
  int64_t source_id = 0;
  Reject reject;
  std::string format;  // the format it was read as
  std::string status;  // open, resolved
  std::string created_at;
};

class ContentRepository {
 public:
  explicit ContentRepository(Pool& pool) : pool_(pool) {}

  // Within a batch, a later record with the same key wins. Writers racing on
  // the same new id (two processes ingesting one source) are safe: the loser
  // of the race reads again and updates.
  UpsertCounts UpsertPosts(int64_t source_id, const std::vector<Post>& posts);
  UpsertCounts UpsertProfiles(int64_t source_id, const std::vector<Profile>& profiles);
  void AddRejects(int64_t source_id, const std::string& format, const std::vector<Reject>& rejects);
  // Removes the post each deletion names when the deletion's actor is its
  // author (author_id, byte for byte), under whichever sources hold it (the
  // source the Delete came through or not: a listen source's copy of a
  // followed post, a post imported from a file); another actor's Delete is
  // refused and the post kept. One transaction.
  DeletionCounts ApplyDeletions(const std::vector<Deletion>& deletions);

  // The posts of `source_id` written by `author_id` on one of `platforms`.
  std::vector<StoredPostKey> PostsOfAuthor(int64_t source_id,
                                           const std::vector<std::string>& platforms,
                                           const std::string& author_id);
  // Removes these posts (scrm_posts ids, as PostsOfAuthor gives them),
  // deleted on their network, and their copies under other sources, in one
  // transaction (RemoveDeletedPostsOn); returns how many went.
  int64_t RemoveDeletedPosts(const std::vector<int64_t>& post_ids);

  int64_t CountPosts(int64_t source_id);  // source_id 0: all
  std::optional<Post> GetPost(int64_t source_id, const std::string& external_id);
  std::optional<Profile> GetProfile(const std::string& platform, const std::string& external_id);
  int64_t CountProfiles();

  // Rejects, newest first; source_id 0: every source; status "" : any.
  std::vector<StoredReject> ListRejects(int64_t source_id, const std::string& status, int limit);
  std::optional<StoredReject> GetReject(int64_t id);
  void ResolveReject(int64_t id);
  int64_t CountRejects(int64_t source_id, const std::string& status);

 private:
  Pool& pool_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_CONTENT_REPOSITORY_H_
