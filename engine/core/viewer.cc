#include "core/viewer.h"

#include <algorithm>

namespace scrm {

bool Viewer::Sees(const std::string& visibility, const std::string& community) const {
  if (everything || visibility == "public") return true;
  if (visibility == "internal") return internal;
  if (visibility == "community") {
    return !community.empty() &&
           std::find(communities.begin(), communities.end(), community) != communities.end();
  }
  return false;
}

bool IsKnownRole(const std::string& role) {
  if (role == "admin" || role == "marketing" || role == "sales" || role == "support" ||
      role == "viewer") {
    return true;
  }
  return role.rfind("community:", 0) == 0 && role.size() > 10;
}

}  // namespace scrm
