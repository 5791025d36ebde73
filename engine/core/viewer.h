// Viewer: what a caller may see, decided by its roles (http::ViewerOf). A
// source's visibility (public, internal, or a named community) is given to
// everything read from it: its posts (the index filters every query by it)
// and the profiles last read from it (links, their evidence, the profile
// finder of the Social panel). One rule for both, here.
#ifndef SCRM_CORE_VIEWER_H_
#define SCRM_CORE_VIEWER_H_

#include <string>
#include <vector>

namespace scrm {

struct Viewer {
  bool everything = false;               // admins and the CLI
  bool internal = false;                 // staff: public + internal
  std::vector<std::string> communities;  // communities the caller belongs to
  // Public things are visible to every viewer.

  // Whether what comes from a source of this visibility ("public",
  // "internal", "community" with its name) may be shown. Anything else (no
  // source, a removed one) is for viewers who see everything.
  bool Sees(const std::string& visibility, const std::string& community) const;
};

// The roles a token or an API key may carry: admin, marketing, sales,
// support, viewer, community:NAME (http::ViewerOf turns them into a Viewer).
bool IsKnownRole(const std::string& role);

}  // namespace scrm

#endif  // SCRM_CORE_VIEWER_H_
