#include "sources/format_detect.h"

#include <cctype>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace scrm::sources {
namespace {

using nlohmann::json;

// Records the top-level members of a (possibly truncated) JSON object.
class TopKeys : public nlohmann::json_sax<json> {
 public:
  std::vector<std::string> keys;
  std::string version, type, context;
  bool top_is_object = false;

  bool null() override { return Value(""); }
  bool boolean(bool) override { return Value(""); }
  bool number_integer(number_integer_t v) override { return Value(std::to_string(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Value(std::to_string(v)); }
  bool number_float(number_float_t, const string_t&) override { return Value(""); }
  bool string(string_t& v) override { return Value(v); }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    if (depth_ == 0) top_is_object = true;
    ++depth_;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ == 1) {
      keys.push_back(k);
      current_ = k;
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }
  bool Has(std::string_view k) const {
    for (const auto& x : keys) {
      if (x == k) return true;
    }
    return false;
  }

 private:
  bool Value(const std::string& v) {
    // Top-level strings, and the strings of a top-level @context array.
    if (depth_ == 1 || (depth_ == 2 && current_ == "@context")) {
      if (current_ == "version") version = v;
      if (current_ == "type" && depth_ == 1) type = v;
      if (current_ == "@context") context += v + " ";
    }
    return true;
  }
  int depth_ = 0;
  std::string current_;
};

std::string Preview(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) {
    unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7F ? c : '.');
  }
  return out;
}

bool IsCollectionType(const std::string& t) {
  return t == "OrderedCollection" || t == "OrderedCollectionPage" || t == "Collection" ||
         t == "CollectionPage";
}

Result<std::string> DetectJson(const std::string& text, std::string_view file) {
  // JSON Lines: a complete object on the first line and more lines after it.
  size_t nl = text.find('\n');
  if (nl != std::string::npos) {
    std::string first = text.substr(0, nl);
    std::string rest = Trim(text.substr(nl + 1));
    if (json::accept(first) && !rest.empty() && rest[0] == '{') {
      json obj = json::parse(first);
      if (obj.is_object()) {
        if (obj.contains("scrm") || obj.contains("scrm_version")) return std::string("jsonl");
        // scrm's own records are typed in lower case; ActivityStreams types are capitalised.
        if (obj.contains("type") && (obj["type"] == "post" || obj["type"] == "profile")) {
          return std::string("jsonl");
        }
        std::string ctx = obj.contains("@context") ? obj["@context"].dump() : "";
        if (ctx.find("www.w3.org/ns/activitystreams") != std::string::npos ||
            (obj.contains("type") && obj["type"].is_string())) {
          return std::string("as2-jsonl");
        }
        return Status::InvalidArgument(std::string(file) +
                                       ": JSON Lines, but neither scrm's (no \"scrm\" key) nor "
                                       "ActivityStreams (no \"type\") on line 1");
      }
    }
  }
  TopKeys top;
  json::sax_parse(text, &top, json::input_format_t::json, /*strict=*/false);
  if (!top.top_is_object) {
    return Status::InvalidArgument(std::string(file) + ": JSON that does not start with an object");
  }
  if (top.version.find("jsonfeed.org/version") != std::string::npos ||
      ((top.version == "1" || top.version == "1.0" || top.version == "1.1") &&
       (top.Has("items") || top.Has("home_page_url") || top.Has("feed_url")))) {
    return std::string("jsonfeed");  // bare "1.1" as some producers (and gofeed's tests) write it
  }
  if (top.Has("scrm") || top.Has("scrm_version") || top.type == "post" || top.type == "profile") {
    return std::string("jsonl");
  }
  if (IsCollectionType(top.type) || top.Has("orderedItems")) return std::string("as2-outbox");
  if (top.context.find("www.w3.org/ns/activitystreams") != std::string::npos ||
      !top.type.empty()) {
    return std::string("as2");
  }
  return Status::InvalidArgument(std::string(file) +
                                 ": a JSON object of no known format (no ActivityStreams "
                                 "@context or type, no JSON Feed version, no scrm marker)");
}

Result<std::string> DetectXml(const std::string& text, std::string_view file) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size() || text[i] != '<') break;
    if (text.compare(i, 4, "<!--") == 0) {
      size_t end = text.find("-->", i + 4);
      if (end == std::string::npos) break;
      i = end + 3;
      continue;
    }
    if (text.compare(i, 2, "<?") == 0 || text.compare(i, 2, "<!") == 0) {
      // Declarations, PIs and a DOCTYPE (with an internal subset).
      size_t end = text.find('>', i);
      if (text.compare(i, 9, "<!DOCTYPE") == 0) {
        size_t bracket = text.find('[', i);
        if (bracket != std::string::npos && bracket < end) {
          end = text.find("]", bracket);
          if (end != std::string::npos) end = text.find('>', end);
        }
      }
      if (end == std::string::npos) break;
      i = end + 1;
      continue;
    }
    size_t s = i + 1;
    size_t e = s;
    while (e < text.size() && !std::isspace(static_cast<unsigned char>(text[e])) &&
           text[e] != '>' && text[e] != '/') {
      ++e;
    }
    std::string name = text.substr(s, e - s);
    std::string local = name.substr(name.find(':') == std::string::npos ? 0 : name.find(':') + 1);
    std::string lower = ToLowerAscii(local);
    if (lower == "rss" || local == "RDF") return std::string("rss");
    if (lower == "feed") return std::string("atom");
    if (lower == "html") {
      return Status::InvalidArgument(std::string(file) +
                                     ": an HTML page, not a feed (look for its <link "
                                     "rel=\"alternate\" type=\"application/rss+xml\">)");
    }
    return Status::InvalidArgument(std::string(file) + ": XML with root element <" + name +
                                   ">, not RSS (<rss>, <rdf:RDF>) or Atom (<feed>)");
  }
  return Status::InvalidArgument(std::string(file) + ": starts like XML but no root element "
                                                     "was found in its first bytes");
}

}  // namespace

Result<std::string> DetectFormat(std::string_view head_in, std::string_view file) {
  std::string_view head = head_in.substr(0, std::min(head_in.size(), kDetectBytes));
  std::string text;
  if (head.size() >= 2 && ((head[0] == '\xFF' && head[1] == '\xFE') ||
                           (head[0] == '\xFE' && head[1] == '\xFF'))) {
    // UTF-16: enough to look at ASCII markup.
    bool le = head[0] == '\xFF';
    for (size_t i = 2; i + 1 < head.size(); i += 2) {
      unsigned char lo = static_cast<unsigned char>(le ? head[i] : head[i + 1]);
      unsigned char hi = static_cast<unsigned char>(le ? head[i + 1] : head[i]);
      text.push_back(hi == 0 && lo < 0x80 ? static_cast<char>(lo) : '?');
    }
  } else {
    text.assign(head);
    if (StartsWith(text, "\xEF\xBB\xBF")) text.erase(0, 3);
  }
  size_t lead = 0;
  while (lead < text.size() && std::isspace(static_cast<unsigned char>(text[lead]))) ++lead;
  text.erase(0, lead);
  if (text.empty()) {
    return Status::InvalidArgument(std::string(file) + ": empty input, nothing to detect");
  }
  if (StartsWith(text, "window.YTD.")) return std::string("twitter-archive");
  if (text[0] == '<') return DetectXml(text, file);
  if (text[0] == '{') return DetectJson(text, file);
  if (text[0] == '[') {
    return Status::InvalidArgument(std::string(file) +
                                   ": a JSON array at the top; ActivityStreams wants a collection "
                                   "object or JSON Lines, a Twitter archive file starts with "
                                   "window.YTD.");
  }
  if (StartsWith(text, "Notes:") || StartsWith(text, "First Name,Last Name,") ||
      StartsWith(text, "\"First Name\",\"Last Name\",")) {
    return std::string("linkedin-connections");
  }
  if (StartsWith(text, "CONVERSATION ID,") || StartsWith(text, "\"CONVERSATION ID\",")) {
    return std::string("linkedin-messages");
  }
  return Status::InvalidArgument(std::string(file) + ": unknown format; it starts with '" +
                                 Preview(text) +
                                 "' (expected JSON, XML, window.YTD. or a LinkedIn CSV header)");
}

}  // namespace scrm::sources
