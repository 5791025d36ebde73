// Saved searches (scrm_saved_searches): a user's named search and when the
// user last looked at its results. Only the owner reads or changes one: every
// call takes the user id, and another user's id finds nothing. Database
// failures throw store::DbError.
#ifndef SCRM_STORE_SAVED_SEARCH_REPOSITORY_H_
#define SCRM_STORE_SAVED_SEARCH_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/pool.h"

namespace scrm::store {

struct SavedSearch {
  int64_t id = 0;
  std::string user_id;
  std::string name;
  std::string params;        // query string of /api/v1/search
  int64_t last_seen_at = 0;  // epoch seconds
  int64_t created_at = 0;
};

class SavedSearchRepository {
 public:
  explicit SavedSearchRepository(Pool& pool) : pool_(pool) {}

  // Conflict when the user already has a search of that name.
  Result<SavedSearch> Add(const std::string& user_id, const std::string& name,
                          const std::string& params);
  std::vector<SavedSearch> List(const std::string& user_id);
  std::optional<SavedSearch> Get(const std::string& user_id, int64_t id);
  bool MarkSeen(const std::string& user_id, int64_t id, int64_t when);  // false: not found
  bool Remove(const std::string& user_id, int64_t id);                  // false: not found

 private:
  Pool& pool_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_SAVED_SEARCH_REPOSITORY_H_
