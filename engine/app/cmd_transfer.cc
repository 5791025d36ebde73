// scrm export --out PATH [--json] and scrm import PATH [--json]: everything
// the engine holds, out and back in (docs/export-format.md).
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "service/transfer.h"

namespace scrm::app {

int CmdExport(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs("export", argc, argv, 2, {"out", "page-size"}, {"json", "help"});
  if (!args.ok()) return Fail("export", args.status());
  if (args->Has("help")) {
    std::cout << "usage: scrm export --out DIR [--page-size N] [--json]\n\n"
                 "Writes everything the engine holds into DIR (a new or empty directory) in the\n"
                 "open format scrm-export/1 (docs/export-format.md): one JSON Lines file per kind\n"
                 "(sources, customers, profiles, posts with their raw records, links, link\n"
                 "decisions, rejects, saved searches, audit...), CSV views (posts.csv,\n"
                 "profiles.csv, links.csv) and manifest.json with the schema version and the\n"
                 "rows and SHA-256 of every file. Secrets are left out and marked\n"
                 "{\"omitted\": true}. Two exports of the same data are byte-identical but for\n"
                 "manifest.json's created_at. --json prints the manifest with rows, bytes and\n"
                 "seconds. --page-size: rows a query (default 1000; the files do not change).\n";
    return kExitOk;
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("export", s);
  const std::string out = args->Get("out");
  if (out.empty()) {
    return Fail("export", Status::InvalidArgument("--out DIR is required (a new directory)", "out"));
  }
  transfer::ExportOptions options;
  options.by = {"cli:" + OperatorName(*args), ""};
  options.page_size = std::atoi(args->Get("page-size", "1000").c_str());
  if (options.page_size <= 0) {
    return Fail("export", Status::InvalidArgument("--page-size must be a positive number", "page-size"));
  }
  const bool json = args->Has("json");
  const bool show_progress = !json && StderrIsTerminal();
  if (show_progress) {
    options.progress = [](const std::string& kind, int64_t rows) {
      std::fprintf(stderr, "\r\033[Kexporting %s: %lld", kind.c_str(), static_cast<long long>(rows));
    };
  }
  store::Pool pool(ctx.config.db);
  try {
    Result<transfer::ExportSummary> summary = service::ExportToDirectory(pool, out, options);
    if (show_progress) std::fprintf(stderr, "\r\033[K");
    if (!summary.ok()) return Fail("export", summary.status());
    if (json) {
      std::cout << nlohmann::json{{"dir", out},
                                  {"rows", summary->rows},
                                  {"bytes", summary->bytes},
                                  {"seconds", summary->seconds},
                                  {"manifest", summary->manifest}}
                       .dump()
                << "\n";
    } else {
      for (const nlohmann::json& f : summary->manifest["files"]) {
        std::printf("%-24s %10lld rows %12lld bytes\n", f["file"].get<std::string>().c_str(),
                    f["rows"].get<long long>(), f["bytes"].get<long long>());
      }
      std::printf("exported %lld rows (%.1f MB) to %s in %.1f s\n",
                  static_cast<long long>(summary->rows), summary->bytes / 1e6, out.c_str(),
                  summary->seconds);
    }
    return kExitOk;
  } catch (const store::DbError& e) {
    return FailDb("export", e);
  }
}

int CmdImport(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs("import", argc, argv, 2, {}, {"json", "no-index", "help"});
  if (!args.ok()) return Fail("import", args.status());
  if (args->Has("help")) {
    std::cout << "usage: scrm import DIR [--no-index] [--json]\n\n"
                 "Restores an export (scrm export --out DIR) into an empty instance: a database\n"
                 "that scrm migrate prepared and that holds no data. Checks the manifest and the\n"
                 "SHA-256 of every file first, restores every kind with its ids, then rebuilds\n"
                 "the search index (as scrm reindex). Secrets are not in an export: set the push\n"
                 "sources' secrets again (scrm sources). A bad record is reported with its file\n"
                 "and line, and nothing after it is written; start again from a new database.\n"
                 "--no-index leaves the index to a later scrm reindex.\n";
    return kExitOk;
  }
  if (args->positional.size() != 1) {
    return Fail("import", Status::InvalidArgument("give the export's directory: scrm import DIR"));
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("import", s);
  const bool json = args->Has("json");
  const bool show_progress = !json && StderrIsTerminal();
  store::Pool pool(ctx.config.db);
  try {
    service::ImportOptions options;
    options.progress = [&](const std::string& kind, int64_t rows) {
      if (show_progress) {
        std::fprintf(stderr, "\r\033[Kimporting %s: %lld", kind.c_str(), static_cast<long long>(rows));
      }
    };
    options.by = {"cli:" + OperatorName(*args), ""};
    if (!args->Has("no-index")) options.reindex = IndexConfigOf(ctx.config);
    Result<service::ImportDone> done = service::ImportDirectory(pool, args->positional[0], options);
    if (show_progress) std::fprintf(stderr, "\r\033[K");
    if (!done.ok()) return Fail("import", done.status());
    const transfer::ImportSummary& summary = done->summary;
    const ingest::ReindexStats index = done->index.value_or(ingest::ReindexStats{});
    if (json) {
      std::cout << nlohmann::json{{"rows", summary.rows},
                                  {"bytes", summary.bytes},
                                  {"seconds", summary.seconds},
                                  {"kinds", summary.kinds},
                                  {"index", done->index ? index.ToJson() : nlohmann::json(nullptr)}}
                       .dump()
                << "\n";
    } else {
      std::printf("imported %lld rows (%.1f MB) in %.1f s; reindexed %lld posts in %.1f s\n",
                  static_cast<long long>(summary.rows), summary.bytes / 1e6, summary.seconds,
                  static_cast<long long>(index.posts), index.seconds);
    }
    return kExitOk;
  } catch (const store::DbError& e) {
    return FailDb("import", e);
  }
}

}  // namespace scrm::app
