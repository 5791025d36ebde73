<?php
// scrm, after install: the Module Loader includes this file and calls
// post_install(). Shows the Conversations tab (a module without a bean is not
// added to the system tabs by the Module Loader). Every precondition was
// checked in pre_install(); this cannot fail half-way.
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

if (!function_exists('post_install')) {
    function post_install(): void
    {
        require_once 'modules/MySettings/TabController.php';
        $tabs = new TabController();
        $system = $tabs->get_system_tabs();
        $system['SCRM_Conversations'] = 'SCRM_Conversations';
        $tabs->set_system_tabs($system);
    }
}
