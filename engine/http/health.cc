#include "http/health.h"

#include <nlohmann/json.hpp>

#include "store/migrator.h"
#include "store/post_reader.h"

namespace scrm::http {

namespace {

Response Unavailable(const std::string& reason) {
  Response r = Response::Json({{"status", "unavailable"}, {"reason", reason}}, 503);
  r.SetHeader("Retry-After", "5");
  return r;
}

}  // namespace

Response Healthz() { return Response::Json({{"status", "ok"}}); }

Response Readyz(store::Pool* pool, index::Searcher* searcher) {
  if (pool == nullptr) return Unavailable("no database configured");
  const std::string address = pool->options().url.Address();
  // Reading the schema version is the reachability check too: it takes a
  // connection and runs queries, which is what every request will need.
  int version = 0;
  try {
    version = store::CurrentSchemaVersion(*pool);
  } catch (const store::DbError& e) {
    if (e.unavailable()) return Unavailable("database unreachable at " + address + ": " + e.what());
    return Unavailable(std::string("cannot read the schema version: ") + e.what());
  }
  const int latest = store::LatestVersion(store::EmbeddedMigrations());
  if (version < latest) {
    return Unavailable("schema version " + std::to_string(version) + ", expected " +
                       std::to_string(latest) + ": run scrm migrate");
  }
  // A newer schema than this build knows is ready: migrations only add, and
  // a rolling upgrade runs old engines next to a migrated database.
  nlohmann::json ready = {{"status", "ready"}, {"database", "ok"}, {"schema_version", version}};
  if (searcher != nullptr) {
    Result<int64_t> docs = searcher->DocCount();
    if (!docs.ok()) {
      return Unavailable("index unreadable: " + docs.status().message() +
                         " (a damaged index is rebuilt from the database by `scrm reindex`)");
    }
    // An empty index over a database that holds posts was deleted or never
    // built: every search would find nothing, silently.
    if (*docs == 0) {
      try {
        if (store::PostReader(*pool).HasPosts()) {
          return Unavailable(
              "the search index is empty but the database holds posts (index deleted, or "
              "never built): run `scrm reindex`");
        }
      } catch (const store::DbError& e) {
        return Unavailable(std::string("cannot read the posts: ") + e.what());
      }
    }
    ready["index"] = "ok";
    ready["documents"] = *docs;
  }
  return Response::Json(ready);
}

Response MetricsText(const Metrics& metrics) {
  return Response::Text(metrics.RenderText(), 200, "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace scrm::http
