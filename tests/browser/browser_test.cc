// The pages in a real browser: the engine of tests/ui/ui_fixture.h (real
// MariaDB, real index, real `scrm serve`), then tests/browser/pages.mjs
// drives Debian's Chromium over it with playwright-core, and framed.mjs
// frames it in a stand-in CRM that records the pages' messages. Screenshots are
// kept in the build tree (SCRM_BROWSER_ARTIFACTS). Needs /usr/bin/chromium
// and tests/browser/node_modules (scripts/install-deps installs both).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "ui/ui_fixture.h"

using namespace scrm;
using namespace scrm::testing;

namespace {

// A loopback port free now, for a server started a moment later.
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t n = sizeof a;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n) == 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

// Runs tests/browser/SCRIPT with node over the engine: --base, --out (the
// screenshots), --record (Anne's contact), --sales and --marketing tokens,
// then `extra`. Needs /usr/bin/chromium and tests/browser/node_modules.
RunResult RunScript(const Engine& e, const std::string& script, std::vector<std::string> extra) {
  const std::string dir = std::string(SCRM_SOURCE_DIR) + "/tests/browser";
  INFO("run scripts/install-deps (chromium, and npm ci in tests/browser)");
  REQUIRE(std::filesystem::exists("/usr/bin/chromium"));
  REQUIRE(std::filesystem::exists(dir + "/node_modules/playwright-core"));
  std::filesystem::create_directories(SCRM_BROWSER_ARTIFACTS);
  std::vector<std::string> args = {"/usr/bin/node", dir + "/" + script,
                                   "--base", "http://127.0.0.1:" + std::to_string(e.port),
                                   "--out", SCRM_BROWSER_ARTIFACTS,
                                   "--record", "Contacts/c-anne",
                                   "--sales", e.Token("7", "sales"),
                                   "--marketing", e.Token("5", "marketing")};
  args.insert(args.end(), extra.begin(), extra.end());
  return Run(args, {});
}

}  // namespace

TEST_CASE("a browser confirms a suggestion, searches, narrows by a facet, and runs no post's script",
          "[mysql][browser]") {
  Engine e;
  e.Setup();
  e.Serve();
  const std::string out = SCRM_BROWSER_ARTIFACTS;
  RunResult r = RunScript(e, "pages.mjs", {"--admin", e.Token("1", "admin")});
  INFO(r.out);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  // Confirmed with the script, then unlinked by the plain form (no script).
  CHECK(e.db.Scalar("SELECT status FROM scrm_links WHERE crm_id = 'c-anne'") == "rejected");
  CHECK(e.db.Count("SELECT COUNT(*) FROM scrm_link_decisions WHERE action = 'confirm'") == 1);
  CHECK(e.db.Count("SELECT COUNT(*) FROM scrm_link_decisions WHERE action = 'unlink'") == 1);
  // The source the admin added with the form is in the database as typed.
  CHECK(e.db.Scalar("SELECT CONCAT_WS('|', type, format, location, poll_interval_seconds, "
                    "visibility, community) FROM scrm_sources WHERE name = 'partner-blog'") ==
        "url|rss|https://partner.example.test/feed.xml|900|community|partners");
  for (const char* shot : {"record-before.png", "record-after.png", "conversations.png",
                           "conversations-script.png", "admin.png", "admin-preview.png",
                           "admin-source-form.png", "admin-source-added.png"}) {
    INFO(shot);
    CHECK(std::filesystem::file_size(out + "/" + shot) > 1000);
  }
}

TEST_CASE("framed by the CRM, a page posts its size, Create case and Create lead to crm.origin",
          "[mysql][browser]") {
  Engine e;
  const int64_t link = e.Setup();
  REQUIRE(store::LinkRepository(e.db.pool()).Confirm(link, {"1", "Admin"}).ok());
  REQUIRE(e.Scrm({"reindex"}).exit_code == 0);  // Anne's posts on her record's timeline
  // The stand-in CRM of framed.mjs is on loopback: same site as the engine,
  // so the session cookie (SameSite=Lax over plain HTTP) reaches the frame.
  const int crm_port = FreePort();
  e.env["SCRM_CRM_ORIGIN"] = "http://127.0.0.1:" + std::to_string(crm_port);
  e.Serve();
  RunResult r = RunScript(e, "framed.mjs", {"--crm-port", std::to_string(crm_port),
                                            "--direct", e.Token("5", "marketing")});
  INFO(r.out);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(std::filesystem::file_size(std::string(SCRM_BROWSER_ARTIFACTS) + "/framed-record.png") > 1000);
}
