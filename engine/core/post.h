// Post, Profile and Reject: what every source parser produces, whatever the
// format (ActivityStreams, RSS/Atom/JSON Feed, Twitter and LinkedIn exports,
// scrm's own JSON Lines). A post is identified by (source, external_id);
// a profile by (platform, external_id). Times are UTC seconds since the epoch.
#ifndef SCRM_CORE_POST_H_
#define SCRM_CORE_POST_H_

#include <cstdint>
#include <string>
#include <vector>

namespace scrm {

struct Profile {
  std::string platform;     // "mastodon", "twitter", "linkedin", "web"...
  std::string external_id;  // stable id on that platform (actor URL, user id, profile URL)
  std::string handle;       // "@anne@mastodon.social", "jack"; empty when none
  std::string display_name;
  std::string url;  // the profile's page
  std::string bio;  // clean text
  std::vector<std::string> websites;
  std::vector<std::string> emails;  // e-mail addresses the profile shows or the export holds
  std::string company;
  std::string position;
  std::string location;
  std::string avatar_url;
  int64_t updated = 0;
  std::string raw;  // the record as read, for reversibility

  // A stable hash of every field (raw included): a changed fingerprint means
  // the stored copy must be rewritten. Hex, 16 characters.
  std::string Fingerprint() const;
};

struct Post {
  std::string external_id;  // unique within its source
  std::string platform;     // as Profile::platform
  std::string kind = "post";  // post, reply, share, article, question, comment, message
  std::string url;            // the original, for "open on the platform"
  std::string author_id;      // Profile::external_id of the author
  std::string author_name;
  std::string author_handle;
  std::string title;     // articles, feed items
  std::string text;      // clean text (HTML removed, entities decoded)
  std::string language;  // "fr", "en"..., empty when unknown
  int64_t published = 0;
  int64_t updated = 0;
  std::string in_reply_to;  // external_id (or URL) of the parent
  std::string shared_id;    // share/boost/retweet: the original's external_id or URL
  std::vector<std::string> hashtags;  // without '#', as written
  std::vector<std::string> mentions;  // handles as written, without the leading '@'
  std::vector<std::string> links;     // URLs in the post and its attachments
  int64_t likes = 0;
  int64_t shares = 0;
  int64_t replies = 0;
  std::string raw;  // the record as read, for reversibility

  std::string Fingerprint() const;  // as Profile::Fingerprint()
};

// Where a record sits in its input: enough for a person to find it.
struct Position {
  std::string file;      // file name or "-" for stdin or the source URL
  int64_t line = 0;      // 1-based; 0 when the format has no lines
  int64_t offset = 0;    // byte offset of the record's start
  int64_t record = 0;    // 0-based index of the record in the input
};

// A record that could not be turned into a Post or Profile: kept, never lost.
struct Reject {
  Position position;
  std::string reason;  // names the field and what is wrong, and how to fix it when known
  std::string raw;     // the record's bytes (truncated only past 1 MiB)
};

// A post's deletion as its network announced it (an ActivityStreams
// Delete): `actor_id` says who deleted, and only the post's own author may
// (the pipeline removes the stored post of that id when its author_id is
// actor_id, and counts any other as refused).
struct Deletion {
  std::string object_id;  // Post::external_id of the post deleted
  std::string actor_id;   // Profile::external_id of who deleted it
  std::string raw;        // the record as read
};

// Where a parser sends what it reads, in input order.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void OnPost(Post post, const Position& where) = 0;
  virtual void OnProfile(Profile profile, const Position& where) = 0;
  virtual void OnDelete(Deletion deletion, const Position& where) = 0;
  virtual void OnReject(Reject reject) = 0;
};

}  // namespace scrm

#endif  // SCRM_CORE_POST_H_
