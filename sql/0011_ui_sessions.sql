-- scrm migration 0011: the sessions of the /ui/ pages, their one-time admin
-- messages, and the sign-on nonces already used, in the database, so that a
-- restart of `scrm serve` keeps everyone signed in and several engines
-- behind a load balancer share them (docs/ui.md#sessions).
--
-- A session is known by the SHA-256 of its cookie value: the value itself
-- (32 random bytes, so a plain hash is enough) is never stored, and reading
-- this table does not let anyone act as its users. Rows whose expires_at is
-- past are deleted by the engines as they go. None of these tables is
-- exported (docs/export-format.md).
CREATE TABLE IF NOT EXISTS scrm_ui_sessions (
  id_hash char(64) CHARACTER SET ascii NOT NULL COMMENT 'hex SHA-256 of the cookie value',
  user_id varchar(255) NOT NULL,
  user_name varchar(255) NOT NULL,
  roles varchar(1000) NOT NULL COMMENT 'comma-separated, as in tokens',
  lang varchar(16) NOT NULL,
  csrf_token varchar(64) CHARACTER SET ascii NOT NULL COMMENT 'embedded in the pages',
  created_at datetime NOT NULL,
  last_seen_at datetime NOT NULL COMMENT 'to within the engines'' 30-second recheck',
  expires_at datetime NOT NULL COMMENT 'last_seen_at + ui.session_minutes',
  PRIMARY KEY (id_hash),
  KEY idx_scrm_ui_sessions_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What an admin's change left for the session's next view of /ui/admin,
-- taken (deleted) by the view that shows it.
CREATE TABLE IF NOT EXISTS scrm_ui_flashes (
  session_hash char(64) CHARACTER SET ascii NOT NULL,
  message text NOT NULL COMMENT 'JSON: {"text": ..., "failed": ...}',
  created_at datetime NOT NULL,
  PRIMARY KEY (session_hash),
  CONSTRAINT fk_scrm_ui_flashes_session FOREIGN KEY (session_hash)
    REFERENCES scrm_ui_sessions (id_hash) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A sign-on token starts one session: its nonce (hashed) is kept until the
-- token expires, whichever engine it was presented to.
CREATE TABLE IF NOT EXISTS scrm_ui_sso_nonces (
  nonce_hash char(64) CHARACTER SET ascii NOT NULL COMMENT 'hex SHA-256 of the token nonce',
  expires_at datetime NOT NULL COMMENT 'the token''s expiry',
  PRIMARY KEY (nonce_hash),
  KEY idx_scrm_ui_sso_nonces_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
