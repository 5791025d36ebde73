// Readers of JSON object members shared by the ActivityStreams parser and
// the ActivityPub client: a missing member and a null one read the same.
#ifndef SCRM_SOURCES_JSON_MEMBERS_H_
#define SCRM_SOURCES_JSON_MEMBERS_H_

#include <string>

#include <nlohmann/json.hpp>

namespace scrm::sources {

// The member `key` of `o`, or nullptr when `o` is not an object, lacks it or holds null.
inline const nlohmann::json* Member(const nlohmann::json& o, const char* key) {
  if (!o.is_object()) return nullptr;
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return nullptr;
  return &*it;
}

// The member `key` when it is a string, else "".
inline std::string StringMember(const nlohmann::json& o, const char* key) {
  const nlohmann::json* v = Member(o, key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

}  // namespace scrm::sources

#endif  // SCRM_SOURCES_JSON_MEMBERS_H_
