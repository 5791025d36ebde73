// CustomerRepository: the engine's copy of CRM records (scrm_customers, with
// their e-mails and account memberships). Writes are by batch, in one
// transaction each, and touch only the records whose fingerprint changed, so
// re-syncing unchanged data costs one read. Thread-safe (each call leases its
// own connection). Database failures throw store::DbError.
#ifndef SCRM_STORE_CUSTOMER_REPOSITORY_H_
#define SCRM_STORE_CUSTOMER_REPOSITORY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/customer.h"
#include "store/pool.h"

namespace scrm::store {

struct UpsertCounts {
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;

  UpsertCounts& operator+=(const UpsertCounts& o) {
    inserted += o.inserted;
    updated += o.updated;
    unchanged += o.unchanged;
    return *this;
  }
};

class CustomerRepository {
 public:
  explicit CustomerRepository(Pool& pool) : pool_(pool) {}

  // Inserts new customers and rewrites changed ones; all of one module.
  // dense: the customers are every record of an id span, sorted by id (a
  // full sync's page), so stored fingerprints are read by one range scan
  // instead of an IN list.
  UpsertCounts Upsert(CrmModule module, const std::vector<Customer>& customers,
                      bool dense = false);
  // Removes these records (and their e-mails and memberships); returns how
  // many the engine held.
  int64_t Remove(CrmModule module, const std::vector<std::string>& crm_ids);
  // Every crm_id held for a module, sorted.
  std::vector<std::string> AllIds(CrmModule module);
  std::optional<Customer> Get(CrmModule module, const std::string& crm_id);
  // The name of a record the engine holds ("" when it has none), in one
  // statement; nullopt when it does not hold it.
  std::optional<std::string> NameOf(CrmModule module, const std::string& crm_id);
  // The names of these records, by crm_id as the database holds it (ids are
  // compared as MariaDB does, case-insensitively); ids the engine does not
  // hold, and records without a name, are left out. For labels.
  std::map<std::string, std::string> NamesOf(CrmModule module, const std::vector<std::string>& crm_ids);
  int64_t Count(CrmModule module);

 private:
  Pool& pool_;
};

}  // namespace scrm::store

#endif  // SCRM_STORE_CUSTOMER_REPOSITORY_H_
