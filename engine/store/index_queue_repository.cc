#include "store/index_queue_repository.h"

#include <algorithm>

#include "store/sql_util.h"

namespace scrm::store {

namespace {
constexpr size_t kChunk = 1000;
}  // namespace

std::vector<QueuedPost> IndexQueueRepository::Next(int limit) {
  std::vector<QueuedPost> out;
  if (limit <= 0) return out;
  try {
    Pool::Lease conn = pool_.Acquire();
    std::unique_ptr<sql::PreparedStatement> ps(
        conn->prepareStatement("SELECT seq, post_id FROM scrm_index_queue ORDER BY seq LIMIT ?"));
    ps->setInt(1, limit);
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
    for (size_t start = 0; start < seqs.size(); start += kChunk) {
      const size_t end = std::min(seqs.size(), start + kChunk);
      std::unique_ptr<sql::PreparedStatement> ps(conn->prepareStatement(
          "DELETE FROM scrm_index_queue WHERE seq IN " + Placeholders(1, end - start)));
      for (size_t k = start; k < end; ++k) ps->setInt64(static_cast<int>(k - start + 1), seqs[k]);
      ps->execute();
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "removing indexed posts from the index queue");
  }
}

void IndexQueueRepository::EnqueuePosts(const std::vector<int64_t>& post_ids) {
  if (post_ids.empty()) return;
  try {
    Pool::Lease conn = pool_.Acquire();
    Transaction tx(*conn);
    for (size_t start = 0; start < post_ids.size(); start += kChunk) {
      const size_t end = std::min(post_ids.size(), start + kChunk);
      std::string values = "(?,UTC_TIMESTAMP())";
      for (size_t k = start + 1; k < end; ++k) values += ",(?,UTC_TIMESTAMP())";
      std::unique_ptr<sql::PreparedStatement> ps(conn->prepareStatement(
          "INSERT INTO scrm_index_queue (post_id, queued_at) VALUES " + values));
      for (size_t k = start; k < end; ++k) {
        ps->setInt64(static_cast<int>(k - start + 1), post_ids[k]);
      }
      ps->execute();
    }
    tx.Commit();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "queueing posts for the index");
  }
}

int64_t IndexQueueRepository::EnqueueSource(int64_t source_id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    std::unique_ptr<sql::PreparedStatement> ps(conn->prepareStatement(
        "INSERT INTO scrm_index_queue (post_id, queued_at) SELECT id, UTC_TIMESTAMP() "
        "FROM scrm_posts WHERE source_id = ? ORDER BY id"));
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
