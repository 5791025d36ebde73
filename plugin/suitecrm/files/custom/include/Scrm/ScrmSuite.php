<?php
/**
 * ScrmSuite: ScrmClient in a running SuiteCRM 7.14/7.15. Reads and saves the
 * plugin's settings (the config table, category "scrm", through the
 * Administration bean), describes the signed-in user (admin flag, security
 * groups, language) and logs through SuiteCRM's logger.
 */
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

require_once __DIR__ . '/ScrmClient.php';

final class ScrmSuite
{
    public const CATEGORY = 'scrm';
    /** Setting names (config table, category scrm) and their defaults. */
    public const DEFAULTS = [
        'engine_url' => '',
        'secret' => '',
        'role_map' => '',
        'default_roles' => 'sales',
    ];

    /** @return array<string, string> */
    public static function settings(): array
    {
        $admin = BeanFactory::newBean('Administration');
        $admin->retrieveSettings(self::CATEGORY, true);
        $out = [];
        foreach (self::DEFAULTS as $key => $default) {
            $value = $admin->settings[self::CATEGORY . '_' . $key] ?? null;
            $out[$key] = $value === null ? $default : (string) $value;
        }
        return $out;
    }

    /** @param array<string, string> $values only the keys of DEFAULTS are saved */
    public static function saveSettings(array $values): void
    {
        $admin = BeanFactory::newBean('Administration');
        foreach (array_keys(self::DEFAULTS) as $key) {
            if (array_key_exists($key, $values)) {
                $admin->saveSetting(self::CATEGORY, $key, (string) $values[$key]);
            }
        }
    }

    public static function client(?array $settings = null): ScrmClient
    {
        $settings = $settings ?? self::settings();
        return new ScrmClient($settings['engine_url'], $settings['secret'], null, [self::class, 'log']);
    }

    /** A token for the signed-in CRM user. */
    public static function tokenForCurrentUser(?array $settings = null): string
    {
        global $current_user;
        $settings = $settings ?? self::settings();
        $groups = [];
        if (class_exists('SecurityGroup')) {
            foreach (SecurityGroup::getUserSecurityGroups($current_user->id) as $group) {
                $groups[] = (string) $group['name'];
            }
        }
        $language = $GLOBALS['current_language'] ?? '';
        if ($language === '') {
            $language = (string) $current_user->getPreference('language');
        }
        return self::client($settings)->tokenForUser(
            [
                'id' => $current_user->id,
                'user_name' => $current_user->user_name,
                'is_admin' => $current_user->isAdmin(),
                'language' => $language,
                'groups' => $groups,
            ],
            ScrmClient::parseRoleMap($settings['role_map']),
            array_filter(array_map('trim', explode(',', $settings['default_roles'])))
        );
    }

    public static function log(string $level, string $message): void
    {
        $logger = LoggerManager::getLogger();
        if ($level === 'error') {
            $logger->error('scrm: ' . $message);
        } else {
            $logger->info('scrm: ' . $message);
        }
    }

    /** Stops the page unless the signed-in user is a CRM administrator. */
    public static function requireAdmin(): void
    {
        global $current_user, $app_strings;
        if (!is_admin($current_user)) {
            sugar_die($app_strings['ERR_NOT_ADMIN']);
        }
    }

    /**
     * A page of the CRM that shows one engine page: its title, then the
     * iframe at $urlFor(client, token for the current user), or why not.
     *
     * @param callable(ScrmClient, string): string $urlFor
     */
    public static function renderFramePage(string $title, callable $urlFor): void
    {
        global $mod_strings;
        echo '<h2 class="module-title-text">' . self::h($title) . '</h2>';
        try {
            $settings = self::settings();
            if ($settings['engine_url'] === '' || $settings['secret'] === '') {
                echo '<p role="alert">' . self::h($mod_strings['LBL_SCRM_NOT_CONFIGURED']) . '</p>';
                return;
            }
            $client = self::client($settings);
            echo ScrmClient::frameHtml($urlFor($client, self::tokenForCurrentUser($settings)), $client->engineOrigin(),
                $title, self::unreachableText($client), '70vh');
        } catch (\Throwable $e) {
            self::log('error', "$title: " . $e->getMessage());
            echo '<p role="alert">' . self::h($mod_strings['LBL_SCRM_UNAVAILABLE']) . '</p>';
        }
    }

    /** What a frame says when the engine does not answer, in the user's language. */
    public static function unreachableText(ScrmClient $client): string
    {
        global $app_strings, $sugar_config;
        $crm = (string) ($sugar_config['site_url'] ?? '');
        $p = parse_url($crm);
        $crmOrigin = isset($p['scheme'], $p['host']) ? $p['scheme'] . '://' . $p['host'] . (isset($p['port']) ? ':' . $p['port'] : '') : $crm;
        $format = (string) ($app_strings['LBL_SCRM_UNREACHABLE']
            ?? 'The Social CRM engine at %1$s does not answer. SuiteCRM works as usual; this panel comes back when the engine does. Administrators: check that scrm serve runs there and that its crm.origin is %2$s.');
        return sprintf($format, $client->engineUrl(), $crmOrigin);
    }

    /** Escapes for HTML text and attributes. */
    public static function h(string $s): string
    {
        return htmlspecialchars($s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
    }
}
