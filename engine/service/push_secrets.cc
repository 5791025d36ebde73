#include "service/push_secrets.h"

#include <filesystem>
#include <iostream>
#include <optional>

#include "core/reasons.h"
#include "secrets/seal.h"
#include "store/source_repository.h"

namespace scrm::service {

namespace {

constexpr size_t kMaxSecretBytes = 255;

void SayCreated(const std::string& path) {
  std::cerr << "scrm: created key file " << path
            << " (32 random bytes, mode 0600) that seals the sources' push secrets; back it up "
               "apart from the database: without it they cannot be read (docs/security.md)\n";
}

bool SameFile(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (std::filesystem::equivalent(a, b, ec)) return true;
  return std::filesystem::weakly_canonical(a, ec) == std::filesystem::weakly_canonical(b, ec);
}

}  // namespace

Result<secrets::Key> KeyForSealing(const std::string& path) {
  bool created = false;
  Result<secrets::Key> key = secrets::ReadOrCreateKeyFile(path, &created);
  if (key.ok() && created) SayCreated(path);
  return key;
}

Result<std::string> SealPushSecret(const std::string& key_file, const std::string& source_name,
                                   const std::string& clear) {
  if (clear.empty()) return std::string();
  if (clear.size() > kMaxSecretBytes) {
    return Status::InvalidArgument("--secret is " + std::to_string(clear.size()) +
                                       " bytes; a push secret has at most " +
                                       std::to_string(kMaxSecretBytes),
                                   "--secret")
        .WithReason(reason::kSecretTooLong, {{"bytes", std::to_string(clear.size())},
                                             {"max", std::to_string(kMaxSecretBytes)}});
  }
  Result<secrets::Key> key = KeyForSealing(key_file);
  if (!key.ok()) return key.status();
  return secrets::Seal(*key, clear, secrets::PushSecretAssociatedData(source_name));
}

Result<int64_t> SealClearPushSecrets(store::Pool& pool, const std::string& key_file) {
  std::optional<secrets::Key> key;  // read (or made) at the first clear secret
  return store::SourceRepository(pool).RewritePushSecrets(
      [&](const std::string& name, const std::string& stored) -> Result<std::string> {
        if (secrets::IsSealed(stored)) return stored;
        if (!key) {
          Result<secrets::Key> k = KeyForSealing(key_file);
          if (!k.ok()) return k.status();
          key = *k;
        }
        return secrets::Seal(*key, stored, secrets::PushSecretAssociatedData(name));
      });
}

Result<RotateReport> RotatePushSecrets(store::Pool& pool, const std::string& key_file,
                                       const std::string& new_key_file) {
  if (SameFile(new_key_file, key_file)) {
    return Status::InvalidArgument("--new-key-file " + new_key_file + " is the key file in use "
                                   "(secrets.key_file): give a new path",
                                   "--new-key-file");
  }
  RotateReport report;
  Result<secrets::Key> fresh = secrets::ReadOrCreateKeyFile(new_key_file, &report.created);
  if (!fresh.ok()) return fresh.status();
  std::optional<secrets::Key> old;  // read at the first sealed secret
  Result<int64_t> n = store::SourceRepository(pool).RewritePushSecrets(
      [&](const std::string& name, const std::string& stored) -> Result<std::string> {
        const std::string associated = secrets::PushSecretAssociatedData(name);
        std::string clear = stored;
        if (secrets::IsSealed(stored)) {
          if (!old) {
            Result<secrets::Key> k = secrets::ReadKeyFile(key_file);
            if (!k.ok()) {
              return Status::FailedPrecondition("source '" + name + "' has a sealed secret, "
                                                "but " + k.status().message() +
                                                "; nothing was changed");
            }
            if (k->bytes() == fresh->bytes()) {
              return Status::InvalidArgument("--new-key-file " + new_key_file + " holds the same "
                                             "key as " + key_file + ": make a new one",
                                             "--new-key-file");
            }
            old = *k;
          }
          Result<std::string> opened = secrets::Open(*old, stored, associated);
          if (!opened.ok()) {
            return Status::FailedPrecondition("source '" + name + "': " +
                                              opened.status().message() + "; nothing was changed");
          }
          clear = *opened;
        }
        return secrets::Seal(*fresh, clear, associated);
      });
  if (!n.ok()) {
    if (!report.created) return n.status();
    const std::string message = n.status().message() + " (the new key file " + new_key_file +
                                " was made and is kept for the next try)";
    return n.status().code() == Status::Code::kInvalidArgument
               ? Status::InvalidArgument(message, n.status().field())
               : Status::FailedPrecondition(message);
  }
  if (report.created) SayCreated(new_key_file);
  report.resealed = *n;
  return report;
}

CheckReport CheckPushSecrets(store::Pool& pool, const std::string& key_file) {
  CheckReport report;
  report.key_file = key_file;
  Result<secrets::Key> key = secrets::ReadKeyFile(key_file);
  report.key_file_exists = key.ok() || key.status().code() != Status::Code::kNotFound;
  const bool key_missing = !report.key_file_exists;
  if (!key.ok() && !key_missing) report.key_file_error = key.status().message();
  for (const Source& source : store::SourceRepository(pool).List()) {
    const std::string& stored = source.push_secret;
    if (stored.empty()) continue;
    if (!secrets::IsSealed(stored)) {
      report.clear.push_back(source.name);
      continue;
    }
    ++report.sealed;
    if (!key.ok()) {
      if (key_missing && report.key_file_error.empty()) report.key_file_error = key.status().message();
      report.unreadable.push_back(
          {source.name, "the sealed push secret cannot be opened: " + key.status().message()});
      continue;
    }
    Result<std::string> opened =
        secrets::Open(*key, stored, secrets::PushSecretAssociatedData(source.name));
    if (opened.ok()) {
      ++report.opened;
    } else {
      report.unreadable.push_back(
          {source.name, opened.status().message() +
                            ": point secrets.key_file (SCRM_SECRETS_KEY_FILE) at the key it was "
                            "sealed with (restore it from its backup), or set the secret again "
                            "with `scrm sources set " + source.name + " --secret NEW`"});
    }
  }
  return report;
}

}  // namespace scrm::service
