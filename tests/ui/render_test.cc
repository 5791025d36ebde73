// Templates: the project's ui-templates/ load and render; a broken
// template or catalogue is refused at load with the file and the fault;
// links from posts are http(s) only; charts scale to the largest bucket.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "core/reasons.h"
#include "identity/evidence_text.h"
#include "ui/chart.h"
#include "ui/render.h"

using namespace scrm;
using namespace scrm::ui;
namespace fs = std::filesystem;

namespace {

const std::string kTemplates = std::string(SCRM_SOURCE_DIR) + "/ui-templates";

// A copy of ui-templates/ to break.
struct Copy {
  fs::path dir = fs::temp_directory_path() / ("scrm-ui-templates-" + std::to_string(::getpid()));
  Copy() {
    fs::remove_all(dir);
    fs::copy(kTemplates, dir, fs::copy_options::recursive);
  }
  ~Copy() { fs::remove_all(dir); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
  }
};

}  // namespace

TEST_CASE("the project's templates load, in English and French", "[ui][render]") {
  Result<std::unique_ptr<Templates>> t = Templates::Load(kTemplates);
  INFO(t.status().message());
  REQUIRE(t.ok());
  CHECK((*t)->Language("fr-FR") == "fr");
  CHECK((*t)->Language("de") == "en");
  CHECK((*t)->Message("fr", "record.confirm") == "Confirmer");
  CHECK((*t)->Message("en", "record.confirm") == "Confirm");
  CHECK((*t)->Static("scrm.css") != nullptr);
  CHECK((*t)->Static("scrm.js") != nullptr);
  nlohmann::json c = {{"title", "T"}, {"status", 404}, {"message", "<b>x</b>"}, {"signin", false},
                      {"csrf", ""}, {"is_admin", false}, {"user", {{"name", "Zoé \"Z\""}}}};
  const std::string html = (*t)->Render("error", c, "fr");
  CHECK(html.find("&lt;b&gt;x&lt;/b&gt;") != std::string::npos);
  CHECK(html.find("Zoé &quot;Z&quot;") != std::string::npos);
  CHECK(html.find("Cette page ne peut pas être affichée") != std::string::npos);
}

TEST_CASE("a broken template or catalogue is refused with the file and the fault",
          "[ui][render]") {
  CHECK(Templates::Load("/nonexistent/ui").status().field() == "ui.templates_dir");
  {
    Copy c;
    c.Write("record.mustache", "{{#open}} never closed");
    Result<std::unique_ptr<Templates>> t = Templates::Load(c.dir.string());
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().message().find("record.mustache") != std::string::npos);
  }
  {
    Copy c;
    c.Write("i18n/fr.json", R"({"app_name": "CRM social"})");
    Result<std::unique_ptr<Templates>> t = Templates::Load(c.dir.string());
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().message().find("fr.json lacks the message") != std::string::npos);
  }
  {
    Copy c;
    c.Write("i18n/fr.json", "{not json");
    CHECK_FALSE(Templates::Load(c.dir.string()).ok());
  }
}

TEST_CASE("a page naming a missing partial, or partials that include each other, is refused at load",
          "[ui][render]") {
  {
    Copy c;
    c.Write("error.mustache", "{{> head}}\n{{> nowhere}}\n{{> foot}}\n");
    Result<std::unique_ptr<Templates>> t = Templates::Load(c.dir.string());
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().message().find("error.mustache") != std::string::npos);
    CHECK(t.status().message().find("partials/nowhere.mustache, which does not exist") !=
          std::string::npos);
    CHECK(t.status().field() == "ui.templates_dir");
  }
  {
    Copy c;
    c.Write("partials/ping.mustache", "<p>{{> pong}}</p>");
    c.Write("partials/pong.mustache", "<q>{{> ping}}</q>");
    c.Write("error.mustache", "{{> ping}}");
    Result<std::unique_ptr<Templates>> t = Templates::Load(c.dir.string());
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().message().find("error.mustache: partials include each other in a loop") !=
          std::string::npos);
  }
}

TEST_CASE("partials render in place, with the page's context, a tag alone on its line taking the line",
          "[ui][render]") {
  Copy c;
  c.Write("partials/item.mustache", "<li>{{name}} {{t.record.confirm}}</li>\n");
  c.Write("list.mustache", "<ul>\n  {{> item}}\n{{#more}}{{> item}}{{/more}}</ul>\n");
  Result<std::unique_ptr<Templates>> t = Templates::Load(c.dir.string());
  INFO(t.status().message());
  REQUIRE(t.ok());
  CHECK((*t)->Render("list", {{"name", "<Ann>"}, {"more", false}}, "fr") ==
        "<ul>\n<li>&lt;Ann&gt; Confirmer</li>\n</ul>\n");
  CHECK((*t)->Render("list", {{"name", "Bo"}, {"more", true}}, "en") ==
        "<ul>\n<li>Bo Confirm</li>\n<li>Bo Confirm</li>\n</ul>\n");
}

TEST_CASE("a context key that would hide the messages or the language is a page bug, said at once",
          "[ui][render]") {
  Result<std::unique_ptr<Templates>> t = Templates::Load(kTemplates);
  REQUIRE(t.ok());
  nlohmann::json c = {{"title", "T"}, {"status", 404}, {"message", "m"}, {"signin", false},
                      {"csrf", ""}, {"is_admin", false}, {"user", {{"name", "Z"}}}};
  for (const char* key : {"t", "lang"}) {
    nlohmann::json bad = c;
    bad[key] = "x";
    CHECK_THROWS_WITH((*t)->Render("error", bad, "en"),
                      Catch::Contains(std::string("context key '") + key + "'"));
  }
  CHECK_NOTHROW((*t)->Render("error", c, "en"));
}

TEST_CASE("pages rendered from many threads at once are each the page of their own context",
          "[ui][render]") {
  Result<std::unique_ptr<Templates>> t = Templates::Load(kTemplates);
  REQUIRE(t.ok());
  auto context = [](int i) {
    return nlohmann::json{{"title", "T"}, {"status", 404}, {"message", "message-" + std::to_string(i)},
                          {"signin", false}, {"csrf", ""}, {"is_admin", false},
                          {"user", {{"name", "user-" + std::to_string(i)}}}};
  };
  const std::string lang[2] = {"en", "fr"};
  std::vector<std::string> expected;
  for (int i = 0; i < 8; ++i) expected.push_back((*t)->Render("error", context(i), lang[i % 2]));
  std::vector<int> wrong(8, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < 200; ++n) {
        if ((*t)->Render("error", context(i), lang[i % 2]) != expected[i]) ++wrong[i];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int i = 0; i < 8; ++i) {
    INFO("thread " << i);
    CHECK(wrong[i] == 0);
    CHECK(expected[i].find("message-" + std::to_string(i)) != std::string::npos);
  }
}

TEST_CASE("only http(s) links reach an href", "[ui][render]") {
  CHECK(SafeUrl("https://social.example/@anne/2") == "https://social.example/@anne/2");
  CHECK(SafeUrl("HTTP://x.example") == "HTTP://x.example");
  CHECK(SafeUrl("javascript:alert(1)").empty());
  CHECK(SafeUrl(" javascript:alert(1)").empty());
  CHECK(SafeUrl("data:text/html,<script>").empty());
  CHECK(SafeUrl("/relative").empty());
  CHECK(QueryString({{"q", "a b&c"}, {"platform", "x/y"}}) == "q=a%20b%26c&platform=x%2Fy");
}

TEST_CASE("charts scale bars to the largest bucket", "[ui][render]") {
  std::vector<index::HistogramBucket> b = {{1790812800, 2}, {1790899200, 0}, {1790985600, 8}};
  nlohmann::json c = ChartOf(b, "day", "Posts");
  REQUIRE(c["bars"].size() == 3);
  CHECK(c["max"] == 8);
  CHECK(c["bars"][2]["h"] == 120);
  CHECK(c["bars"][0]["h"] == 30);
  CHECK(c["bars"][1]["h"] == 0);
  CHECK(c["bars"][0]["label"] == "2026-10-01");
  CHECK(c["first"] == "2026-10-01");
  CHECK(c["has_bars"] == true);
  CHECK(ChartOf({}, "day", "x")["has_bars"] == false);
}

namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The {name}s of a message.
std::set<std::string> Placeholders(const std::string& text) {
  std::set<std::string> out;
  const std::regex brace("\\{([a-z_]+)\\}");
  for (std::sregex_iterator it(text.begin(), text.end(), brace), end; it != end; ++it) {
    out.insert((*it)[1]);
  }
  return out;
}

}  // namespace

TEST_CASE("every reason has its message in English and French, with the same arguments",
          "[ui][render][i18n]") {
  // The catalogues as files, not through Templates: what ships is checked.
  const nlohmann::json en = nlohmann::json::parse(ReadText(kTemplates + "/i18n/en.json"));
  const nlohmann::json fr = nlohmann::json::parse(ReadText(kTemplates + "/i18n/fr.json"));
  // Every id declared in core/reasons.h is in kAllReasons (none forgotten).
  const std::string header = ReadText(std::string(SCRM_SOURCE_DIR) + "/engine/core/reasons.h");
  std::set<std::string> declared;
  const std::regex decl("inline constexpr char k[A-Za-z]+\\[\\] = \"([a-z_]+)\"");
  for (std::sregex_iterator it(header.begin(), header.end(), decl), end; it != end; ++it) {
    declared.insert((*it)[1]);
  }
  const std::set<std::string> listed(std::begin(reason::kAllReasons), std::end(reason::kAllReasons));
  CHECK(declared.size() >= 20);
  CHECK(declared == listed);
  CHECK(listed.size() == std::size(reason::kAllReasons));  // no id listed twice
  for (const std::string& id : listed) {
    INFO("reason." << id);
    REQUIRE(en["reason"].contains(id));
    REQUIRE(fr["reason"].contains(id));
    const std::string e = en["reason"][id].get<std::string>();
    const std::string f = fr["reason"][id].get<std::string>();
    CHECK_FALSE(e.empty());
    CHECK_FALSE(f.empty());
    CHECK(e != f);  // translated, not copied
    CHECK(Placeholders(e) == Placeholders(f));
  }
  // And no catalogue carries a reason the engine does not know.
  for (const auto& [id, text] : en["reason"].items()) CHECK(listed.count(id) == 1);
}

TEST_CASE("every evidence phrase is in English and French, English as matching writes it",
          "[ui][render][i18n]") {
  const nlohmann::json en = nlohmann::json::parse(ReadText(kTemplates + "/i18n/en.json"));
  const nlohmann::json fr = nlohmann::json::parse(ReadText(kTemplates + "/i18n/fr.json"));
  std::set<std::string> ids;
  for (const identity::PhraseText& p : identity::Phrases()) {
    INFO("evidence_text." << p.id);
    CHECK(ids.insert(p.id).second);  // no id twice
    REQUIRE(en["evidence_text"].contains(p.id));
    REQUIRE(fr["evidence_text"].contains(p.id));
    const std::string e = en["evidence_text"][p.id].get<std::string>();
    const std::string f = fr["evidence_text"][p.id].get<std::string>();
    CHECK(e == p.english);  // English pages say what the command line says
    CHECK(e != f);
    CHECK(Placeholders(e) == Placeholders(f));
  }
  CHECK(ids.size() >= 30);
  for (const auto& [id, text] : en["evidence_text"].items()) CHECK(ids.count(id) == 1);
}

TEST_CASE("Explain says a status in the user's language, else its English message",
          "[ui][render][i18n]") {
  Result<std::unique_ptr<Templates>> t = Templates::Load(kTemplates);
  REQUIRE(t.ok());
  const Status poll = Status::InvalidArgument("poll interval 'x' is not a number", "poll")
                          .WithReason(reason::kSourcePollNumber, {{"value", "{value}-5"}});
  CHECK((*t)->Explain("fr", poll) ==
        "l'intervalle « {value}-5 » n'est pas un nombre de secondes : 0 (relevé à la main "
        "seulement) ou plus, chiffres seulement");  // an argument is never expanded again
  CHECK((*t)->Explain("en-GB", poll).rfind("poll interval '{value}-5' is not", 0) == 0);
  CHECK(poll.message() == "poll interval 'x' is not a number");  // the CLI's text unchanged
  CHECK(poll.field() == "poll");
  // No reason, or one no catalogue has: the English message.
  CHECK((*t)->Explain("fr", Status::NotFound("no such thing")) == "no such thing");
  CHECK((*t)->Explain("fr", Status::NotFound("gone").WithReason("not_a_reason")) == "gone");
  // A missing argument stays visible rather than vanishing.
  CHECK((*t)->Explain("fr", Status::NotFound("x").WithReason(reason::kSourceUnknown)) ==
        "aucune source ne s'appelle « {name} »");
}
