-- scrm migration 0014: accounts followed on open networks (the AT Protocol,
-- ActivityPub), one row per account: the profiles linked to CRM records
-- (auto, confirmed or manual links) whose platform belongs to a network,
-- and those added by `scrm follow add`. A round reads the accounts due
-- (next_due_at), at most follow.max_accounts_per_round of them, and writes
-- back the client's state (cursors, ETags, the newest post seen), when the
-- account is next due, and its health. Failures back off: next_due_at
-- doubles with each failure in a row, up to a day (docs/following.md).

CREATE TABLE IF NOT EXISTS scrm_follows (
  id bigint NOT NULL AUTO_INCREMENT,
  network varchar(16) NOT NULL COMMENT 'atproto or activitypub',
  account_id varchar(512) COLLATE utf8mb4_bin NOT NULL COMMENT 'the DID, or the actor URL',
  handle varchar(255) NOT NULL DEFAULT '',
  profile_url text NULL,
  platform varchar(32) NOT NULL COMMENT 'scrm_profiles.platform of what it yields',
  state mediumtext NULL COMMENT 'the client''s own: cursors, ETags, newest post seen',
  next_due_at datetime NOT NULL,
  last_checked_at datetime NULL,
  last_success_at datetime NULL,
  last_error text NULL,
  failures int NOT NULL DEFAULT 0 COMMENT 'failed rounds in a row',
  requests_total bigint NOT NULL DEFAULT 0,
  posts_total bigint NOT NULL DEFAULT 0,
  created_at datetime NOT NULL,
  updated_at datetime NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY idx_scrm_follows_account (network, account_id),
  KEY idx_scrm_follows_due (network, next_due_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
