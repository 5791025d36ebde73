// Twitter/X account archives ("Download an archive of your data"): the
// `window.YTD.<type>.partN = [...]` files of its data/ folder (tweets,
// account, profile, follower, following) and plain JSON arrays of API v1.1
// tweets. Tweets become Posts, the account and profile the owner's Profile,
// followers and followings bare Profiles; each file is streamed one record at
// a time. Pure: the caller opens the files, nothing here touches a disk or a
// network; safe to call from several threads on different inputs.
#ifndef SCRM_SOURCES_TWITTER_ARCHIVE_H_
#define SCRM_SOURCES_TWITTER_ARCHIVE_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/post.h"
#include "core/status.h"
#include "sources/parse.h"

namespace scrm::sources {

// The archive's owner, learnt from account.js, profile.js or manifest.js
// and carried from file to file: tweets.js does not say who wrote it.
struct TwitterArchiveOwner {
  std::string account_id;    // "12497"
  std::string username;      // "simonw" (no '@')
  std::string display_name;  // "Simon Willison"
  std::string email;
  int64_t created = 0;
  // From profile.js.
  std::string bio;
  std::string website;  // expanded when profile.js gives a t.co link with its expansion
  std::string location;
  std::string avatar_url;
};

// "tweets" for "window.YTD.tweets.part0 = [", "follower", "account"...;
// "manifest" for "window.__THAR_CONFIG = {"; "api-tweets" for a bare JSON
// array (API v1.1 tweets); nullopt otherwise. `head` is the input's first
// bytes (a UTF-8 byte-order mark and leading white space are allowed).
std::optional<std::string> TwitterArchiveDataType(std::string_view head);

// Reads one archive file, its kind told by its first bytes:
//   tweets / tweet (tweets.js, tweets-part1.js, older tweet.js)
//       one Post per tweet: platform "twitter", external_id id_str, kind
//       "reply" (in_reply_to = in_reply_to_status_id_str), "share" for a
//       retweet ("RT @x: ..." or retweeted_status; shared_id = the original
//       when known) or "post"; text = full_text with t.co links replaced by
//       their expanded_url and HTML entities decoded; hashtags, mentions and
//       links from `entities`/`extended_entities` (from the text when those
//       are absent); likes/shares from favorite_count/retweet_count; language
//       from lang except Twitter's private codes ("und", "qme", "zxx"...),
//       "in"/"iw" read as "id"/"he". Author and URL
//       (https://twitter.com/<username>/status/<id>) come from `owner`; with
//       no username the URL is https://twitter.com/i/web/status/<id>.
//   api-tweets  the same from API v1.1 tweets, author from each tweet's user.
//   account     the owner's Profile (handle, display name, e-mail).
//   profile     the owner's Profile (bio, website, location, avatar), when
//               the owner's account id is known (else a Reject saying so).
//   follower / following  one Profile per entry: external_id accountId, url
//               userLink (or the intent/user link), nothing else known.
//   manifest    emits nothing; fills `owner` from userInfo.
// Other data types (like, direct-messages, app...) are read and skipped,
// counted in stats->skipped. A non-OK Status when the input is not an
// archive file or its JSON breaks off (records before the break are kept,
// the broken one is rejected). `owner` may be null; when given, account.js,
// profile.js and manifest.js fill it in and tweets use it.
Status ParseTwitterArchiveFile(std::istream& in, const ParseOptions& options, RecordSink& sink,
                               ParseStats* stats, TwitterArchiveOwner* owner = nullptr);

// Opens a file of an archive's data/ folder by its name ("account.js",
// "tweets-part1.js"); nullptr when the archive has no such file.
using TwitterArchiveOpener = std::function<std::unique_ptr<std::istream>(const std::string& name)>;

// A whole archive: manifest.js, account.js and profile.js first (merged into
// one owner Profile, emitted once), then tweets.js (or tweet.js) and
// tweets-part1.js, tweets-part2.js..., then follower.js and following.js.
// Positions name the file each record came from (options.file + "/" +
// name). Stops at the first file whose Status is not OK and returns it.
Status ParseTwitterArchive(const TwitterArchiveOpener& open, const ParseOptions& options,
                           RecordSink& sink, ParseStats* stats);

// "Wed Oct 10 20:19:24 +0000 2018" (Twitter's created_at) to seconds since
// the epoch; nullopt when it is not that shape.
std::optional<int64_t> ParseTwitterDate(std::string_view s);

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_TWITTER_ARCHIVE_H_
