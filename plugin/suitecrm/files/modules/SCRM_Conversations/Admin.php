<?php
/**
 * The engine's own administration (sources, matching thresholds, roles and
 * communities, API keys, export and import, health), /ui/admin, for CRM
 * administrators.
 */
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

require_once 'custom/include/Scrm/ScrmSuite.php';

global $mod_strings;
ScrmSuite::requireAdmin();
ScrmSuite::renderFramePage(
    $mod_strings['LBL_SCRM_ENGINE_ADMIN'],
    static fn (ScrmClient $client, string $token): string => $client->adminUrl($token)
);
