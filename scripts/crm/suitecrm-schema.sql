-- SuiteCRM 7.14 core tables used by scrm, as SuiteCRM's installer creates them on MySQL/MariaDB.
--
-- Read (not copied) from salesagility/SuiteCRM release 7.14.6 (commit e572230abd "SuiteCRM 7.14.6
-- Release"); SuiteCRM/SuiteCRM 7.15.0 defines the same columns and indexes for these tables.
--   modules/Users/vardefs.php, modules/Accounts/vardefs.php, modules/Contacts/vardefs.php,
--   modules/Leads/vardefs.php, metadata/accounts_contactsMetaData.php,
--   metadata/email_addressesMetaData.php (email_addresses and email_addr_bean_rel; loaded by
--   modules/EmailAddresses/vardefs.php), templates merged by include/SugarObjects/VardefManager.php:
--   include/SugarObjects/templates/{basic,person,company}/vardefs.php and
--   include/SugarObjects/implements/{assignable,security_groups}/vardefs.php.
-- Column SQL follows include/database/DBManager.php oneColumnSQLRep() and MysqlManager.php
-- ($type_map, createTableSQLParams, keysSQL):
--   * type `id` -> char(36); enum/relate/url/phone/name -> varchar; varchar without len -> 255;
--     bool -> bool (= tinyint(1)); multienum -> text; fields with source=non-db are not columns.
--   * Only `id` (and type-id fields marked required) are NOT NULL; every other column is NULL,
--     including `deleted`. A default is emitted only when the vardef has one, so some bool
--     columns have no default (users.deleted, users.is_group, contacts.portal_account_disabled).
--   * Column order: basic template, assignable, person/company template, then the module's own.
--   * 'index' and 'alternate_key' indexes are plain (non-unique) KEYs; there is no foreign key
--     and no unique key besides the primary keys.
--   * The installer's default (install/suite_install/collations.php) is utf8mb4_general_ci;
--     tables get "CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci" and the default engine
--     (InnoDB).
-- The _cstm tables (custom fields) are in suitecrm-cstm.sql.
-- Every statement ends with ';' at the end of a line: this file is fed to the mariadb client.

-- users: modules/Users/vardefs.php. The install creates the admin with id '1' (install/install_utils.php
-- create_default_users), so users.id is not always a GUID.
CREATE TABLE IF NOT EXISTS users (
  id                           char(36) NOT NULL,
  user_name                    varchar(60) NULL,
  user_hash                    varchar(255) NULL,
  system_generated_password    tinyint(1) NULL,
  pwd_last_changed             datetime NULL,
  authenticate_id              varchar(100) NULL,
  sugar_login                  tinyint(1) NULL DEFAULT 1,
  first_name                   varchar(255) NULL,
  last_name                    varchar(255) NULL,
  is_admin                     tinyint(1) NULL DEFAULT 0,
  external_auth_only           tinyint(1) NULL DEFAULT 0,
  receive_notifications        tinyint(1) NULL DEFAULT 1,
  description                  text NULL,
  date_entered                 datetime NULL,
  date_modified                datetime NULL,
  modified_user_id             char(36) NULL,
  created_by                   char(36) NULL,
  title                        varchar(50) NULL,
  photo                        varchar(255) NULL,
  department                   varchar(50) NULL,
  phone_home                   varchar(50) NULL,
  phone_mobile                 varchar(50) NULL,
  phone_work                   varchar(50) NULL,
  phone_other                  varchar(50) NULL,
  phone_fax                    varchar(50) NULL,
  status                       varchar(100) NULL,
  address_street               varchar(150) NULL,
  address_city                 varchar(100) NULL,
  address_state                varchar(100) NULL,
  address_country              varchar(100) NULL,
  address_postalcode           varchar(20) NULL,
  deleted                      tinyint(1) NULL,
  portal_only                  tinyint(1) NULL DEFAULT 0,
  show_on_employees            tinyint(1) NULL DEFAULT 1,
  employee_status              varchar(100) NULL,
  messenger_id                 varchar(100) NULL,
  messenger_type               varchar(100) NULL,
  reports_to_id                char(36) NULL,
  is_group                     tinyint(1) NULL,
  factor_auth                  tinyint(1) NULL,
  factor_auth_interface        varchar(255) NULL,
  PRIMARY KEY (id),
  KEY idx_user_name (user_name, is_group, status, last_name(30), first_name(30), id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- accounts: templates basic + assignable + security_groups + company, modules/Accounts/vardefs.php.
CREATE TABLE IF NOT EXISTS accounts (
  id                           char(36) NOT NULL,
  name                         varchar(150) NULL,
  date_entered                 datetime NULL,
  date_modified                datetime NULL,
  modified_user_id             char(36) NULL,
  created_by                   char(36) NULL,
  description                  text NULL,
  deleted                      tinyint(1) NULL DEFAULT 0,
  assigned_user_id             char(36) NULL,
  account_type                 varchar(50) NULL,
  industry                     varchar(50) NULL,
  annual_revenue               varchar(100) NULL,
  phone_fax                    varchar(100) NULL,
  billing_address_street       varchar(150) NULL,
  billing_address_city         varchar(100) NULL,
  billing_address_state        varchar(100) NULL,
  billing_address_postalcode   varchar(20) NULL,
  billing_address_country      varchar(255) NULL,
  rating                       varchar(100) NULL,
  phone_office                 varchar(100) NULL,
  phone_alternate              varchar(100) NULL,
  website                      varchar(255) NULL,
  ownership                    varchar(100) NULL,
  employees                    varchar(10) NULL,
  ticker_symbol                varchar(10) NULL,
  shipping_address_street      varchar(150) NULL,
  shipping_address_city        varchar(100) NULL,
  shipping_address_state       varchar(100) NULL,
  shipping_address_postalcode  varchar(20) NULL,
  shipping_address_country     varchar(255) NULL,
  parent_id                    char(36) NULL,
  sic_code                     varchar(10) NULL,
  campaign_id                  char(36) NULL,
  PRIMARY KEY (id),
  KEY idx_accnt_id_del (id, deleted),
  KEY idx_accnt_name_del (name, deleted),
  KEY idx_accnt_assigned_del (deleted, assigned_user_id),
  KEY idx_accnt_parent_id (parent_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- contacts: templates basic + assignable + security_groups + person, modules/Contacts/vardefs.php.
-- Emails are not columns: see email_addr_bean_rel. The account link is accounts_contacts.
CREATE TABLE IF NOT EXISTS contacts (
  id                           char(36) NOT NULL,
  date_entered                 datetime NULL,
  date_modified                datetime NULL,
  modified_user_id             char(36) NULL,
  created_by                   char(36) NULL,
  description                  text NULL,
  deleted                      tinyint(1) NULL DEFAULT 0,
  assigned_user_id             char(36) NULL,
  salutation                   varchar(255) NULL,
  first_name                   varchar(100) NULL,
  last_name                    varchar(100) NULL,
  title                        varchar(100) NULL,
  photo                        varchar(255) NULL,
  department                   varchar(255) NULL,
  do_not_call                  tinyint(1) NULL DEFAULT 0,
  phone_home                   varchar(100) NULL,
  phone_mobile                 varchar(100) NULL,
  phone_work                   varchar(100) NULL,
  phone_other                  varchar(100) NULL,
  phone_fax                    varchar(100) NULL,
  lawful_basis                 text NULL,
  date_reviewed                date NULL,
  lawful_basis_source          varchar(100) NULL,
  primary_address_street       varchar(150) NULL,
  primary_address_city         varchar(100) NULL,
  primary_address_state        varchar(100) NULL,
  primary_address_postalcode   varchar(20) NULL,
  primary_address_country      varchar(255) NULL,
  alt_address_street           varchar(150) NULL,
  alt_address_city             varchar(100) NULL,
  alt_address_state            varchar(100) NULL,
  alt_address_postalcode       varchar(20) NULL,
  alt_address_country          varchar(255) NULL,
  assistant                    varchar(75) NULL,
  assistant_phone              varchar(100) NULL,
  lead_source                  varchar(255) NULL,
  reports_to_id                char(36) NULL,
  birthdate                    date NULL,
  campaign_id                  char(36) NULL,
  joomla_account_id            varchar(255) NULL,
  portal_account_disabled      tinyint(1) NULL,
  portal_user_type             varchar(100) NULL DEFAULT 'Single',
  PRIMARY KEY (id),
  KEY idx_cont_last_first (last_name, first_name, deleted),
  KEY idx_contacts_del_last (deleted, last_name),
  KEY idx_cont_del_reports (deleted, reports_to_id, last_name),
  KEY idx_reports_to_id (reports_to_id),
  KEY idx_del_id_user (deleted, id, assigned_user_id),
  KEY idx_cont_assigned (assigned_user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- leads: templates basic + assignable + security_groups + person, modules/Leads/vardefs.php.
CREATE TABLE IF NOT EXISTS leads (
  id                           char(36) NOT NULL,
  date_entered                 datetime NULL,
  date_modified                datetime NULL,
  modified_user_id             char(36) NULL,
  created_by                   char(36) NULL,
  description                  text NULL,
  deleted                      tinyint(1) NULL DEFAULT 0,
  assigned_user_id             char(36) NULL,
  salutation                   varchar(255) NULL,
  first_name                   varchar(100) NULL,
  last_name                    varchar(100) NULL,
  title                        varchar(100) NULL,
  photo                        varchar(255) NULL,
  department                   varchar(100) NULL,
  do_not_call                  tinyint(1) NULL DEFAULT 0,
  phone_home                   varchar(100) NULL,
  phone_mobile                 varchar(100) NULL,
  phone_work                   varchar(100) NULL,
  phone_other                  varchar(100) NULL,
  phone_fax                    varchar(100) NULL,
  lawful_basis                 text NULL,
  date_reviewed                date NULL,
  lawful_basis_source          varchar(100) NULL,
  primary_address_street       varchar(150) NULL,
  primary_address_city         varchar(100) NULL,
  primary_address_state        varchar(100) NULL,
  primary_address_postalcode   varchar(20) NULL,
  primary_address_country      varchar(255) NULL,
  alt_address_street           varchar(150) NULL,
  alt_address_city             varchar(100) NULL,
  alt_address_state            varchar(100) NULL,
  alt_address_postalcode       varchar(20) NULL,
  alt_address_country          varchar(255) NULL,
  assistant                    varchar(75) NULL,
  assistant_phone              varchar(100) NULL,
  converted                    tinyint(1) NULL DEFAULT 0,
  refered_by                   varchar(100) NULL,
  lead_source                  varchar(100) NULL,
  lead_source_description      text NULL,
  status                       varchar(100) NULL,
  status_description           text NULL,
  reports_to_id                char(36) NULL,
  account_name                 varchar(255) NULL,
  account_description          text NULL,
  contact_id                   char(36) NULL,
  account_id                   char(36) NULL,
  opportunity_id               char(36) NULL,
  opportunity_name             varchar(255) NULL,
  opportunity_amount           varchar(50) NULL,
  campaign_id                  char(36) NULL,
  birthdate                    date NULL,
  portal_name                  varchar(255) NULL,
  portal_app                   varchar(255) NULL,
  website                      varchar(255) NULL,
  PRIMARY KEY (id),
  KEY idx_lead_acct_name_first (account_name, deleted),
  KEY idx_lead_last_first (last_name, first_name, deleted),
  KEY idx_lead_del_stat (last_name, status, deleted, first_name),
  KEY idx_lead_opp_del (opportunity_id, deleted),
  KEY idx_leads_acct_del (account_id, deleted),
  KEY idx_del_user (deleted, assigned_user_id),
  KEY idx_lead_assigned (assigned_user_id),
  KEY idx_lead_contact (contact_id),
  KEY idx_reports_to (reports_to_id),
  KEY idx_lead_phone_work (phone_work),
  KEY idx_leads_id_del (id, deleted)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- accounts_contacts: metadata/accounts_contactsMetaData.php. Note varchar(36) ids and no unique key on
-- (account_id, contact_id): duplicate pairs happen; filter deleted=0 and de-duplicate.
CREATE TABLE IF NOT EXISTS accounts_contacts (
  id                           varchar(36) NOT NULL,
  contact_id                   varchar(36) NULL,
  account_id                   varchar(36) NULL,
  date_modified                datetime NULL,
  deleted                      tinyint(1) NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY idx_account_contact (account_id, contact_id),
  KEY idx_contid_del_accid (contact_id, deleted, account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- email_addresses: metadata/email_addressesMetaData.php. The vardef says 'length' => 100 for
-- email_address and email_address_caps, but DBManager only reads 'len', so both are varchar(255).
-- email_address_caps = PHP strtoupper(address) (ASCII-only upper-casing); no unique index.
CREATE TABLE IF NOT EXISTS email_addresses (
  id                           char(36) NOT NULL,
  email_address                varchar(255) NULL,
  email_address_caps           varchar(255) NULL,
  invalid_email                tinyint(1) NULL DEFAULT 0,
  opt_out                      tinyint(1) NULL DEFAULT 0,
  confirm_opt_in               varchar(255) NULL DEFAULT 'not-opt-in',
  confirm_opt_in_date          datetime NULL,
  confirm_opt_in_sent_date     datetime NULL,
  confirm_opt_in_fail_date     datetime NULL,
  confirm_opt_in_token         varchar(255) NULL,
  date_created                 datetime NULL,
  date_modified                datetime NULL,
  deleted                      tinyint(1) NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY idx_ea_caps_opt_out_invalid (email_address_caps, opt_out, invalid_email),
  KEY idx_ea_opt_out_invalid (email_address, opt_out, invalid_email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- email_addr_bean_rel: metadata/email_addressesMetaData.php. bean_module is the module name
-- ('Contacts', 'Leads', 'Accounts', 'Users', ...). One email_addresses row is shared by every bean
-- with that address (SugarEmailAddress looks the address up by email_address_caps first).
CREATE TABLE IF NOT EXISTS email_addr_bean_rel (
  id                           char(36) NOT NULL,
  email_address_id             char(36) NOT NULL,
  bean_id                      char(36) NOT NULL,
  bean_module                  varchar(100) NULL,
  primary_address              tinyint(1) NULL DEFAULT 0,
  reply_to_address             tinyint(1) NULL DEFAULT 0,
  date_created                 datetime NULL,
  date_modified                datetime NULL,
  deleted                      tinyint(1) NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY idx_email_address_id (email_address_id),
  KEY idx_bean_id (bean_id, bean_module)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
