// The admin page's access and data parts: API keys (listed; made with
// service::CreateApiKey and shown once, on the answer to the POST; revoked
// after a confirmation page), the roles the engine knows and which of them
// see each visibility of the sources (after http::ViewerOf, the rule every
// search applies), and a full export (its manifest, made by the use case
// that answers GET /api/v1/admin/export/manifest.json, service/transfer.h,
// with links to each file under /ui/api/v1/admin/export/). Import stays a
// command (`scrm import` into an empty instance): the page says so.
#include <set>
#include <string>
#include <vector>

#include "core/reasons.h"
#include "http/audit.h"
#include "http/auth.h"
#include "http/errors.h"
#include "service/api_keys.h"
#include "service/transfer.h"
#include "store/source_repository.h"
#include "ui/page_server.h"

namespace scrm::ui {

namespace {

constexpr const char* kPlainRoles[] = {"admin", "marketing", "sales", "support", "viewer"};

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// Whether a caller with these rights sees posts of this visibility (the
// contract of index::Viewer: public posts are everyone's).
bool Sees(const index::Viewer& v, const std::string& visibility, const std::string& community) {
  if (v.everything || visibility == "public") return true;
  if (visibility == "internal") return v.internal;
  for (const std::string& c : v.communities) {
    if (c == community) return true;
  }
  return false;
}

// The key form's checkboxes, the ones in `checked` ticked.
nlohmann::json RoleBoxes(const std::vector<std::string>& checked) {
  nlohmann::json out = nlohmann::json::array();
  for (const char* role : kPlainRoles) {
    bool on = false;
    for (const std::string& c : checked) on = on || c == role;
    out.push_back({{"value", role}, {"checked", on}});
  }
  return out;
}

}  // namespace

void PageServer::AddAccess(const http::Request& request, nlohmann::json& c) const {
  const std::string& lang = request.principal.lang;
  auto t = [&](const std::string& key) { return templates_->Message(lang, key); };

  // Roles, and who sees each visibility of the sources.
  nlohmann::json roles = nlohmann::json::array();
  for (const char* role : kPlainRoles) {
    roles.push_back({{"role", role}, {"sees", t(std::string("admin.role_") + role)}});
  }
  roles.push_back({{"role", "community:NAME"}, {"sees", t("admin.role_community")}});
  c["roles"] = roles;

  if (pool_ == nullptr || !c.value("ready", false)) return;
  std::set<std::pair<std::string, std::string>> visibilities = {{"public", ""}, {"internal", ""}};
  std::set<std::string> communities;
  for (const Source& s : store::SourceRepository(*pool_).List()) {
    visibilities.insert({s.visibility, s.community});
    if (!s.community.empty()) communities.insert(s.community);
  }
  std::vector<std::string> candidates(std::begin(kPlainRoles), std::end(kPlainRoles));
  for (const std::string& name : communities) candidates.push_back("community:" + name);
  nlohmann::json who = nlohmann::json::array();
  for (const auto& [visibility, community] : visibilities) {
    std::vector<std::string> seen_by;
    for (const std::string& role : candidates) {
      http::Principal p;
      p.roles = {role};
      if (Sees(http::ViewerOf(p), visibility, community)) seen_by.push_back(role);
    }
    who.push_back({{"visibility", community.empty() ? t("admin.visibility_" + visibility)
                                                    : t("admin.visibility_community") + ": " +
                                                          community},
                   {"roles", Joined(seen_by)}});
  }
  c["visibility_roles"] = who;
  c["has_visibility_roles"] = true;

  // API keys, newest state from the store.
  nlohmann::json keys = nlohmann::json::array();
  for (const store::ApiKey& k : service::ListApiKeys(*pool_)) {
    keys.push_back({{"name", k.name},
                    {"prefix", k.prefix},
                    {"roles", Joined(k.roles)},
                    {"created_by", k.created_by},
                    {"created_at", FormatDate(k.created_at)},
                    {"last_used_at", Optional(FormatDate(k.last_used_at))},
                    {"revoked_at", Optional(FormatDate(k.revoked_at))},
                    {"active", k.revoked_at == 0}});
  }
  c["api_keys"] = keys;
  c["no_api_keys"] = keys.empty();
  c["key_form"] = {{"roles", RoleBoxes({})}};
}

http::Response PageServer::AdminApiKeyCreate(const http::Request& request) {
  if (pool_ == nullptr) return NoDatabase(request);
  const std::multimap<std::string, std::string> form = FormFields(request);
  auto first = [&](const std::string& name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  const std::string name = first("name");
  std::vector<std::string> roles;
  for (auto [it, end] = form.equal_range("roles"); it != end; ++it) roles.push_back(it->second);
  const std::string community = first("community");
  if (!community.empty()) roles.push_back("community:" + community);

  Result<service::NewApiKey> made =
      service::CreateApiKey(*pool_, name, roles, http::AuditByOf(request));
  nlohmann::json c = Base(request, "admin.key_title");
  int status = 200;
  if (made.ok()) {
    c["key"] = made->key;
    c["key_name"] = made->record.name;
    c["key_roles"] = Joined(made->record.roles);
  } else {
    status = http::HttpStatusFor(made.status().code());
    const std::string field =
        made.status().code() == Status::Code::kConflict ? "name" : made.status().field();
    c["error"] = {{"message", templates_->Explain(request.principal.lang, made.status())},
                  {"label", Optional(field.empty() ? ""
                                                   : templates_->Message(request.principal.lang,
                                                                         "admin.key_" + field))}};
    c["invalid"] = {{field.empty() ? "none" : field, true}};
    c["key_form"] = {{"name", name}, {"community", community}, {"roles", RoleBoxes(roles)}};
  }
  http::Response r = Html("admin_key", c, request, status);
  r.SetHeader("Cache-Control", "no-store");  // the key must not outlive this page
  return r;
}

http::Response PageServer::AdminApiKeyRevoke(const http::Request& request) {
  if (pool_ == nullptr) return NoDatabase(request);
  const std::string name = request.Param("name");
  const std::string& lang = request.principal.lang;
  if (request.method == "GET") {
    bool active = false;
    for (const store::ApiKey& k : service::ListApiKeys(*pool_)) {
      active = active || (k.name == name && k.revoked_at == 0);
    }
    if (!active) {
      return ErrorPage(request, Status::NotFound("no active API key named '" + name + "'")
                                    .WithReason(reason::kKeyUnknown, {{"name", name}}));
    }
    return Confirm(request, "admin.key_revoke",
                   templates_->Message(lang, "admin.key_revoke_question") + " " + name,
                   "/ui/admin/api-keys/" + name + "/revoke", "admin.key_revoke");
  }
  if (Status s = service::RevokeApiKey(*pool_, name, http::AuditByOf(request)); !s.ok()) {
    return Failed(request, "api-keys", s);
  }
  return Done(request, "api-keys", templates_->Message(lang, "admin.done_key_revoked") + " " + name);
}

http::Response PageServer::AdminExport(const http::Request& request) {
  if (pool_ == nullptr) return NoDatabase(request);
  // The manifest the API serves: a full read of the data, every file's rows and SHA-256.
  transfer::ExportOptions options;
  options.by = http::AuditByOf(request);
  Result<nlohmann::json> built = service::ExportManifest(*pool_, options);
  if (!built.ok()) {
    return ErrorPage(request, http::HttpStatusFor(built.status().code()), built.status().message());
  }
  const nlohmann::json& manifest = *built;
  nlohmann::json c = Base(request, "admin.export_title");
  nlohmann::json files = nlohmann::json::array();
  for (const nlohmann::json& f : manifest.value("files", nlohmann::json::array())) {
    const std::string file = f.value("file", "");
    files.push_back({{"file", file},
                     {"href", "/ui/api/v1/admin/export/" + file},
                     {"kind", f.value("kind", "")},
                     {"rows", f.value("rows", int64_t{0})},
                     {"bytes", f.value("bytes", int64_t{0})},
                     {"sha256", f.value("sha256", "")}});
  }
  c["files"] = files;
  c["created_at"] = manifest.value("created_at", "");
  c["schema_version"] = manifest.contains("schema_version") ? manifest["schema_version"].dump() : "";
  c["manifest_href"] = "/ui/api/v1/admin/export/manifest.json";
  return Html("admin_export", c, request);
}

}  // namespace scrm::ui
