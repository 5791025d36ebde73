// The SuiteCRM plugin and the engine agree on tokens: a token signed by the
// plugin's PHP code (plugin/suitecrm/tests/sign_token.php, which calls
// ScrmClient::tokenForUser) is accepted by VerifyToken; a tampered one, or
// one signed with another secret, is refused. php is installed by
// scripts/install-deps, so this runs everywhere the suite runs.
#include <catch2/catch.hpp>
#include <ctime>

#include "http/auth.h"
#include "secrets/crypto.h"
#include "support/process.h"

using namespace scrm;
using namespace scrm::http;

namespace {

const std::string kSignToken = std::string(SCRM_SOURCE_DIR) + "/plugin/suitecrm/tests/sign_token.php";

std::string PhpToken(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {SCRM_PHP, kSignToken};
  argv.insert(argv.end(), args.begin(), args.end());
  testing::RunResult r = testing::Run(argv, {});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(!r.out.empty());
  REQUIRE(r.out.back() == '\n');
  return r.out.substr(0, r.out.size() - 1);
}

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace

TEST_CASE("a token signed by the PHP plugin is accepted by the engine", "[http][plugin]") {
  const std::string token = PhpToken(
      {"--secret", "shared-s3cret", "--id", "seed_sally_id", "--user-name", "Sally Bronsen",
       "--language", "fr_FR", "--groups", "Sales Team,Lyon users,Unmapped",
       "--role-map", "Sales Team=sales;Lyon users=community:lyon", "--default-roles", "support"});
  Result<Principal> p = VerifyToken(token, "shared-s3cret", Now());
  INFO(token);
  REQUIRE(p.ok());
  CHECK(p->user_id == "seed_sally_id");
  CHECK(p->user_name == "Sally Bronsen");
  CHECK(p->lang == "fr");
  CHECK(p->roles == std::vector<std::string>{"support", "sales", "community:lyon"});
  CHECK_FALSE(p->HasRole("admin"));

  Result<Principal> admin =
      VerifyToken(PhpToken({"--secret", "shared-s3cret", "--id", "1", "--admin"}), "shared-s3cret", Now());
  REQUIRE(admin.ok());
  CHECK(admin->HasRole("admin"));
  CHECK(admin->lang == "en");

  // Short-lived: a few minutes, not the hour of `scrm token`.
  CHECK(VerifyToken(token, "shared-s3cret", Now() + 10 * 60).status().code() ==
        Status::Code::kUnauthenticated);
}

TEST_CASE("the engine refuses a tampered PHP token and one signed with another secret",
          "[http][plugin]") {
  const std::string token = PhpToken({"--secret", "shared-s3cret", "--id", "u2", "--groups", "Sales",
                                      "--role-map", "Sales=sales"});
  REQUIRE(VerifyToken(token, "shared-s3cret", Now()).ok());

  CHECK_FALSE(VerifyToken(token, "another-secret", Now()).ok());

  // Promote the user: re-encode the claims with "admin", keep the signature.
  const size_t first = token.find('.');
  const size_t last = token.rfind('.');
  std::optional<std::string> claims = secrets::Base64UrlDecode(token.substr(first + 1, last - first - 1));
  REQUIRE(claims.has_value());
  std::string forged = *claims;
  const size_t sales = forged.find("\"sales\"");
  REQUIRE(sales != std::string::npos);
  forged.replace(sales, 7, "\"admin\"");
  const std::string tampered = "v1." + secrets::Base64UrlEncode(forged) + token.substr(last);
  Result<Principal> t = VerifyToken(tampered, "shared-s3cret", Now());
  CHECK_FALSE(t.ok());
  CHECK(t.status().message().find("signature") != std::string::npos);

  // One flipped character of the signature: one in the middle, since the
  // last of its 43 characters also carries 2 padding bits.
  std::string flipped = token;
  char& c = flipped[last + 20];
  c = c == 'A' ? 'B' : 'A';
  CHECK_FALSE(VerifyToken(flipped, "shared-s3cret", Now()).ok());
}
