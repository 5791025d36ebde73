// scrm sources add|list|show|remove
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/open_networks.h"
#include "ingest/index_feeder.h"
#include "ingest/poller.h"
#include "service/sources.h"
#include "sources/fetcher.h"

namespace scrm::app {

namespace {

const char kUsage[] =
    "usage: scrm sources add NAME --type file|url|push|listen [--format F] [--location PATH|URL|TERMS]\n"
    "                        [--poll SECONDS] [--visibility public|internal|community]\n"
    "                        [--community NAME] [--secret KEY] [--retention-days N] [--json]\n"
    "       scrm sources set NAME [--retention-days N] [--secret KEY] [--poll SECONDS]\n"
    "                        [--visibility V] [--community NAME] [--location L] [--format F] [--json]\n"
    "       scrm sources list [--json]\n"
    "       scrm sources show NAME [--json]\n"
    "       scrm sources remove NAME\n"
    "       scrm sources poll NAME [--json]   fetch a url source now (conditional GET), or search a\n"
    "                        listen source's terms for new matches, and ingest what came\n\n"
    "A source is where conversations come from and who may see them. Formats: auto (the\n"
    "default: recognised from the content), as2, as2-outbox, as2-jsonl, rss, atom,\n"
    "jsonfeed, twitter-archive, linkedin-connections, linkedin-messages, jsonl.\n"
    "Visibility defaults to internal. Removing a source keeps its posts.\n"
    "A listen source's terms (--location) are comma-separated: #tag@server is that hashtag\n"
    "on a fediverse server (#suitecrm@mastodon.social), any other term (#suitecrm, open\n"
    "source crm) is searched on Bluesky (docs/ingest.md).\n"
    "--retention-days N: posts published more than N days ago are removed from the database\n"
    "and the index by scrm retention and by scrm serve (retention.interval_hours); 0, the\n"
    "default, keeps every post (docs/privacy.md). set changes the settings given; a\n"
    "source restored by scrm import has no secret (exports never hold one): set it again.\n"
    "--secret KEY: the push source's HMAC key (at most 255 bytes; \"\" removes it). It is\n"
    "stored sealed with the key of secrets.key_file, created when first needed\n"
    "(docs/security.md); it is never printed: show says (set).\n";

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

// The sources' errors, naming the command-line option.
Status AsOption(const Status& status) {
  const std::string& field = status.field();
  // The sealing's messages already say --secret.
  if (field == "push_secret") {
    return Status::InvalidArgument(status.message(), "--secret")
        .WithReason(status.reason(), status.reason_args());
  }
  if (status.code() != Status::Code::kInvalidArgument) return status;
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
  const store::AuditBy by{"cli:" + OperatorName(*args), ""};
  service::SourcesOptions options;
  options.key_file = ctx.config.secrets_key_file;
  try {
    if (verb == "list") {
      std::vector<Source> all = service::ListSources(pool);
      if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const Source& s : all) out.push_back(service::SourceJson(s));
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
    service::SourceEdit edit;
    edit.settings = SettingsOf(*args);
    if (args->options.count("secret")) edit.push_secret = args->Get("secret");
    if (verb == "add") {
      Result<Source> added = service::AddSource(pool, options, name, edit, by);
      if (!added.ok()) return Fail("sources", AsOption(added.status()));
      if (json) {
        std::cout << service::SourceJson(*added).dump() << "\n";
      } else {
        std::cout << "added ";
        PrintSource(*added);
      }
      return kExitOk;
    }
    if (verb == "set") {
      const SourceSettings& settings = edit.settings;
      const bool any = edit.push_secret || settings.type || settings.format || settings.location ||
                       settings.poll_interval_seconds || settings.visibility ||
                       settings.community || settings.retention_days;
      if (!any) {
        return Fail("sources", Status::InvalidArgument("scrm sources set NAME: give the settings to "
                                                       "change (see scrm sources --help)"));
      }
      Result<Source> s = service::ChangeSource(pool, options, name, edit, by);
      if (!s.ok()) return Fail("sources", AsOption(s.status()));
      if (json) {
        std::cout << service::SourceJson(*s).dump() << "\n";
      } else {
        std::cout << "updated ";
        PrintSource(*s);
      }
      return kExitOk;
    }
    if (verb == "show") {
      Result<Source> s = service::GetSource(pool, name);
      if (!s.ok()) return Fail("sources", s.status());
      if (json) {
        std::cout << service::SourceJson(*s).dump() << "\n";
      } else {
        PrintSource(*s);
      }
      return kExitOk;
    }
    if (verb == "poll") {
      sources::HttpFetcher fetcher(FetcherOptionsOf(ctx.config));
      ingest::PollerOptions poll_options;
      poll_options.fetch_timeout_seconds = ctx.config.poll_timeout_seconds;
      poll_options.max_bytes = ctx.config.poll_max_bytes;
      Listeners listeners(ctx.config, fetcher);
      poll_options.listeners = listeners.all();
      poll_options.listen_limits = OpenNetworkLimitsOf(ctx.config);
      ingest::Poller poller(pool, fetcher, poll_options);
      Result<ingest::IngestSummary> s = service::PollSource(&poller, name);
      if (!s.ok()) return Fail("sources", s.status());
      // What came is indexed now, unless a running scrm serve holds the index.
      Result<ingest::FeedStats> fed = ingest::IndexFeeder(pool, IndexConfigOf(ctx.config)).Drain();
      if (!fed.ok() && fed.status().code() != Status::Code::kUnavailable) {
        std::cerr << "scrm sources: posts stored, but indexing them failed: "
                  << fed.status().message() << " (scrm serve or scrm reindex will catch up)\n";
      }
      if (json) {
        std::cout << s->ToJson().dump() << "\n";
      } else {
        std::cout << name << ": " << s->read << " records read; " << s->posts_new << " new, "
                  << s->posts_updated << " updated, " << s->removed << " removed, "
                  << s->rejected << " rejected"
                  << (s->notes.empty() ? "" : " (" + s->notes.front() + ")") << "\n";
      }
      return s->rejected > 0 ? kExitSomeRejected : kExitOk;
    }
    if (verb == "remove") {
      Status s = service::RemoveSource(pool, name, by);
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
