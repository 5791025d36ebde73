-- scrm migration 0015: listen sources (type listen: hashtags and keywords
-- searched on an open network, docs/ingest.md) keep where each term's
-- search got to: the network client's own JSON (the newest match seen per
-- term), written after each poll, so the next one fetches only what is new.

ALTER TABLE scrm_sources
  ADD COLUMN IF NOT EXISTS state mediumtext NULL COMMENT 'listen sources: the newest match seen per term (the client''s JSON)';
