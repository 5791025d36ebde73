-- scrm migration 0005: links between social profiles and CRM records, and
-- the audit of every decision about them (docs/identity.md).
--
-- A link names its profile by (platform, external id), the profile's
-- identity on its platform, not only by scrm_profiles.id: it survives a
-- re-import of the profiles and a re-sync of the CRM (CRM ids are stable).
-- One row per (profile, CRM record) pair ever proposed or decided:
--   auto       linked by matching (score at or above the auto threshold)
--   suggested  waiting in the review queue
--   confirmed  a person confirmed a suggestion (re-matching never undoes it)
--   manual     a person linked it by hand
--   rejected   a person rejected or unlinked it: never proposed again
-- The audit table is append-only and has no foreign key: it outlives the
-- rows it describes.

CREATE TABLE IF NOT EXISTS scrm_links (
  id bigint NOT NULL AUTO_INCREMENT,
  profile_id bigint NOT NULL DEFAULT 0 COMMENT 'scrm_profiles.id when the link was last written',
  platform varchar(32) NOT NULL,
  external_id varchar(512) COLLATE utf8mb4_bin NOT NULL COMMENT 'the profile on its platform',
  module varchar(16) NOT NULL COMMENT 'Contacts, Leads or Accounts',
  crm_id char(36) NOT NULL,
  status varchar(16) NOT NULL COMMENT 'auto, suggested, confirmed, manual, rejected',
  score double NOT NULL DEFAULT 0,
  evidence mediumtext NULL COMMENT 'JSON list of {kind, detail, weight}',
  decided_by varchar(100) NOT NULL DEFAULT '' COMMENT 'user id; scrm for matching',
  decided_by_name varchar(100) NOT NULL DEFAULT '',
  decided_at datetime NULL,
  created_at datetime NOT NULL,
  updated_at datetime NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY idx_scrm_links_pair (platform, external_id, module, crm_id),
  KEY idx_scrm_links_customer (module, crm_id, status),
  KEY idx_scrm_links_status (status, score),
  KEY idx_scrm_links_profile (profile_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS scrm_link_decisions (
  id bigint NOT NULL AUTO_INCREMENT,
  link_id bigint NOT NULL,
  platform varchar(32) NOT NULL,
  external_id varchar(512) COLLATE utf8mb4_bin NOT NULL,
  module varchar(16) NOT NULL,
  crm_id char(36) NOT NULL,
  action varchar(16) NOT NULL COMMENT 'auto, suggest, confirm, reject, link, unlink, withdraw',
  status varchar(16) NOT NULL COMMENT 'the link status after the decision',
  score double NOT NULL DEFAULT 0,
  evidence mediumtext NULL COMMENT 'the evidence at the time of the decision',
  decided_by varchar(100) NOT NULL,
  decided_by_name varchar(100) NOT NULL DEFAULT '',
  decided_at datetime NOT NULL,
  PRIMARY KEY (id),
  KEY idx_scrm_link_decisions_link (link_id),
  KEY idx_scrm_link_decisions_customer (module, crm_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Incremental matching reads what changed since its watermark.
ALTER TABLE scrm_profiles ADD INDEX IF NOT EXISTS idx_scrm_profiles_updated (updated_at);

ALTER TABLE scrm_customers ADD INDEX IF NOT EXISTS idx_scrm_customers_synced (synced_at);
