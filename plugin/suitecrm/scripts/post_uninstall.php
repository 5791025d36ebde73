<?php
// scrm, after uninstall: removes what the Module Loader does not: the
// Conversations tab from the system tabs and the plugin's settings (config
// table, category scrm: engine URL, shared secret, role map). Copied files,
// logic hooks, language and Admin extensions are removed by the Module
// Loader itself from $installdefs.
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
