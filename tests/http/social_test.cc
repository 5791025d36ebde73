// GET /api/v1/customers/{module}/{id}/social: the Social panel as JSON,
// against the real `scrm serve` on a real MariaDB and index (the pages'
// fixture, tests/ui/ui_fixture.h). The answer is the page's model for the
// caller's roles: what a role may not see is neither shown nor leaked, the
// timeline pages newest first, bad paths and parameters answer as the
// errors say.
#include <catch2/catch.hpp>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "ui/ui_fixture.h"

namespace scrm::testing {
namespace {

constexpr char kAnne[] =
    R"("platform":"mastodon","author":{"id":"https://social.example/users/anne","name":"Anne Martin","handle":"anne@social.example"})";

void Ingest(Engine& e, const std::string& source, const std::string& lines) {
  const std::string file = e.dir + "/" + source + ".jsonl";
  std::ofstream(file) << "{\"scrm\": 1}\n" << lines;
  RunResult r = e.Scrm({"ingest", "--source", source, file});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

// Anne's posts: two public (a1, a2 replying to a1), two of the partners'
// community, one internal; her link confirmed, the posts tagged with her
// record; a suggestion of Éric's profile for Contacts/c-eric.
void SetUp(Engine& e) {
  const int64_t link = e.Setup();
  REQUIRE(e.Scrm({"sources", "add", "partners", "--type", "file", "--visibility", "community",
                  "--community", "partners"}).exit_code == 0);
  REQUIRE(e.Scrm({"sources", "add", "staff", "--type", "file", "--visibility", "internal"})
              .exit_code == 0);
  std::string partners;
  for (int i = 1; i <= 2; ++i) {
    partners += R"({"type":"post","id":"p)" + std::to_string(i) + "\"," + kAnne +
                R"(,"text":"Partners only secret roadmap","published":"2026-10-0)" +
                std::to_string(i + 3) + R"(T10:00:00Z","language":"en"})" + "\n";
  }
  Ingest(e, "partners", partners);
  Ingest(e, "staff", std::string(R"({"type":"post","id":"s1",)") + kAnne +
                         R"(,"text":"Internal note on the billing escalation","published":"2026-10-08T10:00:00Z","language":"en"})" + "\n");
  REQUIRE(store::LinkRepository(e.db.pool()).Confirm(link, {"1", "Admin"}).ok());
  store::ProposedLink p;
  p.profile_id = std::stoll(e.db.Scalar(
      "SELECT id FROM scrm_profiles WHERE external_id = 'https://social.example/users/eric'"));
  p.platform = "mastodon";
  p.external_id = "https://social.example/users/eric";
  p.module = CrmModule::kContacts;
  p.crm_id = "c-eric";
  p.score = 0.55;
  p.evidence =
      R"([{"kind":"handle","detail":"same handle eric","weight":0.55,"phrases":[{"id":"same_handle","args":{"handle":"eric"}}]}])";
  store::LinkRepository(e.db.pool())
      .ApplyMatches({{"mastodon", "https://social.example/users/eric"}}, {p});
  REQUIRE(e.Scrm({"reindex"}).exit_code == 0);  // Anne's posts tagged with her record
}

ClientResponse Get(const Engine& e, const std::string& token, const std::string& target) {
  CallOptions o;
  if (!token.empty()) o.headers["Authorization"] = "Bearer " + token;
  return Call(e.port, "GET", target, o);
}

nlohmann::json Json(const Engine& e, const std::string& token, const std::string& target) {
  ClientResponse r = Get(e, token, target);
  INFO(target << " -> " << r.status << " " << r.body);
  REQUIRE(r.status == 200);
  return nlohmann::json::parse(r.body);
}

std::vector<int64_t> Ids(const nlohmann::json& panel) {
  std::vector<int64_t> out;
  for (const auto& p : panel["timeline"]["posts"]) out.push_back(p["id"].get<int64_t>());
  return out;
}

}  // namespace

TEST_CASE("the Social panel API answers the page's model, for the caller's roles",
          "[mysql][http]") {
  Engine e;
  SetUp(e);
  e.Serve();
  const std::string anne = "/api/v1/customers/Contacts/c-anne/social";

  // Sales: internal posts, not the partners' community (counted, not shown).
  const std::string sales = e.Token("7", "sales");
  const nlohmann::json panel = Json(e, sales, anne);
  CHECK(panel["record"] == nlohmann::json{{"module", "Contacts"}, {"id", "c-anne"},
                                          {"name", "Anne Martin"}, {"known", true}});
  CHECK(panel["can_decide"] == true);
  REQUIRE(panel["linked"].size() == 1);
  const nlohmann::json& link = panel["linked"][0];
  CHECK(link["name"] == "Anne Martin");
  CHECK(link["status"] == "confirmed");
  CHECK(link["url"] == "https://social.example/@anne");
  CHECK(link["decided_by"] == "Admin");
  CHECK(link["evidence"][0]["kind"] == "name");
  CHECK(link["evidence"][0]["detail"] == "Anne Martin = Anne Martin");
  CHECK(link["hidden_posts"] == nlohmann::json::array({{{"kind", "community"}, {"count", 2}}}));
  CHECK(panel["suggested"].empty());
  CHECK_FALSE(panel.contains("found"));
  // a1, a2 and the internal note, newest first; the reply with its parent,
  // its javascript: link dropped.
  CHECK(panel["timeline"]["total"] == 3);
  CHECK(panel["timeline"]["page"] == 1);
  CHECK(panel["timeline"]["next_page"].is_null());
  const nlohmann::json& posts = panel["timeline"]["posts"];
  REQUIRE(posts.size() == 3);
  CHECK(posts[0]["date"] == "2026-11-02T10:00:00Z");
  CHECK(posts[0]["text"] == "Same billing problem again this month");
  CHECK(posts[0]["is_reply"] == true);
  CHECK(posts[0]["thread"] == "Invoices in November");
  CHECK(posts[0]["url"].is_null());
  CHECK(posts[0]["parent"]["author"] == "Anne Martin");
  CHECK(posts[1]["text"] == "Internal note on the billing escalation");
  CHECK(posts[2]["parent"].is_null());
  CHECK(panel.dump().find("secret roadmap") == std::string::npos);
  int64_t bucketed = 0;
  for (const auto& b : panel["engagement"]["buckets"]) bucketed += b["count"].get<int64_t>();
  CHECK(bucketed == 3);
  CHECK_FALSE(panel["engagement"]["interval"].get<std::string>().empty());
  // Anne's last post is weeks old to the test's clock or not: either "quiet"
  // says when, or there is none; never a count of hidden posts.
  for (const auto& s : panel["signals"]) {
    if (s["kind"] == "quiet") CHECK(s["last_post"] == "2026-11-02T10:00:00Z");
  }

  // Pages of 2: the same posts in the same order, split.
  const nlohmann::json first = Json(e, sales, anne + "?per_page=2");
  const nlohmann::json second = Json(e, sales, anne + "?per_page=2&page=2");
  CHECK(first["timeline"]["next_page"] == 2);
  CHECK(second["timeline"]["next_page"].is_null());
  CHECK(second["timeline"]["total"] == 3);
  std::vector<int64_t> paged = Ids(first);
  for (int64_t id : Ids(second)) paged.push_back(id);
  CHECK(paged == Ids(panel));
  CHECK(Json(e, sales, anne + "?page=3")["timeline"]["posts"].empty());

  // The viewer: public posts only; the internal one counted too; no forms.
  const nlohmann::json viewer = Json(e, e.Token("8", "viewer"), anne);
  CHECK(viewer["can_decide"] == false);
  CHECK(viewer["timeline"]["total"] == 2);
  CHECK(viewer.dump().find("Internal note") == std::string::npos);
  CHECK(viewer["linked"][0]["hidden_posts"] ==
        nlohmann::json::array({{{"kind", "community"}, {"count", 2}}, {{"kind", "internal"}, {"count", 1}}}));

  // A partner sees the roadmap; an admin has nothing hidden.
  const nlohmann::json partner = Json(e, e.Token("9", "sales,community:partners"), anne);
  CHECK(partner["timeline"]["total"] == 5);
  CHECK(partner["linked"][0]["hidden_posts"].empty());
  CHECK(Json(e, e.Token("1", "admin"), anne)["linked"][0]["hidden_posts"].empty());

  // A suggestion with its evidence's phrases; the profile finder.
  const nlohmann::json eric = Json(e, sales, "/api/v1/customers/Contacts/c-eric/social?find=eric");
  CHECK(eric["record"]["known"] == false);
  CHECK(eric["record"]["name"] == "c-eric");
  CHECK(eric["linked"].empty());
  REQUIRE(eric["suggested"].size() == 1);
  CHECK(eric["suggested"][0]["name"] == "Éric Lefèvre");
  CHECK(eric["suggested"][0]["url"].is_null());  // javascript: dropped
  CHECK_FALSE(eric["suggested"][0].contains("hidden_posts"));
  CHECK(eric["suggested"][0]["evidence"][0]["phrases"] ==
        nlohmann::json::array({{{"id", "same_handle"}, {"args", {{"handle", "eric"}}}}}));
  REQUIRE(eric["found"].size() == 1);
  CHECK(eric["found"][0]["handle"] == "eric@social.example");
  CHECK(eric["timeline"]["total"] == 0);

  // Errors: as the page, a path no record has is 404; bad parameters name themselves.
  const auto error = [&](const std::string& target, int status, const std::string& field) {
    ClientResponse r = Get(e, sales, target);
    INFO(target << " -> " << r.body);
    CHECK(r.status == status);
    if (!field.empty()) CHECK(nlohmann::json::parse(r.body)["error"]["field"] == field);
  };
  error("/api/v1/customers/Opportunities/c-anne/social", 404, "");
  error("/api/v1/customers/Contacts/" + std::string(37, 'x') + "/social", 404, "");
  error(anne + "?page=0", 400, "page");
  error(anne + "?per_page=101", 400, "per_page");
  error(anne + "?page=x", 400, "page");
  error(anne + "?q=billing", 400, "q");
  error(anne + "?find=" + std::string(201, 'a'), 400, "find");
  CHECK(Get(e, "", anne).status == 401);
}

// "new": the posts of the last 7 days, whether the page itself holds the
// answer (page 1 when it ends before the week began, or holds every post)
// or the index counts them (a page 1 of new posts only, a later page).
TEST_CASE("the panel counts the week's new posts the same from any page", "[mysql][ui]") {
  Engine e;
  const int64_t link = e.Setup();
  const auto iso = [](std::time_t t) {
    char out[32];
    std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return std::string(out);
  };
  const std::time_t now = std::time(nullptr);
  std::string lines;
  for (int days : {1, 2, 3, 20}) {
    lines += R"({"type":"post","id":"w)" + std::to_string(days) + "\"," + kAnne +
             R"(,"text":"Posted )" + std::to_string(days) + R"( days ago","published":")" +
             iso(now - days * 86400) + R"(","language":"en"})" + "\n";
  }
  Ingest(e, "community", lines);
  REQUIRE(store::LinkRepository(e.db.pool()).Confirm(link, {"1", "Admin"}).ok());
  REQUIRE(e.Scrm({"reindex"}).exit_code == 0);
  e.Serve();
  const std::string sales = e.Token("7", "sales");
  const std::string anne = "/api/v1/customers/Contacts/c-anne/social";
  const auto week = [&](const std::string& query) -> int64_t {
    const nlohmann::json panel = Json(e, sales, anne + query);
    for (const auto& s : panel["signals"]) {
      if (s["kind"] == "new") return s["count"].get<int64_t>();
    }
    return 0;
  };
  const int64_t total = Json(e, sales, anne)["timeline"]["total"].get<int64_t>();
  REQUIRE(total >= 4);
  CHECK(week("") == 3);                       // page 1 holds every post
  CHECK(week("?per_page=4") == 3);            // page 1 ends 20 days back
  CHECK(week("?per_page=2") == 3);            // page 1 all new: the index counts
  CHECK(week("?per_page=1&page=2") == 3);     // a later page: the index counts
  CHECK(week("?per_page=1&page=" + std::to_string(total)) == 3);
}

}  // namespace scrm::testing
