// scrm_search_bench: the client of scripts/bench/search. It times one fixed
// set of queries, each with facets, on scrm (HTTP API), on MariaDB InnoDB
// FULLTEXT and on SQLite FTS5 built from the same rows, at concurrency 1 and
// 2, and prints p50/p95/p99 per engine with the ratios to scrm. It also builds
// the FTS5 database from MariaDB's bench_ft table, so that both peers hold
// exactly the rows scrm indexed.
//
//   scrm_search_bench build-fts5 --mysql URL --out FILE
//   scrm_search_bench build-xapian --mysql URL --out DIR
//   scrm_search_bench run --queries FILE [--scrm URL --token T] [--mysql URL]
//                         [--fts5 FILE] [--sphinx HOST:PORT] [--postgres CONNINFO]
//                         [--xapian DIR] [--concurrency 1,2] [--limit 10]
//                         [--passes 1] [--peer-facets combined|separate]
//                         [--mariadb-modes natural,boolean] [--fts5-op and|or]
//                         [--slowest N] [--json FILE]
//
// The query file has one query a line: words, a tab, a filter ("" or
// "language=fr" or "platform=mastodon"). What each engine runs for one query
// (the latency covers all of it, results read and, for scrm, JSON parsed):
//   scrm     GET /api/v1/search?q=...&limit=10[&language=..] with the default
//            facets, histogram, snippets and suggestion.
//   MariaDB  the ranked top 10 (MATCH ... AGAINST ORDER BY score LIMIT 10)
//            plus the facets: total and counts by platform, language and
//            source over every match, either in one GROUP BY of the three
//            columns (combined, the default: one full-text evaluation) or as
//            four statements (separate). Two modes: natural language (any of
//            the words) and boolean with +word (all of them, as scrm does).
//   FTS5     the same with MATCH ... ORDER BY rank LIMIT 10 and snippet(),
//            all words by default (scrm's default operator is AND); filters
//            are FTS5 columns (language : "fr"), so the index applies them;
//            facets join a narrow table of the filter columns by rowid.
//   Sphinx   2.2 over SphinxQL (the MySQL protocol, libmariadb): SELECT id,
//            WEIGHT() FROM posts WHERE MATCH('w1 w2') LIMIT 10 (every word
//            required, Sphinx's default), filters as CRC32 attributes.
//   Postgres 15 FTS: websearch_to_tsquery('fr', q) || ...('en', q) on a
//            stored tsvector with a GIN index, ORDER BY ts_rank LIMIT 10.
//   Xapian   alone, in process: the database build-xapian made (one thread,
//            stemmed by the post's language, positions), every word required
//            (OP_AND; French or English stemming), top 10, nothing else.
// The three last ones are the peers (../shared/perf/ANCHORS.md):
// ranked top 10 without facets, as they were measured there.
// A benchmark tool, not part of the engine: it talks to scrm only over HTTP.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <libpq-fe.h>
#include <mysql.h>
#include <mysql_driver.h>
#include <sqlite3.h>
#include <xapian.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// --- command line -----------------------------------------------------------

struct Args {
  std::string command;
  std::map<std::string, std::string> options;
  std::string Get(const std::string& key, const std::string& fallback = "") const {
    auto it = options.find(key);
    return it == options.end() ? fallback : it->second;
  }
};

Args ParseArgs(int argc, char** argv) {
  Args a;
  if (argc < 2) throw std::invalid_argument("missing command: build-fts5, build-xapian or run");
  a.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string key = argv[i];
    if (key.rfind("--", 0) != 0 || i + 1 >= argc) {
      throw std::invalid_argument("expected --option VALUE, got '" + key + "'");
    }
    a.options[key.substr(2)] = argv[++i];
  }
  return a;
}

// mysql://user:password@host:port/database (scripts/db url).
struct MysqlUrl {
  std::string host = "127.0.0.1", user, password, database;
  int port = 3306;
};

MysqlUrl ParseMysqlUrl(const std::string& url) {
  const std::string scheme = "mysql://";
  if (url.rfind(scheme, 0) != 0) throw std::invalid_argument("not a mysql:// URL: " + url);
  std::string rest = url.substr(scheme.size());
  MysqlUrl u;
  size_t at = rest.rfind('@');
  if (at != std::string::npos) {
    std::string cred = rest.substr(0, at);
    rest = rest.substr(at + 1);
    size_t colon = cred.find(':');
    u.user = cred.substr(0, colon);
    if (colon != std::string::npos) u.password = cred.substr(colon + 1);
  }
  size_t slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  if (slash != std::string::npos) u.database = rest.substr(slash + 1, rest.find('?') - slash - 1);
  size_t colon = hostport.find(':');
  u.host = hostport.substr(0, colon);
  if (colon != std::string::npos) u.port = std::stoi(hostport.substr(colon + 1));
  return u;
}

std::unique_ptr<sql::Connection> ConnectMysql(const MysqlUrl& u) {
  sql::Driver* driver = sql::mysql::get_mysql_driver_instance();
  std::unique_ptr<sql::Connection> c(
      driver->connect("tcp://" + u.host + ":" + std::to_string(u.port), u.user, u.password));
  c->setSchema(u.database);
  std::unique_ptr<sql::Statement> s(c->createStatement());
  s->execute("SET NAMES utf8mb4");
  return c;
}

// --- queries ------------------------------------------------------------------

struct Query {
  std::string words;         // one to three words, space-separated
  std::string filter_field;  // "", "language" or "platform"
  std::string filter_value;
};

std::vector<Query> ReadQueries(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the query file " + path);
  std::vector<Query> queries;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Query q;
    size_t tab = line.find('\t');
    q.words = line.substr(0, tab);
    if (tab != std::string::npos) {
      std::string filter = line.substr(tab + 1);
      size_t eq = filter.find('=');
      if (eq != std::string::npos) {
        q.filter_field = filter.substr(0, eq);
        q.filter_value = filter.substr(eq + 1);
        if (q.filter_field != "language" && q.filter_field != "platform") {
          throw std::runtime_error(path + ": unknown filter '" + filter + "'");
        }
      }
    }
    queries.push_back(q);
  }
  if (queries.empty()) throw std::runtime_error(path + ": no queries");
  return queries;
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// --- engines --------------------------------------------------------------------

// What one query found: the total the engine reports and the rows it returned.
struct Outcome {
  int64_t total = 0;
  int rows = 0;
};

// One client of an engine: a connection or session, used by one thread.
class Session {
 public:
  virtual ~Session() = default;
  virtual Outcome Run(const Query& q) = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::string Name() const = 0;
  virtual std::unique_ptr<Session> Connect() = 0;
};

// scrm over HTTP: one keep-alive connection per session; the whole JSON body
// is read and parsed, as a client would.
class ScrmSession : public Session {
 public:
  ScrmSession(const Poco::URI& base, std::string token, int limit)
      : http_(base.getHost(), base.getPort()), token_(std::move(token)), limit_(limit) {
    // BENCH_SCRM_PARAMS ("&suggestion=false"...): what a part of the answer
    // costs, by leaving it out.
    if (const char* extra = std::getenv("BENCH_SCRM_PARAMS")) extra_ = extra;
    http_.setKeepAlive(true);
    http_.setTimeout(Poco::Timespan(60, 0));
  }

  Outcome Run(const Query& q) override {
    std::string path = "/api/v1/search?q=";
    Poco::URI::encode(q.words, "&=+?#/%", path);
    path += "&limit=" + std::to_string(limit_);
    path += extra_;
    if (!q.filter_field.empty()) {
      path += "&" + q.filter_field + "=";
      Poco::URI::encode(q.filter_value, "&=+?#/%", path);
    }
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    request.set("Authorization", "Bearer " + token_);
    http_.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = http_.receiveResponse(response);
    std::string body;
    Poco::StreamCopier::copyToString(in, body);
    if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
      throw std::runtime_error("scrm: HTTP " + std::to_string(response.getStatus()) + " for " +
                               path + ": " + body.substr(0, 300));
    }
    nlohmann::json j = nlohmann::json::parse(body);
    Outcome o;
    o.total = j.value("total", int64_t{0});
    o.rows = static_cast<int>(j.at("results").size());
    if (!j.contains("facets")) throw std::runtime_error("scrm: no facets in the answer to " + path);
    return o;
  }

 private:
  Poco::Net::HTTPClientSession http_;
  std::string token_;
  int limit_;
  std::string extra_;
};

class ScrmEngine : public Engine {
 public:
  ScrmEngine(const std::string& url, std::string token, int limit)
      : base_(url), token_(std::move(token)), limit_(limit) {}
  std::string Name() const override { return "scrm"; }
  std::unique_ptr<Session> Connect() override {
    return std::make_unique<ScrmSession>(base_, token_, limit_);
  }

 private:
  Poco::URI base_;
  std::string token_;
  int limit_;
};

// How the SQL peers compute the facets.
enum class PeerFacets { kCombined, kSeparate };

// MariaDB InnoDB FULLTEXT on bench_ft(body), through Connector/C++ 1.1 with
// server-side prepared statements (one set per filter kind, per session).
// Natural language mode ranks the posts with any of the words; boolean mode
// with +word for each word finds the posts with all of them, as scrm (and
// FTS5 with --fts5-op and) does, and ranks them.
class MariaSession : public Session {
 public:
  MariaSession(const MysqlUrl& url, int limit, PeerFacets facets, bool boolean)
      : limit_(limit), facets_(facets), boolean_(boolean) {
    sql::mysql::get_mysql_driver_instance()->threadInit();
    conn_ = ConnectMysql(url);
  }
  ~MariaSession() override {
    statements_.clear();
    conn_.reset();
    sql::mysql::get_mysql_driver_instance()->threadEnd();
  }

  Outcome Run(const Query& q) override {
    const std::string& f = q.filter_field;
    const std::string against =
        boolean_ ? "MATCH(body) AGAINST(? IN BOOLEAN MODE)" : "MATCH(body) AGAINST(?)";
    const std::string where = against + (f.empty() ? std::string() : " AND " + f + " = ?");
    const std::string words = boolean_ ? AllWords(q.words) : q.words;
    Outcome o;
    {
      sql::PreparedStatement& top =
          Prepare("top" + f, "SELECT id, body, platform, language, source_id, published, " +
                                 against + " AS score FROM bench_ft WHERE " + where +
                                 " ORDER BY score DESC LIMIT " + std::to_string(limit_));
      top.setString(1, words);
      top.setString(2, words);
      if (!f.empty()) top.setString(3, q.filter_value);
      std::unique_ptr<sql::ResultSet> rs(top.executeQuery());
      while (rs->next()) {
        ++o.rows;
        (void)rs->getString(2);  // the body, as a product shows it
      }
    }
    if (facets_ == PeerFacets::kCombined) {
      sql::PreparedStatement& st = Prepare(
          "facets" + f, "SELECT platform, language, source_id, COUNT(*) FROM bench_ft WHERE " +
                            where + " GROUP BY platform, language, source_id");
      Bind(st, q, words);
      std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
      std::map<std::string, int64_t> platform, language, source;
      while (rs->next()) {
        int64_t n = rs->getInt64(4);
        o.total += n;
        platform[rs->getString(1)] += n;
        language[rs->getString(2)] += n;
        source[rs->getString(3)] += n;
      }
    } else {
      sql::PreparedStatement& count =
          Prepare("count" + f, "SELECT COUNT(*) FROM bench_ft WHERE " + where);
      Bind(count, q, words);
      std::unique_ptr<sql::ResultSet> rs(count.executeQuery());
      if (rs->next()) o.total = rs->getInt64(1);
      for (const char* column : {"platform", "language", "source_id"}) {
        sql::PreparedStatement& st =
            Prepare(std::string(column) + f, std::string("SELECT ") + column +
                                                 ", COUNT(*) FROM bench_ft WHERE " + where +
                                                 " GROUP BY " + column);
        Bind(st, q, words);
        std::unique_ptr<sql::ResultSet> facet(st.executeQuery());
        while (facet->next()) (void)facet->getInt64(2);
      }
    }
    return o;
  }

 private:
  sql::PreparedStatement& Prepare(const std::string& key, const std::string& sql) {
    auto it = statements_.find(key);
    if (it == statements_.end()) {
      it = statements_
               .emplace(key, std::unique_ptr<sql::PreparedStatement>(conn_->prepareStatement(sql)))
               .first;
    }
    return *it->second;
  }
  static void Bind(sql::PreparedStatement& st, const Query& q, const std::string& words) {
    st.setString(1, words);
    if (!q.filter_field.empty()) st.setString(2, q.filter_value);
  }
  static std::string AllWords(const std::string& words) {
    std::string out;
    for (const std::string& w : Words(words)) out += (out.empty() ? "+" : " +") + w;
    return out;
  }

  std::unique_ptr<sql::Connection> conn_;
  std::map<std::string, std::unique_ptr<sql::PreparedStatement>> statements_;
  int limit_;
  PeerFacets facets_;
  bool boolean_;
};

class MariaEngine : public Engine {
 public:
  MariaEngine(const std::string& url, int limit, PeerFacets facets, bool boolean)
      : url_(ParseMysqlUrl(url)), limit_(limit), facets_(facets), boolean_(boolean) {}
  std::string Name() const override { return boolean_ ? "MariaDB boolean" : "MariaDB natural"; }
  std::unique_ptr<Session> Connect() override {
    return std::make_unique<MariaSession>(url_, limit_, facets_, boolean_);
  }

 private:
  MysqlUrl url_;
  int limit_;
  PeerFacets facets_;
  bool boolean_;
};

// SQLite FTS5: one read-only connection per session, statements prepared once.
class Fts5Session : public Session {
 public:
  Fts5Session(const std::string& path, int limit, PeerFacets facets, bool and_op)
      : limit_(limit), facets_(facets), and_op_(and_op) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
      throw std::runtime_error("sqlite: cannot open " + path + ": " + sqlite3_errmsg(db_));
    }
    // The same footing as MariaDB's 1 GB buffer pool: the file mapped, a
    // large page cache.
    Exec("PRAGMA mmap_size = 4294967296");
    Exec("PRAGMA cache_size = -524288");
    top_ = PrepareStmt(
        "SELECT rowid, snippet(posts, 0, '<mark>', '</mark>', '...', 16), platform, language, "
        "source, published FROM posts WHERE posts MATCH ?1 ORDER BY rank LIMIT " +
        std::to_string(limit_));
    // Facets read the narrow facets table, not the FTS5 content (3 times
    // faster on frequent words).
    const std::string from = " FROM posts JOIN facets f ON f.id = posts.rowid WHERE posts MATCH ?1";
    combined_ = PrepareStmt("SELECT f.platform, f.language, f.source, count(*)" + from +
                            " GROUP BY f.platform, f.language, f.source");
    count_ = PrepareStmt("SELECT count(*) FROM posts WHERE posts MATCH ?1");
    for (const char* column : {"platform", "language", "source"}) {
      by_column_.push_back(PrepareStmt(std::string("SELECT f.") + column + ", count(*)" + from +
                                       " GROUP BY f." + column));
    }
  }
  ~Fts5Session() override {
    for (sqlite3_stmt* s : {top_, combined_, count_}) sqlite3_finalize(s);
    for (sqlite3_stmt* s : by_column_) sqlite3_finalize(s);
    sqlite3_close(db_);
  }

  Outcome Run(const Query& q) override {
    const std::string match = MatchExpression(q);
    Outcome o;
    Step(top_, match, [&](sqlite3_stmt* s) {
      ++o.rows;
      (void)sqlite3_column_text(s, 1);
    });
    if (facets_ == PeerFacets::kCombined) {
      std::map<std::string, int64_t> platform, language, source;
      Step(combined_, match, [&](sqlite3_stmt* s) {
        int64_t n = sqlite3_column_int64(s, 3);
        o.total += n;
        platform[Text(s, 0)] += n;
        language[Text(s, 1)] += n;
        source[Text(s, 2)] += n;
      });
    } else {
      Step(count_, match, [&](sqlite3_stmt* s) { o.total = sqlite3_column_int64(s, 0); });
      for (sqlite3_stmt* st : by_column_) {
        Step(st, match, [](sqlite3_stmt* s) { (void)sqlite3_column_int64(s, 1); });
      }
    }
    return o;
  }

  // body : ("w1" OR "w2") [AND language : "fr"]: the words in the text
  // column only, the filter as an FTS5 column the index answers.
  std::string MatchExpression(const Query& q) const {
    std::string m = "body : (";
    bool first = true;
    for (const std::string& w : Words(q.words)) {
      if (!first) m += and_op_ ? " AND " : " OR ";
      first = false;
      m += Quoted(w);
    }
    m += ")";
    if (!q.filter_field.empty()) m += " AND " + q.filter_field + " : " + Quoted(q.filter_value);
    return m;
  }

 private:
  static std::string Quoted(const std::string& w) {
    std::string out = "\"";
    for (char c : w) {
      if (c == '"') out += '"';
      out += c;
    }
    return out + "\"";
  }
  static std::string Text(sqlite3_stmt* s, int column) {
    const unsigned char* t = sqlite3_column_text(s, column);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  void Exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "?";
      sqlite3_free(error);
      throw std::runtime_error("sqlite: " + sql + ": " + message);
    }
  }
  sqlite3_stmt* PrepareStmt(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) !=
        SQLITE_OK) {
      throw std::runtime_error("sqlite: cannot prepare " + sql + ": " + sqlite3_errmsg(db_));
    }
    return s;
  }
  void Step(sqlite3_stmt* s, const std::string& match,
            const std::function<void(sqlite3_stmt*)>& row) {
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, match.data(), static_cast<int>(match.size()), SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) row(s);
    if (rc != SQLITE_DONE) {
      throw std::runtime_error("sqlite: " + match + ": " + sqlite3_errmsg(db_));
    }
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt *top_ = nullptr, *combined_ = nullptr, *count_ = nullptr;
  std::vector<sqlite3_stmt*> by_column_;
  int limit_;
  PeerFacets facets_;
  bool and_op_;
};

class Fts5Engine : public Engine {
 public:
  Fts5Engine(std::string path, int limit, PeerFacets facets, bool and_op)
      : path_(std::move(path)), limit_(limit), facets_(facets), and_op_(and_op) {}
  std::string Name() const override { return "SQLite FTS5"; }
  std::unique_ptr<Session> Connect() override {
    return std::make_unique<Fts5Session>(path_, limit_, facets_, and_op_);
  }

 private:
  std::string path_;
  int limit_;
  PeerFacets facets_;
  bool and_op_;
};

// Sphinx 2.2 (searchd with a mysql41 listener): one libmariadb connection per
// session. The language and platform are uint attributes holding CRC32 of the
// value (MySQL's CRC32 when exported, zlib's here: the same function).
class SphinxSession : public Session {
 public:
  SphinxSession(const std::string& address, int limit) : limit_(limit) {
    const size_t colon = address.rfind(':');
    if (colon == std::string::npos)
      throw std::invalid_argument("--sphinx HOST:PORT, not " + address);
    const std::string host = address.substr(0, colon);
    const auto port = static_cast<unsigned>(std::stoul(address.substr(colon + 1)));
    mysql_ = mysql_init(nullptr);
    if (mysql_real_connect(mysql_, host.c_str(), "", "", nullptr, port, nullptr, 0) == nullptr) {
      std::string e = mysql_error(mysql_);
      mysql_close(mysql_);
      throw std::runtime_error("sphinx: cannot connect to " + host + ":" + std::to_string(port) +
                               ": " + e);
    }
  }
  ~SphinxSession() override { mysql_close(mysql_); }

  Outcome Run(const Query& q) override {
    std::string match;
    for (const std::string& w : Words(q.words)) {
      if (!match.empty()) match += ' ';
      for (char c : w) {  // SphinxQL string literal; query-syntax characters are plain words here
        if (c == '\'' || c == '\\') match += '\\';
        match += c;
      }
    }
    std::string sql = "SELECT id, WEIGHT() FROM posts WHERE MATCH('" + match + "')";
    if (!q.filter_field.empty()) {
      const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(q.filter_value.data()),
                              static_cast<uInt>(q.filter_value.size()));
      sql += std::string(" AND ") + (q.filter_field == "language" ? "lang" : "platform") + " = " +
             std::to_string(crc);
    }
    sql += " LIMIT " + std::to_string(limit_);
    if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
      throw std::runtime_error("sphinx: " + sql + ": " + mysql_error(mysql_));
    }
    MYSQL_RES* res = mysql_store_result(mysql_);
    Outcome o;
    if (res != nullptr) {
      while (mysql_fetch_row(res) != nullptr) ++o.rows;
      mysql_free_result(res);
    }
    return o;
  }

 private:
  MYSQL* mysql_ = nullptr;
  int limit_;
};

// PostgreSQL FTS: one libpq connection per session, the statements prepared
// once (with and without each filter).
class PostgresSession : public Session {
 public:
  PostgresSession(const std::string& conninfo, int limit) {
    conn_ = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string e = PQerrorMessage(conn_);
      PQfinish(conn_);
      throw std::runtime_error("postgres: cannot connect (" + conninfo + "): " + e);
    }
    const std::string select =
        "SELECT id, ts_rank(tsv, query) AS rank FROM posts, "
        "(SELECT websearch_to_tsquery('fr', $1) || websearch_to_tsquery('en', $1) AS query) q "
        "WHERE tsv @@ query";
    const std::string tail = " ORDER BY rank DESC LIMIT " + std::to_string(limit);
    Prepare("plain", select + tail, 1);
    Prepare("language", select + " AND language = $2" + tail, 2);
    Prepare("platform", select + " AND platform = $2" + tail, 2);
  }
  ~PostgresSession() override { PQfinish(conn_); }

  Outcome Run(const Query& q) override {
    const char* values[2] = {q.words.c_str(), q.filter_value.c_str()};
    const std::string name = q.filter_field.empty() ? "plain" : q.filter_field;
    PGresult* res = PQexecPrepared(conn_, name.c_str(), q.filter_field.empty() ? 1 : 2, values,
                                   nullptr, nullptr, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
      std::string e = PQresultErrorMessage(res);
      PQclear(res);
      throw std::runtime_error("postgres: '" + q.words + "': " + e);
    }
    Outcome o;
    o.rows = PQntuples(res);
    PQclear(res);
    return o;
  }

 private:
  void Prepare(const std::string& name, const std::string& sql, int params) {
    PGresult* res = PQprepare(conn_, name.c_str(), sql.c_str(), params, nullptr);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
      std::string e = PQresultErrorMessage(res);
      PQclear(res);
      throw std::runtime_error("postgres: cannot prepare " + sql + ": " + e);
    }
    PQclear(res);
  }
  PGconn* conn_ = nullptr;
};

// Xapian alone, in process: the database of build-xapian, top 10 and
// nothing else (no facets, no snippets, no count beyond what Xapian needs).
class XapianSession : public Session {
 public:
  XapianSession(const std::string& dir, int limit) : db_(dir), limit_(limit) {
    for (int i = 0; i < 2; ++i) {
      parsers_[i].set_database(db_);
      parsers_[i].set_default_op(Xapian::Query::OP_AND);
      parsers_[i].set_stemmer(Xapian::Stem(i == 0 ? "french" : "english"));
      parsers_[i].set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    }
  }

  Outcome Run(const Query& q) override {
    // The query's language is unknown: either stemming may match (as scrm).
    Xapian::Query query(Xapian::Query::OP_OR, parsers_[0].parse_query(q.words),
                        parsers_[1].parse_query(q.words));
    if (!q.filter_field.empty()) {
      query = Xapian::Query(
          Xapian::Query::OP_FILTER, query,
          Xapian::Query((q.filter_field == "language" ? "L" : "XP") + q.filter_value));
    }
    Xapian::Enquire enquire(db_);
    enquire.set_query(query);
    Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(limit_));
    Outcome o;
    o.total = mset.get_matches_estimated();
    for (auto it = mset.begin(); it != mset.end(); ++it) ++o.rows;
    return o;
  }

 private:
  Xapian::Database db_;
  Xapian::QueryParser parsers_[2];
  int limit_;
};

// An engine of the peers: a name, and sessions made from one
// address (host:port, a connection string, a directory) and the limit.
template <typename S>
class PeerEngine : public Engine {
 public:
  PeerEngine(std::string name, std::string address, int limit)
      : name_(std::move(name)), address_(std::move(address)), limit_(limit) {}
  std::string Name() const override { return name_; }
  std::unique_ptr<Session> Connect() override { return std::make_unique<S>(address_, limit_); }

 private:
  std::string name_, address_;
  int limit_;
};

// --- measuring ------------------------------------------------------------------

struct Measurement {
  std::string engine;
  int concurrency = 0;
  std::vector<double> ms;     // one per query run
  std::vector<size_t> query;  // the query of each run (index in the set)
  std::vector<size_t> empty;  // queries that found nothing
  int64_t with_results = 0, runs = 0, errors = 0;
  double total_sum = 0;  // sum of the totals reported, for the mean
  double wall_seconds = 0;
  double load = NAN;  // the machine's 1-minute load average at the end
  std::string first_error;

  double Percentile(double p) const {
    if (ms.empty()) return NAN;
    std::vector<double> v = ms;
    std::sort(v.begin(), v.end());
    size_t rank = static_cast<size_t>(std::ceil(p * v.size()));
    return v[std::min(v.size(), std::max<size_t>(rank, 1)) - 1];
  }
  double Mean() const {
    double s = 0;
    for (double x : ms) s += x;
    return ms.empty() ? NAN : s / ms.size();
  }
};

// Runs every query `passes` times in each of `concurrency` threads, each
// thread on its own session, starting at its own offset so that the threads
// do not run the same query at the same moment.
Measurement Measure(Engine& engine, const std::vector<Query>& queries, int concurrency,
                    int passes) {
  Measurement m;
  m.engine = engine.Name();
  m.concurrency = concurrency;
  std::vector<std::unique_ptr<Session>> sessions;
  for (int t = 0; t < concurrency; ++t) sessions.push_back(engine.Connect());
  std::mutex mu;
  std::atomic<int> ready{0};
  auto start = Clock::now();
  auto work = [&](int t) {
    Measurement local;
    ready.fetch_add(1);
    while (ready.load() < concurrency) std::this_thread::yield();
    const size_t n = queries.size();
    const size_t offset = n * t / concurrency;
    for (int pass = 0; pass < passes; ++pass) {
      for (size_t i = 0; i < n; ++i) {
        const Query& q = queries[(offset + i) % n];
        auto t0 = Clock::now();
        try {
          Outcome o = sessions[t]->Run(q);
          local.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
          local.query.push_back((offset + i) % n);
          local.with_results += o.rows > 0 ? 1 : 0;
          if (o.rows == 0) local.empty.push_back((offset + i) % n);
          local.total_sum += static_cast<double>(o.total);
        } catch (const std::exception& e) {
          ++local.errors;
          if (local.first_error.empty()) local.first_error = e.what();
        }
        ++local.runs;
      }
    }
    std::lock_guard<std::mutex> lock(mu);
    m.ms.insert(m.ms.end(), local.ms.begin(), local.ms.end());
    m.query.insert(m.query.end(), local.query.begin(), local.query.end());
    m.empty.insert(m.empty.end(), local.empty.begin(), local.empty.end());
    m.with_results += local.with_results;
    m.runs += local.runs;
    m.errors += local.errors;
    m.total_sum += local.total_sum;
    if (m.first_error.empty()) m.first_error = local.first_error;
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) threads.emplace_back(work, t);
  for (auto& th : threads) th.join();
  m.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::ifstream("/proc/loadavg") >> m.load;  // others' work on the machine shows here
  return m;
}

// Calls row(rs) for every row of bench_ft, in id order, 20,000 at a time;
// `columns` start with id. Returns the number of rows.
int64_t ForEachBenchRow(const std::string& mysql_url, const std::string& columns,
                        const std::function<void(sql::ResultSet&)>& row) {
  sql::mysql::get_mysql_driver_instance()->threadInit();
  std::unique_ptr<sql::Connection> conn = ConnectMysql(ParseMysqlUrl(mysql_url));
  std::unique_ptr<sql::PreparedStatement> page(conn->prepareStatement(
      "SELECT " + columns + " FROM bench_ft WHERE id > ? ORDER BY id LIMIT 20000"));
  int64_t last = 0, rows = 0;
  for (;;) {
    page->setInt64(1, last);
    std::unique_ptr<sql::ResultSet> rs(page->executeQuery());
    int64_t got = 0;
    while (rs->next()) {
      ++got;
      last = rs->getInt64(1);
      row(*rs);
    }
    rows += got;
    if (got == 0) break;
  }
  page.reset();
  conn.reset();
  sql::mysql::get_mysql_driver_instance()->threadEnd();
  return rows;
}

// --- build-fts5 -------------------------------------------------------------------

int BuildFts5(const Args& args) {
  const std::string out = args.Get("out");
  if (out.empty() || args.Get("mysql").empty()) {
    throw std::invalid_argument("build-fts5 needs --mysql URL and --out FILE");
  }
  std::remove(out.c_str());
  sqlite3* db = nullptr;
  if (sqlite3_open(out.c_str(), &db) != SQLITE_OK) {
    throw std::runtime_error("sqlite: cannot create " + out);
  }
  auto exec = [&](const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "?";
      sqlite3_free(error);
      throw std::runtime_error("sqlite: " + sql + ": " + message);
    }
  };
  auto t0 = Clock::now();
  exec("PRAGMA journal_mode = OFF");
  exec("PRAGMA synchronous = OFF");
  exec("PRAGMA cache_size = -524288");
  // A regular (content-storing) FTS5 table, for snippet() and the rows
  // shown; the filter columns are indexed so that MATCH applies them; rank
  // is BM25 on the text column alone. The facets count a narrow table of
  // the filter columns by rowid, cheaper to read than the FTS5 content.
  exec(
      "CREATE VIRTUAL TABLE posts USING fts5(body, platform, language, source, "
      "published UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')");
  exec("INSERT INTO posts(posts, rank) VALUES('rank', 'bm25(1.0, 0.0, 0.0, 0.0, 0.0)')");
  exec("CREATE TABLE facets(id INTEGER PRIMARY KEY, platform TEXT, language TEXT, source TEXT)");
  exec("BEGIN");
  sqlite3_stmt* insert = nullptr;
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO posts(rowid, body, platform, language, source, published) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         -1, &insert, nullptr) != SQLITE_OK) {
    throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db));
  }
  const int64_t rows = ForEachBenchRow(
      args.Get("mysql"), "id, body, platform, language, source_id, UNIX_TIMESTAMP(published)",
      [&](sql::ResultSet& rs) {
        const int64_t id = rs.getInt64(1);
        std::string body = rs.getString(2), platform = rs.getString(3), language = rs.getString(4),
                    source = rs.getString(5);
        sqlite3_reset(insert);
        sqlite3_bind_int64(insert, 1, id);
        sqlite3_bind_text(insert, 2, body.data(), static_cast<int>(body.size()), SQLITE_STATIC);
        sqlite3_bind_text(insert, 3, platform.data(), static_cast<int>(platform.size()),
                          SQLITE_STATIC);
        sqlite3_bind_text(insert, 4, language.data(), static_cast<int>(language.size()),
                          SQLITE_STATIC);
        sqlite3_bind_text(insert, 5, source.data(), static_cast<int>(source.size()), SQLITE_STATIC);
        sqlite3_bind_int64(insert, 6, rs.getInt64(6));
        if (sqlite3_step(insert) != SQLITE_DONE) {
          throw std::runtime_error(std::string("sqlite insert: ") + sqlite3_errmsg(db));
        }
      });
  sqlite3_finalize(insert);
  exec("INSERT INTO facets SELECT rowid, platform, language, source FROM posts");
  exec("COMMIT");
  // One b-tree per level, as a finished index would be kept.
  exec("INSERT INTO posts(posts) VALUES('optimize')");
  sqlite3_close(db);
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  nlohmann::json j = {{"rows", rows}, {"seconds", seconds}};
  std::cout << j.dump() << "\n";
  return 0;
}

// --- build-xapian -----------------------------------------------------------------

// Xapian alone, one thread, from MariaDB's bench_ft rows: each post's text
// with positions, stemmed in its language (French, else English), its
// language and platform as boolean terms; Xapian's default flush (every
// 10,000 documents) and one commit at the end. Prints rows and seconds.
int BuildXapian(const Args& args) {
  const std::string out = args.Get("out");
  if (out.empty() || args.Get("mysql").empty()) {
    throw std::invalid_argument("build-xapian needs --mysql URL and --out DIR");
  }
  auto t0 = Clock::now();
  Xapian::WritableDatabase db(out, Xapian::DB_CREATE_OR_OVERWRITE);
  Xapian::TermGenerator generator;
  const Xapian::Stem french("french"), english("english");
  generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  const int64_t rows =
      ForEachBenchRow(args.Get("mysql"), "id, body, platform, language", [&](sql::ResultSet& rs) {
        const std::string language = rs.getString(4);
        Xapian::Document doc;
        generator.set_stemmer(language == "fr" ? french : english);
        generator.set_document(doc);
        // Apostrophes split words, as in the other engines (Xapian keeps
        // "l'exclamation" as one word; scrm drops the elision, Sphinx and
        // PostgreSQL split there).
        std::string body = rs.getString(2);
        for (size_t at; (at = body.find("\xe2\x80\x99")) != std::string::npos;)
          body.replace(at, 3, " ");
        std::replace(body.begin(), body.end(), '\'', ' ');
        generator.index_text(body);
        doc.add_boolean_term("L" + language);
        doc.add_boolean_term("XP" + std::string(rs.getString(3)));
        db.replace_document(static_cast<Xapian::docid>(rs.getInt64(1)), doc);
      });
  db.commit();
  db.close();
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  nlohmann::json j = {{"rows", rows}, {"seconds", seconds}};
  std::cout << j.dump() << "\n";
  return 0;
}

// --- run --------------------------------------------------------------------------

std::string Fixed(double v, int decimals) {
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

int Run(const Args& args) {
  std::vector<Query> queries = ReadQueries(args.Get("queries"));
  const int limit = std::stoi(args.Get("limit", "10"));
  const int passes = std::stoi(args.Get("passes", "1"));
  const PeerFacets facets = args.Get("peer-facets", "combined") == "separate"
                                ? PeerFacets::kSeparate
                                : PeerFacets::kCombined;
  const bool and_op = args.Get("fts5-op", "and") == "and";
  std::vector<int> levels;
  {
    std::stringstream in(args.Get("concurrency", "1,2"));
    for (std::string c; std::getline(in, c, ',');) levels.push_back(std::stoi(c));
  }
  std::vector<std::unique_ptr<Engine>> engines;
  if (!args.Get("scrm").empty()) {
    engines.push_back(std::make_unique<ScrmEngine>(args.Get("scrm"), args.Get("token"), limit));
  }
  if (!args.Get("mysql").empty()) {
    std::stringstream modes(args.Get("mariadb-modes", "natural,boolean"));
    for (std::string mode; std::getline(modes, mode, ',');) {
      if (mode != "natural" && mode != "boolean") {
        throw std::invalid_argument("--mariadb-modes: natural and/or boolean, not " + mode);
      }
      engines.push_back(
          std::make_unique<MariaEngine>(args.Get("mysql"), limit, facets, mode == "boolean"));
    }
  }
  if (!args.Get("fts5").empty()) {
    engines.push_back(std::make_unique<Fts5Engine>(args.Get("fts5"), limit, facets, and_op));
  }
  if (!args.Get("sphinx").empty()) {
    engines.push_back(
        std::make_unique<PeerEngine<SphinxSession>>("Sphinx", args.Get("sphinx"), limit));
  }
  if (!args.Get("postgres").empty()) {
    engines.push_back(std::make_unique<PeerEngine<PostgresSession>>("PostgreSQL FTS",
                                                                    args.Get("postgres"), limit));
  }
  if (!args.Get("xapian").empty()) {
    engines.push_back(
        std::make_unique<PeerEngine<XapianSession>>("Xapian alone", args.Get("xapian"), limit));
  }
  if (engines.empty()) {
    throw std::invalid_argument(
        "run needs --scrm, --mysql, --fts5, --sphinx, --postgres or --xapian");
  }

  int one = 0, two = 0, three = 0, filtered = 0;
  for (const Query& q : queries) {
    size_t n = Words(q.words).size();
    one += n == 1;
    two += n == 2;
    three += n >= 3;
    filtered += !q.filter_field.empty();
  }
  std::printf(
      "%zu queries: %d of one word, %d of two, %d of three; %d with a filter; "
      "top %d with facets; %d pass(es) after one warm-up pass\n",
      queries.size(), one, two, three, filtered, limit, passes);
  std::fflush(stdout);

  std::vector<Measurement> all;
  for (auto& engine : engines) {
    std::fprintf(stderr, "%s: warm-up\n", engine->Name().c_str());
    Measurement warm = Measure(*engine, queries, 1, 1);
    if (warm.errors > 0) {
      std::fprintf(stderr, "%s: %lld errors in the warm-up, first: %s\n", engine->Name().c_str(),
                   static_cast<long long>(warm.errors), warm.first_error.c_str());
    }
    for (int c : levels) {
      std::fprintf(stderr, "%s: concurrency %d\n", engine->Name().c_str(), c);
      all.push_back(Measure(*engine, queries, c, passes));
    }
  }

  std::printf("\n%-17s %4s %7s %8s %8s %8s %8s %7s %8s %11s %6s %5s\n", "engine", "conc", "queries",
              "p50 ms", "p95 ms", "p99 ms", "mean ms", "q/s", "found", "mean total", "errors",
              "load");
  for (const Measurement& m : all) {
    std::printf("%-17s %4d %7lld %8s %8s %8s %8s %7s %7s%% %11s %6lld %5s\n", m.engine.c_str(),
                m.concurrency, static_cast<long long>(m.runs), Fixed(m.Percentile(0.50), 2).c_str(),
                Fixed(m.Percentile(0.95), 2).c_str(), Fixed(m.Percentile(0.99), 2).c_str(),
                Fixed(m.Mean(), 2).c_str(), Fixed(m.ms.size() / m.wall_seconds, 0).c_str(),
                Fixed(100.0 * m.with_results / std::max<int64_t>(1, m.runs - m.errors), 1).c_str(),
                Fixed(m.total_sum / std::max<int64_t>(1, m.runs - m.errors), 0).c_str(),
                static_cast<long long>(m.errors), Fixed(m.load, 1).c_str());
    if (m.errors > 0) std::printf("  first error: %s\n", m.first_error.c_str());
  }

  nlohmann::json report = nlohmann::json::array();
  const Measurement* base = nullptr;
  bool ratios_header = false;
  for (const Measurement& m : all) {
    report.push_back({{"engine", m.engine},
                      {"concurrency", m.concurrency},
                      {"queries", m.runs},
                      {"errors", m.errors},
                      {"p50_ms", m.Percentile(0.50)},
                      {"p95_ms", m.Percentile(0.95)},
                      {"p99_ms", m.Percentile(0.99)},
                      {"mean_ms", m.Mean()},
                      {"qps", m.ms.size() / m.wall_seconds},
                      {"found_fraction", static_cast<double>(m.with_results) /
                                             std::max<int64_t>(1, m.runs - m.errors)},
                      {"mean_total", m.total_sum / std::max<int64_t>(1, m.runs - m.errors)},
                      {"load_average", m.load}});
    if (m.engine == "scrm") continue;
    base = nullptr;
    for (const Measurement& s : all) {
      if (s.engine == "scrm" && s.concurrency == m.concurrency) base = &s;
    }
    if (!base) continue;
    if (!ratios_header) {
      std::printf("\nratios to scrm (higher: scrm faster)\n");
      ratios_header = true;
    }
    std::printf("%-17s / scrm, concurrency %d: p50 %sx, p99 %sx\n", m.engine.c_str(), m.concurrency,
                Fixed(m.Percentile(0.50) / base->Percentile(0.50), 1).c_str(),
                Fixed(m.Percentile(0.99) / base->Percentile(0.99), 1).c_str());
  }
  // The slowest queries at concurrency 1: what makes each engine's tail.
  const int slowest = std::stoi(args.Get("slowest", "0"));
  for (const Measurement& m : all) {
    if (slowest <= 0 || m.concurrency != 1) continue;
    std::vector<size_t> order(m.ms.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return m.ms[a] > m.ms[b]; });
    std::printf("\nslowest on %s:", m.engine.c_str());
    for (size_t i = 0; i < order.size() && i < static_cast<size_t>(slowest); ++i) {
      const Query& q = queries[m.query[order[i]]];
      std::printf(" %s ms '%s'%s%s%s;", Fixed(m.ms[order[i]], 1).c_str(), q.words.c_str(),
                  q.filter_field.empty() ? "" : " ", q.filter_field.c_str(),
                  q.filter_field.empty() ? "" : ("=" + q.filter_value).c_str());
    }
    std::printf("\n");
    if (!m.empty.empty()) {
      std::printf("nothing found by %s for:", m.engine.c_str());
      for (size_t i = 0; i < m.empty.size() && i < 10; ++i) {
        std::printf(
            " '%s' %s;", queries[m.empty[i]].words.c_str(),
            queries[m.empty[i]].filter_field.empty()
                ? ""
                : (queries[m.empty[i]].filter_field + "=" + queries[m.empty[i]].filter_value)
                      .c_str());
      }
      std::printf("\n");
    }
  }
  if (!args.Get("json").empty()) {
    std::ofstream(args.Get("json")) << report.dump(2) << "\n";
  }
  for (const Measurement& m : all) {
    if (m.errors > 0) return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Args args = ParseArgs(argc, argv);
    if (args.command == "build-fts5") return BuildFts5(args);
    if (args.command == "build-xapian") return BuildXapian(args);
    if (args.command == "run") return Run(args);
    throw std::invalid_argument("unknown command '" + args.command +
                                "': build-fts5, build-xapian or run");
  } catch (const sql::SQLException& e) {
    std::cerr << "scrm_search_bench: MariaDB: " << e.what() << " (" << e.getErrorCode() << ")\n";
    return 1;
  } catch (const Xapian::Error& e) {
    std::cerr << "scrm_search_bench: Xapian: " << e.get_description() << "\n";
    return 1;
  } catch (const std::invalid_argument& e) {
    std::cerr << "scrm_search_bench: " << e.what() << "\nusage: see the top of search_bench.cc\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "scrm_search_bench: " << e.what() << "\n";
    return 1;
  }
}
