-- scrm migration 0008: privacy. A retention period per source (posts
-- published longer ago are removed by `scrm retention` and by `scrm serve`
-- on its interval), and the engine's audit log of administrative acts
-- (erase, retention). The audit never holds personal data: who is
-- concerned is kept as a SHA-256 of the id given, with counts of what went.

ALTER TABLE scrm_sources
  ADD COLUMN IF NOT EXISTS retention_days int NOT NULL DEFAULT 0
    COMMENT 'posts published more than this many days ago are removed; 0 keeps them';

CREATE TABLE IF NOT EXISTS scrm_audit (
  id bigint NOT NULL AUTO_INCREMENT,
  action varchar(32) NOT NULL COMMENT 'erase, retention',
  actor varchar(100) NOT NULL DEFAULT '' COMMENT 'user id, or cli / scrm',
  subject_hash char(64) NOT NULL DEFAULT '' COMMENT 'SHA-256 hex of the subject, never the subject',
  detail text NULL COMMENT 'JSON: counts, never names, handles or e-mails',
  created_at datetime NOT NULL,
  PRIMARY KEY (id),
  KEY idx_scrm_audit_action (action, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
