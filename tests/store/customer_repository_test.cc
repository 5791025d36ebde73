#include "store/customer_repository.h"

#include <catch2/catch.hpp>

#include "store/migrator.h"
#include "support/test_db.h"

using namespace scrm;
using namespace scrm::store;

namespace {

Customer Contact(const std::string& id, const std::string& last) {
  Customer c;
  c.module = CrmModule::kContacts;
  c.crm_id = id;
  c.first_name = "Hélène";
  c.last_name = last;
  c.name = "Hélène " + last;
  c.emails = {{"helene@exemple.fr", true, false}, {"h.perso@gmail.com", false, true}};
  c.account_ids = {"acc-1", "acc-2"};
  c.date_modified = "2026-01-02 03:04:05";
  return c;
}

void Migrated(testing::TestDatabase& db) {
  MigrateOptions allow;
  allow.allow_empty_crm = true;
  REQUIRE(Migrate(db.pool(), EmbeddedMigrations(), allow).ok());
}

}  // namespace

TEST_CASE("customers round-trip with emails, flags and accounts", "[mysql][store]") {
  testing::TestDatabase db;
  Migrated(db);
  CustomerRepository repo(db.pool());
  Customer c = Contact("c-1", "Lefèvre");
  c.twitter = "@hlefevre";
  UpsertCounts counts = repo.Upsert(CrmModule::kContacts, {c});
  CHECK(counts.inserted == 1);
  auto back = repo.Get(CrmModule::kContacts, "c-1");
  REQUIRE(back.has_value());
  CHECK(back->name == "Hélène Lefèvre");
  CHECK(back->twitter == "@hlefevre");
  CHECK(back->date_modified == "2026-01-02 03:04:05");
  REQUIRE(back->emails.size() == 2);
  CHECK(back->emails[0].address == "helene@exemple.fr");
  CHECK(back->emails[0].primary);
  CHECK(back->emails[1].opt_out);
  CHECK(back->account_ids == std::vector<std::string>{"acc-1", "acc-2"});
  CHECK(back->Fingerprint() == c.Fingerprint());
}

TEST_CASE("upsert writes only what changed", "[mysql][store]") {
  testing::TestDatabase db;
  Migrated(db);
  CustomerRepository repo(db.pool());
  std::vector<Customer> batch;
  for (int i = 0; i < 1200; ++i) batch.push_back(Contact("c-" + std::to_string(i), "N" + std::to_string(i)));
  UpsertCounts first = repo.Upsert(CrmModule::kContacts, batch);
  CHECK(first.inserted == 1200);
  CHECK(repo.Count(CrmModule::kContacts) == 1200);
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_customer_emails") == 2400);

  batch[7].last_name = "Martin";
  batch[7].emails.pop_back();
  UpsertCounts second = repo.Upsert(CrmModule::kContacts, batch);
  CHECK(second.inserted == 0);
  CHECK(second.updated == 1);
  CHECK(second.unchanged == 1199);
  CHECK(repo.Get(CrmModule::kContacts, "c-7")->last_name == "Martin");
  CHECK(repo.Get(CrmModule::kContacts, "c-7")->emails.size() == 1);
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_customer_emails") == 2399);
}

TEST_CASE("remove deletes customers with their emails and memberships", "[mysql][store]") {
  testing::TestDatabase db;
  Migrated(db);
  CustomerRepository repo(db.pool());
  repo.Upsert(CrmModule::kContacts, {Contact("a", "A"), Contact("b", "B")});
  CHECK(repo.Remove(CrmModule::kContacts, {"a", "missing"}) == 1);
  CHECK(repo.AllIds(CrmModule::kContacts) == std::vector<std::string>{"b"});
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_customer_emails WHERE crm_id = 'a'") == 0);
  CHECK(db.Count("SELECT COUNT(*) FROM scrm_customer_accounts WHERE contact_id = 'a'") == 0);
}

TEST_CASE("over-long CRM values are cut to the column, on a character boundary",
          "[mysql][store]") {
  testing::TestDatabase db;
  Migrated(db);
  CustomerRepository repo(db.pool());
  Customer c = Contact("long", std::string(99, 'x') + "éé");
  repo.Upsert(CrmModule::kContacts, {c});
  CHECK(repo.Get(CrmModule::kContacts, "long")->last_name == std::string(99, 'x') + "é");
}

TEST_CASE("SQL injection payloads are stored as plain data", "[mysql][store]") {
  testing::TestDatabase db;
  Migrated(db);
  CustomerRepository repo(db.pool());
  Customer c = Contact("x'); DROP TABLE scrm_customers; --", "Robert'); DROP TABLE scrm_customers;--");
  repo.Upsert(CrmModule::kContacts, {c});
  auto back = repo.Get(CrmModule::kContacts, c.crm_id);
  REQUIRE(back.has_value());
  CHECK(back->last_name == c.last_name);
  CHECK(repo.Count(CrmModule::kContacts) == 1);
}
