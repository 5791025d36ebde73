// scrm search QUERY [--json] [filters]  and  scrm reindex [--json]
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "core/time.h"
#include "ingest/index_feeder.h"
#include "service/search.h"

namespace scrm::app {

namespace {

// Filters of the API, as options of the CLI (repeatable ones take a
// comma-separated list).
const std::set<std::string>& SearchOptions() {
  static const std::set<std::string> k = {
      "platform", "source", "community", "language", "kind",  "customer", "account",
      "owner",    "linked", "from",      "to",       "since", "sort",     "limit",
      "offset",   "like"};
  return k;
}

std::string Strip(const std::string& html) {
  std::string out;
  bool tag = false;
  for (size_t i = 0; i < html.size(); ++i) {
    const char c = html[i];
    if (c == '<') tag = true;
    if (!tag) {
      if (c == '&') {
        const size_t semi = html.find(';', i);
        const std::string e = semi == std::string::npos ? "" : html.substr(i, semi - i + 1);
        const char* r = e == "&amp;" ? "&" : e == "&lt;" ? "<" : e == "&gt;" ? ">"
                      : e == "&quot;" ? "\"" : e == "&#39;" ? "'" : nullptr;
        if (r != nullptr) {
          out += r;
          i = semi;
          continue;
        }
      }
      out += c;
    }
    if (c == '>') tag = false;
  }
  return out;
}

}  // namespace

int CmdSearch(Context& ctx, int argc, char** argv) {
  std::set<std::string> with_value = SearchOptions();
  Result<Args> args = ParseArgs("search", argc, argv, 2, with_value, {"json", "help"});
  if (!args.ok()) return Fail("search", args.status());
  if (args->Has("help") || args->positional.size() > 1) {
    (args->Has("help") ? std::cout : std::cerr)
        << "usage: scrm search [QUERY] [--json] [--platform P,...] [--source S,...]\n"
           "         [--community C,...] [--language fr,...] [--kind K,...] [--customer M/ID,...]\n"
           "         [--account ID,...] [--owner ID,...] [--linked true|false] [--from DATE]\n"
           "         [--to DATE] [--since DATE] [--sort relevance|date] [--limit N] [--offset N]\n"
           "         [--like POST_ID]\n\n"
           "Searches the index (index.dir) with Xapian's query syntax: words, \"phrases\",\n"
           "AND/OR/NOT, wild*, and prefixes author:, tag:, mention:, platform:, source:,\n"
           "lang:, domain:, kind:, customer:, account:, community: (docs/index-terms.md).\n"
           "As an operator, you see every post. --json prints the API's answer\n"
           "(docs/api.md#search): total, results, facets, histogram, suggestion.\n";
    return args->Has("help") ? kExitOk : kExitUsage;
  }
  std::multimap<std::string, std::string> params;
  if (!args->positional.empty()) params.emplace("q", args->positional[0]);
  for (const auto& [name, value] : args->options) {
    std::istringstream list(value);
    std::string item;
    const bool repeatable = name != "linked" && name != "from" && name != "to" &&
                            name != "since" && name != "sort" && name != "limit" &&
                            name != "offset" && name != "like";
    if (!repeatable) {
      params.emplace(name, value);
      continue;
    }
    while (std::getline(list, item, ',')) params.emplace(name, item);
  }
  service::SearchOptions options;
  options.params = std::move(params);
  options.viewer.everything = true;
  Result<index::SearchRequest> request = service::SearchRequestOf(options);
  if (!request.ok()) {
    Status s = request.status();
    return Fail("search", Status::InvalidArgument(
                              "--" + s.field() + ": " + s.message().substr(s.message().find(':') + 2),
                              s.field()));
  }
  const bool json = args->Has("json");
  request->facets = request->histogram = json;
  Result<std::unique_ptr<index::Searcher>> searcher = index::Searcher::Open(IndexConfigOf(ctx.config));
  if (!searcher.ok()) return Fail("search", searcher.status());
  Result<service::SearchAnswer> answer = service::RunSearch(**searcher, *request);
  if (!answer.ok()) return Fail("search", answer.status());
  if (json) {
    std::cout << service::SearchAnswerJson(*answer)
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
    return kExitOk;
  }
  const index::SearchResult& result = answer->result;
  std::printf("%s%lld matches\n", result.total_exact ? "" : "about ",
              static_cast<long long>(result.total));
  for (const index::SearchHit& h : result.results) {
    std::printf("\n#%lld  %s  %s  %s  %s\n  %s\n  %s\n", static_cast<long long>(h.id),
                FormatIsoTime(h.date).c_str(), h.platform.c_str(),
                h.source.c_str(),
                (h.author_handle.empty() ? h.author_name : h.author_handle).c_str(),
                Strip(h.snippet).c_str(), h.url.c_str());
  }
  if (!result.suggestion.empty()) std::printf("\ndid you mean: %s\n", result.suggestion.c_str());
  return kExitOk;
}

int CmdReindex(Context& ctx, int argc, char** argv) {
  Result<Args> args = ParseArgs("reindex", argc, argv, 2, {}, {"json", "help"});
  if (!args.ok()) return Fail("reindex", args.status());
  if (args->Has("help")) {
    std::cout << "usage: scrm reindex [--json]\n\n"
                 "Rebuilds the search index (index.dir, index.shards, index.remote_shards) from\n"
                 "the posts in the database, the source of truth, and removes documents of posts\n"
                 "that no longer exist. Run it after deleting the index or changing the shard\n"
                 "layout. Searches keep working meanwhile. --json prints {\"posts\",\"removed\",\n"
                 "\"shards\",\"seconds\",\"posts_per_second\"}.\n";
    return kExitOk;
  }
  if (Status s = RequireDatabase(ctx.config); !s.ok()) return Fail("reindex", s);
  store::Pool pool(ctx.config.db);
  const bool json = args->Has("json");
  const bool show_progress = !json && StderrIsTerminal();
  try {
    Result<ingest::ReindexStats> stats = ingest::Reindex(
        pool, IndexConfigOf(ctx.config), [&](int64_t done, int64_t total) {
          if (!show_progress) return;
          std::fprintf(stderr, "\rreindexing: %lld of %lld posts", static_cast<long long>(done),
                       static_cast<long long>(total));
        });
    if (show_progress) std::fprintf(stderr, "\r\033[K");
    if (!stats.ok()) {
      Status s = stats.status();
      if (s.code() == Status::Code::kUnavailable) {
        s = Status::Unavailable(s.message() +
                                "; stop the other writer (or wait for it) and run scrm reindex again");
      }
      return Fail("reindex", s);
    }
    if (json) {
      std::cout << stats->ToJson().dump() << "\n";
    } else {
      std::printf("reindexed %lld posts into %d shard(s) in %.1f s (%.0f posts/s); %lld stale "
                  "documents removed\n",
                  static_cast<long long>(stats->posts), stats->shards, stats->seconds,
                  stats->seconds > 0 ? stats->posts / stats->seconds : 0.0,
                  static_cast<long long>(stats->removed));
    }
    return kExitOk;
  } catch (const store::DbError& e) {
    return FailDb("reindex", e);
  }
}

}  // namespace scrm::app
