<?php
/**
 * The Conversations tab: the engine's /ui/conversations page (search over
 * every conversation, facets, trends, saved searches, export) in an iframe,
 * signed in as the current CRM user.
 */
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

require_once 'custom/include/Scrm/ScrmSuite.php';

global $mod_strings;
ScrmSuite::renderFramePage(
    $mod_strings['LBL_SCRM_CONVERSATIONS'],
    static fn (ScrmClient $client, string $token): string => $client->conversationsUrl($token)
);
