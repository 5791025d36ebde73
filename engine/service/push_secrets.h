// The sources' push secrets as the commands handle them: sealed with the
// key of secrets.key_file (passed in as key_file) before they are stored (scrm sources add/set),
// clear ones of older versions sealed by scrm migrate, and every one
// re-sealed under a new key by scrm secrets rotate, and every one checked,
// without a change, by scrm secrets check. The key file is created by the
// first of these that needs it, and the operator is told where.
#ifndef SCRM_SERVICE_PUSH_SECRETS_H_
#define SCRM_SERVICE_PUSH_SECRETS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "secrets/key_file.h"
#include "store/pool.h"

namespace scrm::service {

// The key of `path`, created when missing (a note on stderr says where and
// to back it up apart from the database).
Result<secrets::Key> KeyForSealing(const std::string& path);

// The stored form of `clear` for source `source_name`: "" stays "" (the
// source takes no pushes); anything else is sealed. InvalidArgument when the
// secret is longer than 255 bytes.
Result<std::string> SealPushSecret(const std::string& key_file, const std::string& source_name,
                                   const std::string& clear);

// Seals, in place and in one transaction, every stored push secret without
// the enc: prefix. Idempotent; needs (and creates) the key only when there is
// one to seal. How many were sealed.
Result<int64_t> SealClearPushSecrets(store::Pool& pool, const std::string& key_file);

struct RotateReport {
  int64_t resealed = 0;
  bool created = false;  // the new key file was made by this rotation
};

// Re-seals every push secret under the key of `new_key_file` (created when
// missing, else read and checked) in one transaction: sealed ones are
// opened with key_file first, clear ones just sealed. The
// first secret that does not open rolls everything back. The configuration
// is not changed: the operator points secrets.key_file at the new file.
Result<RotateReport> RotatePushSecrets(store::Pool& pool, const std::string& key_file,
                                       const std::string& new_key_file);

struct SecretProblem {
  std::string source;  // the source's name
  std::string error;   // what is wrong and how to fix it
};

struct CheckReport {
  std::string key_file;        // the key file checked (secrets.key_file)
  bool key_file_exists = false;
  std::string key_file_error;  // "" when usable, or absent and not needed
  int64_t sealed = 0;          // sealed push secrets in the database
  int64_t opened = 0;          // of them, those that open with the key file
  std::vector<std::string> clear;          // sources whose secret is still in clear
  std::vector<SecretProblem> unreadable;   // sealed secrets that do not open
  bool ok() const { return key_file_error.empty() && clear.empty() && unreadable.empty(); }
};

// Checks, changing nothing, that the key file is usable (ReadKeyFile's
// checks: a regular file, not a symbolic link, 32 bytes, no group or other
// permission) and that every sealed push secret opens with it; clear ones
// of older versions are listed (scrm migrate seals them). A key file that
// does not exist is fine as long as no secret is sealed (it is made on
// demand). Database failures throw store::DbError.
CheckReport CheckPushSecrets(store::Pool& pool, const std::string& key_file);

}  // namespace scrm::service

#endif  // SCRM_SERVICE_PUSH_SECRETS_H_
