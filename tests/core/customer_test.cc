#include "core/customer.h"

#include <catch2/catch.hpp>

using namespace scrm;

TEST_CASE("Module names are SuiteCRM's", "[core]") {
  for (CrmModule m : {CrmModule::kContacts, CrmModule::kLeads, CrmModule::kAccounts}) {
    CHECK(ParseCrmModule(CrmModuleName(m)) == m);
  }
  CHECK_FALSE(ParseCrmModule("contacts").has_value());
}

TEST_CASE("A customer's fingerprint changes with every synced field", "[core]") {
  Customer a;
  a.crm_id = "c1";
  a.first_name = "Éric";
  a.last_name = "Durand";
  a.emails = {{"eric@exemple.fr", true, false}};
  const std::string base = a.Fingerprint();
  CHECK(base.size() == 16);
  CHECK(a.Fingerprint() == base);

  Customer b = a;
  b.emails[0].opt_out = true;
  CHECK(b.Fingerprint() != base);
  b = a;
  b.last_name = "Durand-Martin";
  CHECK(b.Fingerprint() != base);
  b = a;
  b.account_ids = {"acc1"};
  CHECK(b.Fingerprint() != base);
  // Field boundaries matter: moving a letter between fields is a change.
  b = a;
  b.first_name = "Éri";
  b.last_name = "cDurand";
  CHECK(b.Fingerprint() != base);
}
