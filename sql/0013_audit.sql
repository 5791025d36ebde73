-- scrm migration 0013: scrm_audit (0008) becomes the security log
-- (docs/security.md#the-security-log): besides erasures, retention runs and
-- settings, it records sign-ons, refusals (401/403/429, aggregated: one row
-- per kind, reason, address, credential and route a minute, with a count),
-- API keys made and revoked, sources added, changed and removed, exports and
-- imports; who (actor), from which address, to which object. Never a
-- secret: credentials appear as ids or a few hex digits of their SHA-256.
--
-- `action` is renamed `kind` (its index keeps the name
-- idx_scrm_audit_action). Also: the sessions of a user, found by user_id at
-- each sign-on, whose roles it refreshes (docs/ui.md).
ALTER TABLE scrm_audit
  CHANGE COLUMN IF EXISTS action kind varchar(32) NOT NULL
    COMMENT 'sign_on, unauthenticated, forbidden, rate_limited, api_key_created, ... (store/audit_repository.h)';

ALTER TABLE scrm_audit
  ADD COLUMN IF NOT EXISTS address varchar(64) NOT NULL DEFAULT ''
    COMMENT 'the client''s address; "" from the command line; "*" many (an aggregate past its bound)',
  ADD COLUMN IF NOT EXISTS object varchar(255) NOT NULL DEFAULT ''
    COMMENT 'what was acted on: source:NAME, api-key:NAME, session:FINGERPRINT, a file, a route',
  ADD COLUMN IF NOT EXISTS count bigint NOT NULL DEFAULT 1
    COMMENT 'events in this row: 1, or the refusals of an aggregate',
  ADD COLUMN IF NOT EXISTS last_at datetime NULL
    COMMENT 'an aggregate''s last event (created_at: its first); NULL for single events',
  ADD COLUMN IF NOT EXISTS aggregate_key char(64) CHARACTER SET ascii NULL
    COMMENT 'an aggregate''s bucket (SHA-256 of its fields and minute); NULL for single events';

CREATE UNIQUE INDEX IF NOT EXISTS idx_scrm_audit_aggregate ON scrm_audit (aggregate_key);
CREATE INDEX IF NOT EXISTS idx_scrm_audit_created ON scrm_audit (created_at);
CREATE INDEX IF NOT EXISTS idx_scrm_ui_sessions_user ON scrm_ui_sessions (user_id);
