<?php
// scrm: the "Social CRM" section of Admin (installed into
// custom/Extension/modules/Administration/Ext/Administration/).
$admin_option_defs = [];
$admin_option_defs['Administration']['scrm_settings'] = [
    'Administration',
    'LBL_SCRM_ADMIN_SETTINGS',
    'LBL_SCRM_ADMIN_SETTINGS_DESC',
    './index.php?module=SCRM_Conversations&action=Settings',
];
$admin_option_defs['Administration']['scrm_engine'] = [
    'Administration',
    'LBL_SCRM_ADMIN_ENGINE',
    'LBL_SCRM_ADMIN_ENGINE_DESC',
    './index.php?module=SCRM_Conversations&action=Admin',
];
$admin_group_header[] = ['LBL_SCRM_ADMIN_TITLE', '', false, $admin_option_defs, 'LBL_SCRM_ADMIN_DESC'];
