-- scrm migration 0004: saved searches. Each belongs to one CRM user; its
-- parameters are kept as the query string of GET /api/v1/search, so a saved
-- search is replayed exactly as it was made. last_seen_at drives "new since
-- last seen" alerts (posts ingested after it).

CREATE TABLE IF NOT EXISTS scrm_saved_searches (
  id bigint NOT NULL AUTO_INCREMENT,
  user_id varchar(64) NOT NULL COMMENT 'the CRM user (token sub)',
  name varchar(255) NOT NULL,
  params text NOT NULL COMMENT 'query string of /api/v1/search, without paging',
  last_seen_at datetime NOT NULL,
  created_at datetime NOT NULL,
  updated_at datetime NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY idx_scrm_saved_searches_name (user_id, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
