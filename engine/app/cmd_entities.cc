// scrm entities: text lines on stdin, one JSON object of entities per line
// on stdout. Offsets are Unicode code points, [start, end).
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "sources/entities.h"

namespace scrm::app {

int CmdEntities(Context&, int argc, char** argv) {
  Result<Args> args = ParseArgs("entities", argc, argv, 2, {}, {"help"});
  if (!args.ok()) return Fail("entities", args.status());
  if (args->Has("help")) {
    std::cout << "usage: scrm entities < TEXT\n\n"
                 "For each line of standard input, prints one JSON object:\n"
                 "{\"mentions\":[...],\"hashtags\":[...],\"urls\":[...],\"cashtags\":[...],\n"
                 "\"emails\":[...],\"fediverse_handles\":[...]}, each entity as\n"
                 "{\"text\",\"start\",\"end\"} (mentions of a list also \"list_slug\").\n"
                 "Offsets count Unicode code points, end excluded. Extraction follows the\n"
                 "twitter-text conformance suite; @user@host is one fediverse handle.\n";
    return kExitOk;
  }
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    nlohmann::json out = {{"mentions", nlohmann::json::array()},
                          {"hashtags", nlohmann::json::array()},
                          {"urls", nlohmann::json::array()},
                          {"cashtags", nlohmann::json::array()},
                          {"emails", nlohmann::json::array()},
                          {"fediverse_handles", nlohmann::json::array()}};
    for (const sources::Entity& e : sources::ExtractEntities(line)) {
      nlohmann::json j = {{"text", e.text}, {"start", e.start}, {"end", e.end}};
      const char* key = "urls";
      switch (e.kind) {
        case sources::EntityKind::kMention:
          key = "mentions";
          if (!e.list_slug.empty()) j["list_slug"] = e.list_slug;
          break;
        case sources::EntityKind::kHashtag: key = "hashtags"; break;
        case sources::EntityKind::kUrl: key = "urls"; break;
        case sources::EntityKind::kCashtag: key = "cashtags"; break;
        case sources::EntityKind::kEmail: key = "emails"; break;
        case sources::EntityKind::kFediverseHandle: key = "fediverse_handles"; break;
      }
      out[key].push_back(std::move(j));
    }
    // Invalid UTF-8 in the input is replaced, never a crash.
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  return kExitOk;
}

}  // namespace scrm::app
