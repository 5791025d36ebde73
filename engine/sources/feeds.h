// RSS (0.9x, 1.0/RDF, 2.0), Atom (0.3, 1.0) and JSON Feed (1.0, 1.1) to
// Posts, one per item, plus one Profile for the feed itself. XML feeds are
// read with a streaming SAX parser (Poco::XML over expat) and JSON Feeds with
// a streaming JSON reader, so memory is that of one item. Pure: a stream in,
// records to a RecordSink, no network.
//
// Mapping (what the tests hold the parsers to):
//  - Post.platform "rss" (RSS 1.0/RDF included), "atom" or "jsonfeed";
//    kind "article", or "comment" when the item answers another
//    (thr:in-reply-to; in_reply_to = its ref).
//  - external_id: RSS guid, Atom id, JSON Feed id; else the item's link;
//    else "feed:" + FNV-64 of title, date and text, so a re-read gives the
//    same id. A duplicate id is emitted twice (the pipeline de-duplicates).
//  - title and text are clean text: RSS fields and Atom type="html" go
//    through HtmlToText (escaped markup, CDATA and markup written straight
//    into the element alike); Atom type="text" is kept as text; type="xhtml"
//    is serialised back and cleaned. text = content:encoded / atom:content /
//    content_html|content_text when present, else description / summary.
//  - url: RSS link (else a permalink guid), Atom rel="alternate" link;
//    relative URLs are resolved against xml:base, else the feed's own link,
//    else ParseOptions::base_url.
//  - dates: RSS pubDate / dc:date (RFC 822 with the usual sloppiness, or
//    W3C-DTF), Atom published/updated (issued/modified in 0.3). An item with
//    a date that does not parse is rejected, naming the element. When only
//    one of published/updated is given it stands for both.
//  - authors: Atom author name/uri/email (an entry without one inherits the
//    feed's, RFC 4287 4.2.1), RSS author ("email (Name)") or dc:creator.
//    author_name is the name; author_id the author's uri, else
//    "mailto:" + email, else the feed Profile's external_id.
//  - categories (RSS category, dc:subject, Atom category term, JSON Feed
//    tags) go to hashtags as written (trimmed, de-duplicated, case kept: the
//    index folds case, and a blog's categories are its hashtags).
//  - links: the item link(s), enclosures, media:content, the comment feed
//    (wfw:commentRss), then the links inside the content. slash:comments
//    and thr:total give replies.
//  - The feed Profile (platform as above, external_id = the feed's link,
//    else its Atom id, self link, ParseOptions::base_url, file name; title,
//    link, description, image, managingEditor or author email) comes after
//    the items, once the whole feed has been read.
//  - JSON Feed: text from content_html (cleaned), else content_text, else
//    summary; tags -> hashtags; attachments, external_url, image -> links.
//  - Post.raw is the item as read, serialised back from the parse events
//    (the same XML, modulo quoting and white space inside tags).
//  - Encodings: a byte-order mark wins, then ParseOptions::charset (from an
//    HTTP header), then the XML declaration, else UTF-8. UTF-8, UTF-16 (with
//    BOM or declared), US-ASCII, ISO-8859-1 (read as windows-1252, as
//    browsers do) and the single-byte encodings Poco knows (ISO-8859-2/15,
//    windows-1250/1251/1252) are read. Bytes that are not UTF-8 in a
//    UTF-8 feed are read as windows-1252 and noted in ParseStats::notes.
//    HTML entities that XML does not define (&nbsp;, &eacute;) and bare '&'
//    are repaired before the XML parser sees them, as feed readers do.
#ifndef SCRM_SOURCES_FEEDS_H_
#define SCRM_SOURCES_FEEDS_H_

#include <istream>

#include "core/post.h"
#include "core/status.h"
#include "sources/parse.h"

namespace scrm::sources {

// RSS or Atom, whichever the root element says. A non-OK Status when the
// input is not XML, its root is neither <rss>, <rdf:RDF> nor <feed>, its
// encoding is not one we read, or the XML breaks off (then the items before
// the break have been emitted and the one it cut short is rejected).
Status ParseXmlFeed(std::istream& in, const ParseOptions& options, RecordSink& sink,
                    ParseStats* stats = nullptr);

// JSON Feed 1.0/1.1. A non-OK Status when the input is not JSON or its
// `version` is not a jsonfeed.org URL.
Status ParseJsonFeed(std::istream& in, const ParseOptions& options, RecordSink& sink,
                     ParseStats* stats = nullptr);

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_FEEDS_H_
