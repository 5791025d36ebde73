-- scrm migration 0001: the engine's view of CRM records and the sync state.
-- The CRM's own tables (contacts, leads, accounts...) are only ever read;
-- everything the engine keeps lives in scrm_* tables like these.
-- One statement per ';' at the end of a line (see docs/migrations.md).

CREATE TABLE IF NOT EXISTS scrm_customers (
  module varchar(16) NOT NULL COMMENT 'Contacts, Leads or Accounts',
  crm_id char(36) NOT NULL COMMENT 'id of the CRM record',
  first_name varchar(100) NOT NULL DEFAULT '',
  last_name varchar(100) NOT NULL DEFAULT '',
  name varchar(255) NOT NULL DEFAULT '' COMMENT 'person display name or account name',
  title varchar(100) NOT NULL DEFAULT '',
  company varchar(255) NOT NULL DEFAULT '',
  city varchar(100) NOT NULL DEFAULT '',
  country varchar(100) NOT NULL DEFAULT '',
  website varchar(255) NOT NULL DEFAULT '',
  website_domain varchar(255) NOT NULL DEFAULT '',
  owner_id char(36) NOT NULL DEFAULT '',
  owner_name varchar(60) NOT NULL DEFAULT '',
  twitter varchar(255) NOT NULL DEFAULT '',
  facebook varchar(255) NOT NULL DEFAULT '',
  crm_date_modified datetime NULL COMMENT 'UTC, as read from the CRM',
  fingerprint char(16) NOT NULL COMMENT 'hash of the synced fields',
  synced_at datetime NOT NULL,
  PRIMARY KEY (module, crm_id),
  KEY idx_scrm_customers_domain (website_domain),
  KEY idx_scrm_customers_last_name (last_name),
  KEY idx_scrm_customers_owner (owner_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS scrm_customer_emails (
  module varchar(16) NOT NULL,
  crm_id char(36) NOT NULL,
  position smallint NOT NULL COMMENT '0 is the primary address',
  email varchar(255) NOT NULL COMMENT 'trimmed, lower-cased',
  opt_out tinyint(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (module, crm_id, position),
  KEY idx_scrm_customer_emails_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS scrm_customer_accounts (
  contact_id char(36) NOT NULL,
  account_id char(36) NOT NULL,
  PRIMARY KEY (contact_id, account_id),
  KEY idx_scrm_customer_accounts_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS scrm_sync_state (
  name varchar(64) NOT NULL COMMENT 'crm',
  watermark datetime NULL COMMENT 'highest CRM date_modified seen (UTC)',
  last_run_at datetime NULL,
  last_success_at datetime NULL,
  last_error text NULL,
  last_summary text NULL COMMENT 'JSON summary of the last run',
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
