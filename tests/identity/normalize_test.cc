#include "identity/normalize.h"

#include <catch2/catch.hpp>

using namespace scrm::identity;

TEST_CASE("Fold folds case, accents, hyphens and punctuation", "[identity]") {
  struct Case {
    const char* in;
    const char* out;
  };
  for (const Case& c : std::vector<Case>{
           {"Hélène", "helene"},
           {"JEAN-PIERRE", "jean pierre"},
           {"Œuvre Ægir Straße", "oeuvre aegir strasse"},
           {"François  d'Aubigné", "francois d aubigne"},
           {"Łukasz Żółć", "lukasz zolc"},
           {"e\xcc\x81lodie", "elodie"},  // decomposed é
           {"O’Brien", "o brien"},
           {"  ", ""},
           {"Zoë (ACME)", "zoe acme"},
       }) {
    INFO(c.in);
    CHECK(Fold(c.in) == c.out);
  }
  CHECK(FoldCompact("De La Fontaine") == "delafontaine");
  CHECK(FoldTokens("Jean-Marc Dupont") == std::vector<std::string>{"jean", "marc", "dupont"});
}

TEST_CASE("nicknames map to one canonical given name", "[identity]") {
  CHECK(CanonicalGivenName("bob") == CanonicalGivenName("robert"));
  CHECK(CanonicalGivenName("bill") == "william");
  CHECK(CanonicalGivenName("jeannot") == "jean");
  CHECK(CanonicalGivenName("nico") == CanonicalGivenName("nicolas"));
  CHECK(CanonicalGivenName("seb") == "sebastien");
  CHECK(CanonicalGivenName("kate") == CanonicalGivenName("catherine"));
  CHECK(CanonicalGivenName("zoe") == "zoe");
}

TEST_CASE("particles and honorifics are recognised", "[identity]") {
  for (const char* p : {"de", "du", "van", "von", "le", "la", "der", "d"}) CHECK(IsParticle(p));
  CHECK_FALSE(IsParticle("dupont"));
  for (const char* h : {"dr", "mme", "mr", "phd"}) CHECK(IsHonorific(h));
}

TEST_CASE("phonetic keys join common misspellings", "[identity]") {
  CHECK(PhoneticKey("dupont") == PhoneticKey("dupond"));
  CHECK(PhoneticKey("lefebvre") == PhoneticKey("lefevre"));
  CHECK(PhoneticKey("philippe") == PhoneticKey("filipe"));
  CHECK(PhoneticKey("garcia") != PhoneticKey("martin"));
}

TEST_CASE("WithinOneEdit", "[identity]") {
  CHECK(WithinOneEdit("martin", "martin"));
  CHECK(WithinOneEdit("martin", "martn"));
  CHECK(WithinOneEdit("martin", "marten"));
  CHECK(WithinOneEdit("martin", "amrtin"));
  CHECK(WithinOneEdit("martin", "martins"));
  CHECK_FALSE(WithinOneEdit("martin", "martinez"));
  CHECK_FALSE(WithinOneEdit("martin", "morten"));
}

TEST_CASE("companies compare without legal forms", "[identity]") {
  CHECK(NormalizeCompany("ACME Industries S.A.S.") == "acmeindustries");
  CHECK(NormalizeCompany("The Widget Company Ltd") == "widget");
  CHECK(NormalizeCompany("Müller GmbH") == "muller");
  CHECK(CompanyMatches("Acme", "ACME Industries SA"));
  CHECK(CompanyMatches("Société Générale", "societe generale"));
  CHECK(CompanyMatches("Globex Corporation", "Globex Inc."));
  CHECK_FALSE(CompanyMatches("Acme", "Initech"));
  CHECK_FALSE(CompanyMatches("SA", "SARL"));
}

TEST_CASE("free mail, platform hosts and role addresses", "[identity]") {
  for (const char* d : {"gmail.com", "orange.fr", "free.fr", "laposte.net", "gmx.de", "yahoo.fr",
                        "hotmail.com", "outlook.com"}) {
    CHECK(IsFreeMailDomain(d));
  }
  CHECK_FALSE(IsFreeMailDomain("acme.fr"));
  CHECK(IsPlatformHost("linkedin.com"));
  CHECK(IsPlatformHost("jdupont.github.io"));
  CHECK_FALSE(IsPlatformHost("acme.fr"));
  for (const char* l : {"info", "contact", "noreply", "no-reply", "support", "contact.paris", "sales2"}) {
    CHECK(IsGenericLocalPart(l));
  }
  CHECK_FALSE(IsGenericLocalPart("jean.dupont"));
  CHECK_FALSE(IsGenericLocalPart("infante"));
}

TEST_CASE("e-mails are found in free text, fediverse handles are not", "[identity]") {
  CHECK(ExtractEmails("Write to Jean.Dupont@Acme.fr. Or @anne@mastodon.social") ==
        std::vector<std::string>{"jean.dupont@acme.fr"});
  CHECK(ExtractEmails("no address here @ all").empty());
  CHECK(ExtractEmails("a@b.co, a@b.co; c.d@e.org") == std::vector<std::string>{"a@b.co", "c.d@e.org"});
}

TEST_CASE("handles lose their decorations", "[identity]") {
  CHECK(HandleLocal("@Anne@mastodon.social") == "anne");
  CHECK(HandleInstance("@Anne@mastodon.social") == "mastodon.social");
  CHECK(HandleLocal("https://twitter.com/JDupont/") == "jdupont");
  CHECK(HandleLocal("https://mastodon.social/@anne") == "anne");
  CHECK(HandleLocal("jean.dupont") == "jean.dupont");
  CHECK(HandleAlnum("@jean_dupont@piaille.fr") == "jeandupont");
  CHECK(HandleAlnum("jdupont75", true) == "jdupont");
  CHECK(NormalizeUrl("https://www.LinkedIn.com/in/jdupont/?x=1") == "linkedin.com/in/jdupont");
  CHECK(NormalizeUrl("nothing") == "");
}
