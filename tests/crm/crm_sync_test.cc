#include "crm/crm_sync.h"

#include <catch2/catch.hpp>

#include "store/customer_repository.h"
#include "store/migrator.h"
#include "support/test_db.h"

using namespace scrm;

namespace {

// A SuiteCRM database written the way SuiteCRM writes it: soft deletes,
// e-mails through email_addr_bean_rel, memberships through accounts_contacts.
class Crm {
 public:
  explicit Crm(bool cstm) {
    db.LoadSuiteCrmSchema(cstm);
    REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), {}).ok());
    db.Exec(
        "INSERT INTO users (id, user_name, first_name, last_name, status, is_admin, deleted) "
        "VALUES ('u1', 'mdupuis', 'Marc', 'Dupuis', 'Active', 0, 0);\n");
  }
  void Contact(const std::string& id, const std::string& first, const std::string& last,
               const std::string& modified = "2026-01-01 10:00:00", int deleted = 0) {
    db.Exec("INSERT INTO contacts (id, first_name, last_name, title, primary_address_city, "
            "primary_address_country, assigned_user_id, date_entered, date_modified, deleted) "
            "VALUES ('" + id + "', '" + first + "', '" + last + "', 'CTO', 'Lyon', 'France', 'u1', "
            "'2025-01-01 00:00:00', '" + modified + "', " + std::to_string(deleted) + ");\n");
  }
  void Lead(const std::string& id, const std::string& first, const std::string& last,
            const std::string& company, const std::string& website) {
    db.Exec("INSERT INTO leads (id, first_name, last_name, account_name, website, date_entered, "
            "date_modified, deleted) VALUES ('" + id + "', '" + first + "', '" + last + "', '" +
            company + "', '" + website + "', '2025-01-01 00:00:00', '2026-01-01 10:00:00', 0);\n");
  }
  void Account(const std::string& id, const std::string& name, const std::string& website) {
    db.Exec("INSERT INTO accounts (id, name, website, billing_address_city, date_entered, "
            "date_modified, deleted) VALUES ('" + id + "', '" + name + "', '" + website +
            "', 'Paris', '2025-01-01 00:00:00', '2026-01-01 10:00:00', 0);\n");
  }
  void Email(const std::string& bean, const std::string& module, const std::string& address,
             int primary, int invalid = 0, int opt_out = 0) {
    std::string eid = "e-" + std::to_string(++n_);
    db.Exec("INSERT INTO email_addresses (id, email_address, email_address_caps, invalid_email, "
            "opt_out, date_created, date_modified, deleted) VALUES ('" + eid + "', '" + address +
            "', UPPER('" + address + "'), " + std::to_string(invalid) + ", " +
            std::to_string(opt_out) + ", '2025-01-01 00:00:00', '2025-01-01 00:00:00', 0);\n"
            "INSERT INTO email_addr_bean_rel (id, email_address_id, bean_id, bean_module, "
            "primary_address, reply_to_address, date_created, date_modified, deleted) VALUES ('r-" +
            eid + "', '" + eid + "', '" + bean + "', '" + module + "', " + std::to_string(primary) +
            ", 0, '2025-01-01 00:00:00', '2025-01-01 00:00:00', 0);\n");
  }
  void Member(const std::string& contact, const std::string& account, int deleted = 0) {
    db.Exec("INSERT INTO accounts_contacts (id, contact_id, account_id, date_modified, deleted) "
            "VALUES ('m-" + std::to_string(++n_) + "', '" + contact + "', '" + account +
            "', '2025-06-01 00:00:00', " + std::to_string(deleted) + ");\n");
  }
  crm::SyncSummary Sync(bool full = false) {
    crm::SyncOptions o;
    o.full = full;
    o.overlap_seconds = 0;
    auto r = crm::RunSync(db.pool(), o);
    REQUIRE(r.ok());
    return *r;
  }
  std::optional<Customer> Get(CrmModule m, const std::string& id) {
    return store::CustomerRepository(db.pool()).Get(m, id);
  }

  testing::TestDatabase db;

 private:
  int n_ = 0;
};

}  // namespace

TEST_CASE("a first sync reads contacts, leads and accounts with emails, accounts and owners",
          "[mysql][crm]") {
  Crm crm(true);
  crm.Account("a1", "Boulangeries Martin SA", "https://www.boulangeries-martin.fr/");
  crm.Account("a2", "Northwind Logistics Ltd", "northwind.co.uk");
  crm.Contact("c1", "Éric", "Lefèvre");
  crm.Email("c1", "Contacts", "e.perso@gmail.com", 0);
  crm.Email("c1", "Contacts", " Eric.Lefevre@Boulangeries-Martin.fr ", 1);
  crm.Email("c1", "Contacts", "bounced@old.fr", 0, /*invalid=*/1);
  crm.Email("c1", "Contacts", "news@exemple.fr", 0, 0, /*opt_out=*/1);
  crm.Member("c1", "a1");
  crm.Member("c1", "a1");  // SuiteCRM has no unique key: duplicates happen
  crm.Member("c1", "a2", /*deleted=*/1);
  crm.Contact("c2", "Gone", "Away", "2026-01-01 10:00:00", /*deleted=*/1);
  crm.Lead("l1", "Jane", "O''Brien", "Acme Corp", "http://acme.example.com/x");
  crm.db.Exec("INSERT INTO contacts_cstm (id_c, twitter_user_c, facebook_user_c) "
              "VALUES ('c1', '@elefevre', 'eric.lefevre');\n");

  crm::SyncSummary s = crm.Sync();
  CHECK(s.full);  // no watermark yet
  CHECK(s.contacts == 1);
  CHECK(s.leads == 1);
  CHECK(s.accounts == 2);
  CHECK(s.inserted == 4);
  CHECK_FALSE(s.watermark.empty());

  auto c1 = crm.Get(CrmModule::kContacts, "c1");
  REQUIRE(c1.has_value());
  CHECK(c1->name == "Éric Lefèvre");
  CHECK(c1->company == "Boulangeries Martin SA");
  CHECK(c1->account_ids == std::vector<std::string>{"a1"});
  CHECK(c1->owner_id == "u1");
  CHECK(c1->owner_name == "mdupuis");
  CHECK(c1->city == "Lyon");
  CHECK(c1->twitter == "@elefevre");
  CHECK(c1->facebook == "eric.lefevre");
  REQUIRE(c1->emails.size() == 3);  // the invalid one is skipped
  CHECK(c1->emails[0].address == "eric.lefevre@boulangeries-martin.fr");
  CHECK(c1->emails[0].primary);
  CHECK_FALSE(c1->emails[1].primary);
  bool opt_out_kept = false;
  for (const auto& e : c1->emails) opt_out_kept |= e.address == "news@exemple.fr" && e.opt_out;
  CHECK(opt_out_kept);
  CHECK_FALSE(crm.Get(CrmModule::kContacts, "c2").has_value());

  auto l1 = crm.Get(CrmModule::kLeads, "l1");
  REQUIRE(l1.has_value());
  CHECK(l1->name == "Jane O'Brien");
  CHECK(l1->company == "Acme Corp");
  CHECK(l1->website_domain == "acme.example.com");

  auto a1 = crm.Get(CrmModule::kAccounts, "a1");
  REQUIRE(a1.has_value());
  CHECK(a1->name == "Boulangeries Martin SA");
  CHECK(a1->website_domain == "boulangeries-martin.fr");
  CHECK(a1->city == "Paris");
}

TEST_CASE("a CRM without the custom social columns syncs too", "[mysql][crm]") {
  Crm crm(false);
  crm.Contact("c1", "Anne", "Dubois");
  crm::SyncSummary s = crm.Sync();
  CHECK(s.contacts == 1);
  CHECK(crm.Get(CrmModule::kContacts, "c1")->twitter.empty());
}

TEST_CASE("incremental sync sees renames, new emails, deletes and restores", "[mysql][crm]") {
  Crm crm(false);
  crm.Contact("c1", "Claire", "Moreau");
  crm.Contact("c2", "Paul", "Girard");
  crm.Contact("c3", "Luc", "Bernard");
  crm.Email("c1", "Contacts", "claire@exemple.fr", 1);
  crm::SyncSummary first = crm.Sync();
  REQUIRE(first.inserted == 3);

  // Nothing changed: an incremental sync reads nothing new and writes nothing.
  crm::SyncSummary idle = crm.Sync();
  CHECK_FALSE(idle.full);
  CHECK(idle.inserted + idle.changed + idle.deleted == 0);

  // As SuiteCRM saves: date_modified bumped on every save and soft delete.
  crm.db.Exec(
      "UPDATE contacts SET last_name = 'Moreau-Petit', date_modified = UTC_TIMESTAMP() "
      "WHERE id = 'c1';\n"
      "UPDATE contacts SET deleted = 1, date_modified = UTC_TIMESTAMP() WHERE id = 'c2';\n");
  crm.Contact("c4", "Nina", "Roux", "2099-01-01 00:00:00");
  crm::SyncSummary second = crm.Sync();
  CHECK(second.contacts == 2);  // c1 and c4
  CHECK(second.inserted == 1);
  CHECK(second.changed == 1);
  CHECK(second.deleted == 1);
  CHECK(crm.Get(CrmModule::kContacts, "c1")->last_name == "Moreau-Petit");
  CHECK_FALSE(crm.Get(CrmModule::kContacts, "c2").has_value());

  crm.db.Exec("UPDATE contacts SET deleted = 0, date_modified = UTC_TIMESTAMP() WHERE id = 'c2';\n");
  crm::SyncSummary third = crm.Sync();
  CHECK(third.inserted >= 1);
  CHECK(crm.Get(CrmModule::kContacts, "c2").has_value());
}

TEST_CASE("an e-mail change that does not touch the contact's row is still seen",
          "[mysql][crm]") {
  Crm crm(false);
  crm.Contact("c1", "Claire", "Moreau");
  crm.Email("c1", "Contacts", "claire@exemple.fr", 1);
  crm.Sync();
  // Marked invalid from another record, or by a bounce handler: only the
  // address row changes.
  crm.db.Exec("UPDATE email_addresses SET invalid_email = 1, date_modified = UTC_TIMESTAMP();\n");
  crm::SyncSummary s = crm.Sync();
  CHECK(s.changed == 1);
  CHECK(crm.Get(CrmModule::kContacts, "c1")->emails.empty());
}

TEST_CASE("a renamed account updates its contacts' company", "[mysql][crm]") {
  Crm crm(false);
  crm.Account("a1", "Old Name", "old.example.com");
  crm.Contact("c1", "Claire", "Moreau");
  crm.Member("c1", "a1");
  crm.Sync();
  crm.db.Exec("UPDATE accounts SET name = 'New Name', date_modified = UTC_TIMESTAMP();\n");
  crm.Sync();
  CHECK(crm.Get(CrmModule::kContacts, "c1")->company == "New Name");
  CHECK(crm.Get(CrmModule::kAccounts, "a1")->name == "New Name");
}

TEST_CASE("a full sync sweeps records that vanished from the CRM", "[mysql][crm]") {
  Crm crm(false);
  crm.Contact("c1", "Claire", "Moreau");
  crm.Contact("c2", "Paul", "Girard");
  crm.Sync();
  crm.db.Exec("DELETE FROM contacts WHERE id = 'c2';\n");  // hard delete: no date_modified to see
  crm::SyncSummary s = crm.Sync(/*full=*/true);
  CHECK(s.full);
  CHECK(s.deleted == 1);
  CHECK(s.unchanged == 1);
  CHECK_FALSE(crm.Get(CrmModule::kContacts, "c2").has_value());
}

TEST_CASE("the sync never writes to the CRM's tables: it runs with SELECT on them alone",
          "[mysql][crm]") {
  Crm crm(true);
  crm.Contact("c1", "Claire", "Moreau");
  crm.Email("c1", "Contacts", "claire@exemple.fr", 1);
  crm.Account("a1", "Acme", "acme.example.com");
  crm.Member("c1", "a1");
  // A least-privilege user, as an operator would set it up: SELECT on the
  // CRM's tables, everything on the engine's own scrm_* tables.
  const std::string db = crm.db.url().database;
  const std::string user = "ro_" + db.substr(db.size() - 8);
  std::string grants = "CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw';\n";
  for (const char* t : {"users", "contacts", "contacts_cstm", "leads", "leads_cstm", "accounts",
                        "accounts_cstm", "accounts_contacts", "email_addresses",
                        "email_addr_bean_rel"}) {
    grants += "GRANT SELECT ON " + db + "." + t + " TO '" + user + "'@'%';\n";
  }
  for (const char* t : {"scrm_customers", "scrm_customer_emails", "scrm_customer_accounts",
                        "scrm_sync_state", "scrm_schema_version"}) {
    grants += "GRANT ALL ON " + db + "." + t + " TO '" + user + "'@'%';\n";
  }
  crm.db.Exec(grants);
  store::PoolOptions opts;
  opts.url = crm.db.url();
  opts.url.user = user;
  opts.url.password = "pw";
  store::Pool restricted(opts);
  crm::SyncOptions full;
  full.full = true;
  auto r = crm::RunSync(restricted, full);
  crm.db.Exec("DROP USER '" + user + "'@'%';\n");
  REQUIRE(r.ok());
  CHECK(r->contacts == 1);
  CHECK(r->accounts == 1);
}

TEST_CASE("the summary JSON carries the documented fields", "[crm]") {
  crm::SyncSummary s;
  s.contacts = 3;
  s.inserted = 2;
  s.changed = 1;
  s.deleted = 4;
  s.seconds = 1.23456;
  auto j = s.ToJson();
  for (const char* k : {"mode", "contacts", "leads", "accounts", "updated", "new", "changed",
                        "unchanged", "deleted", "seconds", "watermark"}) {
    INFO(k);
    CHECK(j.contains(k));
  }
  CHECK(j["updated"] == 3);
  CHECK(j["seconds"] == Approx(1.235));
}
