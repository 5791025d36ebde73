#include "ui/render.h"

#include <Poco/URI.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <sstream>
#include <stdexcept>

#include "core/text.h"
#include "http/router.h"

namespace scrm::ui {

namespace fs = std::filesystem;
namespace mstch = kainjow::mustache;

namespace {

bool ReadFile(const fs::path& p, std::string* out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

// Files of dir with this extension, by stem; missing dir: none.
std::map<std::string, fs::path> FilesOf(const fs::path& dir, const std::string& ext) {
  std::map<std::string, fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ext) {
      out[it->path().stem().string()] = it->path();
    }
  }
  return out;
}

// Mustache data of a JSON value: numbers as their text, null as false.
mstch::data DataOf(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      mstch::data d(mstch::data::type::object);
      for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), DataOf(*it));
      return d;
    }
    case nlohmann::json::value_t::array: {
      mstch::data d(mstch::data::type::list);
      for (const auto& v : j) d.push_back(DataOf(v));
      return d;
    }
    case nlohmann::json::value_t::string:
      return mstch::data(j.get<std::string>());
    case nlohmann::json::value_t::boolean:
      return mstch::data(j.get<bool>());
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return mstch::data(false);
    default:
      return mstch::data(j.dump());
  }
}

// {"error": {"title": "x"}} -> {"error.title": "x"}.
void Flatten(const nlohmann::json& j, const std::string& prefix,
             std::map<std::string, std::string>* out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it->is_object()) {
      Flatten(*it, key, out);
    } else {
      (*out)[key] = it->is_string() ? it->get<std::string>() : it->dump();
    }
  }
}

Status CheckTemplate(const std::string& file, const std::string& text) {
  mstch::mustache t(text);
  if (!t.is_valid()) {
    return Status::InvalidArgument(file + ": " + t.error_message() +
                                   " (fix the template, or set ui.templates_dir)",
                                   "ui.templates_dir");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Templates>> Templates::Load(const std::string& dir) {
  auto t = std::make_unique<Templates>();
  t->dir_ = dir;
  const fs::path root(dir);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return Status::InvalidArgument(
        "ui.templates_dir: " + dir + " is not a directory (it holds the pages' templates: "
        "point ui.templates_dir at the project's ui-templates/)",
        "ui.templates_dir");
  }
  for (const auto& [target, sub] :
       std::vector<std::pair<std::map<std::string, std::string>*, fs::path>>{
           {&t->pages_, root}, {&t->partials_, root / "partials"}}) {
    for (const auto& [name, path] : FilesOf(sub, ".mustache")) {
      std::string text;
      if (!ReadFile(path, &text)) {
        return Status::InvalidArgument("cannot read " + path.string(), "ui.templates_dir");
      }
      if (Status s = CheckTemplate(path.string(), text); !s.ok()) return s;
      (*target)[name] = std::move(text);
    }
  }
  for (const auto& [name, path] : FilesOf(root / "i18n", ".json")) {
    std::string text;
    if (!ReadFile(path, &text)) {
      return Status::InvalidArgument("cannot read " + path.string(), "ui.templates_dir");
    }
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) {
      return Status::InvalidArgument(path.string() + ": not a JSON object of messages",
                                     "ui.templates_dir");
    }
    t->messages_[name] = std::move(j);
  }
  auto en = t->messages_.find("en");
  if (en == t->messages_.end()) {
    return Status::InvalidArgument(dir + "/i18n/en.json is missing: the English messages are "
                                         "required", "ui.templates_dir");
  }
  for (const auto& [lang, catalogue] : t->messages_) Flatten(catalogue, "", &t->flat_[lang]);
  const std::map<std::string, std::string>& english = t->flat_["en"];
  for (const auto& [lang, flat] : t->flat_) {
    for (const auto& [key, text] : english) {
      if (!flat.count(key)) {
        return Status::InvalidArgument(dir + "/i18n/" + lang + ".json lacks the message '" + key +
                                           "' that en.json has",
                                       "ui.templates_dir");
      }
    }
    for (const auto& [key, text] : flat) {
      if (!english.count(key)) {
        return Status::InvalidArgument(
            dir + "/i18n/" + lang + ".json has '" + key + "', which en.json lacks",
            "ui.templates_dir");
      }
    }
  }
  for (const auto& [ext, type] : std::vector<std::pair<std::string, std::string>>{
           {".css", "text/css; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
           {".svg", "image/svg+xml"}}) {
    for (const auto& [stem, path] : FilesOf(root / "static", ext)) {
      StaticFile f;
      f.content_type = type;
      if (!ReadFile(path, &f.body)) {
        return Status::InvalidArgument("cannot read " + path.string(), "ui.templates_dir");
      }
      t->static_[stem + ext] = std::move(f);
    }
  }
  return t;
}

std::string Templates::Language(const std::string& lang) const {
  std::string l = lang.substr(0, lang.find_first_of("-_"));
  for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return messages_.count(l) ? l : "en";
}

const nlohmann::json& Templates::Messages(const std::string& lang) const {
  return messages_.at(Language(lang));
}

std::string Templates::Message(const std::string& lang, const std::string& key) const {
  const std::map<std::string, std::string>& m = flat_.at(Language(lang));
  auto it = m.find(key);
  return it == m.end() ? "" : it->second;
}

std::string Templates::Explain(const std::string& lang, const Status& status) const {
  if (status.reason().empty()) return status.message();
  const std::string text = Message(lang, "reason." + status.reason());
  if (text.empty()) return status.message();
  return FillArgs(text, status.reason_args());
}

std::string Templates::Render(const std::string& name, const nlohmann::json& context,
                              const std::string& lang) const {
  auto page = pages_.find(name);
  if (page == pages_.end()) throw std::runtime_error("no template " + name + ".mustache in " + dir_);
  mstch::data data = DataOf(context);
  data.set("t", DataOf(Messages(lang)));
  data.set("lang", Language(lang));
  for (const auto& [pname, text] : partials_) {
    // A context key of the same name would hide the partial (or the
    // partial the value): a page bug, said at once.
    if (context.contains(pname)) {
      throw std::runtime_error(name + ": context key '" + pname + "' is also a partial's name");
    }
    const std::string* body = &text;
    data.set(pname, mstch::partial([body] { return *body; }));
  }
  mstch::mustache tmpl(page->second);
  std::string html = tmpl.render(data);
  if (!tmpl.is_valid()) {
    throw std::runtime_error(name + ".mustache: " + tmpl.error_message());
  }
  return html;
}

const StaticFile* Templates::Static(const std::string& name) const {
  auto it = static_.find(name);
  return it == static_.end() ? nullptr : &it->second;
}

void AddPageHeaders(http::Response& response, const std::string& crm_origin) {
  std::string ancestors = "'self'";
  if (!crm_origin.empty()) ancestors += " " + crm_origin;
  response.SetHeader("Content-Security-Policy",
                     "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                     "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                     "frame-ancestors " + ancestors);
  response.SetHeader("Referrer-Policy", "same-origin");
}

http::Response HtmlResponse(std::string html, int status, const std::string& crm_origin) {
  http::Response r = http::Response::Text(std::move(html), status, "text/html; charset=utf-8");
  AddPageHeaders(r, crm_origin);
  return r;
}

std::string SafeUrl(const std::string& url) { return HttpUrlOrEmpty(url); }

std::multimap<std::string, std::string> FormFields(const http::Request& request) {
  std::multimap<std::string, std::string> fields;
  if (http::LowerAscii(request.Header("content-type")).find("application/x-www-form-urlencoded") ==
          std::string::npos ||
      !http::ParseQuery(request.body, &fields)) {
    fields.clear();
  }
  return fields;
}

nlohmann::json Optional(const std::string& value) {
  return value.empty() ? nlohmann::json(nullptr) : nlohmann::json(value);
}

std::string QueryString(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [k, v] : pairs) {
    std::string ek, ev;
    Poco::URI::encode(k, "&=+#%?/;", ek);
    Poco::URI::encode(v, "&=+#%?/;", ev);
    out += (out.empty() ? "" : "&") + ek + "=" + ev;
  }
  return out;
}

namespace {
std::string Utc(int64_t t, const char* format) {
  if (t == 0) return "";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}
}  // namespace

std::string FormatDate(int64_t t) { return Utc(t, "%Y-%m-%d %H:%M"); }

std::string IsoDate(int64_t t) { return Utc(t, "%Y-%m-%dT%H:%M:%SZ"); }

}  // namespace scrm::ui
