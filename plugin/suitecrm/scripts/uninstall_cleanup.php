<?php
// scrm, after uninstall (installdefs post_uninstall: the Module Loader
// includes it after removing what $installdefs installed): removes what it
// does not remove itself, the Conversations tab from the system tabs and the
// plugin's settings (config table, category scrm: engine URL, shared secret,
// role map). The engine's data (scrm_* tables) is left alone.
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

(static function (): void {
    require_once 'modules/MySettings/TabController.php';
    $tabs = new TabController();
    $system = $tabs->get_system_tabs();
    unset($system['SCRM_Conversations']);
    $tabs->set_system_tabs($system);

    $db = DBManagerFactory::getInstance();
    $db->query("DELETE FROM config WHERE category = 'scrm'");
    if (function_exists('sugar_cache_clear')) {
        sugar_cache_clear('admin_settings_cache');
    }
})();
