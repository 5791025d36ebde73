// Entity extraction from the text of social posts: @mentions and @user/list
// references, #hashtags, $cashtags and URLs exactly as twitter-text 3.1
// extracts them (its conformance suite, extract.yml, is the specification),
// plus e-mail addresses and fediverse handles (@user@host) for the CRM.
// Pure functions of UTF-8 text, no I/O, safe to call from any thread.
//
// Offsets are Unicode code points ([start, end), the convention of
// twitter-text's Ruby port), not UTF-16 units as in its Java/JS ports: an
// emoji outside the BMP counts 1 here and 2 there. Each entity also carries
// the same span in bytes of the UTF-8 input. A byte that is not valid UTF-8
// counts as one code point (read as U+FFFD); entity text is always copied
// from the input bytes, never re-encoded.
#ifndef SCRM_SOURCES_ENTITIES_H_
#define SCRM_SOURCES_ENTITIES_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scrm::sources {

enum class EntityKind { kMention, kHashtag, kUrl, kCashtag, kEmail, kFediverseHandle };

// "mention", "hashtag", "url", "cashtag", "email", "fediverse_handle".
std::string_view EntityKindName(EntityKind kind);

struct Entity {
  EntityKind kind = EntityKind::kMention;
  // The value as twitter-text reports it, without its sigil:
  //   kMention          "jack" for @jack and for @jack/friends (see list_slug)
  //   kHashtag          "café" for #café or ＃café
  //   kCashtag          "AAPL" for $AAPL
  //   kUrl              the URL as written ("example.com/a", "https://t.co/x")
  //   kEmail            the address as written ("jean.dupont@exemple.fr")
  //   kFediverseHandle  "user@mastodon.social" for @user@mastodon.social
  std::string text;
  // The span in the input, sigil included ("@jack/friends", "#café").
  size_t start = 0;  // code points
  size_t end = 0;
  size_t byte_start = 0;  // bytes of the UTF-8 input
  size_t byte_end = 0;
  // "/friends" (with its slash, as twitter-text) for @jack/friends; else "".
  std::string list_slug;

  bool operator==(const Entity& other) const;
  bool operator!=(const Entity& other) const { return !(*this == other); }
};

// Every entity of every kind, sorted by start, without overlaps: where two
// overlap the one that starts first wins (twitter-text's rule); at the same
// start a URL wins, then a fediverse handle, a mention, a hashtag, a cashtag,
// an e-mail. So @user@host is one kFediverseHandle (twitter-text alone finds
// neither a mention nor a URL there) and an address inside a URL is not an
// e-mail.
std::vector<Entity> ExtractEntities(std::string_view utf8_text);

// --- The twitter-text API, one function per extract.yml section ----------

// Screen names of @mentions, in order, lists excluded ("@jack/list" is not
// a mention of jack). Names are 1-20 of [A-Za-z0-9_]; "@user@host",
// "user@host", "@name://" and names followed by an accented Latin letter
// are not mentions.
std::vector<std::string> ExtractMentionedScreenNames(std::string_view utf8_text);
std::vector<Entity> ExtractMentionedScreenNamesWithIndices(std::string_view utf8_text);
// Mentions and list references (list_slug "/name": a letter, then at most
// 24 of [A-Za-z0-9_-]).
std::vector<Entity> ExtractMentionsOrListsWithIndices(std::string_view utf8_text);
// The screen name a post replies to: an @mention preceded only by white
// space. nullopt when the post is not a reply.
std::optional<std::string> ExtractReplyScreenName(std::string_view utf8_text);

// Hashtags of any script: letters, marks, decimal digits, '_' and a few
// joiners (ZWJ/ZWNJ, middle dot, Hebrew geresh, ...), at least one letter,
// after a character that could not continue a hashtag. Hashtags inside
// URLs are dropped.
std::vector<std::string> ExtractHashtags(std::string_view utf8_text);
std::vector<Entity> ExtractHashtagsWithIndices(std::string_view utf8_text);

// $ followed by 1-6 ASCII letters and an optional ".xy"/"_xy" suffix, at the
// start or after white space, ending at white space or punctuation.
std::vector<std::string> ExtractCashtags(std::string_view utf8_text);
std::vector<Entity> ExtractCashtagsWithIndices(std::string_view utf8_text);

// URLs with http:// or https://, and without protocol when their host is
// ASCII (IDN TLDs allowed: "twitter.みんな"). The host must end with a TLD of
// the list compiled in at build time (twitter-text's tld_lib.yml) or be
// punycode; labels are checked as IDNA would (at most 63 characters once
// encoded); trailing punctuation is left out, parentheses are kept only when
// balanced; t.co links stop at their slug (at most 40 characters); a URL is
// at most 4096 UTF-16 units with its protocol.
std::vector<std::string> ExtractUrls(std::string_view utf8_text);
std::vector<Entity> ExtractUrlsWithIndices(std::string_view utf8_text);

// --- Beyond twitter-text ----------------------------------------------------

// E-mail addresses: a local part of letters, digits (any script) and
// ". _ % + -" (no leading, trailing or doubled dot, at most 64), '@', and a
// host whose last label is a known TLD. Not when the local part follows '@'
// (that is a fediverse handle) and not inside a URL.
std::vector<Entity> ExtractEmailsWithIndices(std::string_view utf8_text);
// Fediverse handles "@user@host" (user: [A-Za-z0-9_] with inner '.' or '-';
// host as for e-mail), preceded by what may precede a mention. Not inside
// a URL.
std::vector<Entity> ExtractFediverseHandlesWithIndices(std::string_view utf8_text);

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_ENTITIES_H_
