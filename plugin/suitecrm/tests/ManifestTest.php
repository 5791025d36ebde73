<?php
// The package's manifest.php, read the way SuiteCRM 7's Module Loader reads it.
use PHPUnit\Framework\TestCase;

final class ManifestTest extends TestCase
{
    private static array $manifest;
    private static array $installdefs;

    public static function setUpBeforeClass(): void
    {
        $manifest = $installdefs = null;
        require SCRM_PLUGIN_DIR . '/manifest.php';
        self::$manifest = $manifest;
        self::$installdefs = $installdefs;
    }

    private static function from(string $path): string
    {
        return str_replace('<basepath>', SCRM_PLUGIN_DIR, $path);
    }

    /** SuiteCRM's check (ModuleInstall/PackageManager, UpgradeWizard utils): preg_match("/$match/", $suitecrm_version). */
    private static function acceptsSuiteCrm(string $version): bool
    {
        foreach (self::$manifest['acceptable_suitecrm_versions']['exact_matches'] ?? [] as $exact) {
            if ($exact === $version) {
                return true;
            }
        }
        foreach (self::$manifest['acceptable_suitecrm_versions']['regex_matches'] ?? [] as $match) {
            if (preg_match("/$match/", $version)) {
                return true;
            }
        }
        return false;
    }

    public function testItIsAnUninstallableModuleWithAVersion(): void
    {
        $this->assertSame('module', self::$manifest['type']);
        $this->assertTrue(self::$manifest['is_uninstallable']);
        $this->assertMatchesRegularExpression('/^\d+\.\d+\.\d+$/', self::$manifest['version']);
        $this->assertSame('scrm_social_crm', self::$installdefs['id']);
    }

    public function testAcceptsSuiteCrm714And715Only(): void
    {
        foreach (['7.14.0', '7.14.6', '7.15.0', '7.15.1', '7.14'] as $ok) {
            $this->assertTrue(self::acceptsSuiteCrm($ok), $ok);
        }
        foreach (['7.13.4', '7.16.0', '7.1.4', '7.140.0', '8.6.0', '17.14.0', '7.14-beta'] as $no) {
            $this->assertFalse(self::acceptsSuiteCrm($no), $no);
        }
    }

    public function testEveryCopiedPathExistsAndIsLintClean(): void
    {
        foreach (self::$installdefs['copy'] as $copy) {
            $this->assertFileExists(self::from($copy['from']));
            $this->assertStringStartsWith('<basepath>/files/', $copy['from']);
            $this->assertSame(substr($copy['from'], strlen('<basepath>/files/')), $copy['to'], 'files/ mirrors the CRM tree');
        }
    }

    public function testHooksCoverContactsLeadsAccountsAndPointAtCopiedCode(): void
    {
        $seen = [];
        foreach (self::$installdefs['logic_hooks'] as $hook) {
            $this->assertSame(['module', 'hook', 'order', 'description', 'file', 'class', 'function'], array_keys($hook));
            $seen[] = $hook['module'] . ':' . $hook['hook'];
            $copied = false;
            foreach (self::$installdefs['copy'] as $copy) {
                $copied = $copied || str_starts_with($hook['file'], $copy['to']);
            }
            $this->assertTrue($copied, $hook['file'] . ' is installed by copy');
            $this->assertFileExists(SCRM_PLUGIN_DIR . '/files/' . $hook['file']);
            $this->assertTrue(method_exists($hook['class'], $hook['function']), $hook['class'] . '::' . $hook['function']);
        }
        foreach (['Contacts', 'Leads', 'Accounts'] as $module) {
            foreach (['after_save', 'after_delete', 'after_restore', 'after_ui_frame'] as $event) {
                $this->assertContains("$module:$event", $seen);
            }
        }
        $this->assertCount(12, $seen);
    }

    public function testAdministrationEntryIsSocialCrm(): void
    {
        $this->assertCount(1, self::$installdefs['administration']);
        $admin_option_defs = $admin_group_header = [];
        require self::from(self::$installdefs['administration'][0]['from']);
        $this->assertSame('LBL_SCRM_ADMIN_TITLE', $admin_group_header[0][0]);
        $this->assertStringContainsString('action=Settings', $admin_option_defs['Administration']['scrm_settings'][3]);
        $mod_strings = [];
        require SCRM_PLUGIN_DIR . '/language/administration/en_us.lang.php';
        $this->assertSame('Social CRM', $mod_strings['LBL_SCRM_ADMIN_TITLE']);
        foreach ($admin_option_defs['Administration'] as $entry) {
            $this->assertArrayHasKey($entry[1], $mod_strings);
            $this->assertArrayHasKey($entry[2], $mod_strings);
        }
    }

    public function testLanguagesEnglishAndFrenchDefineTheSameStrings(): void
    {
        $byTarget = [];
        foreach (self::$installdefs['language'] as $lang) {
            $this->assertContains($lang['language'], ['en_us', 'fr_FR']);
            $byTarget[$lang['to_module']][$lang['language']] = self::strings(self::from($lang['from']));
        }
        $this->assertSame(['application', 'Administration'], array_keys($byTarget));
        foreach ($byTarget as $target => $langs) {
            $this->assertSame(array_keys($langs['en_us']), array_keys($langs['fr_FR']), $target);
        }
        $module = SCRM_PLUGIN_DIR . '/files/modules/SCRM_Conversations/language/';
        $en = self::strings($module . 'en_us.lang.php');
        $this->assertSame(array_keys($en), array_keys(self::strings($module . 'fr_FR.lang.php')));
        // Every label the pages use is defined.
        $code = array_merge(
            glob(SCRM_PLUGIN_DIR . '/files/modules/SCRM_Conversations/*.php'),
            glob(SCRM_PLUGIN_DIR . '/files/custom/include/Scrm/*.php')
        );
        foreach ($code as $page) {
            preg_match_all("/\\\$mod_strings\['(LBL_[A-Z_]+)'\]/", file_get_contents($page), $m);
            foreach ($m[1] as $label) {
                $this->assertArrayHasKey("mod:$label", $en, basename($page));
            }
        }
    }

    public function testUninstallRemovesWhatTheModuleLoaderDoesNot(): void
    {
        $this->assertFileExists(self::from(self::$installdefs['post_uninstall'][0]));
        $script = file_get_contents(self::from(self::$installdefs['post_uninstall'][0]));
        $this->assertStringContainsString("unset(\$system['SCRM_Conversations'])", $script, 'the tab');
        $this->assertStringContainsString("DELETE FROM config WHERE category = 'scrm'", $script, 'the settings');
        $install = file_get_contents(SCRM_PLUGIN_DIR . '/scripts/post_install.php');
        $this->assertStringContainsString("\$system['SCRM_Conversations'] = 'SCRM_Conversations'", $install);
    }

    /**
     * UpgradeWizard_commit.php includes scripts/pre_install.php and
     * scripts/post_install.php by name and then calls pre_install() and
     * post_install(): a script without the function stopped 0.1.0's install
     * half-way with a fatal error. Neither may also be an installdefs script
     * (it would run twice).
     */
    public function testTheModuleLoadersScriptsDefineTheFunctionsItCalls(): void
    {
        foreach (['pre_install', 'post_install'] as $name) {
            require_once SCRM_PLUGIN_DIR . "/scripts/$name.php";
            $this->assertTrue(function_exists($name), "scripts/$name.php defines $name()");
            foreach (['pre_execute', 'post_execute'] as $section) {
                foreach (self::$installdefs[$section] ?? [] as $script) {
                    $this->assertStringNotContainsString("scripts/$name.php", $script, "$section runs $name.php a second time");
                }
            }
        }
        // The Module Loader calls no post_uninstall() for modules: a script so named would be misread.
        $this->assertFileDoesNotExist(SCRM_PLUGIN_DIR . '/scripts/post_uninstall.php');
    }

    /** @return array<string, string> the strings a language file sets, flattened */
    private static function strings(string $file): array
    {
        $mod_strings = $app_strings = $app_list_strings = [];
        require $file;
        $out = [];
        foreach (['mod' => $mod_strings, 'app' => $app_strings] as $kind => $strings) {
            foreach ($strings as $k => $v) {
                $out["$kind:$k"] = $v;
            }
        }
        foreach ($app_list_strings as $list => $values) {
            foreach ($values as $k => $v) {
                $out["list:$list:$k"] = $v;
            }
        }
        return $out;
    }
}
