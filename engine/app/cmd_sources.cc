// scrm sources add|list|show|remove
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "service/push_secrets.h"
#include "ingest/poller.h"
#include "sources/fetcher.h"
#include "store/index_queue_repository.h"
#include "store/source_repository.h"

namespace scrm::app {

namespace {

const char kUsage[] =
    "usage: scrm sources add NAME --type file|url|push [--format F] [--location PATH|URL]\n"
    "                        [--poll SECONDS] [--visibility public|internal|community]\n"
    "                        [--community NAME] [--secret KEY] [--retention-days N] [--json]\n"
    "       scrm sources set NAME [--retention-days N] [--secret KEY] [--poll SECONDS]\n"
    "                        [--visibility V] [--community NAME] [--location L] [--format F] [--json]\n"
    "       scrm sources list [--json]\n"
    "       scrm sources show NAME [--json]\n"
    "       scrm sources remove NAME\n"
    "       scrm sources poll NAME [--json]   fetch a url source now (conditional GET) and ingest it\n\n"
    "A source is where conversations come from and who may see them. Formats: auto (the\n"
    "default: recognised from the content), as2, as2-outbox, as2-jsonl, rss, atom,\n"
    "jsonfeed, twitter-archive, linkedin-connections, linkedin-messages, jsonl.\n"
    "Visibility defaults to internal. Removing a source keeps its posts.\n"
    "--retention-days N: posts published more than N days ago are removed from the database\n"
    "and the index by scrm retention and by scrm serve (retention.interval_hours); 0, the\n"
    "default, keeps every post (docs/privacy.md). set changes the settings given; a\n"
    "source restored by scrm import has no secret (exports never hold one): set it again.\n"
    "--secret KEY: the push source's HMAC key (at most 255 bytes; \"\" removes it). It is\n"
    "stored sealed with the key of secrets.key_file, created when first needed\n"
    "(docs/security.md); it is never printed: show says (set).\n";

nlohmann::json ToJson(const Source& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"type", s.type},
          {"format", s.format},
          {"location", s.location},
          {"poll_interval_seconds", s.poll_interval_seconds},
          {"visibility", s.visibility},
          {"community", s.community},
          {"push_secret", s.push_secret.empty() ? "" : "(set)"},
          {"retention_days", s.retention_days},
          {"health",
           {{"last_run_at", s.last_run_at},
            {"last_success_at", s.last_success_at},
            {"last_error", s.last_error},
            {"items_total", s.items_total}}}};
}

void PrintSource(const Source& s) {
  std::cout << s.name << ": " << s.type << " " << s.format
            << (s.location.empty() ? "" : " " + s.location) << ", visibility " << s.visibility
            << (s.community.empty() ? "" : " (" + s.community + ")")
            << (s.poll_interval_seconds > 0
                    ? ", polled every " + std::to_string(s.poll_interval_seconds) + " s"
                    : "")
            << (s.retention_days > 0
                    ? ", posts kept " + std::to_string(s.retention_days) + " days"
                    : "")
            << "; " << s.items_total << " items"
            << (s.last_success_at.empty() ? "" : ", last success " + s.last_success_at + " UTC")
            << (s.last_error.empty() ? "" : ", last error: " + s.last_error) << "\n";
}

// The settings among the options given (unset ones stay nullopt).
SourceSettings SettingsOf(const Args& args) {
  SourceSettings settings;
  for (auto [option, field] : std::vector<std::pair<const char*, std::optional<std::string>*>>{
           {"type", &settings.type}, {"format", &settings.format},
           {"location", &settings.location}, {"poll", &settings.poll_interval_seconds},
           {"visibility", &settings.visibility}, {"community", &settings.community},
           {"retention-days", &settings.retention_days}}) {
    if (args.options.count(option)) *field = args.Get(option);
  }
  return settings;
}

// ApplySourceSettings()'s error, naming the command-line option.
Status AsOption(const Status& status) {
  const std::string& field = status.field();
  const std::string option = field == "poll_interval_seconds" ? "--poll"
                             : field == "retention_days"      ? "--retention-days"
                             : field == "name" || field.empty() ? ""
                                                                : "--" + field;
  if (option.empty()) return status;
  return Status::InvalidArgument(option + ": " + status.message(), option);
}

}  // namespace

int CmdSources(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs(
      "sources", argc, argv, 2,
      {"type", "format", "location", "poll", "visibility", "community", "secret",
       "retention-days"},
      {"json", "help"});
  if (!args.ok()) return Fail("sources", args.status());
  if (args->Has("help") || args->positional.empty()) {
    (args->Has("help") ? std::cout : std::cerr) << kUsage;
    return args->Has("help") ? kExitOk : kExitUsage;
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("sources", s);
  const std::string verb = args->positional[0];
  const bool json = args->Has("json");
  store::Pool pool(ctx.config.db);
  store::SourceRepository repo(pool);
  const store::AuditBy by{"cli:" + OperatorName(*args), ""};
  try {
    if (verb == "list") {
      std::vector<Source> all = repo.List();
      if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const Source& s : all) out.push_back(ToJson(s));
        std::cout << out.dump() << "\n";
      } else if (all.empty()) {
        std::cout << "no sources yet: scrm sources add NAME --type file\n";
      } else {
        for (const Source& s : all) PrintSource(s);
      }
      return kExitOk;
    }
    if (args->positional.size() != 2) {
      return Fail("sources", Status::InvalidArgument("scrm sources " + verb + " takes one NAME"));
    }
    const std::string name = args->positional[1];
    if (verb == "add") {
      Source s;
      s.name = name;
      s.push_secret = args->Get("secret");
      if (Status st = ApplySourceSettings(SettingsOf(*args), &s); !st.ok()) {
        return Fail("sources", AsOption(st));
      }
      Result<std::string> sealed = service::SealPushSecret(ctx.config.secrets_key_file, s.name, s.push_secret);
      if (!sealed.ok()) return Fail("sources", sealed.status());
      s.push_secret = *sealed;
      Result<Source> added = repo.Add(s, &by);
      if (!added.ok()) return Fail("sources", added.status());
      if (json) {
        std::cout << ToJson(*added).dump() << "\n";
      } else {
        std::cout << "added ";
        PrintSource(*added);
      }
      return kExitOk;
    }
    if (verb == "set") {
      std::optional<Source> s = repo.Get(name);
      if (!s) return Fail("sources", Status::NotFound("no source named '" + name + "' (scrm sources list)"));
      if (args->options.count("type")) {
        return Fail("sources", Status::InvalidArgument(
                                   "--type: a source's type cannot change; remove it and add it "
                                   "again", "--type"));
      }
      const SourceSettings settings = SettingsOf(*args);
      if (args->options.count("secret")) s->push_secret = args->Get("secret");
      const bool any = args->options.count("secret") || settings.format || settings.location ||
                       settings.poll_interval_seconds || settings.visibility ||
                       settings.community || settings.retention_days;
      if (!any) {
        return Fail("sources", Status::InvalidArgument("scrm sources set NAME: give the settings to "
                                                       "change (see scrm sources --help)"));
      }
      if (Status st = ApplySourceSettings(settings, &*s); !st.ok()) {
        return Fail("sources", AsOption(st));
      }
      if (args->options.count("secret")) {
        Result<std::string> sealed = service::SealPushSecret(ctx.config.secrets_key_file, s->name, s->push_secret);
        if (!sealed.ok()) return Fail("sources", sealed.status());
        s->push_secret = *sealed;
      }
      const std::optional<Source> before = repo.Get(name);
      if (Status st = repo.Update(*s, &by); !st.ok()) return Fail("sources", st);
      // Who may see the posts changed: their index documents must say so.
      if (before->visibility != s->visibility || before->community != s->community) {
        store::IndexQueueRepository(pool).EnqueueSource(s->id);
      }
      if (json) {
        std::cout << ToJson(*s).dump() << "\n";
      } else {
        std::cout << "updated ";
        PrintSource(*s);
      }
      return kExitOk;
    }
    if (verb == "show") {
      std::optional<Source> s = repo.Get(name);
      if (!s) return Fail("sources", Status::NotFound("no source named '" + name + "' (scrm sources list)"));
      if (json) {
        std::cout << ToJson(*s).dump() << "\n";
      } else {
        PrintSource(*s);
      }
      return kExitOk;
    }
    if (verb == "poll") {
      sources::HttpFetcherOptions fetch_options;
      fetch_options.ca_location = ctx.config.poll_ca_file;
      fetch_options.allow_hosts = ctx.config.net_allow_hosts;
      sources::HttpFetcher fetcher(fetch_options);
      ingest::PollerOptions poll_options;
      poll_options.fetch_timeout_seconds = ctx.config.poll_timeout_seconds;
      poll_options.max_bytes = ctx.config.poll_max_bytes;
      ingest::Poller poller(pool, fetcher, poll_options);
      Result<ingest::IngestSummary> s = poller.PollNow(name);
      if (!s.ok()) return Fail("sources", s.status());
      if (json) {
        std::cout << s->ToJson().dump() << "\n";
      } else {
        std::cout << name << ": " << s->read << " records read; " << s->posts_new << " new, "
                  << s->posts_updated << " updated, " << s->rejected << " rejected"
                  << (s->notes.empty() ? "" : " (" + s->notes.front() + ")") << "\n";
      }
      return s->rejected > 0 ? kExitSomeRejected : kExitOk;
    }
    if (verb == "remove") {
      Status s = repo.Remove(name, &by);
      if (!s.ok()) return Fail("sources", s);
      std::cout << "removed source " << name << " (its posts are kept)\n";
      return kExitOk;
    }
    return Fail("sources", Status::InvalidArgument("unknown verb '" + verb +
                                                   "': add, set, list, show, poll or remove"));
  } catch (const store::DbError& e) {
    return FailDb("sources", e);
  }
}

}  // namespace scrm::app
