#include "core/post.h"

#include "core/hash.h"

namespace scrm {

namespace {
void AddAll(Fnv64& f, const std::vector<std::string>& v) {
  f.Add(std::to_string(v.size()));
  for (const std::string& s : v) f.Add(s);
}
}  // namespace

std::string Profile::Fingerprint() const {
  Fnv64 f;
  for (const std::string* s : {&platform, &external_id, &handle, &display_name, &url, &bio,
                               &company, &position, &location, &avatar_url, &raw}) {
    f.Add(*s);
  }
  AddAll(f, websites);
  AddAll(f, emails);
  f.Add(std::to_string(updated));
  return f.Hex();
}

std::string Post::Fingerprint() const {
  Fnv64 f;
  for (const std::string* s : {&external_id, &platform, &kind, &url, &author_id, &author_name,
                               &author_handle, &title, &text, &language, &in_reply_to,
                               &shared_id, &raw}) {
    f.Add(*s);
  }
  AddAll(f, hashtags);
  AddAll(f, mentions);
  AddAll(f, links);
  for (int64_t n : {published, updated, likes, shares, replies}) f.Add(std::to_string(n));
  return f.Hex();
}

}  // namespace scrm
