#include "store/index_queue_repository.h"

#include <algorithm>

#include "store/sql_util.h"

namespace scrm::store {

std::vector<QueuedPost> IndexQueueRepository::Next(int limit, int64_t after_seq) {
  std::vector<QueuedPost> out;
  if (limit <= 0) return out;
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare("SELECT seq, post_id FROM scrm_index_queue WHERE seq > ? ORDER BY seq LIMIT ?");
    ps->setInt64(1, after_seq);
    ps->setInt(2, limit);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    out.reserve(static_cast<size_t>(limit));
    while (rs->next()) out.push_back(QueuedPost{rs->getInt64(1), rs->getInt64(2)});
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading the index queue");
  }
  return out;
}

void IndexQueueRepository::Done(const std::vector<int64_t>& seqs) {
  if (seqs.empty()) return;
  try {
    Pool::Lease conn = pool_.Acquire();
    ExecuteForIds(conn, "DELETE FROM scrm_index_queue WHERE seq IN ", seqs);
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "removing indexed posts from the index queue");
  }
}

void EnqueuePostsOn(sql::Connection& conn, const std::vector<int64_t>& post_ids) {
  ForIdChunks(
      conn, post_ids,
      [](size_t n) {
        std::string values = "(?,UTC_TIMESTAMP())";
        for (size_t k = 1; k < n; ++k) values += ",(?,UTC_TIMESTAMP())";
        return "INSERT INTO scrm_index_queue (post_id, queued_at) VALUES " + values;
      },
      [](sql::PreparedStatement& ps) { ps.execute(); });
}

void IndexQueueRepository::EnqueuePosts(const std::vector<int64_t>& post_ids) {
  if (post_ids.empty()) return;
  try {
    Pool::Lease conn = pool_.Acquire();
    Transaction tx(*conn);
    EnqueuePostsOn(*conn, post_ids);
    tx.Commit();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "queueing posts for the index");
  }
}

int64_t IndexQueueRepository::EnqueueSource(int64_t source_id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "INSERT INTO scrm_index_queue (post_id, queued_at) SELECT id, UTC_TIMESTAMP() "
        "FROM scrm_posts WHERE source_id = ? ORDER BY id");
    ps->setInt64(1, source_id);
    return ps->executeUpdate();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "queueing a source's posts for the index");
  }
}

int64_t IndexQueueRepository::Pending() {
  try {
    Pool::Lease conn = pool_.Acquire();
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT COUNT(*) FROM scrm_index_queue"));
    return rs->next() ? rs->getInt64(1) : 0;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "counting the index queue");
  }
}

}  // namespace scrm::store
