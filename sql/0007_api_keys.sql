-- scrm migration 0007: API keys for machine clients.
--
-- A key is shown once, when it is made; only its SHA-256 is kept (a key is
-- 32 random bytes: no dictionary to try, so a plain hash is enough), with its
-- first characters to tell keys apart in lists. A revoked key stays, with
-- revoked_at, so the audit of what it did keeps its name.
CREATE TABLE IF NOT EXISTS scrm_api_keys (
  id bigint NOT NULL AUTO_INCREMENT,
  name varchar(100) NOT NULL,
  key_hash char(64) CHARACTER SET ascii NOT NULL COMMENT 'hex SHA-256 of the key',
  prefix varchar(16) NOT NULL COMMENT 'the key''s first characters, for lists',
  roles varchar(1000) NOT NULL COMMENT 'comma-separated, as in tokens',
  created_by varchar(255) NOT NULL,
  created_at datetime NOT NULL,
  last_used_at datetime NULL,
  revoked_at datetime NULL,
  PRIMARY KEY (id),
  UNIQUE KEY idx_scrm_api_keys_name (name),
  UNIQUE KEY idx_scrm_api_keys_hash (key_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
