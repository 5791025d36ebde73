// Streaming reader for one large JSON document whose bulk is a top-level
// array of records (an ActivityStreams outbox's `orderedItems`, a JSON
// Feed's `items`): each element of that array is materialised alone, handed
// over with its raw bytes and position, then dropped, so memory stays that
// of one record whatever the file size. Everything else in the document is
// kept as a small DOM. Internal to sources/; used by the AS2 and feed parsers.
#ifndef SCRM_SOURCES_JSON_STREAM_H_
#define SCRM_SOURCES_JSON_STREAM_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace scrm::sources {

struct JsonItem {
  nlohmann::json value;
  std::string raw;      // the element's bytes as read (a dump for scalars)
  int64_t offset = 0;   // byte offset of its first byte
  int64_t line = 1;     // 1-based line of its first byte
  // 0-based among the elements handed over, in input order: it goes on
  // counting across streamed arrays (a document with both "orderedItems"
  // and "items", or a key written twice), so it numbers a parser's records
  // (Position::record) without repeats.
  int64_t index = 0;
};

struct JsonStreamCallbacks {
  // Called once when a streamed array opens, with the top-level members read
  // so far (members written after the array are not there yet) and its key.
  std::function<void(const nlohmann::json& top_so_far, const std::string& key)> on_items_begin;
  std::function<void(JsonItem item)> on_item;
};

struct JsonStreamResult {
  // The document without the streamed elements (their arrays are left
  // empty). For a document that is not an object, the whole value.
  nlohmann::json top;
  bool syntax_error = false;
  std::string error;         // nlohmann's message, with line and column
  int64_t error_offset = 0;  // byte offset where parsing stopped
  // When the error fell inside a streamed element: its partial bytes and
  // position (item_index < 0 otherwise).
  int64_t item_index = -1;
  int64_t item_line = 0;
  int64_t item_offset = 0;
  std::string item_raw;
  int64_t items = 0;  // elements handed over
};

// Reads `in` to its end. The elements of top-level members named in
// `item_keys` whose value is an array go to callbacks.on_item, in order.
// A syntax error stops the reading (JSON has no way to resynchronise): the
// result says where, and which element, if any, it cut short.
JsonStreamResult StreamJson(std::istream& in, const std::vector<std::string>& item_keys,
                            const JsonStreamCallbacks& callbacks);

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_JSON_STREAM_H_
