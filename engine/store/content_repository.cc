#include "store/content_repository.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "core/text.h"
#include "core/time.h"
#include "store/id_hash.h"
#include "store/index_queue_repository.h"
#include "store/sql_util.h"

namespace scrm::store {

namespace {

constexpr size_t kChunk = 1000;

std::string JsonArray(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }

std::vector<std::string> FromJsonArray(const std::string& s) {
  if (s.empty()) return {};
  try {
    return nlohmann::json::parse(s).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception&) {
    return {};
  }
}

int64_t GetDateTime(sql::ResultSet& rs, int i) {
  if (rs.isNull(i)) return 0;
  return ParseSqlDateTime(rs.getString(i)).value_or(0);
}

// Keeps the last record of each key, in first-seen order.
template <typename T, typename KeyFn>
std::vector<const T*> LastOfEachKey(const std::vector<T>& items, size_t start, size_t end,
                                    KeyFn key) {
  std::unordered_map<std::string, size_t> slot;
  std::vector<const T*> out;
  for (size_t k = start; k < end; ++k) {
    auto [it, fresh] = slot.emplace(key(items[k]), out.size());
    if (fresh) {
      out.push_back(&items[k]);
    } else {
      out[it->second] = &items[k];
    }
  }
  return out;
}

// Keeps the records of a batch that must be written (new or changed, by
// fingerprint against `stored`, keyed by key(record)) and counts them all.
template <typename T, typename KeyFn>
void SelectChanged(const std::vector<const T*>& batch,
                   const std::unordered_map<std::string, std::string>& stored, KeyFn key,
                   UpsertCounts& counts, std::vector<const T*>* rows,
                   std::vector<std::string>* fingerprints) {
  for (const T* record : batch) {
    std::string fp = record->Fingerprint();
    auto it = stored.find(key(*record));
    if (it == stored.end()) {
      ++counts.inserted;
    } else if (it->second != fp) {
      ++counts.updated;
    } else {
      ++counts.unchanged;
      continue;
    }
    rows->push_back(record);
    fingerprints->push_back(std::move(fp));
  }
}

// "(one),(one),...": the VALUES of a multi-row INSERT.
std::string RepeatRows(const std::string& one, size_t n) {
  std::string values;
  values.reserve(n * (one.size() + 1));
  for (size_t r = 0; r < n; ++r) values += (r ? "," : "") + one;
  return values;
}

// A chunk of posts is written again from the start when it lost a race
// (sql_util.h's LostRace): another writer inserted one of its ids first, or
// writers inserting the same new ids waited on each other's unique-key
// locks. Only writers of one source racing on the same ids meet them.
constexpr int kWriteAttempts = 10;

// Lookups by key name their index: with a long IN list the optimizer
// estimates from statistics, which lag behind a table growing by millions
// of rows, and may then prefer scanning another index.
const char kByKey[] = " FORCE INDEX (idx_scrm_posts_hash_key) ";

const char kPostColumns[] =
    "source_id, external_id, key_seq, platform, kind, url, author_id, author_name, "
    "author_handle, title, body, language, published, updated, in_reply_to, shared_id, "
    "hashtags, mentions, links, likes, shares, replies, raw, fingerprint, ingested_at";
const char kPostRow[] = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,UTC_TIMESTAMP())";

void SetDateTime(sql::PreparedStatement& ps, int i, int64_t unix_seconds) {
  if (unix_seconds <= 0) {
    ps.setNull(i, sql::DataType::TIMESTAMP);
  } else {
    ps.setString(i, FormatSqlDateTime(unix_seconds));
  }
}

// The value of a column of at most max_chars characters: cut only when it
// may be longer (a string of no more bytes than that cannot be).
std::string Cut(const std::string& s, size_t max_chars) {
  return s.size() <= max_chars ? s : TruncateUtf8(s, max_chars);
}

std::string Json(const std::vector<std::string>& v) { return v.empty() ? "[]" : JsonArray(v); }

// Binds one post's values, in the order of kPostColumns, from index i on,
// preceded by its id when it has one.
void BindPost(sql::PreparedStatement& ps, int& i, int64_t id, int64_t source_id,
              const std::string& key, int key_seq, const Post& p, const std::string& fingerprint) {
  if (id != 0) ps.setInt64(i++, id);
  ps.setInt64(i++, source_id);
  ps.setString(i++, key);
  ps.setInt(i++, key_seq);
  ps.setString(i++, Cut(p.platform, 32));
  ps.setString(i++, Cut(p.kind, 16));
  ps.setString(i++, p.url);
  ps.setString(i++, Cut(p.author_id, 512));
  ps.setString(i++, Cut(p.author_name, 255));
  ps.setString(i++, Cut(p.author_handle, 255));
  ps.setString(i++, p.title);
  ps.setString(i++, p.text);
  ps.setString(i++, Cut(p.language, 16));
  SetDateTime(ps, i++, p.published);
  SetDateTime(ps, i++, p.updated);
  ps.setString(i++, Cut(p.in_reply_to, 512));
  ps.setString(i++, Cut(p.shared_id, 512));
  ps.setString(i++, Json(p.hashtags));
  ps.setString(i++, Json(p.mentions));
  ps.setString(i++, Json(p.links));
  ps.setInt64(i++, p.likes);
  ps.setInt64(i++, p.shares);
  ps.setInt64(i++, p.replies);
  ps.setString(i++, p.raw);
  ps.setString(i++, fingerprint);
}

// Rows go to MariaDB through a prepared multi-row INSERT of
// kRowsPerStatement rows, prepared once per chunk and executed as often as
// needed (and one more statement for the rest). Preparing one statement
// for a whole chunk (25,000 placeholders) cost the server almost as much as
// storing the rows did (parsing it, and answering with every placeholder's
// metadata); inline values (SQL text) cost more still in parsing. Each
// execution calls after(first_row, rows).
constexpr size_t kRowsPerStatement = 100;
template <typename BindRow, typename After>
void InsertRows(sql::Connection& conn, const std::string& head, const std::string& one_row,
                const std::string& tail, size_t n, BindRow bind, After after) {
  std::unique_ptr<sql::PreparedStatement> full, rest;
  for (size_t r = 0; r < n;) {
    const size_t m = std::min(kRowsPerStatement, n - r);
    std::unique_ptr<sql::PreparedStatement>& ps = m == kRowsPerStatement ? full : rest;
    if (!ps) ps.reset(conn.prepareStatement(head + RepeatRows(one_row, m) + tail));
    int i = 1;
    for (size_t k = 0; k < m; ++k) bind(*ps, i, r + k);
    ps->execute();
    after(r, m);
    r += m;
  }
}

// "(key_hash IN (h1,...,h500) OR key_hash IN (h501,...))", values inline:
// integers that the store computed. MariaDB turns an IN list of 1,000
// constants or more (in_predicate_conversion_threshold) into a join with a
// derived table, and that join scanned all of scrm_posts: lists stay
// shorter than that.
std::string KeyHashIn(const std::vector<int64_t>& hashes) {
  constexpr size_t kList = 500;
  std::string q = "(";
  for (size_t k = 0; k < hashes.size(); ++k) {
    if (k % kList == 0) {
      q += k ? ") OR key_hash IN (" : "key_hash IN (";
    } else {
      q += ',';
    }
    q += std::to_string(hashes[k]);
  }
  return q + "))";
}

// One record of a chunk: its stored key (the id as the column holds it) and
// that key's hash.
struct Keyed {
  const Post* post;
  std::string key;
  int64_t hash;
};

struct StoredPost {
  int64_t id;
  int key_seq;
  std::string fingerprint;
};

// Writes one chunk (one key per record) in one transaction: new posts by a
// plain multi-row INSERT, changed ones by their id, and both queued for the
// index. Throws sql::SQLException (the caller retries a chunk that lost a
// race with another writer), or DbError.
UpsertCounts WriteChunk(sql::Connection& conn, int64_t source_id, const std::vector<Keyed>& chunk) {
  UpsertCounts counts;
  std::unique_ptr<sql::Statement> st(conn.createStatement());
  // What is stored under these hashes: the ids compare in full, so a hash
  // shared by two ids (a collision) is told apart here.
  std::unordered_map<std::string, StoredPost> stored;
  std::unordered_map<int64_t, int> next_seq;  // hash -> first key_seq free
  std::vector<int64_t> hashes;
  hashes.reserve(chunk.size());
  for (const Keyed& k : chunk) {
    if (next_seq.emplace(k.hash, 0).second) hashes.push_back(k.hash);
  }
  {
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
        std::string("SELECT id, key_hash, key_seq, external_id, fingerprint FROM scrm_posts") +
        kByKey + "WHERE source_id = " + std::to_string(source_id) + " AND " + KeyHashIn(hashes)));
    while (rs->next()) {
      const int seq = rs->getInt(3);
      stored[rs->getString(4)] = StoredPost{rs->getInt64(1), seq, rs->getString(5)};
      int& next = next_seq[rs->getInt64(2)];
      next = std::max(next, seq + 1);
    }
  }

  struct Row {
    const Keyed* keyed;
    int key_seq;
    int64_t id;  // 0 for a new post until it is inserted
    std::string fingerprint;
  };
  std::vector<Row> fresh, changed;
  for (const Keyed& k : chunk) {
    std::string fp = k.post->Fingerprint();
    auto it = stored.find(k.key);
    if (it == stored.end()) {
      int& next = next_seq[k.hash];
      // 256 ids of one source sharing 64 bits of MD5 take about 2^63 MD5
      // computations to find on purpose.
      if (next > 255) {
        throw DbError("writing posts: more than 256 ids of source " + std::to_string(source_id) +
                          " share the hash of '" + k.key + "'",
                      0, false);
      }
      fresh.push_back(Row{&k, next++, 0, std::move(fp)});
      ++counts.inserted;
    } else if (it->second.fingerprint != fp) {
      changed.push_back(Row{&k, it->second.key_seq, it->second.id, std::move(fp)});
      ++counts.updated;
    } else {
      ++counts.unchanged;
    }
  }
  if (fresh.empty() && changed.empty()) return counts;

  Transaction tx(conn);
  // The ids of new posts, for the queue: an INSERT of n rows into an
  // AUTO_INCREMENT column takes n consecutive ids from LAST_INSERT_ID() on
  // when InnoDB's innodb_autoinc_lock_mode is 0 or 1 (MariaDB's default)
  // and auto_increment_increment is 1. Otherwise (mode 2, as in Galera
  // clusters or MySQL 8) they are read back by key below.
  bool ids_known = true;
  InsertRows(
      conn, std::string("INSERT INTO scrm_posts (") + kPostColumns + ") VALUES ", kPostRow, "",
      fresh.size(),
      [&](sql::PreparedStatement& ps, int& i, size_t r) {
        const Row& x = fresh[r];
        BindPost(ps, i, 0, source_id, x.keyed->key, x.key_seq, *x.keyed->post, x.fingerprint);
      },
      [&](size_t first, size_t rows) {
        if (!ids_known) return;
        std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
            "SELECT LAST_INSERT_ID(), @@innodb_autoinc_lock_mode, @@auto_increment_increment"));
        if (!rs->next() || rs->getInt(2) > 1 || rs->getInt(3) != 1) {
          ids_known = false;
          return;
        }
        const int64_t id = rs->getInt64(1);
        for (size_t k = 0; k < rows; ++k) fresh[first + k].id = id + static_cast<int64_t>(k);
      });
  // A changed post is rewritten by its id: the row is there (a post never
  // moves to another key).
  InsertRows(
      conn, std::string("INSERT INTO scrm_posts (id, ") + kPostColumns + ") VALUES ",
      std::string("(?,") + (kPostRow + 1),
      " ON DUPLICATE KEY UPDATE platform=VALUES(platform), kind=VALUES(kind), "
      "url=VALUES(url), author_id=VALUES(author_id), author_name=VALUES(author_name), "
      "author_handle=VALUES(author_handle), title=VALUES(title), body=VALUES(body), "
      "language=VALUES(language), published=VALUES(published), updated=VALUES(updated), "
      "in_reply_to=VALUES(in_reply_to), shared_id=VALUES(shared_id), "
      "hashtags=VALUES(hashtags), mentions=VALUES(mentions), links=VALUES(links), "
      "likes=VALUES(likes), shares=VALUES(shares), replies=VALUES(replies), raw=VALUES(raw), "
      "fingerprint=VALUES(fingerprint), ingested_at=VALUES(ingested_at)",
      changed.size(),
      [&](sql::PreparedStatement& ps, int& i, size_t r) {
        const Row& x = changed[r];
        BindPost(ps, i, x.id, source_id, x.keyed->key, x.key_seq, *x.keyed->post, x.fingerprint);
      },
      [](size_t, size_t) {});

  if (!fresh.empty() && !ids_known) {
    // Our own uncommitted rows are visible to us.
    std::unordered_map<int64_t, std::vector<Row*>> by_hash;
    std::vector<int64_t> fresh_hashes;
    for (Row& r : fresh) {
      auto& v = by_hash[r.keyed->hash];
      if (v.empty()) fresh_hashes.push_back(r.keyed->hash);
      v.push_back(&r);
    }
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
        std::string("SELECT id, key_hash, key_seq FROM scrm_posts") + kByKey +
        "WHERE source_id = " + std::to_string(source_id) + " AND " + KeyHashIn(fresh_hashes)));
    while (rs->next()) {
      auto it = by_hash.find(rs->getInt64(2));
      if (it == by_hash.end()) continue;
      const int seq = rs->getInt(3);
      for (Row* r : it->second) {
        if (r->key_seq == seq) r->id = rs->getInt64(1);
      }
    }
  }

  // Queued for the index in this same transaction: a crash cannot leave a
  // written post unknown to the index.
  std::string values;
  values.reserve((fresh.size() + changed.size()) * 32);
  for (const std::vector<Row>* rows : {&fresh, &changed}) {
    for (const Row& r : *rows) {
      if (r.id == 0) {
        throw DbError("writing posts: a new post's id could not be read back", 0, false);
      }
      values += values.empty() ? "(" : ",(";
      values += std::to_string(r.id);
      values += ",UTC_TIMESTAMP())";
    }
  }
  st->execute("INSERT INTO scrm_index_queue (post_id, queued_at) VALUES " + values);
  tx.Commit();
  return counts;
}

}  // namespace

int64_t RemovePostsOn(sql::Connection& conn, const std::vector<int64_t>& post_ids) {
  const int64_t removed = ExecuteForIds(conn, "DELETE FROM scrm_posts WHERE id IN ", post_ids);
  EnqueuePostsOn(conn, post_ids);
  return removed;
}

int64_t RemoveDeletedPostsOn(sql::Connection& conn, const std::vector<int64_t>& post_ids) {
  std::vector<int64_t> all = post_ids;
  std::unordered_set<int64_t> known(post_ids.begin(), post_ids.end());
  // The copies: the same id (key_hash leads idx_scrm_posts_hash_key) by the same author.
  ForIdChunks(
      conn, post_ids,
      [](size_t n) {
        return "SELECT c.id FROM scrm_posts p JOIN scrm_posts c ON c.key_hash = p.key_hash AND "
               "c.external_id = p.external_id AND c.author_hash = p.author_hash AND "
               "c.author_id = p.author_id AND c.id <> p.id WHERE p.author_id <> '' AND p.id IN " +
               Placeholders(1, n);
      },
      [&](sql::PreparedStatement& ps) {
        std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
        while (rs->next()) {
          if (known.insert(rs->getInt64(1)).second) all.push_back(rs->getInt64(1));
        }
      });
  return RemovePostsOn(conn, all);
}

namespace {

// The posts with this id, under every source: (id, author) each.
std::vector<std::pair<int64_t, std::string>> FindPosts(sql::PreparedStatement& find,
                                                       const std::string& external_id) {
  const std::string key = TruncateUtf8(external_id, 512);
  find.setInt64(1, IdHash(key));
  find.setString(2, key);
  std::unique_ptr<sql::ResultSet> rs(find.executeQuery());
  std::vector<std::pair<int64_t, std::string>> found;
  while (rs->next()) found.emplace_back(rs->getInt64(1), rs->getString(2));
  return found;
}

constexpr const char* kFindPosts =
    "SELECT id, author_id FROM scrm_posts FORCE INDEX (idx_scrm_posts_hash_key) "
    "WHERE key_hash = ? AND external_id = ? FOR UPDATE";

}  // namespace

DeletionCounts ContentRepository::ApplyDeletions(const std::vector<Deletion>& deletions) {
  DeletionCounts counts;
  if (deletions.empty()) return counts;
  try {
    Pool::Lease conn = pool_.Acquire();
    Transaction tx(*conn);
    Statement find = conn.Prepare(kFindPosts);
    std::vector<int64_t> ids;
    std::unordered_set<int64_t> listed;
    for (const Deletion& d : deletions) {
      const std::vector<std::pair<int64_t, std::string>> found = FindPosts(*find, d.object_id);
      std::string other;  // an author that is not the Delete's
      bool removed = false;
      for (const auto& [id, author] : found) {
        if (author.empty() || author != d.actor_id) {
          other = author.empty() ? "unknown" : author;
        } else {
          removed = true;
          if (listed.insert(id).second) ids.push_back(id);
        }
      }
      if (found.empty()) {
        ++counts.unknown;
      } else if (!removed) {
        ++counts.refused;
        if (counts.refusals.size() < DeletionCounts::kMaxRefusals) {
          counts.refusals.push_back("Delete of " + d.object_id + " by " + d.actor_id +
                                    " refused: the post's author is " + other +
                                    "; the post is kept");
        }
      }
    }
    counts.removed = RemovePostsOn(*conn, ids);
    tx.Commit();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "applying deletions");
  }
  return counts;
}

std::vector<StoredPostKey> ContentRepository::PostsOfAuthor(
    int64_t source_id, const std::vector<std::string>& platforms, const std::string& author_id) {
  std::vector<StoredPostKey> out;
  if (platforms.empty() || author_id.empty()) return out;
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "SELECT id, external_id, DATE_FORMAT(published, '%Y-%m-%d %H:%i:%s') FROM scrm_posts "
        "WHERE platform IN " + Placeholders(1, platforms.size()) +
        " AND author_hash = ? AND author_id = ? AND source_id = ?");
    int i = 1;
    for (const std::string& p : platforms) ps->setString(i++, p);
    ps->setInt64(i++, IdHash(author_id));
    ps->setString(i++, author_id);
    ps->setInt64(i++, source_id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    while (rs->next()) {
      out.push_back(StoredPostKey{rs->getInt64(1), rs->getString(2), GetDateTime(*rs, 3)});
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading an author's posts");
  }
  return out;
}

int64_t ContentRepository::RemoveDeletedPosts(const std::vector<int64_t>& post_ids) {
  if (post_ids.empty()) return 0;
  try {
    Pool::Lease conn = pool_.Acquire();
    Transaction tx(*conn);
    const int64_t removed = RemoveDeletedPostsOn(*conn, post_ids);
    tx.Commit();
    return removed;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "removing posts");
  }
}

UpsertCounts ContentRepository::UpsertPosts(int64_t source_id, const std::vector<Post>& posts) {
  UpsertCounts counts;
  try {
    Pool::Lease conn = pool_.Acquire();
    for (size_t start = 0; start < posts.size(); start += kChunk) {
      size_t end = std::min(posts.size(), start + kChunk);
      // The key is the id as stored (at most 512 characters): two ids that
      // differ only past that are one post, the later one winning.
      std::vector<const Post*> batch = LastOfEachKey(
          posts, start, end, [](const Post& p) { return TruncateUtf8(p.external_id, 512); });
      std::vector<Keyed> chunk;
      chunk.reserve(batch.size());
      for (const Post* p : batch) {
        std::string key = TruncateUtf8(p->external_id, 512);
        const int64_t hash = IdHash(key);
        chunk.push_back(Keyed{p, std::move(key), hash});
      }
      // Read again after a lost race: the post is then an update (or no change).
      UpsertCounts c =
          RetryLostRace(kWriteAttempts, [&] { return WriteChunk(*conn, source_id, chunk); });
      counts.inserted += c.inserted;
      counts.updated += c.updated;
      counts.unchanged += c.unchanged;
      counts.unchanged += static_cast<int64_t>((end - start) - batch.size());
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "writing posts");
  }
  return counts;
}

UpsertCounts ContentRepository::UpsertProfiles(int64_t source_id,
                                               const std::vector<Profile>& profiles) {
  UpsertCounts counts;
  try {
    Pool::Lease conn = pool_.Acquire();
    for (size_t start = 0; start < profiles.size(); start += kChunk) {
      size_t end = std::min(profiles.size(), start + kChunk);
      std::vector<const Profile*> batch = LastOfEachKey(
          profiles, start, end,
          [](const Profile& p) { return p.platform + '\x1f' + p.external_id; });
      std::map<std::string, std::vector<const Profile*>> by_platform;
      for (const Profile* p : batch) by_platform[p->platform].push_back(p);
      std::unordered_map<std::string, std::string> stored;  // platform \x1f id -> fingerprint
      for (const auto& [platform, group] : by_platform) {
        Statement ps = conn.Prepare(
            "SELECT external_id, fingerprint FROM scrm_profiles WHERE platform = ? AND "
            "external_id IN " + Placeholders(1, group.size()));
        ps->setString(1, platform);
        for (size_t k = 0; k < group.size(); ++k) {
          ps->setString(static_cast<int>(k + 2), TruncateUtf8(group[k]->external_id, 512));
        }
        std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
        while (rs->next()) stored[platform + '\x1f' + rs->getString(1)] = rs->getString(2);
      }
      std::vector<const Profile*> rows;
      std::vector<std::string> fps;
      SelectChanged(
          batch, stored,
          [](const Profile& p) { return p.platform + '\x1f' + TruncateUtf8(p.external_id, 512); },
          counts, &rows, &fps);
      counts.unchanged += static_cast<int64_t>((end - start) - batch.size());
      if (rows.empty()) continue;
      const std::string values = RepeatRows(
          "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,UTC_TIMESTAMP(),UTC_TIMESTAMP())", rows.size());
      Statement ps = conn.Prepare(
          "INSERT INTO scrm_profiles (platform, external_id, handle, display_name, url, bio, "
          "websites, emails, company, position, location, avatar_url, source_id, raw, "
          "fingerprint, first_seen_at, updated_at) VALUES " + values +
          " ON DUPLICATE KEY UPDATE handle=VALUES(handle), display_name=VALUES(display_name), "
          "url=VALUES(url), bio=VALUES(bio), websites=VALUES(websites), emails=VALUES(emails), "
          "company=VALUES(company), position=VALUES(position), location=VALUES(location), "
          "avatar_url=VALUES(avatar_url), source_id=VALUES(source_id), raw=VALUES(raw), "
          "fingerprint=VALUES(fingerprint), updated_at=VALUES(updated_at)");
      int i = 1;
      for (size_t r = 0; r < rows.size(); ++r) {
        const Profile& p = *rows[r];
        ps->setString(i++, TruncateUtf8(p.platform, 32));
        ps->setString(i++, TruncateUtf8(p.external_id, 512));
        ps->setString(i++, TruncateUtf8(p.handle, 255));
        ps->setString(i++, TruncateUtf8(p.display_name, 255));
        ps->setString(i++, p.url);
        ps->setString(i++, p.bio);
        ps->setString(i++, JsonArray(p.websites));
        ps->setString(i++, JsonArray(p.emails));
        ps->setString(i++, TruncateUtf8(p.company, 255));
        ps->setString(i++, TruncateUtf8(p.position, 255));
        ps->setString(i++, TruncateUtf8(p.location, 255));
        ps->setString(i++, p.avatar_url);
        ps->setInt64(i++, source_id);
        ps->setString(i++, p.raw);
        ps->setString(i++, fps[r]);
      }
      Transaction tx(*conn);
      ps->execute();
      tx.Commit();
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "writing profiles");
  }
  return counts;
}

void ContentRepository::AddRejects(int64_t source_id, const std::string& format,
                                   const std::vector<Reject>& rejects) {
  if (rejects.empty()) return;
  try {
    Pool::Lease conn = pool_.Acquire();
    for (size_t start = 0; start < rejects.size(); start += 200) {
      size_t end = std::min(rejects.size(), start + 200);
      const std::string values = RepeatRows("(?,?,?,?,?,?,?,?,UTC_TIMESTAMP())", end - start);
      Statement ps = conn.Prepare(
          "INSERT INTO scrm_rejects (source_id, file, line, byte_offset, record_index, format, "
          "reason, raw, created_at) VALUES " + values);
      int i = 1;
      std::vector<std::unique_ptr<std::istringstream>> blobs;
      for (size_t r = start; r < end; ++r) {
        const Reject& j = rejects[r];
        ps->setInt64(i++, source_id);
        ps->setString(i++, TruncateUtf8(j.position.file, 1024));
        ps->setInt64(i++, j.position.line);
        ps->setInt64(i++, j.position.offset);
        ps->setInt64(i++, j.position.record);
        ps->setString(i++, TruncateUtf8(format, 32));
        ps->setString(i++, j.reason);
        // Raw bytes may be any encoding, or none: a BLOB, bound as a stream.
        blobs.push_back(std::make_unique<std::istringstream>(j.raw));
        ps->setBlob(i++, blobs.back().get());
      }
      ps->execute();
    }
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "keeping rejected records");
  }
}

int64_t ContentRepository::CountPosts(int64_t source_id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "SELECT COUNT(*) FROM scrm_posts WHERE ? = 0 OR source_id = ?");
    ps->setInt64(1, source_id);
    ps->setInt64(2, source_id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    return rs->next() ? rs->getInt64(1) : 0;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "counting posts");
  }
}

int64_t ContentRepository::CountProfiles() {
  try {
    Pool::Lease conn = pool_.Acquire();
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT COUNT(*) FROM scrm_profiles"));
    return rs->next() ? rs->getInt64(1) : 0;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "counting profiles");
  }
}

std::optional<Post> ContentRepository::GetPost(int64_t source_id, const std::string& external_id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "SELECT external_id, platform, kind, COALESCE(url, ''), author_id, author_name, "
        "author_handle, COALESCE(title, ''), COALESCE(body, ''), language, "
        "DATE_FORMAT(published, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(updated, '%Y-%m-%d %H:%i:%s'), "
        "in_reply_to, shared_id, COALESCE(hashtags, ''), COALESCE(mentions, ''), "
        "COALESCE(links, ''), likes, shares, replies, COALESCE(raw, '') "
        "FROM scrm_posts FORCE INDEX (idx_scrm_posts_hash_key) "
        "WHERE source_id = ? AND key_hash = ? AND external_id = ?");
    ps->setInt64(1, source_id);
    ps->setInt64(2, IdHash(external_id));
    ps->setString(3, external_id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    Post p;
    p.external_id = rs->getString(1);
    p.platform = rs->getString(2);
    p.kind = rs->getString(3);
    p.url = rs->getString(4);
    p.author_id = rs->getString(5);
    p.author_name = rs->getString(6);
    p.author_handle = rs->getString(7);
    p.title = rs->getString(8);
    p.text = rs->getString(9);
    p.language = rs->getString(10);
    p.published = GetDateTime(*rs, 11);
    p.updated = GetDateTime(*rs, 12);
    p.in_reply_to = rs->getString(13);
    p.shared_id = rs->getString(14);
    p.hashtags = FromJsonArray(rs->getString(15));
    p.mentions = FromJsonArray(rs->getString(16));
    p.links = FromJsonArray(rs->getString(17));
    p.likes = rs->getInt64(18);
    p.shares = rs->getInt64(19);
    p.replies = rs->getInt64(20);
    p.raw = rs->getString(21);
    return p;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading a post");
  }
}

std::optional<Profile> ContentRepository::GetProfile(const std::string& platform,
                                                     const std::string& external_id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "SELECT handle, display_name, COALESCE(url, ''), COALESCE(bio, ''), "
        "COALESCE(websites, ''), COALESCE(emails, ''), company, position, location, "
        "COALESCE(avatar_url, ''), COALESCE(raw, '') FROM scrm_profiles "
        "WHERE platform = ? AND external_id = ?");
    ps->setString(1, platform);
    ps->setString(2, external_id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    Profile p;
    p.platform = platform;
    p.external_id = external_id;
    p.handle = rs->getString(1);
    p.display_name = rs->getString(2);
    p.url = rs->getString(3);
    p.bio = rs->getString(4);
    p.websites = FromJsonArray(rs->getString(5));
    p.emails = FromJsonArray(rs->getString(6));
    p.company = rs->getString(7);
    p.position = rs->getString(8);
    p.location = rs->getString(9);
    p.avatar_url = rs->getString(10);
    p.raw = rs->getString(11);
    return p;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading a profile");
  }
}

namespace {
const char kRejectSelect[] =
    "SELECT id, source_id, file, line, byte_offset, record_index, reason, raw, status, "
    "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'), format FROM scrm_rejects";

StoredReject ReadReject(sql::ResultSet& rs) {
  StoredReject r;
  r.id = rs.getInt64(1);
  r.source_id = rs.getInt64(2);
  r.reject.position.file = rs.getString(3);
  r.reject.position.line = rs.getInt64(4);
  r.reject.position.offset = rs.getInt64(5);
  r.reject.position.record = rs.getInt64(6);
  r.reject.reason = rs.getString(7);
  if (!rs.isNull(8)) {
    std::unique_ptr<std::istream> blob(rs.getBlob(8));
    r.reject.raw.assign(std::istreambuf_iterator<char>(*blob), std::istreambuf_iterator<char>());
  }
  r.status = rs.getString(9);
  r.created_at = rs.getString(10);
  r.format = rs.getString(11);
  return r;
}
}  // namespace

std::vector<StoredReject> ContentRepository::ListRejects(int64_t source_id,
                                                         const std::string& status, int limit) {
  std::vector<StoredReject> out;
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        std::string(kRejectSelect) +
        " WHERE (? = 0 OR source_id = ?) AND (? = '' OR status = ?) ORDER BY id DESC LIMIT ?");
    ps->setInt64(1, source_id);
    ps->setInt64(2, source_id);
    ps->setString(3, status);
    ps->setString(4, status);
    ps->setInt(5, limit);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    while (rs->next()) out.push_back(ReadReject(*rs));
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "listing rejects");
  }
  return out;
}

std::optional<StoredReject> ContentRepository::GetReject(int64_t id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(std::string(kRejectSelect) + " WHERE id = ?");
    ps->setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    return ReadReject(*rs);
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "reading a reject");
  }
}

void ContentRepository::ResolveReject(int64_t id) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "UPDATE scrm_rejects SET status = 'resolved', resolved_at = UTC_TIMESTAMP() WHERE id = ?");
    ps->setInt64(1, id);
    ps->execute();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "resolving a reject");
  }
}

int64_t ContentRepository::CountRejects(int64_t source_id, const std::string& status) {
  try {
    Pool::Lease conn = pool_.Acquire();
    Statement ps = conn.Prepare(
        "SELECT COUNT(*) FROM scrm_rejects WHERE (? = 0 OR source_id = ?) AND "
        "(? = '' OR status = ?)");
    ps->setInt64(1, source_id);
    ps->setInt64(2, source_id);
    ps->setString(3, status);
    ps->setString(4, status);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    return rs->next() ? rs->getInt64(1) : 0;
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "counting rejects");
  }
}

}  // namespace scrm::store
