-- scrm migration 0006: the last record change each CRM record's logic hooks
-- reported (POST /api/v1/crm/events, sent by the SuiteCRM plugin). One row
-- per record, overwritten by its next event, so the table stays as small as
-- the CRM; the engine re-reads the record when the event arrives, and this
-- row says when and with what outcome (docs/plugin.md).

CREATE TABLE IF NOT EXISTS scrm_crm_events (
  module varchar(16) NOT NULL COMMENT 'Contacts, Leads or Accounts',
  crm_id char(36) NOT NULL,
  event varchar(16) NOT NULL COMMENT 'save, delete, restore',
  event_at datetime NOT NULL COMMENT 'when the CRM says it happened (UTC)',
  received_at datetime NOT NULL COMMENT 'when the engine received it (UTC)',
  outcome varchar(16) NOT NULL COMMENT 'inserted, changed, unchanged, removed, absent',
  events bigint NOT NULL DEFAULT 1 COMMENT 'events received for this record',
  PRIMARY KEY (module, crm_id),
  KEY idx_scrm_crm_events_received (received_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
