// Each evidence rule of matching on its own (identity/evidence_rules.h): what
// it finds for one CRM record and one profile, and its weight.
#include "identity/evidence_rules.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "identity/weights.h"

namespace scrm::identity {
namespace {

Customer Contact(const std::string& first, const std::string& last) {
  Customer c;
  c.module = CrmModule::kContacts;
  c.crm_id = "c-1";
  c.first_name = first;
  c.last_name = last;
  c.name = first + " " + last;
  return c;
}

size_t One(const std::string&) { return 1; }

TEST_CASE("e-mail: personal, shared, role address, opted out", "[identity][rules]") {
  Customer c = Contact("Anne", "Martin");
  c.emails = {{"anne.martin@acme.fr", true, false}};
  Profile p;
  p.bio = "Write to anne.martin@acme.fr";
  const Prepared rec = Prepare(c);
  const ProfileView v = View(p);
  bool opted_out = false;
  std::vector<Evidence> e = EmailEvidence(rec, v, One, &opted_out);
  REQUIRE(e.size() == 1);
  CHECK(e[0].kind == "email");
  CHECK(e[0].weight == kEmailPersonal);
  CHECK(e[0].phrases[0].id == "email_personal");
  CHECK_FALSE(opted_out);

  e = EmailEvidence(
      rec, v, [](const std::string&) { return size_t{3}; }, &opted_out);
  REQUIRE(e.size() == 1);
  CHECK(e[0].weight == kEmailShared);
  CHECK(e[0].phrases[0].args.at("count") == "3");

  Customer role = Contact("Anne", "Martin");
  role.emails = {{"info@acme.fr", true, true}};
  Profile rp;
  rp.emails = {"INFO@acme.fr"};
  e = EmailEvidence(Prepare(role), View(rp), One, &opted_out);
  REQUIRE(e.size() == 1);
  CHECK(e[0].weight == kEmailGenericPerson);
  CHECK(e[0].phrases.back().id == "note_opted_out");
  CHECK(opted_out);

  Profile none;
  none.emails = {"someone.else@acme.fr"};
  CHECK(EmailEvidence(rec, View(none), One, &opted_out).empty());
}

TEST_CASE("the CRM's handle: the same one, another one, the same elsewhere", "[identity][rules]") {
  Customer c = Contact("Jean", "Dupont");
  c.twitter = "@JDupont";
  Profile same;
  same.platform = "twitter";
  same.handle = "jdupont";
  std::vector<Evidence> e = CrmHandleEvidence(Prepare(c), View(same));
  REQUIRE(e.size() == 1);
  CHECK(e[0].weight == kCrmHandle);

  Profile other = same;
  other.handle = "jean_d";
  e = CrmHandleEvidence(Prepare(c), View(other));
  REQUIRE(e.size() == 1);
  CHECK(e[0].weight == kCrmHandleOther);
  CHECK(e[0].phrases[0].id == "crm_handle_other");

  Profile elsewhere;
  elsewhere.platform = "mastodon";
  elsewhere.handle = "@jdupont@mastodon.social";
  e = CrmHandleEvidence(Prepare(c), View(elsewhere));
  REQUIRE(e.size() == 1);
  CHECK(e[0].kind == "crm_handle_elsewhere");
  CHECK(e[0].weight == kCrmHandleElsewhere);
}

TEST_CASE("company: agreeing pieces are capped, another company counts against",
          "[identity][rules]") {
  Customer c = Contact("Jean", "Dupont");
  c.company = "Acme Industries";
  c.website = "https://www.acme.fr";
  c.emails = {{"jean.dupont@acme.fr", true, false}};
  Profile p;
  p.company = "ACME Industries SAS";
  p.websites = {"https://acme.fr/team"};
  p.emails = {"jd@acme.fr"};
  std::vector<Evidence> e = CompanyEvidence(Prepare(c), View(p));
  REQUIRE(e.size() == 3);  // website domain, e-mail domain, company name
  double bits = 0;
  for (const Evidence& x : e) bits += x.weight;
  CHECK(bits == Approx(kCompanyGroupCap));

  Profile moved;
  moved.company = "Globex";
  e = CompanyEvidence(Prepare(c), View(moved));
  REQUIRE(e.size() == 1);
  CHECK(e[0].weight == kCompanyConflict);
  CHECK(e[0].phrases[0].id == "company_other");
}

TEST_CASE("a person's name: same, initial, other given name, rarity, handle", "[identity][rules]") {
  const Prepared rec = Prepare(Contact("Hélène", "Brézillon"));
  Profile p;
  p.display_name = "Helene Brezillon";
  std::vector<Evidence> e = PersonNameEvidence(rec, View(p), 1);
  REQUIRE(e.size() == 1);
  CHECK(e[0].phrases[0].id == "name_same");
  CHECK(e[0].weight == kNameFull);
  // Shared by 4 records of other companies: 2 bits less, and said.
  e = PersonNameEvidence(rec, View(p), 4);
  CHECK(e[0].weight == Approx(kNameFull - 2));
  CHECK(e[0].phrases.back().id == "note_same_name");

  p.display_name = "H. Brézillon";
  e = PersonNameEvidence(rec, View(p), 1);
  REQUIRE_FALSE(e.empty());
  CHECK(e[0].phrases[0].id == "name_initial");

  p.display_name = "Marc Brezillon";
  e = PersonNameEvidence(rec, View(p), 1);
  REQUIRE(e.size() == 1);
  CHECK(e[0].weight == kNameConflict);

  // No name shown: the handle built from the name says it.
  Profile h;
  h.handle = "@helenebrezillon@mastodon.social";
  e = PersonNameEvidence(rec, View(h), 1);
  REQUIRE(e.size() == 1);
  CHECK(e[0].kind == "handle");
  CHECK(e[0].weight == kHandleFull);

  // A common family name says less.
  const Prepared common = Prepare(Contact("Paul", "Martin"));
  Profile m;
  m.display_name = "Paul Martin";
  e = PersonNameEvidence(common, View(m), 1);
  CHECK(e[0].weight == Approx(kNameFull + kCommonFamily));
}

TEST_CASE("an account's own profile, and places", "[identity][rules]") {
  Customer a;
  a.module = CrmModule::kAccounts;
  a.crm_id = "a-1";
  a.name = "Acme Industries";
  a.company = "Acme Industries";
  a.city = "Lyon";
  a.country = "France";
  Profile p;
  p.display_name = "ACME Industries";
  p.location = "Lyon, France";
  const Prepared rec = Prepare(a);
  std::vector<Evidence> e = AccountNameEvidence(rec, View(p));
  REQUIRE(e.size() == 1);
  CHECK(e[0].weight == kAccountName);
  e = PlaceEvidence(rec, View(p));
  REQUIRE(e.size() == 1);
  CHECK(e[0].phrases[0].id == "location_city");
  p.location = "Paris, FR";
  e = PlaceEvidence(rec, View(p));
  REQUIRE(e.size() == 1);
  CHECK(e[0].phrases[0].id == "location_country");
  p.location = "Berlin";
  CHECK(PlaceEvidence(rec, View(p)).empty());
  p.display_name = "Globex";
  CHECK(AccountNameEvidence(rec, View(p)).empty());
}

TEST_CASE("anchored: only evidence beyond names and places, of 2 bits or more",
          "[identity][rules]") {
  CHECK_FALSE(Anchored({Said("name", {}, 7), Said("location", {}, 1.5)}));
  CHECK_FALSE(Anchored({Said("company", {}, 1.5)}));
  CHECK(Anchored({Said("email", {}, 14)}));
  CHECK(Anchored({Said("crm_url", {}, 14)}));
}

}  // namespace
}  // namespace scrm::identity
