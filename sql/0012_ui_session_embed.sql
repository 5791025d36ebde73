-- scrm migration 0012: whether a /ui/ session was opened by the CRM's frame
-- (the plugin's ?embed=crm&sso=TOKEN links), so that every later page of
-- that session keeps the CRM's look and talks to the CRM (docs/ui.md,
-- "Pages inside the CRM").
ALTER TABLE scrm_ui_sessions
  ADD COLUMN IF NOT EXISTS embed varchar(16) CHARACTER SET ascii NOT NULL DEFAULT ''
    COMMENT '"crm": opened in the CRM''s frame; "": opened directly';
