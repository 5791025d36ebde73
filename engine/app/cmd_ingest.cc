// scrm ingest --source NAME [--format F] [--json] FILE|-
// scrm rejects list|show|retry
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "ingest/index_feeder.h"
#include "ingest/pipeline.h"
#include "store/content_repository.h"
#include "store/source_repository.h"

namespace scrm::app {

namespace {

Status NoSource(const std::string& name) {
  return Status::NotFound("no source named '" + name + "': add it first with scrm sources add " +
                          name + " --type file (scrm sources list shows the others)");
}

}  // namespace

int CmdIngest(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs("ingest", argc, argv, 2, {"source", "format"},
                                {"json", "no-index", "help"});
  if (!args.ok()) return Fail("ingest", args.status());
  if (args->Has("help")) {
    std::cout
        << "usage: scrm ingest --source NAME [--format F] [--json] [--no-index] FILE|-\n\n"
           "Reads FILE (or standard input) with the parser of its format (--format, else the\n"
           "source's, else recognised from the content) into the engine. Streaming: memory\n"
           "stays flat whatever the size. Posts are upserted by (source, id): ingesting the\n"
           "same file twice changes nothing. Bad records are kept (scrm rejects list).\n"
           "--json prints {\"format\",\"read\",\"new\",\"updated\",\"unchanged\",\"rejected\",\n"
           "\"skipped\",\"profiles\":{...},\"bytes\",\"seconds\",\"notes\",\"index\"}.\n"
           "New and changed posts are then indexed (index.dir), unless --no-index; when a\n"
           "running scrm serve holds the index, it indexes them instead, within a second.\n"
           "Exit codes: 0 all records in, 4 some records rejected, 1 failed, 2 bad usage,\n"
           "3 database unreachable.\n";
    return kExitOk;
  }
  if (args->Get("source").empty() || args->positional.size() != 1) {
    return Fail("ingest", Status::InvalidArgument(
                              "usage: scrm ingest --source NAME [--format F] [--json] FILE|-"));
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("ingest", s);
  const std::string path = args->positional[0];
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) {
      return Fail("ingest", Status::InvalidArgument("cannot read " + path +
                                                    ": no such file or no permission"));
    }
  }
  std::istream& in = path == "-" ? std::cin : file;
  int64_t total = 0;
  if (path != "-") {
    file.seekg(0, std::ios::end);
    total = static_cast<int64_t>(file.tellg());
    file.seekg(0);
  }

  store::Pool pool(ctx.config.db);
  try {
    std::optional<Source> source = store::SourceRepository(pool).Get(args->Get("source"));
    if (!source) return Fail("ingest", NoSource(args->Get("source")));
    ingest::IngestOptions options;
    options.format = args->Get("format", "auto");
    options.file_name = path;
    options.writers = ctx.config.ingest_writers;
    options.batch_size = static_cast<size_t>(ctx.config.ingest_batch_size);
    const bool json = args->Has("json");
    const bool show_progress = !json && StderrIsTerminal();
    Result<ingest::IngestSummary> summary = ingest::Ingest(
        pool, *source, in, options, [&](int64_t bytes, const ingest::IngestSummary& s) {
          if (!show_progress) return;
          if (total > 0) {
            std::fprintf(stderr, "\ringesting: %lld records, %.0f%% of %.1f MB",
                         static_cast<long long>(s.read), 100.0 * bytes / total, total / 1e6);
          } else {
            std::fprintf(stderr, "\ringesting: %lld records, %.1f MB",
                         static_cast<long long>(s.read), bytes / 1e6);
          }
        });
    if (show_progress) std::fprintf(stderr, "\r\033[K");
    if (!summary.ok()) {
      store::SourceRepository(pool).RecordFailure(source->id, summary.status().message());
      return Fail("ingest", summary.status());
    }
    const ingest::IngestSummary& s = *summary;
    store::SourceRepository(pool).RecordSuccess(
        source->id, s.posts_new + s.posts_updated + s.profiles_new + s.profiles_updated,
        source->etag, source->last_modified);
    // The queue holds what changed; whoever holds the index drains it.
    nlohmann::json index_json = {{"indexed", 0}, {"deferred", ""}};
    if (!args->Has("no-index")) {
      if (show_progress) std::fprintf(stderr, "indexing...");
      ingest::IndexFeeder feeder(pool, IndexConfigOf(ctx.config));
      Result<ingest::FeedStats> fed = feeder.Drain();
      if (show_progress) std::fprintf(stderr, "\r\033[K");
      if (fed.ok()) {
        index_json = {{"indexed", fed->indexed}, {"removed", fed->removed},
                      {"seconds", fed->seconds}, {"rebuilt", fed->rebuilt},
                      {"appended", fed->appended}, {"deferred", ""}};
      } else if (fed.status().code() == Status::Code::kUnavailable) {
        index_json["deferred"] = fed.status().message();
      } else {
        return Fail("ingest", Status::Internal("stored, but indexing failed: " +
                                               fed.status().message() +
                                               " (fix it, then run scrm reindex)"));
      }
    } else {
      index_json["deferred"] = "--no-index: run scrm reindex, or let scrm serve index them";
    }
    if (json) {
      nlohmann::json out = s.ToJson();
      out["index"] = index_json;
      std::cout << out.dump() << "\n";
    } else {
      std::printf("%s: %lld records read (%s); posts: %lld new, %lld updated, %lld unchanged, "
                  "%lld removed; profiles: %lld new, %lld updated; %lld rejected, %lld skipped "
                  "in %.2f s\n",
                  path.c_str(), static_cast<long long>(s.read), s.format.c_str(),
                  static_cast<long long>(s.posts_new), static_cast<long long>(s.posts_updated),
                  static_cast<long long>(s.posts_unchanged), static_cast<long long>(s.removed),
                  static_cast<long long>(s.profiles_new),
                  static_cast<long long>(s.profiles_updated), static_cast<long long>(s.rejected),
                  static_cast<long long>(s.skipped), s.seconds);
      if (s.deletes_refused > 0) {
        std::printf("  %lld Deletes refused: not by the post's author (the posts are kept; see "
                    "the notes)\n",
                    static_cast<long long>(s.deletes_refused));
      }
      for (size_t i = 0; i < s.notes.size() && i < 5; ++i) {
        std::printf("  note: %s\n", s.notes[i].c_str());
      }
      if (s.notes.size() > 5) {
        std::printf("  ... and %zu more notes (--json lists them)\n", s.notes.size() - 5);
      }
      if (!index_json["deferred"].get<std::string>().empty()) {
        std::printf("  index: not now: %s\n", index_json["deferred"].get<std::string>().c_str());
      } else {
        std::printf("  index: %lld posts indexed%s\n",
                    static_cast<long long>(index_json["indexed"].get<int64_t>()),
                    index_json.value("rebuilt", false)
                        ? " (the index was empty: built from every stored post, as scrm reindex does)"
                    : index_json.value("appended", false)
                        ? " (built apart and merged with the index's shards at the end)"
                        : "");
      }
      if (s.rejected > 0) {
        std::printf("  see them with: scrm rejects list --source %s\n", source->name.c_str());
      }
    }
    return s.rejected > 0 ? kExitSomeRejected : kExitOk;
  } catch (const store::DbError& e) {
    return FailDb("ingest", e);
  }
}

int CmdRejects(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs("rejects", argc, argv, 2, {"source", "status", "limit", "format"},
                                {"json", "raw", "help"});
  if (!args.ok()) return Fail("rejects", args.status());
  if (args->Has("help") || args->positional.empty()) {
    (args->Has("help") ? std::cout : std::cerr)
        << "usage: scrm rejects list [--source NAME] [--status open|resolved|all] [--limit N] "
           "[--json]\n"
           "       scrm rejects show ID [--raw]\n"
           "       scrm rejects retry ID [--format F]\n\n"
           "Records that could not be read, kept with their raw bytes, position and reason.\n"
           "retry parses a reject's raw bytes again (after a fix, or with --format) and, when\n"
           "they now read, stores the record and marks the reject resolved.\n";
    return args->Has("help") ? kExitOk : kExitUsage;
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("rejects", s);
  store::Pool pool(ctx.config.db);
  store::ContentRepository content(pool);
  store::SourceRepository sources(pool);
  const std::string verb = args->positional[0];
  try {
    if (verb == "list") {
      int64_t source_id = 0;
      if (!args->Get("source").empty()) {
        std::optional<Source> s = sources.Get(args->Get("source"));
        if (!s) return Fail("rejects", NoSource(args->Get("source")));
        source_id = s->id;
      }
      std::string status = args->Get("status", "open");
      if (status == "all") status.clear();
      int limit = std::atoi(args->Get("limit", "100").c_str());
      std::vector<store::StoredReject> rejects = content.ListRejects(source_id, status, limit);
      nlohmann::json out = nlohmann::json::array();
      for (const store::StoredReject& r : rejects) {
        std::optional<Source> s = sources.GetById(r.source_id);
        nlohmann::json j = {{"id", r.id},
                            {"source", s ? s->name : ""},
                            {"file", r.reject.position.file},
                            {"line", r.reject.position.line},
                            {"offset", r.reject.position.offset},
                            {"record", r.reject.position.record},
                            {"reason", r.reject.reason},
                            {"status", r.status},
                            {"created_at", r.created_at},
                            {"raw_bytes", r.reject.raw.size()}};
        if (args->Has("json")) {
          out.push_back(j);
        } else {
          std::cout << r.id << "  " << j["source"].get<std::string>() << "  "
                    << r.reject.position.file << ":" << r.reject.position.line << "  "
                    << r.reject.reason << "\n";
        }
      }
      if (args->Has("json")) std::cout << out.dump() << "\n";
      return kExitOk;
    }
    if (args->positional.size() != 2) {
      return Fail("rejects", Status::InvalidArgument("scrm rejects " + verb + " takes one ID"));
    }
    int64_t id = std::atoll(args->positional[1].c_str());
    std::optional<store::StoredReject> r = content.GetReject(id);
    if (!r) {
      return Fail("rejects", Status::NotFound("no reject " + args->positional[1] +
                                              " (scrm rejects list --status all)"));
    }
    if (verb == "show") {
      if (args->Has("raw")) {
        std::cout << r->reject.raw;
        return kExitOk;
      }
      std::cout << "reject " << r->id << " (" << r->status << ", " << r->created_at << " UTC)\n"
                << "  where:  " << r->reject.position.file << " line " << r->reject.position.line
                << ", byte " << r->reject.position.offset << ", record "
                << r->reject.position.record << "\n"
                << "  reason: " << r->reject.reason << "\n"
                << "  raw:    " << r->reject.raw.size() << " bytes (scrm rejects show " << r->id
                << " --raw)\n";
      return kExitOk;
    }
    if (verb == "retry") {
      std::optional<Source> source = sources.GetById(r->source_id);
      if (!source) {
        return Fail("rejects", Status::NotFound("the source of reject " + std::to_string(id) +
                                                " was removed: add it again to retry"));
      }
      std::string format = args->Get("format", r->format.empty() ? source->format : r->format);
      if (format == "as2-outbox") format = "as2";  // a reject holds one item, not the collection
      if (format == "rss" || format == "atom" || format == "jsonfeed") {
        return Fail("rejects",
                    Status::FailedPrecondition(
                        "a feed item cannot be read outside its feed: fix the feed and ingest it "
                        "again (scrm ingest --source " + source->name + " FILE)"));
      }
      std::istringstream in(r->reject.raw);
      ingest::IngestOptions options;
      options.format = format;
      options.file_name = r->reject.position.file;
      // A retried record that fails again gets no second reject: its reason
      // is shown and this reject stays open.
      options.keep_rejects = false;
      Result<ingest::IngestSummary> s = ingest::Ingest(pool, *source, in, options);
      if (!s.ok()) {
        std::cout << "reject " << id << " still does not read; it stays open: "
                  << s.status().message() << "\n";
        return kExitSomeRejected;
      }
      if (s->rejected > 0 || s->posts_new + s->posts_updated + s->posts_unchanged +
                                     s->profiles_new + s->profiles_updated +
                                     s->profiles_unchanged ==
                                 0) {
        std::cout << "reject " << id << " still does not read; it stays open"
                  << (s->first_reject_reason.empty() ? "" : ": " + s->first_reject_reason)
                  << "\n";
        return kExitSomeRejected;
      }
      content.ResolveReject(id);
      std::cout << "reject " << id << " read and stored; marked resolved\n";
      return kExitOk;
    }
    return Fail("rejects",
                Status::InvalidArgument("unknown verb '" + verb + "': list, show or retry"));
  } catch (const store::DbError& e) {
    return FailDb("rejects", e);
  }
}

}  // namespace scrm::app
