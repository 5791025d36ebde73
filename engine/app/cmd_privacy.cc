// scrm erase --customer MODULE/ID | --profile ID, and scrm retention: the
// right to be forgotten and retention per source (docs/privacy.md). Both
// remove from the database first, then from the index (the removed posts
// are queued; this command drains the queue, or a running scrm serve does).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "core/customer.h"
#include "ingest/index_feeder.h"
#include "service/erasure.h"

namespace scrm::app {

namespace {

std::string Operator(const Args& args) { return "cli:" + OperatorName(args); }

// Takes the removed posts out of the index now; when another process (scrm
// serve) holds the index, it does so itself within its feed interval.
nlohmann::json DrainIndex(store::Pool& pool, const Config& config) {
  ingest::IndexFeeder feeder(pool, IndexConfigOf(config));
  Result<ingest::FeedStats> fed = feeder.Drain();
  if (!fed.ok()) {
    return {{"removed", 0},
            {"deferred", fed.status().message() +
                             " (the running scrm serve removes them from the index within a second)"}};
  }
  return {{"removed", fed->removed}, {"deferred", ""}};
}

}  // namespace

int CmdErase(Context& ctx, int argc, char** argv) {
  Result<Args> args =
      ParseArgs("erase", argc, argv, 2, {"customer", "profile", "as"}, {"dry-run", "json", "help"});
  if (!args.ok()) return Fail("erase", args.status());
  if (args->Has("help")) {
    std::cout << "usage: scrm erase --customer MODULE/ID | --profile ID [--dry-run] [--as NAME] [--json]\n\n"
                 "Removes a person's social data from the engine: for --customer (Contacts/ID,\n"
                 "Leads/ID or Accounts/ID), every profile linked to that CRM record; for\n"
                 "--profile, that profile. With the profiles go every post they wrote, every\n"
                 "link of theirs (and, for a customer, every link to the record) with the\n"
                 "decisions about those links, and the posts' documents in the search index.\n"
                 "One audit entry is kept (scrm_audit): a SHA-256 of the subject and counts,\n"
                 "never a name, handle or address. The CRM record itself belongs to the CRM.\n"
                 "--dry-run counts without removing.\n";
    return kExitOk;
  }
  const std::string customer = args->Get("customer"), profile = args->Get("profile");
  if (customer.empty() == profile.empty()) {
    return Fail("erase", Status::InvalidArgument("give exactly one of --customer MODULE/ID or "
                                                 "--profile ID", "--customer"));
  }
  service::ErasureSubject subject;
  if (!customer.empty()) {
    subject.customer = ParseCustomerRef(customer);
    if (!subject.customer) {
      return Fail("erase", Status::InvalidArgument("--customer '" + customer + "' is not MODULE/ID "
                                                   "(Contacts/ID, Leads/ID or Accounts/ID)", "--customer"));
    }
  } else {
    if (profile.size() > 18 || profile.find_first_not_of("0123456789") != std::string::npos) {
      return Fail("erase", Status::InvalidArgument("--profile '" + profile + "' is not a profile id "
                                                   "(a number: scrm links list shows them)", "--profile"));
    }
    subject.profile_id = std::stoll(profile);
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("erase", s);
  const bool dry_run = args->Has("dry-run");
  store::Pool pool(ctx.config.db);
  try {
    Result<store::EraseCounts> counts =
        service::Erase(pool, subject, {Operator(*args), ""}, dry_run);
    if (!counts.ok()) return Fail("erase", counts.status());
    nlohmann::json out = service::ErasureJson(*counts, dry_run);
    if (!dry_run) out["index"] = DrainIndex(pool, ctx.config);
    if (args->Has("json")) {
      std::cout << out.dump() << "\n";
    } else {
      std::printf("%s %lld profile(s), %lld post(s), %lld link(s), %lld decision(s)%s\n",
                  dry_run ? "would erase" : "erased", static_cast<long long>(counts->profiles),
                  static_cast<long long>(counts->posts), static_cast<long long>(counts->links),
                  static_cast<long long>(counts->decisions),
                  dry_run ? "" : ("; audit entry " + std::to_string(counts->audit_id)).c_str());
      if (!dry_run && !out["index"]["deferred"].get<std::string>().empty()) {
        std::printf("index: %s\n", out["index"]["deferred"].get<std::string>().c_str());
      }
    }
    return kExitOk;
  } catch (const store::DbError& e) {
    return FailDb("erase", e);
  }
}

int CmdRetention(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs("retention", argc, argv, 2, {"as"}, {"dry-run", "json", "help"});
  if (!args.ok()) return Fail("retention", args.status());
  if (args->Has("help")) {
    std::cout << "usage: scrm retention [--dry-run] [--json]\n\n"
                 "For every source with a retention (scrm sources set NAME --retention-days N),\n"
                 "removes its posts published more than N days ago from the database and the\n"
                 "search index, and writes one audit entry per source (counts only). scrm serve\n"
                 "does the same every retention.interval_hours. --dry-run counts without\n"
                 "removing. --json prints {\"sources\":[{source,retention_days,cutoff,posts}],\n"
                 "\"posts\",\"dry_run\",\"index\"}.\n";
    return kExitOk;
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("retention", s);
  const bool dry_run = args->Has("dry-run");
  store::Pool pool(ctx.config.db);
  try {
    std::vector<store::RetentionCounts> done =
        service::ApplyRetention(pool, Operator(*args), dry_run);
    nlohmann::json sources = nlohmann::json::array();
    int64_t total = 0;
    for (const store::RetentionCounts& c : done) {
      sources.push_back({{"source", c.source}, {"retention_days", c.retention_days},
                         {"cutoff", c.cutoff}, {"posts", c.posts}});
      total += c.posts;
    }
    nlohmann::json out = {{"sources", sources}, {"posts", total}, {"dry_run", dry_run}};
    if (!dry_run) out["index"] = DrainIndex(pool, ctx.config);
    if (args->Has("json")) {
      std::cout << out.dump() << "\n";
      return kExitOk;
    }
    if (done.empty()) std::printf("no source has a retention (scrm sources set NAME --retention-days N)\n");
    for (const store::RetentionCounts& c : done) {
      std::printf("%s: %s %lld post(s) published before %s UTC (%d days)\n", c.source.c_str(),
                  dry_run ? "would remove" : "removed", static_cast<long long>(c.posts),
                  c.cutoff.c_str(), c.retention_days);
    }
    return kExitOk;
  } catch (const store::DbError& e) {
    return FailDb("retention", e);
  }
}

}  // namespace scrm::app
