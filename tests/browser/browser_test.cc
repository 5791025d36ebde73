// The pages in a real browser: the engine of tests/ui/ui_fixture.h (real
// MariaDB, real index, real `scrm serve`), then tests/browser/pages.mjs
// drives Debian's Chromium over it with playwright-core. Screenshots are
// kept in the build tree (SCRM_BROWSER_ARTIFACTS). Needs /usr/bin/chromium
// and tests/browser/node_modules (scripts/install-deps installs both).
#include <catch2/catch.hpp>
#include <filesystem>

#include "ui/ui_fixture.h"

using namespace scrm;
using namespace scrm::testing;

TEST_CASE("a browser confirms a suggestion, searches, narrows by a facet, and runs no post's script",
          "[mysql][browser]") {
  const std::string dir = std::string(SCRM_SOURCE_DIR) + "/tests/browser";
  INFO("run scripts/install-deps (chromium, and npm ci in tests/browser)");
  REQUIRE(std::filesystem::exists("/usr/bin/chromium"));
  REQUIRE(std::filesystem::exists(dir + "/node_modules/playwright-core"));

  Engine e;
  e.Setup();
  e.Serve();
  const std::string out = SCRM_BROWSER_ARTIFACTS;
  std::filesystem::create_directories(out);
  RunResult r = Run({"/usr/bin/node", dir + "/pages.mjs",
                     "--base", "http://127.0.0.1:" + std::to_string(e.port),
                     "--out", out,
                     "--record", "Contacts/c-anne",
                     "--sales", e.Token("7", "sales"),
                     "--marketing", e.Token("5", "marketing"),
                     "--admin", e.Token("1", "admin")},
                    {});
  INFO(r.out);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(e.db.Scalar("SELECT status FROM scrm_links WHERE crm_id = 'c-anne'") == "confirmed");
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
