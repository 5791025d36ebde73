#include "service/activitypub_actor.h"

#include <ctime>
#include <nlohmann/json.hpp>

#include "core/text.h"

namespace scrm::service {

std::function<std::vector<std::pair<std::string, std::string>>(const std::string&,
                                                               const std::string&)>
ActivityPubActor::Signer() const {
  return [key = key, key_id = key_id](const std::string& host, const std::string& target) {
    return secrets::SignedGetHeaders(*key, key_id, host, target,
                                     static_cast<int64_t>(std::time(nullptr)));
  };
}

bool IsActivityPubBaseUrl(std::string_view base_url) {
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  const bool scheme = StartsWith(base_url, "https://") || StartsWith(base_url, "http://");
  return scheme && base_url.find_first_of("?# ") == std::string_view::npos &&
         base_url.find("://") + 3 < base_url.size();
}

Result<ActivityPubActor> LoadActivityPubActor(const std::string& base_url,
                                              const std::string& key_file, bool* created) {
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (!IsActivityPubBaseUrl(base)) {
    return Status::InvalidArgument("activitypub.base_url '" + base_url +
                                       "' is not an absolute http(s) URL such as "
                                       "https://crm.example.com/scrm (the engine's public address)",
                                   "activitypub.base_url");
  }
  Result<secrets::ActorKey> key = secrets::ActorKey::ReadOrCreate(key_file, created);
  if (!key.ok()) return key.status();
  ActivityPubActor actor;
  actor.actor_id = base + "/ap/actor";
  actor.key_id = actor.actor_id + "#main-key";
  actor.key = std::make_shared<const secrets::ActorKey>(std::move(*key));
  nlohmann::json doc = {
      {"@context", {"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"}},
      {"id", actor.actor_id},
      {"type", "Application"},
      {"preferredUsername", "scrm"},
      {"name", "scrm"},
      {"summary", "The social CRM engine that reads public posts of the people its users follow."},
      {"inbox", base + "/ap/inbox"},
      {"outbox", base + "/ap/outbox"},
      {"manuallyApprovesFollowers", true},
      {"publicKey",
       {{"id", actor.key_id},
        {"owner", actor.actor_id},
        {"publicKeyPem", actor.key->public_pem()}}}};
  actor.document = doc.dump();
  return actor;
}

sources::ActivityPubOptions ActivityPubClientOptions(const ActivityPubActor* actor) {
  sources::ActivityPubOptions options;
  if (actor != nullptr) options.sign = actor->Signer();
  return options;
}

}  // namespace scrm::service
