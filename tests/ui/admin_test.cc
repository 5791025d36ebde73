// The admin page's writes end to end: the real `scrm serve` on a real
// MariaDB, spoken to as a browser without JavaScript would (form posts with
// the session cookie and the page's csrf field, 303 back to /ui/admin):
// sources added, edited, removed and polled; bad input shown again with the
// field named and nothing stored; CSRF and the admin role enforced; an API
// key shown once that then works on the API until revoked; an export.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "store/follow_repository.h"
#include "ui/ui_fixture.h"

using namespace scrm;
using namespace scrm::testing;

namespace {

bool Contains(const std::string& s, const std::string& what) {
  return s.find(what) != std::string::npos;
}

std::string CsrfOf(const std::string& html) {
  std::smatch m;
  REQUIRE(std::regex_search(html, m, std::regex("<meta name=\"csrf-token\" content=\"([^\"]*)\">")));
  return m[1];
}

// "a=1&b=x%20y", as a browser encodes a form.
std::string Form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    std::string e;
    Poco::URI::encode(v, "!#$&'()*+,/:;=?@[]<>\"%", e);
    out += (out.empty() ? "" : "&") + k + "=" + e;
  }
  return out;
}

const std::map<std::string, std::string> kForm = {
    {"Content-Type", "application/x-www-form-urlencoded"}};

// An admin signed on at /ui/admin, and the page's CSRF token.
struct Admin {
  Browser browser;
  std::string csrf;

  Admin(Engine& e, const std::string& user = "1", const std::string& roles = "admin")
      : browser{e.port, ""} {
    ClientResponse page = browser.SignOn("/ui/admin", e.Token(user, roles));
    csrf = CsrfOf(page.body);
  }
  ClientResponse Post(const std::string& target,
                      std::vector<std::pair<std::string, std::string>> fields) {
    fields.insert(fields.begin(), {"csrf", csrf});
    return browser.Send("POST", target, kForm, Form(fields));
  }
};

std::vector<std::pair<std::string, std::string>> NewSource(const std::string& name) {
  return {{"name", name},           {"type", "url"},
          {"format", "rss"},        {"location", "https://feeds.example.test/a.xml"},
          {"poll_interval_seconds", "600"}, {"visibility", "community"},
          {"community", "lyon"},    {"retention_days", "30"},
          {"push_secret", ""}};
}

std::vector<std::pair<std::string, std::string>> With(
    std::vector<std::pair<std::string, std::string>> fields, const std::string& key,
    const std::string& value) {
  for (auto& [k, v] : fields) {
    if (k == key) v = value;
  }
  return fields;
}

// A feed on loopback (port 0) that answers tests/data/ui/feed.xml to any GET.
class FeedServer {
 public:
  FeedServer()
      : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
        server_(new Factory(Body()), socket_, new Poco::Net::HTTPServerParams) {
    server_.start();
  }
  ~FeedServer() { server_.stopAll(true); }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/feed.xml";
  }

 private:
  static std::string Body() {
    std::ifstream in(std::string(SCRM_SOURCE_DIR) + "/tests/data/ui/feed.xml");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  struct Handler : Poco::Net::HTTPRequestHandler {
    explicit Handler(std::string body) : body(std::move(body)) {}
    void handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& r) override {
      r.setContentType("application/rss+xml");
      r.sendBuffer(body.data(), body.size());
    }
    std::string body;
  };
  struct Factory : Poco::Net::HTTPRequestHandlerFactory {
    explicit Factory(std::string body) : body(std::move(body)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
      return new Handler(body);
    }
    std::string body;
  };
  Poco::Net::ServerSocket socket_;
  Poco::Net::HTTPServer server_;
};

}  // namespace

TEST_CASE("an admin adds, edits and removes a source with the forms", "[mysql][ui][admin]") {
  Engine e;
  e.Setup();
  e.Serve();
  Admin a(e);

  ClientResponse form = a.browser.Send("GET", "/ui/admin/sources/new");
  INFO(form.body);
  REQUIRE(form.status == 200);
  CHECK(Contains(form.body, "<label for=\"s-name\">Name</label>"));
  CHECK(Contains(form.body, "id=\"s-name\" name=\"name\""));
  CHECK(Contains(form.body, "<option value=\"rss\">rss</option>"));

  ClientResponse added = a.Post("/ui/admin/sources", NewSource("feed-one"));
  INFO(added.body);
  REQUIRE(added.status == 303);
  CHECK(added.Header("Location") == "/ui/admin#sources");
  CHECK(e.db.Scalar("SELECT CONCAT_WS('|', type, format, location, poll_interval_seconds, "
                    "visibility, community, retention_days) FROM scrm_sources WHERE name = "
                    "'feed-one'") ==
        "url|rss|https://feeds.example.test/a.xml|600|community|lyon|30");

  ClientResponse page = a.browser.Send("GET", "/ui/admin");
  CHECK(Contains(page.body, "Source added: feed-one"));
  CHECK(Contains(page.body, "/ui/admin/sources/feed-one/edit"));
  CHECK(Contains(page.body, "action=\"/ui/admin/sources/feed-one/poll\""));
  // The roles table follows the sources: community lyon is seen by admin and community:lyon.
  CHECK(Contains(page.body, "<th scope=\"row\">community: lyon</th><td>admin, community:lyon</td>"));
  CHECK(Contains(page.body, "Session ends at the latest after (hours since sign-on)</dt><dd>7</dd>"));
  CHECK_FALSE(Contains(a.browser.Send("GET", "/ui/admin").body, "Source added"));  // shown once

  ClientResponse edit = a.browser.Send("GET", "/ui/admin/sources/feed-one/edit");
  CHECK(edit.status == 200);
  CHECK(Contains(edit.body, "value=\"https://feeds.example.test/a.xml\""));
  std::vector<std::pair<std::string, std::string>> changed = NewSource("feed-one");
  changed = With(changed, "visibility", "internal");  // the community box is then ignored
  changed = With(changed, "poll_interval_seconds", "0");
  changed = With(changed, "push_secret", "s3cret-value");
  ClientResponse saved = a.Post("/ui/admin/sources/feed-one/edit", changed);
  INFO(saved.body);
  REQUIRE(saved.status == 303);
  CHECK(e.db.Scalar("SELECT CONCAT_WS('|', visibility, community, poll_interval_seconds) FROM "
                    "scrm_sources WHERE name = 'feed-one'") == "internal||0");
  // Stored sealed, as scrm sources set --secret stores it.
  CHECK(e.db.Scalar("SELECT LEFT(push_secret, 7) FROM scrm_sources WHERE name = 'feed-one'") == "enc:v1:");
  CHECK(e.db.Scalar("SELECT LOCATE('s3cret', push_secret) FROM scrm_sources WHERE name = 'feed-one'") == "0");
  CHECK(Contains(a.browser.Send("GET", "/ui/admin").body, "Source saved: feed-one"));
  // The secret is never sent back to the page.
  CHECK_FALSE(Contains(a.browser.Send("GET", "/ui/admin/sources/feed-one/edit").body, "s3cret"));

  ClientResponse ask = a.browser.Send("GET", "/ui/admin/sources/feed-one/remove");
  CHECK(ask.status == 200);
  CHECK(Contains(ask.body, "action=\"/ui/admin/sources/feed-one/remove\""));
  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_sources WHERE name = 'feed-one'") == "1");
  ClientResponse removed = a.Post("/ui/admin/sources/feed-one/remove", {});
  CHECK(removed.status == 303);
  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_sources WHERE name = 'feed-one'") == "0");
  CHECK(Contains(a.browser.Send("GET", "/ui/admin").body, "Source removed (its posts are kept): feed-one"));

  // The security log: the admin's sign-on and each change, as user 1 from
  // the browser's address; what changed, the secret by name only.
  auto logged = [&](const std::string& kind) {
    return e.db.Scalar("SELECT CONCAT_WS('|', actor, address, object) FROM scrm_audit WHERE kind = '" +
                       kind + "' AND object NOT LIKE 'source:community'");  // Setup()'s, from the CLI
  };
  CHECK(logged("sign_on").rfind("1|127.0.0.1|session:", 0) == 0);
  CHECK(logged("source_added") == "1|127.0.0.1|source:feed-one");
  CHECK(logged("source_changed") == "1|127.0.0.1|source:feed-one");
  CHECK(logged("source_removed") == "1|127.0.0.1|source:feed-one");
  CHECK(e.db.Scalar("SELECT CONCAT_WS('|', JSON_VALUE(detail, '$.changed.visibility.from'), "
                    "JSON_VALUE(detail, '$.changed.visibility.to'), JSON_VALUE(detail, "
                    "'$.changed_too[0]')) FROM scrm_audit WHERE kind = 'source_changed' AND object = 'source:feed-one'") ==
        "community|internal|push_secret");
  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_audit WHERE CONCAT_WS('|', actor, object, "
                    "COALESCE(detail, '')) LIKE '%s3cret%' OR detail LIKE '%enc:v1:%'") == "0");
}

TEST_CASE("bad source input comes back with the field named, and nothing is stored",
          "[mysql][ui][admin]") {
  Engine e;
  e.Setup();
  e.Serve();
  Admin a(e);
  const std::string before = e.db.Scalar("SELECT COUNT(*) FROM scrm_sources");

  struct Case {
    const char* what;
    std::vector<std::pair<std::string, std::string>> fields;
    int status;
    const char* label;     // the field's label, before the message
    const char* input_id;  // the input marked aria-invalid
    const char* message;   // part of the message: how to fix it
  };
  const std::vector<Case> cases = {
      {"empty name", With(NewSource("x"), "name", ""), 400, "Name: ", "s-name", "1 to 64"},
      {"bad URL", With(NewSource("bad-url"), "location", "ftp://<b>files</b>"), 400,
       "File path or URL: ", "s-location", "http:// or https://"},
      {"negative interval", With(NewSource("neg"), "poll_interval_seconds", "-5"), 400,
       "Poll interval (seconds): ", "s-poll", "0 (poll by hand only)"},
      {"community without a name", With(NewSource("nocomm"), "community", ""), 400,
       "Community name: ", "s-community", "needs a community name"},
      {"a name taken", NewSource("community"), 409, "Name: ", "s-name", "community"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    ClientResponse r = a.Post("/ui/admin/sources", c.fields);
    INFO(r.body);
    CHECK(r.status == c.status);
    CHECK(Contains(r.Header("Content-Type"), "text/html"));
    CHECK(Contains(r.body, std::string("role=\"alert\">") + c.label));
    CHECK(Contains(r.body, c.message));
    std::smatch m;
    REQUIRE(std::regex_search(r.body, m, std::regex(std::string("<input id=\"") + c.input_id +
                                                    "\"[^>]*>")));
    CHECK(Contains(m.str(), "aria-invalid=\"true\""));
    CHECK(Contains(m.str(), "form-error"));
    // What was typed comes back, escaped.
    CHECK_FALSE(Contains(r.body, "<b>files</b>"));
  }
  CHECK(Contains(a.Post("/ui/admin/sources", cases[1].fields).body,
                 "value=\"ftp://&lt;b&gt;files&lt;/b&gt;\""));
  CHECK(Contains(a.Post("/ui/admin/sources", cases[2].fields).body,
                 "name=\"poll_interval_seconds\" inputmode=\"numeric\" value=\"-5\""));
  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_sources") == before);

  // Editing works the same way, and leaves the source as it was.
  ClientResponse bad_edit =
      a.Post("/ui/admin/sources/community/edit",
             With(With(NewSource("community"), "visibility", "public"), "retention_days", "-1"));
  CHECK(bad_edit.status == 400);
  CHECK(Contains(bad_edit.body, "Keep posts for (days): "));
  CHECK(e.db.Scalar("SELECT CONCAT_WS('|', visibility, retention_days) FROM scrm_sources WHERE "
                    "name = 'community'") == "public|0");
  CHECK(a.browser.Send("GET", "/ui/admin/sources/nowhere/edit").status == 404);
}

TEST_CASE("admin writes need the page's CSRF token and the admin role", "[mysql][ui][admin]") {
  Engine e;
  e.Setup();
  e.Serve();
  Admin a(e);
  const std::string body = Form(NewSource("sneaky"));

  ClientResponse none = a.browser.Send("POST", "/ui/admin/sources", kForm, body);
  CHECK(none.status == 403);
  CHECK(Contains(none.body, "CSRF"));
  ClientResponse wrong = a.browser.Send("POST", "/ui/admin/sources", kForm,
                                        "csrf=" + std::string(a.csrf[0] == 'x' ? "y" : "x") + a.csrf.substr(1) + "&" + body);
  CHECK(wrong.status == 403);
  CHECK(a.browser.Send("POST", "/ui/admin/api-keys", kForm, "name=k&roles=admin").status == 403);
  CHECK(a.browser.Send("POST", "/ui/admin/sources/community/remove").status == 403);
  CHECK(a.browser.Send("POST", "/ui/admin/export").status == 403);

  // A signed-on sales user, with their own valid CSRF token: not an admin.
  Browser sales{e.port, ""};
  const std::string sales_csrf =
      CsrfOf(sales.SignOn("/ui/conversations", e.Token("7", "sales")).body);
  ClientResponse denied = sales.Send("POST", "/ui/admin/sources", kForm,
                                     "csrf=" + sales_csrf + "&" + body);
  CHECK(denied.status == 403);
  CHECK(Contains(denied.Header("Content-Type"), "text/html"));
  CHECK(Contains(denied.body, "admin role"));
  CHECK(sales.Send("GET", "/ui/admin/sources/new").status == 403);
  CHECK(sales.Send("GET", "/ui/admin/sources/community/remove").status == 403);
  CHECK(sales.Send("POST", "/ui/admin/sources/community/remove", kForm, "csrf=" + sales_csrf)
            .status == 403);
  CHECK(sales.Send("POST", "/ui/admin/api-keys", kForm,
                   "csrf=" + sales_csrf + "&name=mine&roles=admin")
            .status == 403);
  CHECK(sales.Send("GET", "/ui/api/v1/admin/export/manifest.json").status == 403);
  // A bearer token is no way around it either.
  CHECK(Call(e.port, "POST", "/ui/admin/sources",
             [&] {
               CallOptions o;
               o.headers = kForm;
               o.headers["Authorization"] = "Bearer " + e.Token("7", "sales");
               o.body = body;
               o.send_body = true;
               return o;
             }())
            .status == 403);

  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_sources WHERE name = 'sneaky'") == "0");
  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_sources WHERE name = 'community'") == "1");
  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_api_keys") == "0");
}

TEST_CASE("an API key made on the page is shown once, works, and stops when revoked",
          "[mysql][ui][admin]") {
  Engine e;
  e.Setup();
  e.Serve();
  Admin a(e);

  ClientResponse bad = a.Post("/ui/admin/api-keys", {{"name", ""}, {"roles", "admin"}});
  CHECK(bad.status == 400);
  CHECK(Contains(bad.body, "role=\"alert\">Name: "));
  ClientResponse no_role = a.Post("/ui/admin/api-keys", {{"name", "k1"}});
  CHECK(no_role.status == 400);
  CHECK(Contains(no_role.body, "role=\"alert\">Roles: "));
  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_api_keys") == "0");

  ClientResponse made = a.Post("/ui/admin/api-keys", {{"name", "nightly-export"},
                                                      {"roles", "admin"},
                                                      {"roles", "marketing"},
                                                      {"community", "lyon"}});
  INFO(made.body);
  REQUIRE(made.status == 200);
  CHECK(made.Header("Cache-Control") == "no-store");
  std::smatch m;
  REQUIRE(std::regex_search(made.body, m, std::regex("value=\"(scrmk_[A-Za-z0-9_-]{43})\"")));
  const std::string key = m[1];
  CHECK(Contains(made.body, "only time the key is shown"));
  CHECK(Contains(made.body, "admin, marketing, community:lyon"));
  // Stored hashed: the key itself is nowhere in the table, nor on the page again.
  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_api_keys WHERE name = 'nightly-export' AND "
                    "key_hash <> '" + key + "' AND prefix = '" + key.substr(0, 12) + "'") == "1");
  ClientResponse page = a.browser.Send("GET", "/ui/admin");
  CHECK(Contains(page.body, "nightly-export"));
  CHECK_FALSE(Contains(page.body, key));

  CallOptions with_key;
  with_key.headers["Authorization"] = "Bearer " + key;
  ClientResponse works = Call(e.port, "GET", "/api/v1/admin/export", with_key);
  CHECK(works.status == 200);
  CHECK(nlohmann::json::parse(works.body)["format"] == "scrm-export");

  ClientResponse ask = a.browser.Send("GET", "/ui/admin/api-keys/nightly-export/revoke");
  CHECK(ask.status == 200);
  CHECK(Contains(ask.body, "action=\"/ui/admin/api-keys/nightly-export/revoke\""));
  ClientResponse revoked = a.Post("/ui/admin/api-keys/nightly-export/revoke", {});
  CHECK(revoked.status == 303);
  CHECK(revoked.Header("Location") == "/ui/admin#api-keys");
  CHECK(Contains(a.browser.Send("GET", "/ui/admin").body, "API key revoked: nightly-export"));
  CHECK(a.browser.Send("GET", "/ui/admin/api-keys/nightly-export/revoke").status == 404);
  // At once in this process, though the key was cached a moment ago.
  ClientResponse refused = Call(e.port, "GET", "/api/v1/admin/export", with_key);
  CHECK(refused.status == 401);
  // A name stays taken: the form says so, on the name.
  ClientResponse again = a.Post("/ui/admin/api-keys", {{"name", "nightly-export"}, {"roles", "sales"}});
  CHECK(again.status == 409);
  CHECK(Contains(again.body, "role=\"alert\">Name: "));
}

TEST_CASE("the export button makes a manifest whose files download from the page",
          "[mysql][ui][admin]") {
  Engine e;
  e.Setup();
  e.Serve();
  Admin a(e);

  ClientResponse exported = a.Post("/ui/admin/export", {});
  INFO(exported.body);
  REQUIRE(exported.status == 200);
  CHECK(Contains(exported.body, "href=\"/ui/api/v1/admin/export/manifest.json\""));
  CHECK(Contains(exported.body, "href=\"/ui/api/v1/admin/export/posts.jsonl\""));

  ClientResponse manifest = a.browser.Send("GET", "/ui/api/v1/admin/export/manifest.json");
  REQUIRE(manifest.status == 200);
  const nlohmann::json mj = nlohmann::json::parse(manifest.body);
  CHECK(mj["format"] == "scrm-export");
  int64_t posts_rows = -1;
  for (const auto& f : mj["files"]) {
    if (f["file"] == "posts.jsonl") posts_rows = f["rows"].get<int64_t>();
  }
  CHECK(posts_rows == std::stoll(e.db.Scalar("SELECT COUNT(*) FROM scrm_posts")));
  CHECK(posts_rows > 0);
  ClientResponse posts = a.browser.Send("GET", "/ui/api/v1/admin/export/posts.jsonl");
  CHECK(posts.status == 200);
  CHECK(std::count(posts.body.begin(), posts.body.end(), '\n') == posts_rows);
  // The admin page says how import is done, honestly.
  CHECK(Contains(a.browser.Send("GET", "/ui/admin").body, "scrm import PATH"));
}

TEST_CASE("Poll now fetches a url source and says what came of it", "[mysql][ui][admin]") {
  FeedServer feed;
  Engine e;
  e.Setup();
  e.Serve();
  Admin a(e);

  REQUIRE(a.Post("/ui/admin/sources", With(With(NewSource("blog"), "location", feed.url()),
                                            "poll_interval_seconds", "0"))
              .status == 303);
  ClientResponse polled = a.Post("/ui/admin/sources/blog/poll", {});
  CHECK(polled.status == 303);
  ClientResponse page = a.browser.Send("GET", "/ui/admin");
  CHECK(Contains(page.body, "Polled blog: 2 new, 0 updated, 0 removed, 0 rejected"));
  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_posts p JOIN scrm_sources s ON s.id = "
                    "p.source_id WHERE s.name = 'blog'") == "2");

  // A feed that cannot be reached: the error, on the page and on the source.
  REQUIRE(a.Post("/ui/admin/sources",
                 With(With(NewSource("gone"), "location", "http://127.0.0.1:1/feed.xml"),
                      "poll_interval_seconds", "0"))
              .status == 303);
  a.browser.Send("GET", "/ui/admin");  // the "added" message
  CHECK(a.Post("/ui/admin/sources/gone/poll", {}).status == 303);
  page = a.browser.Send("GET", "/ui/admin");
  CHECK(Contains(page.body, "Poll failed for gone: "));
  CHECK(e.db.Scalar("SELECT last_error <> '' FROM scrm_sources WHERE name = 'gone'") == "1");
  // A file source is not polled: the page says why.
  CHECK(a.Post("/ui/admin/sources/community/poll", {}).status == 303);
  CHECK(Contains(a.browser.Send("GET", "/ui/admin").body, "Poll failed for community: "));
}

TEST_CASE("admins see each open network's following and switch it, on the page, over JSON and the CLI",
          "[mysql][ui][admin][follow]") {
  Engine e;
  e.Setup();
  // Anne's mastodon profile linked to her contact (confirmed), followed on
  // the fediverse, and its last read failed; Éric's is followed too but
  // linked to nobody: not counted.
  REQUIRE(e.Scrm({"links", "confirm", e.db.Scalar("SELECT id FROM scrm_links WHERE crm_id = 'c-anne'")})
              .exit_code == 0);
  store::FollowRepository follows(e.db.pool());
  for (const char* who : {"anne", "eric"}) {
    store::FollowRow row;
    row.network = "activitypub";
    row.account_id = std::string("https://social.example/users/") + who;
    row.handle = std::string(who) + "@social.example";
    row.platform = "mastodon";
    follows.Upsert(row);
  }
  const int64_t anne = *follows.IdOf("activitypub", "https://social.example/users/anne");
  follows.RecordFailure(anne, "social.example answered 503 for the outbox", 1, 300);
  e.Serve();

  const std::string token = e.Token("1", "admin");
  auto api = [&](const std::string& method, const std::string& target, const std::string& body = "") {
    return Authed(e.port, method, target, token, body);
  };
  ClientResponse listed = api("GET", "/api/v1/admin/networks");
  INFO(listed.body);
  REQUIRE(listed.status == 200);
  const nlohmann::json networks = nlohmann::json::parse(listed.body)["networks"];
  REQUIRE(networks.size() == 2);
  CHECK(networks[0] == nlohmann::json{{"network", "atproto"}, {"on", false}, {"accounts", 0},
                                      {"failing", 0}, {"last_success_at", nullptr},
                                      {"last_error_at", nullptr}, {"last_error", nullptr}});
  const nlohmann::json& ap = networks[1];
  CHECK(ap["network"] == "activitypub");
  CHECK(ap["on"] == false);
  CHECK(ap["accounts"] == 1);
  CHECK(ap["failing"] == 1);
  CHECK(ap["last_error"] == "social.example answered 503 for the outbox");
  CHECK(ap["last_error_at"].is_string());
  CHECK(ap["last_success_at"].is_null());

  // Not for other roles; bad bodies and unknown networks are refused, naming the field.
  CHECK(Authed(e.port, "GET", "/api/v1/admin/networks", e.Token("7", "sales")).status == 403);
  ClientResponse bad = api("PATCH", "/api/v1/admin/networks/activitypub", R"({"on": "yes"})");
  CHECK(bad.status == 400);
  CHECK(Contains(bad.body, "\"field\":\"on\""));
  ClientResponse unknown = api("PATCH", "/api/v1/admin/networks/myspace", R"({"on": true})");
  CHECK(unknown.status == 400);
  CHECK(Contains(unknown.body, "\"field\":\"network\""));

  // Switched on over JSON: answered, stored, audited, and the CLI says the same.
  ClientResponse on = api("PATCH", "/api/v1/admin/networks/activitypub", R"({"on": true})");
  INFO(on.body);
  REQUIRE(on.status == 200);
  CHECK(nlohmann::json::parse(on.body)["on"] == true);
  CHECK(e.db.Scalar("SELECT JSON_EXTRACT(value, '$.activitypub') FROM scrm_settings WHERE name = 'following'") == "true");
  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_audit WHERE kind = 'settings' AND actor = '1'") == "1");
  RunResult status = e.Scrm({"follow", "status", "--json"});
  INFO(status.err);
  REQUIRE(status.exit_code == 0);
  const nlohmann::json cli = nlohmann::json::parse(status.out)["networks"];
  CHECK(cli[1]["on"] == true);
  CHECK(cli[1]["accounts"] == 1);
  CHECK(Contains(e.Scrm({"follow", "status"}).out,
                 "activitypub: on; 1 accounts followed, 1 failing; last success never"));

  // The admin page shows it, and switches it off.
  Admin a(e);
  ClientResponse page = a.browser.Send("GET", "/ui/admin");
  CHECK(Contains(page.body, "Fediverse (ActivityPub)"));
  CHECK(Contains(page.body, "social.example answered 503 for the outbox"));
  CHECK(Contains(page.body, "aria-label=\"Switch off Fediverse (ActivityPub)\""));
  CHECK(Contains(page.body, "aria-label=\"Switch on Bluesky (AT Protocol)\""));
  CHECK(a.Post("/ui/admin/networks/activitypub", {{"on", "0"}}).status == 303);
  page = a.browser.Send("GET", "/ui/admin");
  CHECK(Contains(page.body, "Fediverse (ActivityPub): off"));
  CHECK(Contains(page.body, "aria-label=\"Switch on Fediverse (ActivityPub)\""));
  CHECK(nlohmann::json::parse(api("GET", "/api/v1/admin/networks").body)["networks"][1]["on"] == false);
  // Without the form's token, nothing changes.
  CHECK(a.browser.Send("POST", "/ui/admin/networks/activitypub", kForm, "on=1").status == 403);
  CHECK(e.db.Scalar("SELECT JSON_EXTRACT(value, '$.activitypub') FROM scrm_settings WHERE name = 'following'") == "false");
}

TEST_CASE("the admin's forms speak French to a French admin", "[mysql][ui][admin]") {
  Engine e;
  e.Setup();
  e.Serve();
  Browser b{e.port, ""};
  ClientResponse page = b.SignOn("/ui/admin", e.Token("1", "admin", "fr"));
  CHECK(Contains(page.body, "Ajouter une source"));
  CHECK(Contains(page.body, "Créer une clé d&apos;API"));  // the apostrophe escaped too
  CHECK(Contains(page.body, "Rôles et communautés"));
  const std::string csrf = CsrfOf(page.body);
  ClientResponse bad =
      b.Send("POST", "/ui/admin/sources", kForm,
             "csrf=" + csrf + "&" + Form(With(NewSource("neg"), "poll_interval_seconds", "-5")));
  CHECK(bad.status == 400);
  CHECK(Contains(bad.body, "role=\"alert\">Intervalle de relevé (secondes): "));
}

// Thresholds stored from the page apply to every process on the database:
// the page, `scrm thresholds` (another process) and the admin API read them
// back; a bad number or a suggestion threshold above the automatic one is
// refused with a message and nothing stored; reset goes back to the
// configuration's. Each change is audited with the admin's user id.
TEST_CASE("an admin stores matching thresholds for every process, and can go back",
          "[mysql][ui][admin]") {
  Engine e;
  e.Setup();
  e.Serve();
  Admin a(e);
  ClientResponse page = a.browser.Send("GET", "/ui/admin");
  CHECK(Contains(page.body, "From the engine&apos;s configuration (match.*): none stored."));
  CHECK(Contains(page.body, "<dd>0.90</dd>"));

  ClientResponse preview = a.browser.Send("GET", "/ui/admin?preview=1&auto=0.95&suggest=0.5&margin=0.1");
  REQUIRE(preview.status == 200);
  CHECK(Contains(preview.body, "id=\"store-thresholds\""));
  CHECK(Contains(preview.body, "<input type=\"hidden\" name=\"auto\" value=\"0.95\">"));

  ClientResponse stored = a.Post("/ui/admin/thresholds", {{"auto", "0.95"}, {"suggest", "0.50"}, {"margin", "0.10"}});
  INFO(stored.body);
  REQUIRE(stored.status == 303);
  CHECK(stored.Header("Location") == "/ui/admin#matching");
  const nlohmann::json row = nlohmann::json::parse(e.db.Scalar("SELECT value FROM scrm_settings WHERE name = 'matching'"));
  CHECK(row["auto"] == 0.95);
  CHECK(row["suggest"] == 0.5);
  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_audit WHERE kind = 'settings' AND actor = '1' AND "
                    "address = '127.0.0.1' AND object = 'setting:matching'") == "1");
  page = a.browser.Send("GET", "/ui/admin");
  CHECK(Contains(page.body, "Thresholds stored: matching uses them from its next run"));
  CHECK(Contains(page.body, "Stored here by 1, "));
  CHECK(Contains(page.body, "<dd>0.95</dd>"));

  // Another process: the CLI reads what the page stored.
  RunResult cli = e.Scrm({"thresholds", "--json"});
  INFO(cli.err);
  REQUIRE(cli.exit_code == 0);
  const nlohmann::json shown = nlohmann::json::parse(cli.out);
  CHECK(shown["origin"] == "stored");
  CHECK(shown["auto"] == 0.95);
  CHECK(shown["updated_by"] == "1");
  // ... and refuses a suggestion threshold above the automatic one, naming the flag.
  cli = e.Scrm({"thresholds", "--suggest", "0.97"});
  INFO(cli.exit_code << " out: " << cli.out << " err: " << cli.err);
  CHECK(cli.exit_code != 0);
  CHECK(Contains(cli.err, "--suggest"));

  // Refused on the page: a number out of range, then the order; nothing stored.
  ClientResponse bad = a.Post("/ui/admin/thresholds", {{"auto", "1.5"}, {"suggest", "0.5"}, {"margin", "0.1"}});
  CHECK(bad.status == 303);
  CHECK(Contains(a.browser.Send("GET", "/ui/admin").body,
                 "The automatic link threshold must be a number from 0 to 1, not &apos;1.5&apos;"));
  bad = a.Post("/ui/admin/thresholds", {{"auto", "0.6"}, {"suggest", "0.7"}, {"margin", "0.1"}});
  CHECK(Contains(a.browser.Send("GET", "/ui/admin").body,
                 "The suggestion threshold may not be above the automatic link threshold"));
  CHECK(nlohmann::json::parse(e.db.Scalar("SELECT value FROM scrm_settings WHERE name = 'matching'"))["auto"] == 0.95);

  // The admin API: the same settings, and a PUT that names a bad field.
  const std::string token = e.Token("7", "admin");
  CallOptions api;
  api.headers["Authorization"] = "Bearer " + token;
  ClientResponse got = Call(e.port, "GET", "/api/v1/admin/matching", api);
  REQUIRE(got.status == 200);
  CHECK(nlohmann::json::parse(got.body)["suggest"] == 0.5);
  api.body = R"({"margin": "wide"})";
  api.send_body = true;
  // A JSON body must say it is JSON (ASVS 13.2.5).
  ClientResponse put = Call(e.port, "PUT", "/api/v1/admin/matching", api);
  CHECK(put.status == 415);
  CHECK(Contains(put.body, "Content-Type: application/json"));
  api.headers["Content-Type"] = "application/json";
  put = Call(e.port, "PUT", "/api/v1/admin/matching", api);
  CHECK(put.status == 400);
  CHECK(Contains(put.body, "margin"));
  api.body = R"({"margin": 0.2})";
  put = Call(e.port, "PUT", "/api/v1/admin/matching", api);
  REQUIRE(put.status == 200);
  CHECK(nlohmann::json::parse(put.body)["margin"] == 0.2);
  CHECK(nlohmann::json::parse(put.body)["auto"] == 0.95);  // the others kept

  // Back to the configuration's.
  ClientResponse reset = a.Post("/ui/admin/thresholds", {{"reset", "1"}});
  CHECK(reset.status == 303);
  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_settings") == "0");
  page = a.browser.Send("GET", "/ui/admin");
  CHECK(Contains(page.body, "Stored thresholds removed"));
  CHECK(Contains(page.body, "<dd>0.90</dd>"));
  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_audit WHERE kind = 'settings'") == "3");
}

TEST_CASE("a French admin reads every kind of bad input in French, naming the field",
          "[mysql][ui][admin][i18n]") {
  Engine e;
  e.Setup();
  e.Serve();
  Browser b{e.port, ""};
  const std::string csrf = CsrfOf(b.SignOn("/ui/admin", e.Token("1", "admin", "fr")).body);
  auto post = [&](const std::string& target,
                  const std::vector<std::pair<std::string, std::string>>& fields) {
    return b.Send("POST", target, kForm, "csrf=" + csrf + (fields.empty() ? "" : "&" + Form(fields)));
  };
  const std::string sources_before = e.db.Scalar("SELECT COUNT(*) FROM scrm_sources");

  struct Case {
    const char* what;
    std::string target;
    std::vector<std::pair<std::string, std::string>> fields;
    int status;
    const char* french;   // the field's French label, then the French message
    const char* english;  // the CLI's English message, which must not show
  };
  const std::string long_secret(300, 's');
  const std::vector<Case> cases = {
      {"bad name", "/ui/admin/sources", With(NewSource("x"), "name", "Bad Name"), 400,
       "Nom: le nom de source « Bad Name » doit compter de 1 à 64 caractères", "must be 1 to 64"},
      {"bad type", "/ui/admin/sources", With(NewSource("t1"), "type", "ftp"), 400,
       "Type: le type de source « ftp » doit être file, url, push ou listen",
       "must be file, url, push or listen"},
      {"bad format", "/ui/admin/sources", With(NewSource("f1"), "format", "xls"), 400,
       "Format: le format « xls » n&apos;est pas l&apos;un de : auto, as2,", "is not one of"},
      {"bad URL", "/ui/admin/sources", With(NewSource("u1"), "location", "ftp://x"), 400,
       "Chemin du fichier ou URL: une source url demande une adresse http:// ou https://, "
       "reçu « ftp://x »",
       "needs an http://"},
      {"interval not a number", "/ui/admin/sources",
       With(NewSource("p1"), "poll_interval_seconds", "-5"), 400,
       "Intervalle de relevé (secondes): l&apos;intervalle « -5 » n&apos;est pas un nombre de "
       "secondes",
       "is not a number of seconds"},
      {"retention too long", "/ui/admin/sources", With(NewSource("r1"), "retention_days", "99999"),
       400,
       "Conserver les messages (jours): la durée « 99999 » n&apos;est pas un nombre de jours de 0 "
       "(garder tous les messages) à 36500",
       "is not a number of days"},
      {"bad visibility", "/ui/admin/sources", With(NewSource("v1"), "visibility", "secret"), 400,
       "Visible par: la visibilité « secret » doit être public, internal ou community",
       "must be public, internal or community"},
      {"community without a name", "/ui/admin/sources", With(NewSource("c1"), "community", ""), 400,
       "Nom de la communauté: la visibilité communauté demande un nom de communauté",
       "needs a community name"},
      {"a source name taken", "/ui/admin/sources", NewSource("community"), 409,
       "Nom: une source nommée « community » existe déjà", "exists already"},
      {"a secret too long", "/ui/admin/sources",
       With(With(NewSource("s1"), "type", "push"), "push_secret", long_secret), 400,
       "Secret de push: le secret fait 300 octets ; un secret de push en compte au plus 255",
       "--secret is 300 bytes"},
      {"bad edit", "/ui/admin/sources/community/edit",
       With(NewSource("community"), "retention_days", "-1"), 400,
       "Conserver les messages (jours): la durée « -1 »", "is not a number of days"},
      {"key without a name", "/ui/admin/api-keys", {{"name", ""}, {"roles", "admin"}}, 400,
       "Nom: de 1 à 100 caractères parmi les lettres", "characters among letters"},
      {"key without a role", "/ui/admin/api-keys", {{"name", "k1"}}, 400,
       "Rôles: cochez au moins un rôle", "at least one of"},
      {"key with an unknown role", "/ui/admin/api-keys", {{"name", "k2"}, {"roles", "boss"}}, 400,
       "Rôles: « boss » n&apos;est pas un rôle", "is not a role"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    ClientResponse r = post(c.target, c.fields);
    INFO(r.body);
    CHECK(r.status == c.status);
    CHECK(Contains(r.body, std::string("role=\"alert\">") + c.french));
    CHECK_FALSE(Contains(r.body, c.english));
  }
  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_sources") == sources_before);
  CHECK(e.db.Scalar("SELECT retention_days FROM scrm_sources WHERE name = 'community'") == "0");

  // A key name taken (409), once the key exists.
  REQUIRE(post("/ui/admin/api-keys", {{"name", "k3"}, {"roles", "sales"}}).status == 200);
  ClientResponse taken = post("/ui/admin/api-keys", {{"name", "k3"}, {"roles", "sales"}});
  CHECK(taken.status == 409);
  CHECK(Contains(taken.body, "role=\"alert\">Nom: une clé d&apos;API nommée « k3 » existe"));

  // The messages of the pages around the forms: unknown names, Poll now of a
  // file source (shown once on the admin page), CSRF, the admin role.
  ClientResponse unknown = b.Send("GET", "/ui/admin/sources/nowhere/edit");
  CHECK(unknown.status == 404);
  CHECK(Contains(unknown.body, "aucune source ne s&apos;appelle « nowhere »"));
  ClientResponse no_key = b.Send("GET", "/ui/admin/api-keys/nokey/revoke");
  CHECK(no_key.status == 404);
  CHECK(Contains(no_key.body, "aucune clé d&apos;API active ne s&apos;appelle « nokey »"));
  CHECK(post("/ui/admin/sources/community/poll", {}).status == 303);
  ClientResponse admin = b.Send("GET", "/ui/admin");
  CHECK(Contains(admin.body, "Échec du relevé de community: la source « community » est de type "
                             "file : seules les sources url et listen sont relevées"));
  CHECK_FALSE(Contains(admin.body, "only url and listen sources are fetched"));
  ClientResponse no_csrf = b.Send("POST", "/ui/admin/sources", kForm, Form(NewSource("z1")));
  CHECK(no_csrf.status == 403);
  CHECK(Contains(no_csrf.body, "jeton CSRF manquant"));
  ClientResponse bad_csrf =
      b.Send("POST", "/ui/admin/sources", kForm, "csrf=" + std::string(csrf[0] == 'x' ? "y" : "x") + csrf.substr(1) + "&name=z2");
  CHECK(bad_csrf.status == 403);
  CHECK(Contains(bad_csrf.body, "jeton CSRF erroné"));
  Browser sales{e.port, ""};
  sales.SignOn("/ui/conversations", e.Token("7", "sales", "fr"));
  ClientResponse denied = sales.Send("GET", "/ui/admin/sources/new");
  CHECK(denied.status == 403);
  CHECK(Contains(denied.body, "cette page demande le rôle admin"));

  // The command line keeps its English, word for word.
  RunResult cli = e.Scrm({"sources", "add", "cli-bad", "--type", "url", "--location", "ftp://x"});
  CHECK(cli.exit_code != 0);
  CHECK(Contains(cli.err, "a url source needs an http:// or https:// location, got 'ftp://x'"));
}

TEST_CASE("sessions and the admin's one-time message survive a restart and span two engines",
          "[mysql][ui][admin][session]") {
  Engine e;
  e.Setup();
  e.Serve();
  Admin a(e, "1", "admin");
  const std::string cookie_value = a.browser.cookie.substr(a.browser.cookie.find('=') + 1);
  // Stored hashed: the cookie's value is in no column of the table.
  CHECK(e.db.Count("SELECT COUNT(*) FROM scrm_ui_sessions") == 1);
  CHECK(e.db.Count("SELECT COUNT(*) FROM scrm_ui_sessions WHERE CONCAT_WS('|', id_hash, user_id, "
                   "user_name, roles, lang, csrf_token) LIKE '%" + cookie_value + "%'") == 0);
  CHECK(e.db.Scalar("SELECT CONCAT_WS('|', user_id, user_name, roles, lang) FROM "
                    "scrm_ui_sessions") == "1|User 1|admin|en");

  // A change, and the engine restarts before its message is seen.
  REQUIRE(a.Post("/ui/admin/sources", NewSource("before-restart")).status == 303);
  CHECK(e.db.Count("SELECT COUNT(*) FROM scrm_ui_flashes") == 1);
  e.serve.reset();
  e.Serve();
  a.browser.port = e.port;
  ClientResponse page = a.browser.Send("GET", "/ui/admin");
  INFO(page.body);
  REQUIRE(page.status == 200);  // still signed in
  CHECK(CsrfOf(page.body) == a.csrf);
  CHECK(Contains(page.body, "Source added: before-restart"));
  CHECK_FALSE(Contains(a.browser.Send("GET", "/ui/admin").body, "Source added"));  // once
  CHECK(e.db.Count("SELECT COUNT(*) FROM scrm_ui_flashes") == 0);

  // A second engine on the same database (its own index and port): the
  // session works there too, CSRF included, and its message comes back here.
  std::map<std::string, std::string> env2 = e.env;
  env2["SCRM_INDEX_DIR"] = e.dir + "/index2";
  Child second({ScrmBinary(), "--config", e.config, "serve"}, env2);
  const std::string line = second.WaitForLine("listening on", 15000);
  const int port2 = std::atoi(line.c_str() + line.rfind(':') + 1);
  REQUIRE(port2 > 0);
  Browser there{port2, a.browser.cookie};
  REQUIRE(there.Send("GET", "/ui/admin").status == 200);
  ClientResponse changed = there.Send("POST", "/ui/admin/sources/before-restart/remove", kForm,
                                      "csrf=" + a.csrf);
  CHECK(changed.status == 303);
  CHECK(Contains(a.browser.Send("GET", "/ui/admin").body,
                 "Source removed (its posts are kept): before-restart"));

  // Signed out on the second engine: the first refuses the cookie once it
  // reads the session again (at most 30 s; at once for a cookie it has not
  // cached, as after a restart).
  CHECK(there.Send("POST", "/ui/logout", {{"X-CSRF-Token", a.csrf}}).status == 204);
  CHECK(e.db.Count("SELECT COUNT(*) FROM scrm_ui_sessions") == 0);
  CHECK(there.Send("GET", "/ui/admin").status == 401);
  e.serve.reset();
  e.Serve();
  a.browser.port = e.port;
  CHECK(a.browser.Send("GET", "/ui/admin").status == 401);
}
