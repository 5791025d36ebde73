<?php
// scrm: the "Social CRM" section of the Admin page.
$mod_strings['LBL_SCRM_ADMIN_TITLE'] = 'Social CRM';
$mod_strings['LBL_SCRM_ADMIN_DESC'] = 'Connect the CRM to the scrm engine: social profiles and conversations of your customers.';
$mod_strings['LBL_SCRM_ADMIN_SETTINGS'] = 'Settings';
$mod_strings['LBL_SCRM_ADMIN_SETTINGS_DESC'] = 'Engine URL, shared secret, roles of security groups, connection test';
$mod_strings['LBL_SCRM_ADMIN_ENGINE'] = 'Engine administration';
$mod_strings['LBL_SCRM_ADMIN_ENGINE_DESC'] = 'Sources, matching thresholds, roles and communities, API keys, export and import, health';
