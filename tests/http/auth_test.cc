// Tokens (HMAC-SHA256 signed claims) and what a principal may see.
#include "http/auth.h"

#include <catch2/catch.hpp>

#include "secrets/crypto.h"

using namespace scrm;
using namespace scrm::http;

namespace {
TokenClaims Claims(std::vector<std::string> roles, int64_t exp = 2000000000) {
  TokenClaims c;
  c.user_id = "42";
  c.user_name = "Anne Martin";
  c.roles = std::move(roles);
  c.lang = "fr";
  c.expires_at = exp;
  return c;
}
}  // namespace

TEST_CASE("base64url round-trips every byte without padding", "[http][auth]") {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  const std::string enc = secrets::Base64UrlEncode(all);
  CHECK(enc.find_first_of("+/=\n") == std::string::npos);
  CHECK(secrets::Base64UrlDecode(enc) == all);
  CHECK(secrets::Base64UrlEncode("f") == "Zg");
  CHECK_FALSE(secrets::Base64UrlDecode("Zg==").has_value());
  CHECK_FALSE(secrets::Base64UrlDecode("a b").has_value());
  // "Zg" is "f"; "Zh" to "Zv" carry stray bits in the last character: refused,
  // so a signature has one spelling only.
  CHECK_FALSE(secrets::Base64UrlDecode("Zh").has_value());
  CHECK_FALSE(secrets::Base64UrlDecode("Zv").has_value());
  CHECK_FALSE(secrets::Base64UrlDecode("Z").has_value());
}

TEST_CASE("a minted token verifies and carries its claims", "[http][auth]") {
  const std::string token = MintToken(Claims({"sales", "community:partners"}), "s3cret");
  CHECK(token.rfind("v1.", 0) == 0);
  Result<Principal> p = VerifyToken(token, "s3cret", 1900000000);
  REQUIRE(p.ok());
  CHECK(p->user_id == "42");
  CHECK(p->user_name == "Anne Martin");
  CHECK(p->lang == "fr");
  CHECK(p->roles == std::vector<std::string>{"sales", "community:partners"});
  // Two tokens of the same claims differ by their nonce.
  CHECK(MintToken(Claims({"sales"}), "s3cret") != MintToken(Claims({"sales"}), "s3cret"));
}

TEST_CASE("a token is refused when forged, tampered with, expired or malformed", "[http][auth]") {
  const std::string token = MintToken(Claims({"admin"}), "s3cret");
  CHECK(VerifyToken(token, "other", 1900000000).status().code() == Status::Code::kUnauthenticated);
  // Claims changed (sales -> admin elevation), signature kept.
  const std::string sales = MintToken(Claims({"sales"}), "s3cret");
  const std::string forged = "v1." + secrets::Base64UrlEncode(
      R"({"sub":"42","roles":["admin"],"exp":2000000000})") + sales.substr(sales.rfind('.'));
  CHECK_FALSE(VerifyToken(forged, "s3cret", 1900000000).ok());
  Result<Principal> expired = VerifyToken(MintToken(Claims({"sales"}, 100), "s3cret"), "s3cret", 101);
  REQUIRE_FALSE(expired.ok());
  CHECK(expired.status().message().find("expired") != std::string::npos);
  for (const std::string bad : {"", "v1.", "v1..", "Bearer x", "v1.abc", "v2.a.b", "v1.!!.!!"}) {
    CHECK_FALSE(VerifyToken(bad, "s3cret", 0).ok());
  }
  // Signed, but claims without sub: refused.
  const std::string no_sub_part = "v1." + secrets::Base64UrlEncode(R"({"exp":2000000000})");
  CHECK_FALSE(VerifyToken(no_sub_part + "." + secrets::Base64UrlEncode(secrets::HmacSha256("s3cret", no_sub_part)),
                          "s3cret", 0)
                  .ok());
}

TEST_CASE("the token authorizer checks the bearer, the admin role and fills the principal",
          "[http][auth]") {
  Authorizer authorize = TokenAuthorizer("s3cret");
  Request r;
  r.path = "/api/v1/search";
  CHECK(authorize(Access::kUser, r).code() == Status::Code::kUnauthenticated);
  r.headers["authorization"] = "Bearer " + MintToken(Claims({"marketing"}), "s3cret");
  CHECK(authorize(Access::kUser, r).ok());
  CHECK(r.principal.user_id == "42");
  CHECK(authorize(Access::kAdmin, r).code() == Status::Code::kForbidden);
  r.headers["authorization"] = "Bearer " + MintToken(Claims({"admin"}), "s3cret");
  CHECK(authorize(Access::kAdmin, r).ok());
  // ?sso= only opens pages, not the API.
  Request page;
  page.method = "GET";
  page.path = "/ui/conversations";
  page.query.emplace("sso", MintToken(Claims({"sales"}), "s3cret"));
  CHECK(authorize(Access::kUser, page).ok());
  Request api = page;
  api.path = "/api/v1/search";
  CHECK(authorize(Access::kUser, api).code() == Status::Code::kUnauthenticated);
  // No secret configured: closed, and the message says how to fix it.
  Status closed = TokenAuthorizer("")(Access::kUser, r);
  CHECK(closed.code() == Status::Code::kUnauthenticated);
  CHECK(closed.message().find("SCRM_SECRET") != std::string::npos);
}

TEST_CASE("roles decide what a viewer sees", "[http][auth]") {
  auto principal = [](std::string id, std::vector<std::string> roles) {
    Principal p;
    p.user_id = std::move(id);
    p.roles = std::move(roles);
    return p;
  };
  Principal admin = principal("1", {"admin"});
  CHECK(ViewerOf(admin).everything);
  Principal staff = principal("2", {"sales"});
  CHECK(ViewerOf(staff).internal);
  CHECK_FALSE(ViewerOf(staff).everything);
  Principal partner = principal("3", {"community:partners", "community:"});
  index::Viewer v = ViewerOf(partner);
  CHECK_FALSE(v.internal);
  CHECK(v.communities == std::vector<std::string>{"partners"});
  CHECK_FALSE(ViewerOf(Principal{}).internal);
}
