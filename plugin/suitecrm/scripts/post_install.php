<?php
// scrm, after install: shows the Conversations tab (a module without a bean
// is not added to the system tabs by the Module Loader).
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

(static function (): void {
    require_once 'modules/MySettings/TabController.php';
    $tabs = new TabController();
    $system = $tabs->get_system_tabs();
    $system['SCRM_Conversations'] = 'SCRM_Conversations';
    $tabs->set_system_tabs($system);
})();
