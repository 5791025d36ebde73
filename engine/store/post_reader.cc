#include "store/post_reader.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "store/sql_util.h"

namespace scrm::store {

namespace {


// Dates as epoch seconds computed by the server (no time zone involved: the
// columns hold UTC), NULL as 0. The source's name, visibility and community
// come from a map of the sources (a few rows) rather than a join: joined,
// the optimizer buffered the sources and sorted every post after the first
// one asked for, to return 5,000 of them.
const char kSelect[] =
    "SELECT id, source_id, external_id, platform, kind, url, author_id, author_name, "
    "author_handle, title, body, language, TIMESTAMPDIFF(SECOND, '1970-01-01', published), "
    "TIMESTAMPDIFF(SECOND, '1970-01-01', updated), in_reply_to, shared_id, hashtags, mentions, "
    "links, likes, shares, replies, TIMESTAMPDIFF(SECOND, '1970-01-01', ingested_at) "
    "FROM scrm_posts ";

struct SourceInfo {
  std::string name, visibility, community;
};
using Sources = std::unordered_map<int64_t, SourceInfo>;

Sources ReadSources(sql::Connection& conn) {
  Sources out;
  std::unique_ptr<sql::Statement> st(conn.createStatement());
  std::unique_ptr<sql::ResultSet> rs(
      st->executeQuery("SELECT id, name, visibility, community FROM scrm_sources"));
  while (rs->next()) {
    out[rs->getInt64(1)] = SourceInfo{rs->getString(2), rs->getString(3), rs->getString(4)};
  }
  return out;
}

// The JSON arrays of strings the store writes; "[]" (most of them) costs
// nothing, anything unreadable reads as empty.
std::vector<std::string> ReadArray(const std::string& s) {
  if (s.size() <= 2) return {};
  try {
    return nlohmann::json::parse(s).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception&) {
    return {};
  }
}

std::string Text(sql::ResultSet& rs, int i) {
  return rs.isNull(i) ? std::string() : std::string(rs.getString(i));
}

int64_t Seconds(sql::ResultSet& rs, int i) { return rs.isNull(i) ? 0 : rs.getInt64(i); }

PostRow ReadRow(sql::ResultSet& rs, const Sources& sources) {
  PostRow r;
  r.id = rs.getInt64(1);
  r.source_id = rs.getInt64(2);
  auto source = sources.find(r.source_id);
  if (source != sources.end()) {
    r.source_name = source->second.name;
    r.visibility = source->second.visibility;
    r.community = source->second.community;
  }
  Post& p = r.post;
  p.external_id = rs.getString(3);
  p.platform = rs.getString(4);
  p.kind = rs.getString(5);
  p.url = Text(rs, 6);
  p.author_id = rs.getString(7);
  p.author_name = rs.getString(8);
  p.author_handle = rs.getString(9);
  p.title = Text(rs, 10);
  p.text = Text(rs, 11);
  p.language = rs.getString(12);
  p.published = Seconds(rs, 13);
  p.updated = Seconds(rs, 14);
  p.in_reply_to = rs.getString(15);
  p.shared_id = rs.getString(16);
  p.hashtags = ReadArray(Text(rs, 17));
  p.mentions = ReadArray(Text(rs, 18));
  p.links = ReadArray(Text(rs, 19));
  p.likes = rs.getInt64(20);
  p.shares = rs.getInt64(21);
  p.replies = rs.getInt64(22);
  r.ingested_at = Seconds(rs, 23);
  return r;
}

}  // namespace

std::vector<PostRow> PostReader::LoadPosts(const std::vector<int64_t>& ids) {
  std::vector<PostRow> out;
  if (ids.empty()) return out;
  std::vector<int64_t> sorted(ids);
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  try {
    Pool::Lease conn = pool_.Acquire();
    const Sources sources = ReadSources(*conn);
    out.reserve(sorted.size());
    ForIdChunks(
        conn, sorted,
        [](size_t n) { return std::string(kSelect) + "WHERE id IN " + Placeholders(1, n) + " ORDER BY id"; },
        [&](sql::PreparedStatement& ps) {
          std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
          while (rs->next()) out.push_back(ReadRow(*rs, sources));
        });
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading posts for the index");
  }
  return out;
}

std::vector<ParentPost> PostReader::ParentsOf(const std::vector<int64_t>& ids) {
  std::vector<ParentPost> out;
  if (ids.empty()) return out;
  try {
    Pool::Lease conn = pool_.Acquire();
    // The thread join of sql/0003: hash first, then the exact id.
    ForIdChunks(
        conn, ids,
        [](size_t n) {
          return "SELECT r.id, p.id, p.author_name, p.author_handle, "
                 "LEFT(COALESCE(NULLIF(p.body, ''), p.title, ''), 200), COALESCE(p.url, '') "
                 "FROM scrm_posts r JOIN scrm_posts p ON p.source_id = r.source_id "
                 "AND p.key_hash = r.reply_hash AND p.external_id = r.in_reply_to "
                 "WHERE r.reply_hash IS NOT NULL AND r.id IN " +
                 Placeholders(1, n);
        },
        [&](sql::PreparedStatement& ps) {
          std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
          while (rs->next()) {
            ParentPost p;
            p.reply_id = rs->getInt64(1);
            p.id = rs->getInt64(2);
            p.author_name = rs->getString(3);
            p.author_handle = rs->getString(4);
            p.excerpt = rs->getString(5);
            p.url = rs->getString(6);
            out.push_back(std::move(p));
          }
        });
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading the parents of replies");
  }
  return out;
}

std::vector<PostRow> PostReader::ScanPosts(int64_t after_id, int limit) {
  std::vector<PostRow> out;
  if (limit <= 0) return out;
  try {
    Pool::Lease conn = pool_.Acquire();
    const Sources sources = ReadSources(*conn);
    Statement ps = conn.Prepare(std::string(kSelect) + "WHERE id > ? ORDER BY id LIMIT ?");
    ps->setInt64(1, after_id);
    ps->setInt(2, limit);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    out.reserve(static_cast<size_t>(limit));
    while (rs->next()) out.push_back(ReadRow(*rs, sources));
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading posts for the index");
  }
  return out;
}

bool PostReader::HasPosts() {
  try {
    Pool::Lease conn = pool_.Acquire();
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT 1 FROM scrm_posts LIMIT 1"));
    return rs->next();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "looking for stored posts");
  }
}

std::vector<int64_t> PostReader::AllPostIds(int page_size) {
  std::vector<int64_t> out;
  try {
    Pool::Lease conn = pool_.Acquire();
    // The ids come from the smallest index that holds every post, the hash
    // key's (about 30 bytes a post), not from the table (a kilobyte a post),
    // in pages of page_size by hash; sorted here. A page starts at the last
    // hash of the one before, so ids met twice are dropped at the end.
    Statement page = conn.Prepare(
        "SELECT key_hash, id FROM scrm_posts FORCE INDEX (idx_scrm_posts_hash_key) "
        "WHERE key_hash >= ? ORDER BY key_hash LIMIT ?");
    Statement one_hash = conn.Prepare(
        "SELECT id FROM scrm_posts FORCE INDEX (idx_scrm_posts_hash_key) WHERE key_hash = ?");
    Statement after_hash = conn.Prepare(
        "SELECT key_hash, id FROM scrm_posts FORCE INDEX (idx_scrm_posts_hash_key) "
        "WHERE key_hash > ? ORDER BY key_hash LIMIT ?");
    int64_t from = std::numeric_limits<int64_t>::min();
    bool inclusive = true;
    for (;;) {
      sql::PreparedStatement& ps = inclusive ? *page : *after_hash;
      ps.setInt64(1, from);
      ps.setInt(2, page_size);
      std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
      size_t n = 0;
      int64_t last = from;
      while (rs->next()) {
        last = rs->getInt64(1);
        out.push_back(rs->getInt64(2));
        ++n;
      }
      if (n < static_cast<size_t>(page_size)) break;
      if (last != from) {
        from = last;
        inclusive = true;
        continue;
      }
      // A whole page of one hash (never seen with pages of 100,000: they
      // would share 64 bits of MD5): take that hash whole, then go past it.
      one_hash->setInt64(1, from);
      std::unique_ptr<sql::ResultSet> all(one_hash->executeQuery());
      while (all->next()) out.push_back(all->getInt64(1));
      inclusive = false;
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "listing post ids");
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace scrm::store
