-- scrm migration 0002: sources, profiles, posts and rejects.
-- A post is keyed by (source, external id): re-ingesting changes nothing,
-- an edited post replaces its old version. A record that cannot be read is
-- kept in scrm_rejects with its raw bytes and position, never dropped.
-- Ids from platforms (URLs, member ids) are case-sensitive: they compare
-- byte for byte (utf8mb4_bin), which is also cheaper to index.

CREATE TABLE IF NOT EXISTS scrm_sources (
  id int NOT NULL AUTO_INCREMENT,
  name varchar(64) NOT NULL,
  type varchar(16) NOT NULL COMMENT 'file, url or push',
  format varchar(32) NOT NULL DEFAULT 'auto',
  location text NULL COMMENT 'file path or URL',
  poll_interval_seconds int NOT NULL DEFAULT 0,
  visibility varchar(16) NOT NULL DEFAULT 'internal' COMMENT 'public, internal or community',
  community varchar(64) NOT NULL DEFAULT '' COMMENT 'when visibility is community',
  push_secret varchar(255) NOT NULL DEFAULT '' COMMENT 'HMAC key of push requests',
  etag varchar(255) NOT NULL DEFAULT '',
  last_modified varchar(64) NOT NULL DEFAULT '',
  last_run_at datetime NULL,
  last_success_at datetime NULL,
  last_error text NULL,
  items_total bigint NOT NULL DEFAULT 0,
  created_at datetime NOT NULL,
  updated_at datetime NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY idx_scrm_sources_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS scrm_profiles (
  id bigint NOT NULL AUTO_INCREMENT,
  platform varchar(32) NOT NULL,
  external_id varchar(512) COLLATE utf8mb4_bin NOT NULL,
  handle varchar(255) NOT NULL DEFAULT '',
  display_name varchar(255) NOT NULL DEFAULT '',
  url text NULL,
  bio text NULL,
  websites text NULL COMMENT 'JSON array',
  emails text NULL COMMENT 'JSON array',
  company varchar(255) NOT NULL DEFAULT '',
  position varchar(255) NOT NULL DEFAULT '',
  location varchar(255) NOT NULL DEFAULT '',
  avatar_url text NULL,
  source_id int NULL COMMENT 'source it was last read from',
  raw mediumtext NULL,
  fingerprint char(16) NOT NULL,
  first_seen_at datetime NOT NULL,
  updated_at datetime NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY idx_scrm_profiles_key (platform, external_id),
  KEY idx_scrm_profiles_handle (handle)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS scrm_posts (
  id bigint NOT NULL AUTO_INCREMENT,
  source_id int NOT NULL,
  external_id varchar(512) COLLATE utf8mb4_bin NOT NULL,
  platform varchar(32) NOT NULL,
  kind varchar(16) NOT NULL,
  url text NULL,
  author_id varchar(512) COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  author_name varchar(255) NOT NULL DEFAULT '',
  author_handle varchar(255) NOT NULL DEFAULT '',
  title text NULL,
  body mediumtext NULL COMMENT 'clean text',
  language varchar(16) NOT NULL DEFAULT '',
  published datetime NULL,
  updated datetime NULL,
  in_reply_to varchar(512) COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  shared_id varchar(512) COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  hashtags text NULL COMMENT 'JSON array',
  mentions text NULL COMMENT 'JSON array',
  links text NULL COMMENT 'JSON array',
  likes bigint NOT NULL DEFAULT 0,
  shares bigint NOT NULL DEFAULT 0,
  replies bigint NOT NULL DEFAULT 0,
  raw mediumtext NULL COMMENT 'the record as read, for reversibility',
  fingerprint char(16) NOT NULL,
  ingested_at datetime NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY idx_scrm_posts_key (source_id, external_id),
  KEY idx_scrm_posts_reply (source_id, in_reply_to(191)),
  KEY idx_scrm_posts_author (platform, author_id(191)),
  KEY idx_scrm_posts_published (published)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS scrm_rejects (
  id bigint NOT NULL AUTO_INCREMENT,
  source_id int NOT NULL,
  file varchar(1024) NOT NULL DEFAULT '',
  line bigint NOT NULL DEFAULT 0,
  byte_offset bigint NOT NULL DEFAULT 0,
  record_index bigint NOT NULL DEFAULT 0,
  format varchar(32) NOT NULL DEFAULT '' COMMENT 'the format it was read as',
  reason text NOT NULL,
  raw mediumblob NULL,
  status varchar(16) NOT NULL DEFAULT 'open' COMMENT 'open or resolved',
  created_at datetime NOT NULL,
  resolved_at datetime NULL,
  PRIMARY KEY (id),
  KEY idx_scrm_rejects_source (source_id, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
