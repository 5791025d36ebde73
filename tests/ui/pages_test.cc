// The /ui/ pages end to end: the real `scrm serve` on a real MariaDB and a
// real index, spoken to over HTTP as a browser would (cookies by hand).
// Sign-on with ?sso= -> session cookie -> page; bad, expired and replayed
// sign-on links -> a 401 page saying what to do; CSRF on state changes;
// user content escaped; French pages; the admin page for admins only.
#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <regex>
#include <thread>

#include "http/auth.h"
#include "ui/ui_fixture.h"

using namespace scrm;
using namespace scrm::testing;

namespace {

std::string CsrfOf(const std::string& html) {
  std::smatch m;
  REQUIRE(std::regex_search(html, m, std::regex("<meta name=\"csrf-token\" content=\"([^\"]*)\">")));
  return m[1];
}

bool Contains(const std::string& s, const std::string& what) {
  return s.find(what) != std::string::npos;
}

}  // namespace

TEST_CASE("sso starts a session, the cookie opens pages, CSRF guards changes",
          "[mysql][ui]") {
  Engine e;
  const int64_t link = e.Setup();
  e.Serve();
  const std::string sales = e.Token("7", "sales");

  Browser b{e.port, ""};
  ClientResponse first = Call(e.port, "GET", "/ui/records/Contacts/c-anne?sso=" + sales);
  REQUIRE(first.status == 303);
  const std::string set = first.Header("Set-Cookie");
  CHECK(Contains(set, "HttpOnly"));
  CHECK(Contains(set, "Path=/ui"));
  CHECK(Contains(set, "SameSite=Lax"));  // plain HTTP here
  CHECK_FALSE(Contains(first.Header("Location"), "sso"));

  ClientResponse page = b.SignOn("/ui/records/Contacts/c-anne", e.Token("7", "sales"));
  INFO(page.body);
  REQUIRE(page.status == 200);
  CHECK(Contains(page.Header("Content-Type"), "text/html"));
  CHECK(Contains(page.Header("Content-Security-Policy"),
                 std::string("frame-ancestors 'self' ") + kCrmOrigin));
  CHECK(Contains(page.Header("Content-Security-Policy"), "default-src 'self'"));
  CHECK(Contains(page.body, "Anne Martin"));
  CHECK(Contains(page.body, "Suggested profiles"));
  CHECK(Contains(page.body, "/ui/api/v1/links/" + std::to_string(link) + "/confirm"));
  const std::string csrf = CsrfOf(page.body);
  CHECK(csrf.size() == 43);

  // The same sign-on link again, without its session: refused, with a page.
  ClientResponse replay = Call(e.port, "GET", "/ui/records/Contacts/c-anne?sso=" + sales);
  CHECK(replay.status == 401);
  CHECK(Contains(replay.Header("Content-Type"), "text/html"));
  CHECK(Contains(replay.body, "used already"));

  const std::string confirm = "/ui/api/v1/links/" + std::to_string(link) + "/confirm";
  SECTION("no CSRF token: 403 naming the header; the link stays a suggestion") {
    ClientResponse r = b.Send("POST", confirm);
    CHECK(r.status == 403);
    CHECK(Contains(r.body, "X-CSRF-Token"));
    CHECK(e.db.Scalar("SELECT status FROM scrm_links WHERE id = " + std::to_string(link)) ==
          "suggested");
    ClientResponse wrong = b.Send("POST", confirm, {{"X-CSRF-Token", std::string(csrf[0] == 'x' ? "y" : "x") + csrf.substr(1)}});
    CHECK(wrong.status == 403);
  }
  SECTION("with the token: confirmed, and the panel shows the profile and its posts") {
    ClientResponse r = b.Send("POST", confirm, {{"X-CSRF-Token", csrf}});
    INFO(r.body);
    CHECK(r.status == 200);
    CHECK(e.db.Scalar("SELECT status FROM scrm_links WHERE id = " + std::to_string(link)) ==
          "confirmed");
    CHECK(e.db.Scalar("SELECT decided_by FROM scrm_links WHERE id = " + std::to_string(link)) ==
          "7");
    // The author's posts are re-tagged by the index feeder within a moment.
    ClientResponse panel;
    for (int i = 0; i < 100; ++i) {
      panel = b.Send("GET", "/ui/records/Contacts/c-anne");
      if (Contains(panel.body, "billing page")) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    INFO(panel.body);
    CHECK(Contains(panel.body, "Linked profiles"));
    CHECK(Contains(panel.body, "billing page"));
    CHECK(Contains(panel.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK_FALSE(Contains(panel.body, "<script>alert(1)"));
    CHECK(Contains(panel.body, "<svg"));  // engagement chart
    CHECK(Contains(panel.body, "https://social.example/@anne/2"));
    CHECK(Contains(panel.body, "Invoices in November"));  // thread context: its title
    // and the post the reply answers, escaped like everything else.
    CHECK(Contains(panel.body, "In reply to Anne Martin"));
    CHECK(Contains(panel.body, "The billing page shows &lt;script&gt;alert(1)&lt;/script&gt; instead"));
    CHECK_FALSE(Contains(panel.body, "javascript:"));     // a post's javascript: link is dropped
  }
  SECTION("sign out ends the session (with the CSRF token only)") {
    CHECK(b.Send("POST", "/ui/logout").status == 403);
    ClientResponse out = b.Send("POST", "/ui/logout", {{"X-CSRF-Token", csrf}});
    CHECK(out.status == 204);
    CHECK(Contains(out.Header("Set-Cookie"), "Max-Age=0"));
    ClientResponse after = b.Send("GET", "/ui/records/Contacts/c-anne");
    CHECK(after.status == 401);
    CHECK(Contains(after.body, "session has ended"));
  }
  SECTION("the form field works as well as the header; a form goes back to the panel") {
    ClientResponse r = b.Send("POST", confirm,
                              {{"Content-Type", "application/x-www-form-urlencoded"}},
                              "csrf=" + csrf);
    CHECK(r.status == 303);
    CHECK(r.Header("Location") == "/ui/records/Contacts/c-anne");
    CHECK(e.db.Scalar("SELECT status FROM scrm_links WHERE id = " + std::to_string(link)) ==
          "confirmed");
  }
}

// Issue 14: the Unlink form posted, without JavaScript, to a route that only
// takes DELETE. It posts to .../unlink with the csrf field and comes back to
// the panel; roles that may not decide get no form and a 403.
TEST_CASE("Unlink works without JavaScript, for roles that may decide", "[mysql][ui][security]") {
  Engine e;
  const int64_t link = e.Setup();
  REQUIRE(store::LinkRepository(e.db.pool()).Confirm(link, {"7", "User 7"}).ok());
  e.Serve();
  const std::string id = std::to_string(link);
  const std::string form = "/ui/api/v1/links/" + id + "/unlink";
  const auto status = [&] { return e.db.Scalar("SELECT status FROM scrm_links WHERE id = " + id); };
  const std::map<std::string, std::string> form_post{
      {"Content-Type", "application/x-www-form-urlencoded"}};

  Browser viewer{e.port, ""};
  ClientResponse seen = viewer.SignOn("/ui/records/Contacts/c-anne", e.Token("9", "viewer"));
  INFO(seen.body);
  CHECK(Contains(seen.body, "Linked profiles"));
  CHECK(Contains(seen.body, "Anne Martin"));
  CHECK_FALSE(Contains(seen.body, form));  // no Unlink, Confirm or Reject for a viewer
  CHECK_FALSE(Contains(seen.body, "/confirm\""));
  ClientResponse refused = viewer.Send("POST", form, form_post, "csrf=" + CsrfOf(seen.body));
  CHECK(refused.status == 403);
  CHECK(Contains(refused.Header("Content-Type"), "text/html"));  // a page, not JSON
  CHECK(Contains(refused.body, "sales, support or admin"));
  CHECK(status() == "confirmed");

  Browser sales{e.port, ""};
  ClientResponse page = sales.SignOn("/ui/records/Contacts/c-anne", e.Token("7", "sales"));
  REQUIRE(Contains(page.body, "<form method=\"post\" action=\"" + form + "\""));
  CHECK(sales.Send("POST", form, form_post, "csrf=").status == 403);  // the token is required
  CHECK(status() == "confirmed");
  ClientResponse unlinked = sales.Send("POST", form, form_post, "csrf=" + CsrfOf(page.body));
  INFO(unlinked.body);
  CHECK(unlinked.status == 303);
  CHECK(unlinked.Header("Location") == "/ui/records/Contacts/c-anne");
  CHECK(status() == "rejected");
  CHECK(e.db.Scalar("SELECT decided_by FROM scrm_links WHERE id = " + id) == "7");
  ClientResponse after = sales.Send("GET", unlinked.Header("Location"));
  CHECK(after.status == 200);
  CHECK_FALSE(Contains(after.body, form));
}

TEST_CASE("bad or expired sign-on links answer a 401 page that says how to fix it",
          "[mysql][ui]") {
  Engine e;
  e.Setup();
  e.Serve();
  ClientResponse bad = Call(e.port, "GET", "/ui/conversations?sso=v1.bogus.sig");
  CHECK(bad.status == 401);
  CHECK(Contains(bad.Header("Content-Type"), "text/html"));
  CHECK(Contains(bad.body, "Open this page again from the CRM"));
  CHECK(Contains(bad.body, "SCRM_SECRET"));

  http::TokenClaims old;
  old.user_id = "7";
  old.roles = {"sales"};
  old.expires_at = static_cast<int64_t>(std::time(nullptr)) - 60;
  ClientResponse expired =
      Call(e.port, "GET", "/ui/conversations?sso=" + http::MintToken(old, kSecret));
  CHECK(expired.status == 401);
  CHECK(Contains(expired.body, "token expired"));

  ClientResponse none = Call(e.port, "GET", "/ui/conversations");
  CHECK(none.status == 401);
  CHECK(Contains(none.body, "open this page from the CRM"));

  CallOptions gone;
  gone.headers["Cookie"] = "scrm_session=not-a-session";
  ClientResponse ended = Call(e.port, "GET", "/ui/conversations", gone);
  CHECK(ended.status == 401);
  CHECK(Contains(ended.body, "session has ended"));

  // Issue 13: the same refusals in French, by reason (the language from
  // Accept-Language before sign-on, from the token or session after).
  CallOptions french;
  french.headers["Accept-Language"] = "fr-FR,fr;q=0.9";
  ClientResponse fr_bad = Call(e.port, "GET", "/ui/conversations?sso=v1.bogus.sig", french);
  CHECK(fr_bad.status == 401);
  CHECK(Contains(fr_bad.body, "la signature du jeton ne correspond pas"));
  ClientResponse fr_expired =
      Call(e.port, "GET", "/ui/conversations?sso=" + http::MintToken(old, kSecret), french);
  CHECK(Contains(fr_expired.body, "le jeton de connexion a expiré"));
  ClientResponse fr_malformed = Call(e.port, "GET", "/ui/conversations?sso=nope", french);
  CHECK(Contains(fr_malformed.body, "le jeton de connexion est mal formé"));
  ClientResponse fr_none = Call(e.port, "GET", "/ui/conversations", french);
  CHECK(Contains(fr_none.body, "vous n&apos;êtes pas connecté"));
  french.headers["Cookie"] = "scrm_session=not-a-session";
  ClientResponse fr_ended = Call(e.port, "GET", "/ui/conversations", french);
  CHECK(Contains(fr_ended.body, "votre session a pris fin"));
  CHECK_FALSE(Contains(fr_ended.body, "session has ended"));
  // A French token used twice.
  const std::string token = e.Token("8", "sales", "fr");
  Browser first{e.port, ""};
  first.SignOn("/ui/conversations", token);
  ClientResponse replay = Call(e.port, "GET", "/ui/conversations?sso=" + token);
  CHECK(replay.status == 401);
  CHECK(Contains(replay.body, "ce lien de connexion a déjà servi"));
}

TEST_CASE("the conversations page escapes posts, facets add filters, French follows the token",
          "[mysql][ui]") {
  Engine e;
  e.Setup();
  e.Serve();
  Browser marketing{e.port, ""};
  ClientResponse page = marketing.SignOn("/ui/conversations?q=billing", e.Token("5", "marketing"));
  INFO(page.body);
  REQUIRE(page.status == 200);
  // The post's <script> is text; the snippet keeps only its <mark>.
  CHECK(Contains(page.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK_FALSE(Contains(page.body, "<script>alert(1)"));
  CHECK(Contains(page.body, "<mark>billing</mark>"));
  CHECK(Contains(page.body, "/ui/conversations?like="));          // more like this
  CHECK(Contains(page.body, "/ui/api/v1/search/export?q=billing&amp;format=csv"));
  CHECK(Contains(page.body, "q=billing&amp;platform=mastodon"));   // a facet link
  CHECK(Contains(page.body, "<svg"));                              // date histogram
  CHECK(Contains(page.body, "lang=\"en\""));

  // A saved search, made from the page's session with its CSRF token, is
  // listed with its new matches.
  ClientResponse saved = marketing.Send(
      "POST", "/ui/api/v1/saved-searches",
      {{"X-CSRF-Token", CsrfOf(page.body)}, {"Content-Type", "application/json"}},
      R"({"name":"Billing <b>watch</b>","params":{"q":"billing"}})");
  INFO(saved.body);
  CHECK(saved.status == 201);
  ClientResponse again = marketing.Send("GET", "/ui/conversations");
  CHECK(Contains(again.body, "Billing &lt;b&gt;watch&lt;/b&gt;"));
  // The export link works with the session cookie.
  ClientResponse csv = marketing.Send("GET", "/ui/api/v1/search/export?q=billing&format=csv");
  CHECK(csv.status == 200);
  CHECK(Contains(csv.body, "billing"));
  // A query Xapian cannot parse is said on the page, not a blank one.
  ClientResponse bad = marketing.Send("GET", "/ui/conversations?limit=0");
  CHECK(bad.status == 400);
  CHECK(Contains(bad.body, "limit"));

  Browser french{e.port, ""};
  ClientResponse fr = french.SignOn("/ui/conversations?q=panne", e.Token("6", "marketing", "fr"));
  INFO(fr.body);
  REQUIRE(fr.status == 200);
  CHECK(Contains(fr.body, "lang=\"fr\""));
  CHECK(Contains(fr.body, "Rechercher dans les conversations"));
  CHECK(Contains(fr.body, "Publications similaires"));
  ClientResponse panel = french.Send("GET", "/ui/records/Contacts/c-anne");
  CHECK(Contains(panel.body, "Profils suggérés"));
  CHECK(Contains(panel.body, "<li>Nom: Anne Martin"));  // the evidence's kind, translated
  CHECK_FALSE(Contains(fr.body, "Search the conversations"));
  // Refused searches are said in French too.
  ClientResponse fr_paren = french.Send("GET", "/ui/conversations?q=%28reseau");
  CHECK(fr_paren.status == 400);
  CHECK(Contains(fr_paren.body, "la recherche a une parenthèse non fermée"));
  ClientResponse fr_limit = french.Send("GET", "/ui/conversations?limit=0");
  CHECK(fr_limit.status == 400);
  CHECK(Contains(fr_limit.body, "paramètre limit : doit être compris entre 1 et 1000"));
  ClientResponse fr_or = french.Send("GET", "/ui/conversations?q=OR+reseau");
  INFO(fr_or.body);
  CHECK(fr_or.status == 400);
  CHECK(Contains(fr_or.body, "« OR » demande des mots à sa gauche"));
}

// Issue 13: the Account facet listed CRM ids. It shows the account's name
// from the synced CRM (escaped), the filter it adds stays the id, and the
// active filter shows the name too.
TEST_CASE("the account facet and filter show account names, filter by id", "[mysql][ui]") {
  Engine e;
  const int64_t link = e.Setup();
  Customer acme;
  acme.module = CrmModule::kAccounts;
  acme.crm_id = "a-acme-0001";
  acme.name = "Acme <Énergie>";
  acme.company = acme.name;
  store::CustomerRepository customers(e.db.pool());
  customers.Upsert(CrmModule::kAccounts, {acme});
  std::optional<Customer> anne = customers.Get(CrmModule::kContacts, "c-anne");
  REQUIRE(anne);
  anne->account_ids = {"a-acme-0001"};
  customers.Upsert(CrmModule::kContacts, {*anne});
  // Confirming the link queues Anne's posts; the engine's feeder tags them.
  REQUIRE(store::LinkRepository(e.db.pool()).Confirm(link, {"1", "Test"}).ok());
  e.Serve();
  Browser marketing{e.port, ""};
  ClientResponse page = marketing.SignOn("/ui/conversations?q=billing", e.Token("5", "marketing"));
  for (int i = 0; i < 100 && !Contains(page.body, "account=a-acme-0001"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    page = marketing.Send("GET", "/ui/conversations?q=billing");
  }
  INFO(page.body);
  REQUIRE(page.status == 200);
  CHECK(Contains(page.body, "q=billing&amp;account=a-acme-0001\">Acme &lt;Énergie&gt;</a>"));
  CHECK_FALSE(Contains(page.body, ">a-acme-0001<"));

  ClientResponse filtered = marketing.Send("GET", "/ui/conversations?q=billing&account=a-acme-0001");
  INFO(filtered.body);
  CHECK(Contains(filtered.body, "account: Acme &lt;Énergie&gt; ✕"));
  CHECK(Contains(filtered.body, "name=\"account\" value=\"a-acme-0001\""));  // kept as the id
  // An account the engine does not hold shows its id.
  ClientResponse unknown = marketing.Send("GET", "/ui/conversations?account=a-gone");
  CHECK(Contains(unknown.body, "account: a-gone ✕"));
}

// Issue 13: evidence lines were English inside French pages. Real matching
// (`scrm match`) stores its phrases; the panel says them in the reader's
// language, and evidence stored without phrases keeps its English detail.
TEST_CASE("a French panel shows matching's evidence in French", "[mysql][ui]") {
  Engine e;
  e.Setup();
  store::CustomerRepository customers(e.db.pool());
  std::optional<Customer> anne = customers.Get(CrmModule::kContacts, "c-anne");
  REQUIRE(anne);
  anne->website = "https://social.example/@anne";  // the profile's address, recorded in the CRM
  customers.Upsert(CrmModule::kContacts, {*anne});
  RunResult match = e.Scrm({"match"});
  INFO(match.out << match.err);
  REQUIRE(match.exit_code == 0);
  const std::string evidence = e.db.Scalar("SELECT evidence FROM scrm_links WHERE crm_id = 'c-anne'");
  INFO(evidence);
  REQUIRE(Contains(evidence, "\"phrases\""));
  e.Serve();

  Browser french{e.port, ""};
  ClientResponse fr = french.SignOn("/ui/records/Contacts/c-anne", e.Token("6", "sales", "fr"));
  INFO(fr.body);
  REQUIRE(fr.status == 200);
  CHECK(Contains(fr.body, "le champ site web du CRM contient l&apos;adresse de ce profil "
                          "social.example/@anne"));
  CHECK(Contains(fr.body, "même nom : « Anne Martin » = « Anne Martin » (un nom de famille courant)"));
  CHECK_FALSE(Contains(fr.body, "the CRM&apos;s website field"));
  CHECK_FALSE(Contains(fr.body, "same name"));

  Browser english{e.port, ""};
  ClientResponse en = english.SignOn("/ui/records/Contacts/c-anne", e.Token("7", "sales"));
  CHECK(Contains(en.body, "the CRM&apos;s website field holds this profile&apos;s address "
                          "social.example/@anne"));
  CHECK(Contains(en.body, "same name: &apos;Anne Martin&apos; = &apos;Anne Martin&apos;"));
}

TEST_CASE("the admin page is for admins, others get a 403 page", "[mysql][ui]") {
  Engine e;
  e.Setup();
  e.Serve();
  Browser sales{e.port, ""};
  ClientResponse denied = Call(e.port, "GET", "/ui/admin?sso=" + e.Token("7", "sales"));
  CHECK(denied.status == 403);
  CHECK(Contains(denied.Header("Content-Type"), "text/html"));
  CHECK(Contains(denied.body, "admin role"));

  Browser admin{e.port, ""};
  ClientResponse page = admin.SignOn("/ui/admin", e.Token("1", "admin"));
  INFO(page.body);
  REQUIRE(page.status == 200);
  CHECK(Contains(page.body, "Engine health"));
  CHECK(Contains(page.body, "community"));  // the source, with its health
  CHECK(Contains(page.body, "0.90"));       // auto threshold
  CHECK(Contains(page.body, kCrmOrigin));

  // A dry-run preview of other thresholds stores nothing.
  const std::string links_before = e.db.Scalar("SELECT COUNT(*) FROM scrm_links");
  ClientResponse preview = admin.Send("GET", "/ui/admin?preview=1&auto=0.5&suggest=0.2&margin=0.1");
  INFO(preview.body);
  CHECK(preview.status == 200);
  CHECK(Contains(preview.body, "thresholds previewed"));
  CHECK(Contains(preview.body, "value=\"0.5\""));
  CHECK(e.db.Scalar("SELECT COUNT(*) FROM scrm_links") == links_before);
  ClientResponse bad = admin.Send("GET", "/ui/admin?preview=1&auto=0.3&suggest=0.6");
  CHECK(Contains(bad.body, "may not be above the automatic one"));

  ClientResponse css = Call(e.port, "GET", "/ui/static/scrm.css");
  CHECK(css.status == 200);
  CHECK(Contains(css.Header("Content-Type"), "text/css"));
  CHECK(Call(e.port, "GET", "/ui/static/nope.css").status == 404);
  ClientResponse unknown = sales.SignOn("/ui/records/Nope/1", e.Token("7", "sales"));
  CHECK(unknown.status == 404);
  CHECK(Contains(unknown.body, "Contacts|Leads|Accounts"));
}

namespace {

// Posts of Anne in other places than the public forum: three in the
// "partners" community, one internal, and one of 2,500 characters in public.
void AddHiddenAndLongPosts(Engine& e) {
  REQUIRE(e.Scrm({"sources", "add", "partners", "--type", "file", "--visibility", "community",
                  "--community", "partners"}).exit_code == 0);
  REQUIRE(e.Scrm({"sources", "add", "staff", "--type", "file", "--visibility", "internal"})
              .exit_code == 0);
  const std::string anne =
      R"("platform":"mastodon","author":{"id":"https://social.example/users/anne","name":"Anne Martin","handle":"anne@social.example"})";
  const auto ingest = [&](const std::string& source, const std::string& lines) {
    const std::string file = e.dir + "/" + source + ".jsonl";
    std::ofstream(file) << "{\"scrm\": 1}\n" << lines;
    RunResult r = e.Scrm({"ingest", "--source", source, file});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  };
  std::string partners;
  for (int i = 1; i <= 3; ++i) {
    partners += R"({"type":"post","id":"p)" + std::to_string(i) + R"(",)" + anne +
                R"(,"text":"Partners only secret roadmap )" + std::to_string(i) +
                R"(","published":"2026-10-0)" + std::to_string(i + 3) + R"(T10:00:00Z","language":"en"})" + "\n";
  }
  ingest("partners", partners);
  ingest("staff", R"({"type":"post","id":"s1",)" + anne +
                      R"(,"text":"Internal note on the billing escalation","published":"2026-10-08T10:00:00Z","language":"en"})" + "\n");
  ingest("community", R"({"type":"post","id":"long1","platform":"mastodon","author":{"id":"https://social.example/users/eric","name":"Éric Lefèvre","handle":"eric@social.example"},"text":"Longpost )" +
                          std::string(2500, 'y') + R"(","published":"2026-10-09T10:00:00Z","language":"en"})" + "\n");
}

}  // namespace

TEST_CASE("a page opened with embed=crm keeps the CRM's look for the session, with its buttons",
          "[mysql][ui]") {
  Engine e;
  e.Setup();
  AddHiddenAndLongPosts(e);
  e.Serve();

  Browser crm{e.port, ""};
  // SignOn checks that the redirect keeps embed=crm and drops only sso.
  ClientResponse page = crm.SignOn("/ui/conversations?embed=crm&q=billing", e.Token("5", "marketing"));
  INFO(page.body);
  REQUIRE(page.status == 200);
  CHECK(e.db.Scalar("SELECT GROUP_CONCAT(embed) FROM scrm_ui_sessions") == "crm");
  CHECK(Contains(page.body, "<body class=\"embed-crm\""));
  CHECK(Contains(page.body, std::string("data-crm-origin=\"") + kCrmOrigin + "\""));
  CHECK_FALSE(Contains(page.body, "Sign out"));
  CHECK_FALSE(Contains(page.body, "Signed in as"));
  CHECK_FALSE(Contains(page.body, "<header class=\"bar\""));
  // Create case on each result, hidden until scrm.js sees the CRM's frame;
  // the whole text of the post (escaped), not the snippet.
  CHECK(Contains(page.body, "data-crm-action=\"create-case\""));
  CHECK(Contains(page.body,
                 "data-post-text=\"The billing page shows &lt;script&gt;alert(1)&lt;/script&gt; "
                 "instead of my invoice #billing\""));
  CHECK(Contains(page.body, "data-post-published=\"2026-10-02T10:00:00Z\""));
  CHECK(Contains(page.body, "data-post-url=\"https://social.example/@anne/2\""));
  CHECK_FALSE(Contains(page.body, "<button type=\"button\" class=\"crm-action secondary\" data-crm"));

  // The session remembers the frame: a later page without embed=crm.
  ClientResponse later = crm.Send("GET", "/ui/conversations?q=panne");
  INFO(later.body);
  CHECK(Contains(later.body, "<body class=\"embed-crm\""));
  // Éric's profile is linked to nothing: Create lead, with what is known of
  // him (his javascript: profile URL dropped, no e-mail: empty).
  const std::string eric_id = e.db.Scalar(
      "SELECT id FROM scrm_profiles WHERE external_id = 'https://social.example/users/eric'");
  CHECK(Contains(later.body, "data-crm-action=\"create-lead\""));
  CHECK(Contains(later.body, "data-profile-id=\"" + eric_id + "\" data-profile-name=\"Éric Lefèvre\" "
                             "data-profile-handle=\"eric@social.example\" data-profile-url=\"\""));
  CHECK(Contains(later.body, "data-profile-network=\"mastodon\" data-profile-email=\"\""));
  CHECK(Contains(later.body, "aria-label=\"Create lead: Éric Lefèvre\""));

  // A text is cut to 2,000 characters.
  ClientResponse longer = crm.Send("GET", "/ui/conversations?q=longpost");
  std::smatch m;
  const std::string body = longer.body;
  REQUIRE(std::regex_search(body, m, std::regex("data-post-text=\"Longpost (y*)\"")));
  CHECK(m[1].length() == 2000 - 9);

  // Opened directly: our header, no embed.
  Browser direct{e.port, ""};
  ClientResponse own = direct.SignOn("/ui/conversations?q=billing", e.Token("5", "marketing"));
  CHECK(Contains(own.body, "<body class=\"\""));
  CHECK(Contains(own.body, "Sign out"));
  CHECK(Contains(own.body, "Signed in as User 5"));
  CHECK(e.db.Count("SELECT COUNT(*) FROM scrm_ui_sessions WHERE embed = ''") == 1);

  // French buttons.
  Browser french{e.port, ""};
  ClientResponse fr = french.SignOn("/ui/conversations?embed=crm&q=panne", e.Token("6", "marketing", "fr"));
  CHECK(Contains(fr.body, ">Créer un ticket</button>"));
  CHECK(Contains(fr.body, ">Créer un prospect</button>"));

  // The script posts to the configured origin only, never to "*".
  ClientResponse js = Call(e.port, "GET", "/ui/static/scrm.js");
  CHECK(Contains(js.body, "window.parent.postMessage(message, origin)"));
  CHECK_FALSE(Contains(js.body, "'*'"));
}

TEST_CASE("the record page gives Create case the record, and says how many posts the role hides",
          "[mysql][ui]") {
  Engine e;
  const int64_t link = e.Setup();
  AddHiddenAndLongPosts(e);
  REQUIRE(store::LinkRepository(e.db.pool()).Confirm(link, {"1", "Admin"}).ok());
  REQUIRE(e.Scrm({"reindex"}).exit_code == 0);  // Anne's posts tagged with her record
  e.Serve();

  const std::string record = "/ui/records/Contacts/c-anne";
  Browser sales{e.port, ""};
  ClientResponse page = sales.SignOn(record + "?embed=crm", e.Token("7", "sales"));
  INFO(page.body);
  REQUIRE(page.status == 200);
  CHECK(Contains(page.body, "data-crm-action=\"create-case\"\n        data-record-module=\"Contacts\" "
                            "data-record-id=\"c-anne\""));
  CHECK(Contains(page.body, "Same billing problem again this month"));
  // Sales see internal posts, not the partners' community: said, not shown.
  CHECK(Contains(page.body, "3 posts of this profile are in communities your role cannot see."));
  CHECK_FALSE(Contains(page.body, "internal: your role cannot see"));
  CHECK_FALSE(Contains(page.body, "secret roadmap"));
  CHECK(Contains(page.body, "Internal note on the billing escalation"));

  Browser viewer{e.port, ""};
  ClientResponse v = viewer.SignOn(record, e.Token("8", "viewer", "fr"));
  INFO(v.body);
  CHECK(Contains(v.body, "3 publications de ce profil sont dans des communautés que votre rôle ne "
                         "permet pas de voir."));
  CHECK(Contains(v.body, "1 publication de ce profil est interne : votre rôle ne permet pas de la voir."));
  CHECK_FALSE(Contains(v.body, "Internal note"));

  Browser partner{e.port, ""};
  ClientResponse p = partner.SignOn(record, e.Token("9", "sales,community:partners"));
  CHECK(Contains(p.body, "secret roadmap"));
  CHECK_FALSE(Contains(p.body, "your role cannot see"));
  Browser admin{e.port, ""};
  CHECK_FALSE(Contains(admin.SignOn(record, e.Token("1", "admin")).body, "your role cannot see"));
}

TEST_CASE("a refused page says nobody is signed in, in the CRM's look when framed", "[mysql][ui]") {
  Engine e;
  e.Setup();
  e.Serve();
  ClientResponse denied =
      Call(e.port, "GET", "/ui/admin?embed=crm&sso=" + e.Token("7", "sales", "fr"));
  INFO(denied.body);
  CHECK(denied.status == 403);
  CHECK(Contains(denied.body, "<body class=\"embed-crm\""));
  CHECK_FALSE(Contains(denied.body, "Connecté en tant que"));

  // Signed in, then refused: the 403 page names no one either.
  Browser sales{e.port, ""};
  ClientResponse page = sales.SignOn("/ui/conversations", e.Token("7", "sales"));
  CHECK(Contains(page.body, "Signed in as User 7"));
  ClientResponse admin = sales.Send("GET", "/ui/admin");
  INFO(admin.body);
  CHECK(admin.status == 403);
  CHECK_FALSE(Contains(admin.body, "Signed in as"));
  CHECK_FALSE(Contains(admin.body, "Sign out"));
  ClientResponse none = Call(e.port, "GET", "/ui/conversations");
  CHECK(none.status == 401);
  CHECK_FALSE(Contains(none.body, "Signed in as"));
  CHECK(Contains(none.body, "<body class=\"\""));
}
