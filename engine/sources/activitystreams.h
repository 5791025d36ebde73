// ActivityStreams 2.0 / ActivityPub to Posts and Profiles: a Mastodon
// account export (outbox.json, actor.json, likes.json), any collection or
// collection page, a single object or activity, and JSON Lines of AS2
// objects. Collections are streamed: one element of `orderedItems`/`items`
// is in memory at a time, so an outbox of any size reads in constant memory.
// Pure: a stream in, records to a RecordSink, no I/O of its own.
//
// Mapping (each choice here is what the tests hold the parser to):
//  - Create/Update of Note, Article, Page, Question, Image, Video, Audio, and
//    those objects bare, give a Post whose external_id is the object's id
//    (so a share's shared_id finds it). kind: "article" for Article/Page,
//    "question" for Question, else "reply" with inReplyTo, else "post".
//  - Announce gives kind "share", external_id = the activity's id,
//    shared_id = the object's id (or the string it is), author = actor.
//  - Person, Service, Application, Group, Organization give a Profile:
//    handle "@preferredUsername@host-of-id", summary -> bio (clean text),
//    PropertyValue attachments -> websites (their links, HTML stripped) and
//    emails, icon -> avatar_url. An actor embedded as a full object (an
//    activity's `actor`, an object's `attributedTo`) gives the same Profile,
//    emitted just before the post it wrote, again only when its JSON differs
//    from the last one emitted for that id in this input; an embedded actor
//    without an id or with a bad field is noted, and its post kept.
//  - Delete gives a Deletion: object_id = the id of `object` (a URI, a
//    Tombstone or the object itself), actor_id = `actor`; the pipeline
//    removes the stored post only when actor_id is its author. A Delete
//    without an object id or an actor is rejected, naming the field.
//  - Tombstone alone, Like, Follow, Undo, untyped objects and every
//    other type produce no
//    record: they are counted in ParseStats::skipped with a note. So are bare references
//    (a string where an object could be, as in likes.json or an Announce of
//    a URL we do not have).
//  - text = clean text of `content` (or of `contentMap`'s entry, see
//    language), with `summary` (a content warning on Mastodon) as its own
//    first paragraph when there is one; a Question's options follow as
//    "- option" lines. language = contentMap's key when it has one, else
//    the key whose text equals content, else the first key alphabetically.
//  - links: attachment URLs, then the content's links that are not mention
//    or hashtag links; hashtags: Hashtag tags without '#'; mentions: Mention
//    tags without the leading '@' ("user@host").
//  - author_id: attributedTo, else the activity's actor; author_handle is
//    derived from Mastodon-style actor URLs (https://host/users/name).
//  - An object without `id` gets "as2:" + a hash of its type, author, date
//    and content, so re-reading it gives the same id (noted in stats).
//  - Field errors reject the record, naming the field: a non-string id,
//    type, name, content; a nameMap/contentMap that is not an object or has
//    an invalid language tag (RFC 5646); a date that is not RFC 3339 (a
//    date-time without zone is read as UTC, as W3C-DTF allows); a
//    relative url; a number as actor or object.
//  - Two records with the same id are both emitted: de-duplication (and
//    "an edited post replaces the old one") is the ingest pipeline's job.
//  - platform: ParseOptions::platform, else "mastodon" when the record or
//    document shows Mastodon's marks (atomUri, toot: context, /users/x/
//    statuses/ ids), else "activitypub".
#ifndef SCRM_SOURCES_ACTIVITYSTREAMS_H_
#define SCRM_SOURCES_ACTIVITYSTREAMS_H_

#include <istream>

#include "core/post.h"
#include "core/status.h"
#include "sources/parse.h"

namespace scrm::sources {

// One JSON document: a collection (streamed, plus an embedded `first`
// page), an actor, an object or an activity. Returns a non-OK Status when
// the input is not JSON, not an object at the top, or has a @context other
// than ActivityStreams (no @context at all is accepted); a syntax error after some records stops the reading
// with a Status that says how far it got (the record it cut short is
// rejected with its partial bytes).
Status ParseActivityStreams(std::istream& in, const ParseOptions& options, RecordSink& sink,
                            ParseStats* stats = nullptr);

// JSON Lines: one AS2 object or activity per line; blank lines are ignored;
// a line that is not JSON is rejected. Returns a non-OK Status only when
// the first non-blank line is not a JSON object.
Status ParseActivityStreamsLines(std::istream& in, const ParseOptions& options, RecordSink& sink,
                                 ParseStats* stats = nullptr);

// A language tag well-formed per RFC 5646 ("en", "pt-BR", "zh-Hant-TW",
// "de-CH-1996", "x-private"); grandfathered tags are not recognised.
bool IsWellFormedLanguageTag(std::string_view tag);

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_ACTIVITYSTREAMS_H_
