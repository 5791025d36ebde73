<?php
/**
 * scrm: the SuiteCRM 7.14/7.15 Module Loader package of the Social CRM
 * engine (docs/plugin.md). Built into dist/scrm-suitecrm-VERSION.zip by
 * scripts/package-plugin; every path under "from" is relative to this file.
 *
 * Installs: the ScrmClient/ScrmSuite/ScrmHooks classes (custom/include/Scrm),
 * the logic hooks of Contacts, Leads and Accounts (record events to the
 * engine, the Social panel of their detail views), the Conversations tab
 * (modules/SCRM_Conversations), the "Social CRM" Admin section, and the
 * en_us and fr_FR strings. Uninstall removes all of it, and the settings.
 */

$manifest = [
    'name' => 'Social CRM (scrm)',
    'description' => 'Linked social profiles and conversations in Contacts, Leads and Accounts; a Conversations tab; record changes pushed to the scrm engine.',
    'author' => 'scrm',
    'version' => '0.2.0',
    'published_date' => '2026-12-04',
    'type' => 'module',
    'is_uninstallable' => true,
    'remove_tables' => '',
    'acceptable_sugar_flavors' => ['CE'],
    // SuiteCRM checks each with preg_match("/$regex/", $suitecrm_version).
    'acceptable_suitecrm_versions' => [
        'regex_matches' => ['^7\.1[45](\.[0-9]+)*$'],
    ],
];

$scrmHooks = [];
foreach (['Contacts', 'Leads', 'Accounts'] as $module) {
    foreach (['after_save' => 'afterSave', 'after_delete' => 'afterDelete', 'after_restore' => 'afterRestore'] as $hook => $method) {
        $scrmHooks[] = [
            'module' => $module,
            'hook' => $hook,
            'order' => 100,
            'description' => 'scrm: tell the Social CRM engine',
            'file' => 'custom/include/Scrm/ScrmHooks.php',
            'class' => 'ScrmHooks',
            'function' => $method,
        ];
    }
    $scrmHooks[] = [
        'module' => $module,
        'hook' => 'after_ui_frame',
        'order' => 100,
        'description' => 'scrm: Social panel',
        'file' => 'custom/include/Scrm/ScrmHooks.php',
        'class' => 'ScrmHooks',
        'function' => 'showPanel',
    ];
}

$installdefs = [
    'id' => 'scrm_social_crm',
    'copy' => [
        ['from' => '<basepath>/files/custom/include/Scrm', 'to' => 'custom/include/Scrm'],
        ['from' => '<basepath>/files/modules/SCRM_Conversations', 'to' => 'modules/SCRM_Conversations'],
        [
            'from' => '<basepath>/files/custom/Extension/application/Ext/Include/scrm_conversations.php',
            'to' => 'custom/Extension/application/Ext/Include/scrm_conversations.php',
        ],
    ],
    'logic_hooks' => $scrmHooks,
    'administration' => [
        ['from' => '<basepath>/administration/scrm_admin.php'],
    ],
    'language' => [
        ['from' => '<basepath>/language/application/en_us.lang.php', 'to_module' => 'application', 'language' => 'en_us'],
        ['from' => '<basepath>/language/application/fr_FR.lang.php', 'to_module' => 'application', 'language' => 'fr_FR'],
        ['from' => '<basepath>/language/administration/en_us.lang.php', 'to_module' => 'Administration', 'language' => 'en_us'],
        ['from' => '<basepath>/language/administration/fr_FR.lang.php', 'to_module' => 'Administration', 'language' => 'fr_FR'],
    ],
    // scripts/pre_install.php and scripts/post_install.php are not listed:
    // the Module Loader includes them by name and calls pre_install() and
    // post_install() itself. Uninstall has no such call for modules, so its
    // clean-up is an installdefs script.
    'post_uninstall' => ['<basepath>/scripts/uninstall_cleanup.php'],
];
unset($scrmHooks, $module, $hook, $method);
