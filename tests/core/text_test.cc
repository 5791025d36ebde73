#include "core/text.h"

#include <catch2/catch.hpp>

using namespace scrm;

TEST_CASE("NormalizeEmail trims, lower-cases and rejects implausible addresses", "[core]") {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"  Jean.Dupont@Exemple.FR ", "jean.dupont@exemple.fr"},
      {"a@b.co", "a@b.co"},
      {"no-at-sign.example.com", ""},
      {"two@@example.com", ""},
      {"@example.com", ""},
      {"user@localhost", ""},
      {"user@example.", ""},
      {"us er@example.com", ""},
      {"", ""},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    CHECK(NormalizeEmail(c.in) == c.out);
  }
}

TEST_CASE("WebsiteDomain extracts the host as CRMs store websites", "[core]") {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"https://www.Northwind-Logistics.co.uk/about", "northwind-logistics.co.uk"},
      {"http://shop.exemple.fr:8080/", "shop.exemple.fr"},
      {"exemple.fr", "exemple.fr"},
      {"www.exemple.fr/contact?x=1", "exemple.fr"},
      {"https://user:pw@exemple.fr", "exemple.fr"},
      {"  HTTPS://EXEMPLE.FR.  ", "exemple.fr"},
      {"localhost", ""},
      {"", ""},
      {"not a website", ""},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    CHECK(WebsiteDomain(c.in) == c.out);
  }
}

TEST_CASE("TruncateUtf8 cuts on code points, never inside one", "[core]") {
  CHECK(TruncateUtf8("Hélène", 3) == "Hél");
  CHECK(TruncateUtf8("Hélène", 10) == "Hélène");
  CHECK(TruncateUtf8("日本語", 2) == "日本");
  CHECK(TruncateUtf8("", 2).empty());
}

TEST_CASE("Trim, Split and StartsWith", "[core]") {
  CHECK(Trim(" \t a b \n") == "a b");
  CHECK(Split("a,,b", ',') == std::vector<std::string>{"a", "", "b"});
  CHECK(StartsWith("mysql://x", "mysql://"));
  CHECK_FALSE(StartsWith("my", "mysql://"));
}
