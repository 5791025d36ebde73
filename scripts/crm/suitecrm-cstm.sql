-- SuiteCRM 7.14 custom-field tables (<table>_cstm) for contacts, leads and accounts, with the
-- Twitter/Facebook fields an administrator adds for the old social connectors.
--
-- Read (not copied) from salesagility/SuiteCRM release 7.14.6 (SuiteCRM/SuiteCRM 7.15.0 is the same):
--   modules/DynamicFields/DynamicField.php createCustomTable(): the table is created with only
--     `id_c` (type id, required -> char(36) NOT NULL) and PRIMARY KEY (id_c), named <table>_cstm_pk;
--     every custom field is then added with ALTER TABLE ... ADD COLUMN (addFieldObject()).
--   install/suite_install/GoogleMaps.php install_gmaps(), run by every stock install
--     (install/suite_install/suite_install.php): adds the jjwg_maps_* fields to Accounts, Contacts,
--     Leads (and Cases, Meetings, Opportunities, Project, Prospects), so on a stock 7.x install the
--     three _cstm tables below already exist, with these four columns:
--       jjwg_maps_lng_c float(11,8) DEFAULT '0.00000000', jjwg_maps_lat_c float(10,8) DEFAULT
--       '0.00000000', jjwg_maps_geocode_status_c varchar(255), jjwg_maps_address_c varchar(255)
--     (TemplateFloat: max_size -> len, ext1 -> precision; DBManager emits float(len,precision)).
--   twitter_user_c / facebook_user_c: nothing in SuiteCRM creates them. include/social/ (7.1+)
--     only reads them from the detail view; the administrator creates them in Studio as TextField
--     custom fields (TemplateText: varchar, len 255, no default, nullable). So they exist only
--     where an admin did that: read them when present, never require them.
-- A real install also records every custom field in `fields_meta_data`; scrm does not read it,
-- so it is not created here.
--
-- Three CRM shapes for tests:
--   suitecrm-schema.sql only                      -> no _cstm tables at all (e.g. upgraded from
--                                                     SugarCRM CE, or tables dropped);
--   + this file, minus the ALTER TABLE statements -> stock SuiteCRM 7 (jjwg_maps_* only);
--   + this file                                   -> social fields present.
-- CREATE TABLE IF NOT EXISTS + ADD COLUMN IF NOT EXISTS make this file safe to load on a stock
-- schema that already has the _cstm tables.
-- Every statement ends with ';' at the end of a line: this file is fed to the mariadb client.

CREATE TABLE IF NOT EXISTS contacts_cstm (
  id_c                         char(36) NOT NULL,
  jjwg_maps_lng_c              float(11,8) NULL DEFAULT '0.00000000',
  jjwg_maps_lat_c              float(10,8) NULL DEFAULT '0.00000000',
  jjwg_maps_geocode_status_c   varchar(255) NULL,
  jjwg_maps_address_c          varchar(255) NULL,
  PRIMARY KEY (id_c)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS leads_cstm (
  id_c                         char(36) NOT NULL,
  jjwg_maps_lng_c              float(11,8) NULL DEFAULT '0.00000000',
  jjwg_maps_lat_c              float(10,8) NULL DEFAULT '0.00000000',
  jjwg_maps_geocode_status_c   varchar(255) NULL,
  jjwg_maps_address_c          varchar(255) NULL,
  PRIMARY KEY (id_c)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS accounts_cstm (
  id_c                         char(36) NOT NULL,
  jjwg_maps_lng_c              float(11,8) NULL DEFAULT '0.00000000',
  jjwg_maps_lat_c              float(10,8) NULL DEFAULT '0.00000000',
  jjwg_maps_geocode_status_c   varchar(255) NULL,
  jjwg_maps_address_c          varchar(255) NULL,
  PRIMARY KEY (id_c)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- The social fields, as Studio adds them (addFieldObject(): ADD COLUMN without default).
ALTER TABLE contacts_cstm
  ADD COLUMN IF NOT EXISTS twitter_user_c varchar(255) NULL,
  ADD COLUMN IF NOT EXISTS facebook_user_c varchar(255) NULL;

ALTER TABLE leads_cstm
  ADD COLUMN IF NOT EXISTS twitter_user_c varchar(255) NULL,
  ADD COLUMN IF NOT EXISTS facebook_user_c varchar(255) NULL;

ALTER TABLE accounts_cstm
  ADD COLUMN IF NOT EXISTS twitter_user_c varchar(255) NULL,
  ADD COLUMN IF NOT EXISTS facebook_user_c varchar(255) NULL;
