// scrm audit list [--kind K[,K...]] [--since WHEN] [--actor A] [--address IP] [--limit N] [--json]
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "app/cli.h"
#include "core/time.h"
#include "store/audit_repository.h"

namespace scrm::app {

namespace {

std::string Usage() {
  std::string kinds;
  for (const char* k : store::kAuditKinds) kinds += (kinds.empty() ? "" : ", ") + std::string(k);
  return "usage: scrm audit list [--kind KIND[,KIND...]] [--since WHEN] [--actor ID] [--address "
         "IP]\n"
         "                       [--limit N] [--json]\n\n"
         "The security log (scrm_audit), newest first: who did what, when, from which address,\n"
         "to which object. Never a secret: credentials are named by an id or a fingerprint.\n"
         "Refusals are aggregated: one row per kind, reason, address, credential and route a\n"
         "minute, with its count.\n"
         "  --kind     only these kinds: " +
         kinds +
         "\n"
         "  --since    entries whose last event is at or after WHEN: YYYY-MM-DD, 'YYYY-MM-DD\n"
         "             HH:MM:SS' (UTC), or a duration back from now: 90s, 30m, 12h, 7d\n"
         "  --actor    one actor: a CRM user's id, api-key:NAME, cli:LOGIN, a credential's id\n"
         "  --address  one client address\n"
         "  --limit    at most N entries (default 100, at most 100000)\n"
         "  --json     a JSON array of {id, at, last_at, kind, actor, address, object,\n"
         "             subject_hash, count, detail}\n"
         "docs/security.md#the-security-log says what each kind records.\n";
}

// Epoch seconds from --since; nullopt when unreadable.
std::optional<int64_t> ParseSince(const std::string& text, int64_t now) {
  if (text.empty()) return std::nullopt;
  const char unit = text.back();
  const std::string number = text.substr(0, text.size() - 1);
  if ((unit == 's' || unit == 'm' || unit == 'h' || unit == 'd') && !number.empty() &&
      number.find_first_not_of("0123456789") == std::string::npos && number.size() < 10) {
    const int64_t n = std::atoll(number.c_str());
    const int64_t scale = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : 86400;
    return now - n * scale;
  }
  if (text.size() == 10) return ParseSqlDateTime(text + " 00:00:00");
  return ParseSqlDateTime(text);
}

void PrintRow(const store::AuditRow& r) {
  std::cout << FormatSqlDateTime(r.created_at) << "  " << r.kind;
  if (r.count != 1) {
    std::cout << " x" << r.count << " (to " << FormatSqlDateTime(r.last_at) << ")";
  }
  std::cout << "  by " << (r.actor.empty() ? "-" : r.actor);
  if (!r.address.empty()) std::cout << " from " << r.address;
  if (!r.object.empty()) std::cout << "  on " << r.object;
  if (!r.subject_hash.empty()) std::cout << "  subject " << r.subject_hash.substr(0, 12);
  if (!r.detail.is_null()) std::cout << "  " << r.detail.dump();
  std::cout << "\n";
}

}  // namespace

int CmdAudit(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs("audit", argc, argv, 2,
                                {"kind", "since", "actor", "address", "limit"}, {"json", "help"});
  if (!args.ok()) return Fail("audit", args.status());
  if (args->Has("help") || args->positional.size() != 1 || args->positional[0] != "list") {
    const bool asked = args->Has("help");
    (asked ? std::cout : std::cerr) << Usage();
    return asked ? kExitOk : kExitUsage;
  }
  store::AuditFilter filter;
  std::istringstream kinds(args->Get("kind"));
  for (std::string k; std::getline(kinds, k, ',');) {
    if (k.empty()) continue;
    if (!store::IsAuditKind(k)) {
      return Fail("audit",
                  Status::InvalidArgument(
                      "--kind: '" + k + "' is not a kind of entry (scrm audit --help lists them)",
                      "--kind"));
    }
    filter.kinds.push_back(k);
  }
  if (args->options.count("since")) {
    std::optional<int64_t> since = ParseSince(args->Get("since"), NowUnixSeconds());
    if (!since) {
      return Fail("audit", Status::InvalidArgument(
                               "--since: '" + args->Get("since") +
                                   "' is not a date (YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS', UTC) nor "
                                   "a duration (90s, 30m, 12h, 7d)",
                               "--since"));
    }
    filter.since = *since;
  }
  filter.actor = args->Get("actor");
  filter.address = args->Get("address");
  const std::string limit = args->Get("limit", "100");
  if (limit.empty() || limit.size() > 6 ||
      limit.find_first_not_of("0123456789") != std::string::npos || std::atoi(limit.c_str()) < 1 ||
      std::atoi(limit.c_str()) > 100000) {
    return Fail("audit", Status::InvalidArgument(
                             "--limit: a number from 1 to 100000, not '" + limit + "'", "--limit"));
  }
  filter.limit = std::atoi(limit.c_str());
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("audit", s);
  store::Pool pool(ctx.config.db);
  try {
    const std::vector<store::AuditRow> rows = store::AuditRepository(pool).List(filter);
    if (args->Has("json")) {
      nlohmann::json out = nlohmann::json::array();
      for (const store::AuditRow& r : rows) out.push_back(r.ToJson());
      std::cout << out.dump() << "\n";
    } else if (rows.empty()) {
      std::cout << "no entries" << (filter.kinds.empty() && filter.since == 0 ? "" : " match")
                << "\n";
    } else {
      for (const store::AuditRow& r : rows) PrintRow(r);
    }
    return kExitOk;
  } catch (const store::DbError& e) {
    return FailDb("audit", e);
  }
}

}  // namespace scrm::app
