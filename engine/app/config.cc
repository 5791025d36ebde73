#include "app/config.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "core/text.h"
#include "secrets/key_file.h"

extern char** environ;

namespace scrm::app {

identity::MatchOptions MatchOptionsOf(const Config& config) {
  identity::MatchOptions m;
  m.auto_threshold = config.match_auto_threshold;
  m.suggest_threshold = config.match_suggest_threshold;
  m.margin = config.match_margin;
  return m;
}

index::IndexConfig IndexConfigOf(const Config& config) {
  index::IndexConfig c;
  c.dir = config.index_dir;
  c.shards = config.index_shards;
  c.remotes = config.index_remote_shards;
  c.facet_sample = config.index_facet_sample;
  return c;
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

namespace {

struct Setting {
  std::string value;
  std::string origin;  // "scrm.properties:12", "SCRM_DB_URL", "default"
};

Status ReadProperties(const std::string& path, std::istream& in,
                      std::map<std::string, Setting>& out) {
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == '!') continue;
    size_t eq = t.find_first_of("=:");
    if (eq == std::string::npos) {
      return Status::InvalidArgument(path + ":" + std::to_string(n) +
                                     ": expected 'key = value', got '" + t + "'");
    }
    out[Trim(t.substr(0, eq))] = {Trim(t.substr(eq + 1)), path + ":" + std::to_string(n)};
  }
  return Status::Ok();
}

void Flatten(const nlohmann::json& j, const std::string& prefix, const std::string& path,
             std::map<std::string, Setting>& out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it->is_object()) {
      Flatten(*it, key, path, out);
    } else if (it->is_string()) {
      out[key] = {it->get<std::string>(), path + ": " + key};
    } else {
      out[key] = {it->dump(), path + ": " + key};
    }
  }
}

Status ReadJson(const std::string& path, std::istream& in, std::map<std::string, Setting>& out) {
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidArgument(path + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) return Status::InvalidArgument(path + ": expected a JSON object");
  Flatten(j, "", path, out);
  return Status::Ok();
}

// Edits (insert, delete, replace) from a to b: for "did you mean".
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The declared key a misspelt one was probably meant to be, "" when none is close.
std::string NearestKey(const std::string& key) {
  std::string best;
  size_t best_distance = 3;  // at most two edits away
  for (const Option& o : Options()) {
    const size_t d = EditDistance(key, o.key);
    if (d < best_distance) {
      best = o.key;
      best_distance = d;
    }
  }
  return best;
}

bool FileExists(const std::string& p) { return std::ifstream(p).good(); }

}  // namespace

Config DefaultConfig() {
  Config config;
  for (const Option& o : Options()) {
    if (!o.value) continue;
    // A default its own check refuses is a bug of options.cc, found by
    // tests/app/config_test.cc ("every default passes its own check").
    if (Status s = o.apply(*o.value, "default", config); !s.ok())
      throw std::logic_error(s.message());
  }
  return config;
}

Result<Config> LoadConfig(const std::string& path, const std::map<std::string, std::string>& env) {
  std::map<std::string, Setting> settings;
  Config config = DefaultConfig();

  std::string file = path;
  if (file.empty()) {
    if (FileExists("scrm.properties")) file = "scrm.properties";
    else if (FileExists("scrm.json")) file = "scrm.json";
  }
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) {
      return Status::InvalidArgument("cannot read configuration file " + file +
                                     " (check --config)", "--config");
    }
    Status s = (file.size() > 5 && file.substr(file.size() - 5) == ".json")
                   ? ReadJson(file, in, settings)
                   : ReadProperties(file, in, settings);
    if (!s.ok()) return s;
    config.config_file = file;
  }
  for (const auto& [key, setting] : settings) {
    bool known = false;
    for (const Option& o : Options()) known = known || key == o.key;
    if (!known) {
      const std::string nearest = NearestKey(key);
      return Status::InvalidArgument(
          setting.origin + ": unknown key '" + key + "'" +
              (nearest.empty() ? "" : ": did you mean " + nearest + "?") +
              " (scrm config lists every key; docs/configuration.md)",
          key);
    }
  }
  for (const Option& o : Options()) {
    if (o.env.empty()) continue;
    auto it = env.find(o.env);
    if (it != env.end() && !it->second.empty()) settings[o.key] = {it->second, o.env};
  }

  // Each key as declared: its default, then what the file or environment says.
  for (const Option& o : Options()) {
    auto it = settings.find(o.key);
    if (it == settings.end()) continue;
    if (Status s = o.apply(it->second.value, it->second.origin, config); !s.ok()) return s;
  }
  config.db_replica.size = config.db.size;
  config.db_replica.connect_timeout_seconds = config.db.connect_timeout_seconds;
  if (config.match_suggest_threshold > config.match_auto_threshold) {
    return Status::InvalidArgument("match.suggest_threshold must not be above match.auto_threshold",
                                   "match.suggest_threshold");
  }
  if (config.index_shards == 0 && config.index_remote_shards.empty()) {
    return Status::InvalidArgument(
        "index.shards = 0 needs index.remote_shards: the index must live somewhere", "index.shards");
  }
  // Beside the index directory unless set.
  const std::filesystem::path beside =
      std::filesystem::path(secrets::DefaultKeyFilePath(config.index_dir)).parent_path();
  if (config.secrets_key_file.empty()) {
    config.secrets_key_file = secrets::DefaultKeyFilePath(config.index_dir);
  }
  if (config.activitypub_key_file.empty()) {
    config.activitypub_key_file = (beside / "activitypub.key").string();
  }
  if (config.transfer_staging_dir.empty()) {
    config.transfer_staging_dir = (beside / "import-staging").string();
  }
  return config;
}

}  // namespace scrm::app
