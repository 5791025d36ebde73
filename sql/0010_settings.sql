-- scrm migration 0010: settings an admin changes at run time (the admin page,
-- `scrm thresholds`, PUT /api/v1/admin/matching), stored in the database so
-- that every process (scrm serve, scrm match) and every engine on it uses
-- them. A stored setting overrides the configuration file's value; without
-- a row the configuration applies. Each change is audited (scrm_audit,
-- action 'settings'). Exported and imported like every scrm_* table.

CREATE TABLE IF NOT EXISTS scrm_settings (
  name varchar(64) NOT NULL COMMENT 'matching',
  value text NOT NULL COMMENT 'JSON object, validated by the engine before it is stored',
  updated_by varchar(100) NOT NULL DEFAULT '' COMMENT 'user id, or cli:<login>',
  updated_at datetime NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
