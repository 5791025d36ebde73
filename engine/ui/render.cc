#include "ui/render.h"

#include <Poco/URI.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <mutex>
#include <regex>
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

// How deep partials may include partials: deeper is a loop.
constexpr int kMaxPartialDepth = 8;
// Parsed copies of a page kept between renders (more are parsed under a
// burst, and dropped after it).
constexpr size_t kMaxIdleParsed = 32;

bool Blank(const std::string& text, size_t from, size_t to) {
  for (size_t i = from; i < to; ++i) {
    if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r') return false;
  }
  return true;
}

// text with each {{> name}} replaced by that partial (its own partials
// written in too). A tag alone on its line replaces the whole line, as
// Mustache's standalone rule drops it. InvalidArgument naming the file for
// a partial that does not exist or partials that include each other.
Result<std::string> WithPartials(const std::string& file, const std::string& text,
                                 const std::map<std::string, std::string>& partials,
                                 int depth = 0) {
  static const std::regex kTag(R"(\{\{>\s*([A-Za-z0-9_.-]+)\s*\}\})");
  if (depth > kMaxPartialDepth) {
    return Status::InvalidArgument(file + ": partials include each other in a loop",
                                   "ui.templates_dir");
  }
  std::string out;
  size_t done = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), kTag), end; it != end; ++it) {
    const std::string name = (*it)[1];
    auto partial = partials.find(name);
    if (partial == partials.end()) {
      return Status::InvalidArgument(
          file + ": {{> " + name + "}} names partials/" + name +
              ".mustache, which does not exist (add it, or fix the name)",
          "ui.templates_dir");
    }
    Result<std::string> body = WithPartials(file, partial->second, partials, depth + 1);
    if (!body.ok()) return body.status();
    size_t from = static_cast<size_t>(it->position());
    size_t to = from + static_cast<size_t>(it->length());
    const size_t line_start = text.rfind('\n', from == 0 ? 0 : from - 1);
    const size_t line_from = (from == 0 || line_start == std::string::npos) ? 0 : line_start + 1;
    const size_t line_end = std::min(text.find('\n', to), text.size());
    if (line_from >= done && Blank(text, line_from, from) && Blank(text, to, line_end)) {
      from = line_from;
      to = line_end < text.size() ? line_end + 1 : line_end;
    }
    out.append(text, done, from - done);
    out += *body;
    done = to;
  }
  out.append(text, done, std::string::npos);
  return out;
}

}  // namespace

// A page with its partials written in, and parsed copies of it idle between
// renders: a render writes the parsed template's error state, so one copy
// serves one render at a time.
struct Templates::Page {
  std::string text;
  std::mutex mu;
  std::vector<std::unique_ptr<mstch::mustache>> idle;

  std::unique_ptr<mstch::mustache> Take() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!idle.empty()) {
        std::unique_ptr<mstch::mustache> t = std::move(idle.back());
        idle.pop_back();
        return t;
      }
    }
    return std::make_unique<mstch::mustache>(text);
  }
  void Give(std::unique_ptr<mstch::mustache> t) {
    std::lock_guard<std::mutex> lock(mu);
    if (idle.size() < kMaxIdleParsed) idle.push_back(std::move(t));
  }
};

struct Templates::Catalogue {
  mstch::data data{mstch::data::type::object};  // {"t": the messages, "lang": "fr"}
};

Templates::Templates() = default;
Templates::~Templates() = default;

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
  std::map<std::string, std::string> pages, partials;
  for (const auto& [target, sub] : std::vector<std::pair<std::map<std::string, std::string>*, fs::path>>{
           {&pages, root}, {&partials, root / "partials"}}) {
    for (const auto& [name, path] : FilesOf(sub, ".mustache")) {
      std::string text;
      if (!ReadFile(path, &text)) {
        return Status::InvalidArgument("cannot read " + path.string(), "ui.templates_dir");
      }
      if (Status s = CheckTemplate(path.string(), text); !s.ok()) return s;
      (*target)[name] = std::move(text);
    }
  }
  for (const auto& [name, text] : pages) {
    const std::string file = (root / (name + ".mustache")).string();
    Result<std::string> whole = WithPartials(file, text, partials);
    if (!whole.ok()) return whole.status();
    if (Status s = CheckTemplate(file + " (with its partials)", *whole); !s.ok()) return s;
    auto page = std::make_unique<Page>();
    page->text = std::move(*whole);
    t->pages_[name] = std::move(page);
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
  for (const auto& [lang, catalogue] : t->messages_) {
    Flatten(catalogue, "", &t->flat_[lang]);
    auto c = std::make_unique<Catalogue>();
    c->data.set("t", DataOf(catalogue));
    c->data.set("lang", lang);
    t->data_[lang] = std::move(c);
  }
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
  for (const char* own : {"t", "lang"}) {
    // The context's key would hide the messages or the language: a page bug.
    if (context.is_object() && context.contains(own)) {
      throw std::runtime_error(name + ": context key '" + own + "' is the name the page's " +
                               (own[0] == 't' ? "messages" : "language") + " are given");
    }
  }
  const mstch::data data = DataOf(context);
  mstch::context<std::string> stack(&data_.at(Language(lang))->data);
  stack.push(&data);  // looked up first
  std::unique_ptr<mstch::mustache> tmpl = page->second->Take();
  std::string html = tmpl->render(stack);
  if (!tmpl->is_valid()) {
    throw std::runtime_error(name + ".mustache: " + tmpl->error_message());
  }
  page->second->Give(std::move(tmpl));
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
