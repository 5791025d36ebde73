// TableRows against a real MariaDB: tables described from information_schema
// (generated columns left out), read in primary-key order by keyset pages
// of any size, composite keys included, and written back value for value.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "store/migrator.h"
#include "store/table_rows.h"
#include "support/test_db.h"

using namespace scrm;
using nlohmann::json;

namespace {

std::vector<json> ScanAll(store::TableRows& rows, const store::TableInfo& t, int page) {
  std::vector<json> out;
  rows.Scan(t, page, [&](json&& row) { out.push_back(std::move(row)); });
  return out;
}

}  // namespace

TEST_CASE("table rows: keyset pages of every size give every row once, in key order",
          "[mysql][store]") {
  testing::TestDatabase db;
  store::MigrateOptions allow;
  allow.allow_empty_crm = true;
  REQUIRE(store::Migrate(db.pool(), store::EmbeddedMigrations(), allow).ok());
  // A three-column key (module, crm_id, position), with ties on the first two.
  db.Exec(
      "INSERT INTO scrm_customer_emails (module, crm_id, position, email, opt_out) VALUES "
      "('Leads','b',0,'l-b0@x',0),('Contacts','b',1,'c-b1@x',1),('Contacts','a',0,'c-a0@x',0),"
      "('Contacts','b',0,'c-b0@x',0),('Accounts','z',0,'a-z0@x',0),('Contacts','a',2,'c-a2@x',0),"
      "('Leads','a',0,'l-a0@x',0);\n");
  store::TableRows rows(db.pool());
  Result<store::TableInfo> t = rows.Describe("scrm_customer_emails");
  REQUIRE(t.ok());
  CHECK(t->primary_key == std::vector<std::string>{"module", "crm_id", "position"});
  const std::vector<std::string> expected = {"a-z0@x", "c-a0@x", "c-a2@x", "c-b0@x",
                                             "c-b1@x", "l-a0@x", "l-b0@x"};
  for (int page : {1, 2, 3, 7, 1000}) {
    INFO("page size " << page);
    std::vector<std::string> got;
    for (const json& r : ScanAll(rows, *t, page)) got.push_back(r["email"]);
    CHECK(got == expected);
  }
  CHECK(rows.Count("scrm_customer_emails") == 7);

  // A snapshot sees the tables as they were when it began, whatever is written since.
  {
    store::TableRows snapshot(db.pool());
    snapshot.BeginSnapshot();
    db.Exec("INSERT INTO scrm_customer_emails (module, crm_id, position, email, opt_out) VALUES "
            "('Contacts','c',0,'late@x',0);\n");
    CHECK(ScanAll(snapshot, *t, 2).size() == 7);
    CHECK(snapshot.Count("scrm_customer_emails") == 7);
    CHECK(ScanAll(rows, *t, 2).size() == 8);
  }
  db.Exec("DELETE FROM scrm_customer_emails WHERE email = 'late@x';\n");

  // Generated columns are not described; a value comes back as it went in.
  Result<store::TableInfo> posts = rows.Describe("scrm_posts");
  REQUIRE(posts.ok());
  CHECK(posts->Column("key_hash") == nullptr);
  CHECK(posts->Column("author_hash") == nullptr);
  CHECK(posts->Column("key_seq") != nullptr);
  CHECK(rows.Describe("scrm_nothing").status().code() == Status::Code::kNotFound);

  Result<store::TableInfo> rejects = rows.Describe("scrm_rejects");
  REQUIRE(rejects.ok());
  json reject = {{"id", 7}, {"source_id", 1}, {"file", "a.json"}, {"line", 3}, {"byte_offset", 10},
                 {"record_index", 2}, {"format", "jsonl"}, {"reason", "bad"},
                 {"raw", json::binary({0x00, 0xff, 0x41, 0x0a})}, {"status", "open"},
                 {"created_at", "2026-01-02 03:04:05"}, {"resolved_at", nullptr}};
  rows.Insert(*rejects, {reject});
  std::vector<json> back = ScanAll(rows, *rejects, 10);
  REQUIRE(back.size() == 1);
  CHECK(back[0] == reject);
  CHECK(db.Scalar("SELECT HEX(raw) FROM scrm_rejects") == "00FF410A");
}
