#include "service/match_settings.h"

#include <cstdlib>

#include "store/settings_repository.h"

namespace scrm::service {

using identity::MatchOptions;

namespace {

constexpr char kSetting[] = "matching";

}  // namespace

Result<double> ParseThreshold(const std::string& text, const std::string& field) {
  char* end = nullptr;
  const double d = std::strtod(text.c_str(), &end);
  if (text.empty() || end == text.c_str() || *end != '\0' || !(d >= 0 && d <= 1)) {
    return Status::InvalidArgument(field + " must be a number between 0 and 1, not '" + text + "'", field);
  }
  return d;
}

Status ValidateThresholds(const MatchOptions& m) {
  const struct {
    const char* field;
    double value;
  } all[] = {{"auto", m.auto_threshold}, {"suggest", m.suggest_threshold}, {"margin", m.margin}};
  for (const auto& t : all) {
    if (!(t.value >= 0 && t.value <= 1)) {
      return Status::InvalidArgument(std::string(t.field) + " must be between 0 and 1", t.field);
    }
  }
  if (m.suggest_threshold > m.auto_threshold) {
    return Status::InvalidArgument("suggest must not be above auto (a proposal scored between them that may "
                                   "not be linked without review would get no review either)",
                                   "suggest");
  }
  return Status::Ok();
}

MatchSettings LoadMatchSettings(store::Pool& pool, const MatchOptions& defaults) {
  MatchSettings s;
  s.options = defaults;
  std::optional<store::StoredSetting> stored = store::SettingsRepository(pool).Get(kSetting);
  if (!stored) return s;
  MatchOptions m = defaults;
  auto read = [&](const char* key, double* out) {
    auto it = stored->value.find(key);
    if (it != stored->value.end() && it->is_number()) *out = it->get<double>();
  };
  read("auto", &m.auto_threshold);
  read("suggest", &m.suggest_threshold);
  read("margin", &m.margin);
  if (!ValidateThresholds(m).ok()) return s;  // stored before a stricter rule: the configuration's
  s.options = m;
  s.stored = true;
  s.updated_by = stored->updated_by;
  s.updated_at = stored->updated_at;
  return s;
}

Status SaveMatchSettings(store::Pool& pool, const MatchOptions& m, const store::AuditBy& by) {
  if (Status v = ValidateThresholds(m); !v.ok()) return v;
  store::SettingsRepository(pool).Put(
      kSetting, {{"auto", m.auto_threshold}, {"suggest", m.suggest_threshold}, {"margin", m.margin}}, by);
  return Status::Ok();
}

bool ResetMatchSettings(store::Pool& pool, const store::AuditBy& by) {
  return store::SettingsRepository(pool).Remove(kSetting, by);
}

nlohmann::json MatchSettingsJson(const MatchSettings& s) {
  auto or_null = [&](const std::string& v) { return s.stored ? nlohmann::json(v) : nlohmann::json(nullptr); };
  return {{"auto", s.options.auto_threshold},       {"suggest", s.options.suggest_threshold},
          {"margin", s.options.margin},             {"origin", s.stored ? "stored" : "configuration"},
          {"updated_by", or_null(s.updated_by)},    {"updated_at", or_null(s.updated_at)}};
}

}  // namespace scrm::service
