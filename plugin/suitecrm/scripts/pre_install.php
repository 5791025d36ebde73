<?php
// scrm, before install: the Module Loader includes this file and calls
// pre_install() before it copies anything. Every precondition is checked
// here (ScrmPreflight), so that a refusal leaves the CRM untouched and says
// what to fix, instead of an install stopping half-way.
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

if (!function_exists('pre_install')) {
    function pre_install(): void
    {
        require_once __DIR__ . '/../files/custom/include/Scrm/ScrmPreflight.php';
        $manifest = $installdefs = [];
        include __DIR__ . '/../manifest.php';
        $targets = [];
        foreach ($installdefs['copy'] as $copy) {
            $from = str_replace('<basepath>', dirname(__DIR__), $copy['from']);
            $targets[] = $copy['to'] . (is_dir($from) ? '/' : '');
        }
        $targets[] = 'custom/Extension/modules/Administration/Ext/Administration/';
        $version = (string) ($GLOBALS['suitecrm_version'] ?? '');
        if ($version === '' && is_file('suitecrm_version.php')) {
            $suitecrm_version = '';
            include 'suitecrm_version.php';
            $version = (string) $suitecrm_version;
        }
        $problems = ScrmPreflight::problems(getcwd(), $version, $targets);
        if ($problems !== []) {
            if (class_exists('LoggerManager')) {
                LoggerManager::getLogger()->fatal('scrm: install refused: ' . implode(' ', $problems));
            }
            // Nothing is copied yet: stopping here leaves the CRM as it was.
            die(ScrmPreflight::html($problems));
        }
    }
}
