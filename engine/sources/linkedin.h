// LinkedIn's "Get a copy of your data" export: Connections.csv (with or
// without its "Notes:" preamble, with or without the URL column of older
// exports) to Profiles, and messages.csv to Posts of kind "message". Which
// file it is comes from its header line; files are streamed a row at a time
// through an RFC 4180 reader. Pure: a stream in, records to a RecordSink;
// safe to call from several threads on different inputs.
//
// Mapping (what the tests hold the parser to):
//  - Connections: platform "linkedin", external_id = url = the profile URL
//    normalised (NormalizeLinkedInProfileUrl), handle = its /in/ name,
//    display_name "First Last", company, position, emails (when the export
//    has one), updated = Connected On. Without a URL the normalised e-mail
//    ("mailto:...") identifies the connection; with neither, a Reject.
//  - messages: platform "linkedin", kind "message", external_id
//    "<CONVERSATION ID>/<16 hex digits>" (a hash of date, sender and content:
//    LinkedIn gives messages no id, re-reading an export gives the same ids),
//    in_reply_to = CONVERSATION ID (every message of a conversation names
//    the same thread), url = the conversation's messaging page, author_id =
//    SENDER PROFILE URL normalised, author_name = FROM, title = SUBJECT or
//    else CONVERSATION TITLE, text = CONTENT (HTML, which older exports
//    hold, turned into clean text), published = DATE ("2024-06-15 10:30:00
//    UTC"), hashtags/mentions/links from the text. Drafts are skipped.
//  - A row whose fields do not match the header, that is malformed CSV, or
//    whose required value is empty or unreadable is a Reject naming the line
//    and the column. A header without a required column is a non-OK Status.
#ifndef SCRM_SOURCES_LINKEDIN_H_
#define SCRM_SOURCES_LINKEDIN_H_

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include "core/post.h"
#include "core/status.h"
#include "sources/parse.h"

namespace scrm::sources {

// Connections.csv or messages.csv (recognised by their header). A non-OK
// Status when the input is empty, has no recognisable header in its first
// lines, or its header lacks a required column (Connections: First Name,
// Last Name; messages: CONVERSATION ID, FROM, DATE, CONTENT).
Status ParseLinkedInFile(std::istream& in, const ParseOptions& options, RecordSink& sink,
                         ParseStats* stats);

// "http://fr.linkedin.com/in/Jean-Dupont-12345/?trk=x" ->
// "https://www.linkedin.com/in/jean-dupont-12345": https, host
// www.linkedin.com for every linkedin.com host, no query, fragment or
// trailing slash, the /in/ name lower-cased (except LinkedIn's case-sensitive
// member ids, "ACoAA..."), percent-escapes of unreserved characters decoded
// and the others upper-cased. Other URLs: scheme and host lower-cased, the
// rest as written. Empty when `url` is empty.
std::string NormalizeLinkedInProfileUrl(std::string_view url);

// "22 Dec 2025" (Connected On), "2024-06-15 10:30:00 UTC" (messages DATE),
// and RFC 3339; nullopt otherwise.
std::optional<int64_t> ParseLinkedInDate(std::string_view s);

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_LINKEDIN_H_
