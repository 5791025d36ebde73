#include "store/content_repository.h"

#include <map>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "core/time.h"
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

void SetDateTime(sql::PreparedStatement& ps, int i, int64_t unix_seconds) {
  if (unix_seconds <= 0) {
    ps.setNull(i, sql::DataType::TIMESTAMP);
  } else {
    ps.setString(i, FormatSqlDateTime(unix_seconds));
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

}  // namespace

UpsertCounts ContentRepository::UpsertPosts(int64_t source_id, const std::vector<Post>& posts) {
  UpsertCounts counts;
  try {
    Pool::Lease conn = pool_.Acquire();
    for (size_t start = 0; start < posts.size(); start += kChunk) {
      size_t end = std::min(posts.size(), start + kChunk);
      std::vector<const Post*> batch =
          LastOfEachKey(posts, start, end, [](const Post& p) { return p.external_id; });
      std::unordered_map<std::string, std::string> stored;
      {
        std::unique_ptr<sql::PreparedStatement> ps(conn->prepareStatement(
            "SELECT external_id, fingerprint FROM scrm_posts WHERE source_id = ? AND "
            "external_id IN " + Placeholders(1, batch.size())));
        ps->setInt64(1, source_id);
        for (size_t k = 0; k < batch.size(); ++k) {
          ps->setString(static_cast<int>(k + 2), TruncateUtf8(batch[k]->external_id, 512));
        }
        std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
        while (rs->next()) stored[rs->getString(1)] = rs->getString(2);
      }
      std::vector<const Post*> rows;
      std::vector<std::string> fps;
      SelectChanged(
          batch, stored, [](const Post& p) { return TruncateUtf8(p.external_id, 512); }, counts,
          &rows, &fps);
      counts.unchanged += static_cast<int64_t>((end - start) - batch.size());
      if (rows.empty()) continue;
      const std::string values = RepeatRows(
          "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,UTC_TIMESTAMP())", rows.size());
      std::unique_ptr<sql::PreparedStatement> ps(conn->prepareStatement(
          "INSERT INTO scrm_posts (source_id, external_id, platform, kind, url, author_id, "
          "author_name, author_handle, title, body, language, published, updated, in_reply_to, "
          "shared_id, hashtags, mentions, links, likes, shares, replies, raw, fingerprint, "
          "ingested_at) VALUES " + values +
          " ON DUPLICATE KEY UPDATE platform=VALUES(platform), kind=VALUES(kind), url=VALUES(url), "
          "author_id=VALUES(author_id), author_name=VALUES(author_name), "
          "author_handle=VALUES(author_handle), title=VALUES(title), body=VALUES(body), "
          "language=VALUES(language), published=VALUES(published), updated=VALUES(updated), "
          "in_reply_to=VALUES(in_reply_to), shared_id=VALUES(shared_id), "
          "hashtags=VALUES(hashtags), mentions=VALUES(mentions), links=VALUES(links), "
          "likes=VALUES(likes), shares=VALUES(shares), replies=VALUES(replies), raw=VALUES(raw), "
          "fingerprint=VALUES(fingerprint), ingested_at=VALUES(ingested_at)"));
      int i = 1;
      for (size_t r = 0; r < rows.size(); ++r) {
        const Post& p = *rows[r];
        ps->setInt64(i++, source_id);
        ps->setString(i++, TruncateUtf8(p.external_id, 512));
        ps->setString(i++, TruncateUtf8(p.platform, 32));
        ps->setString(i++, TruncateUtf8(p.kind, 16));
        ps->setString(i++, p.url);
        ps->setString(i++, TruncateUtf8(p.author_id, 512));
        ps->setString(i++, TruncateUtf8(p.author_name, 255));
        ps->setString(i++, TruncateUtf8(p.author_handle, 255));
        ps->setString(i++, p.title);
        ps->setString(i++, p.text);
        ps->setString(i++, TruncateUtf8(p.language, 16));
        SetDateTime(*ps, i++, p.published);
        SetDateTime(*ps, i++, p.updated);
        ps->setString(i++, TruncateUtf8(p.in_reply_to, 512));
        ps->setString(i++, TruncateUtf8(p.shared_id, 512));
        ps->setString(i++, JsonArray(p.hashtags));
        ps->setString(i++, JsonArray(p.mentions));
        ps->setString(i++, JsonArray(p.links));
        ps->setInt64(i++, p.likes);
        ps->setInt64(i++, p.shares);
        ps->setInt64(i++, p.replies);
        ps->setString(i++, p.raw);
        ps->setString(i++, fps[r]);
      }
      Transaction tx(*conn);
      ps->execute();
      tx.Commit();
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
        std::unique_ptr<sql::PreparedStatement> ps(conn->prepareStatement(
            "SELECT external_id, fingerprint FROM scrm_profiles WHERE platform = ? AND "
            "external_id IN " + Placeholders(1, group.size())));
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
      std::unique_ptr<sql::PreparedStatement> ps(conn->prepareStatement(
          "INSERT INTO scrm_profiles (platform, external_id, handle, display_name, url, bio, "
          "websites, emails, company, position, location, avatar_url, source_id, raw, "
          "fingerprint, first_seen_at, updated_at) VALUES " + values +
          " ON DUPLICATE KEY UPDATE handle=VALUES(handle), display_name=VALUES(display_name), "
          "url=VALUES(url), bio=VALUES(bio), websites=VALUES(websites), emails=VALUES(emails), "
          "company=VALUES(company), position=VALUES(position), location=VALUES(location), "
          "avatar_url=VALUES(avatar_url), source_id=VALUES(source_id), raw=VALUES(raw), "
          "fingerprint=VALUES(fingerprint), updated_at=VALUES(updated_at)"));
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
      std::unique_ptr<sql::PreparedStatement> ps(conn->prepareStatement(
          "INSERT INTO scrm_rejects (source_id, file, line, byte_offset, record_index, format, "
          "reason, raw, created_at) VALUES " + values));
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
    std::unique_ptr<sql::PreparedStatement> ps(conn->prepareStatement(
        "SELECT COUNT(*) FROM scrm_posts WHERE ? = 0 OR source_id = ?"));
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
    std::unique_ptr<sql::PreparedStatement> ps(conn->prepareStatement(
        "SELECT external_id, platform, kind, COALESCE(url, ''), author_id, author_name, "
        "author_handle, COALESCE(title, ''), COALESCE(body, ''), language, "
        "DATE_FORMAT(published, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(updated, '%Y-%m-%d %H:%i:%s'), "
        "in_reply_to, shared_id, COALESCE(hashtags, ''), COALESCE(mentions, ''), "
        "COALESCE(links, ''), likes, shares, replies, COALESCE(raw, '') "
        "FROM scrm_posts WHERE source_id = ? AND external_id = ?"));
    ps->setInt64(1, source_id);
    ps->setString(2, external_id);
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
    std::unique_ptr<sql::PreparedStatement> ps(conn->prepareStatement(
        "SELECT handle, display_name, COALESCE(url, ''), COALESCE(bio, ''), "
        "COALESCE(websites, ''), COALESCE(emails, ''), company, position, location, "
        "COALESCE(avatar_url, ''), COALESCE(raw, '') FROM scrm_profiles "
        "WHERE platform = ? AND external_id = ?"));
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
    std::unique_ptr<sql::PreparedStatement> ps(conn->prepareStatement(
        std::string(kRejectSelect) +
        " WHERE (? = 0 OR source_id = ?) AND (? = '' OR status = ?) ORDER BY id DESC LIMIT ?"));
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
    std::unique_ptr<sql::PreparedStatement> ps(
        conn->prepareStatement(std::string(kRejectSelect) + " WHERE id = ?"));
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
    std::unique_ptr<sql::PreparedStatement> ps(conn->prepareStatement(
        "UPDATE scrm_rejects SET status = 'resolved', resolved_at = UTC_TIMESTAMP() WHERE id = ?"));
    ps->setInt64(1, id);
    ps->execute();
  } catch (const sql::SQLException& e) {
    throw DbError::From(e, "resolving a reject");
  }
}

int64_t ContentRepository::CountRejects(int64_t source_id, const std::string& status) {
  try {
    Pool::Lease conn = pool_.Acquire();
    std::unique_ptr<sql::PreparedStatement> ps(conn->prepareStatement(
        "SELECT COUNT(*) FROM scrm_rejects WHERE (? = 0 OR source_id = ?) AND "
        "(? = '' OR status = ?)"));
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
