// The operator's endpoints: /healthz (the process answers; touches nothing),
// /readyz (the database answers and carries the schema this build expects),
// /metrics (Prometheus text). Plain functions, so they are tested without a
// server; routes.cc binds them to their paths.
#ifndef SCRM_HTTP_HEALTH_H_
#define SCRM_HTTP_HEALTH_H_

#include "http/metrics.h"
#include "http/request.h"
#include "index/index.h"
#include "store/pool.h"

namespace scrm::http {

// 200 {"status":"ok"}.
Response Healthz();

// 200 {"status":"ready","database":"ok","schema_version":N,"index":"ok",
// "documents":N} when the database answers, its schema is at least the
// newest embedded migration, and the index (when given) can be read; else
// 503 {"status":"unavailable","reason":"..."} naming what is wrong: no
// database configured (pool null), database unreachable at ADDRESS, a
// schema that needs `scrm migrate`, or an index shard that cannot be read.
Response Readyz(store::Pool* pool, index::Searcher* searcher = nullptr);

// 200, text/plain; version=0.0.4.
Response MetricsText(const Metrics& metrics);

}  // namespace scrm::http

#endif  // SCRM_HTTP_HEALTH_H_
