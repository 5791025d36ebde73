<?php
// PHPUnit bootstrap: the plugin's classes outside SuiteCRM (they only need
// sugarEntry; ScrmSuite, which needs SuiteCRM, is not loaded here).
define('sugarEntry', true);
define('SCRM_PLUGIN_DIR', dirname(__DIR__));
require_once SCRM_PLUGIN_DIR . '/files/custom/include/Scrm/ScrmClient.php';
require_once SCRM_PLUGIN_DIR . '/files/custom/include/Scrm/ScrmHooks.php';
