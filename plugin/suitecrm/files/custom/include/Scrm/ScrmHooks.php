<?php
/**
 * ScrmHooks: the plugin's logic hooks (declared in manifest.php).
 *
 * - after_save, after_delete, after_restore of Contacts, Leads and Accounts
 *   tell the engine which record changed, so that it re-reads and re-matches
 *   it; sent when the request ends (see queue()). Modelled on SuiteCRM's
 *   ElasticSearchHooks: every Throwable is caught and logged, each call is
 *   bounded by ScrmClient::TIMEOUT_MS and the first failure stops the rest,
 *   so a save never fails, and never waits long, because of scrm.
 * - after_ui_frame of the same modules adds the Social panel (an iframe to
 *   the engine's /ui/records/{module}/{id}) to their detail views, like the
 *   InsideView connector adds its frame, without touching the detail view
 *   layouts an administrator may have customised in Studio.
 */
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

require_once __DIR__ . '/ScrmClient.php';

class ScrmHooks
{
    /** At most this many events per request (an import saving thousands of
     *  records leaves the rest to the engine's interval sync). */
    public const MAX_EVENTS_PER_REQUEST = 200;

    /** @var callable|null fn() => ScrmClient; tests replace the SuiteCRM one */
    public static $clientFactory = null;
    /** @var array<string, array{0: string, 1: string, 2: string}> this request's events, by module/id/event */
    private static array $queue = [];
    private static ?ScrmClient $client = null;
    private static bool $flushRegistered = false;
    private static bool $panelShown = false;
    private static int $overflow = 0;

    public function afterSave($bean, $event = null, $arguments = []): void
    {
        $this->queue($bean, 'save');
    }

    public function afterDelete($bean, $event = null, $arguments = []): void
    {
        $this->queue($bean, 'delete');
    }

    public function afterRestore($bean, $event = null, $arguments = []): void
    {
        $this->queue($bean, 'restore');
    }

    /** Forgets this request's events (tests). */
    public static function reset(): void
    {
        self::$queue = [];
        self::$client = null;
        self::$overflow = 0;
    }

    /**
     * Events wait for the end of the request: Person::save (Contacts, Leads)
     * runs its after_save hooks before it writes the record's e-mail
     * addresses, so an event sent from the hook would make the engine read
     * the old ones. The client (settings) is made at the first event, while
     * the database is still open; sugar_cleanup closes it before this runs.
     */
    private function queue($bean, string $event): void
    {
        try {
            $module = (string) ($bean->module_dir ?? $bean->module_name ?? '');
            $id = (string) ($bean->id ?? '');
            if ($id === '' || !in_array($module, ScrmClient::MODULES, true)) {
                return;
            }
            // A save can run its after_save hooks more than once (workflows,
            // related saves); the engine reads the record anyway, once is enough.
            $key = "$module/$id/$event";
            if (isset(self::$queue[$key])) {
                return;
            }
            if (count(self::$queue) >= self::MAX_EVENTS_PER_REQUEST) {
                self::$overflow++;
                return;
            }
            self::$client = self::$client ?? self::client();
            self::$queue[$key] = [$module, $id, $event];
            if (!self::$flushRegistered) {
                register_shutdown_function([self::class, 'flush']);
                self::$flushRegistered = true;
            }
        } catch (\Throwable $e) {
            self::logFailure("the $event hook failed: " . get_class($e) . ': ' . $e->getMessage());
        }
    }

    /**
     * Sends this request's events (at shutdown). After the first one that
     * fails, the rest are not tried: the engine is down or refuses us, and
     * each try could cost the full timeout. Never throws.
     */
    public static function flush(): void
    {
        try {
            $queue = self::$queue;
            $client = self::$client;
            $skipped = self::$overflow;
            self::reset();
            $sent = 0;
            foreach ($queue as [$module, $id, $event]) {
                if (!$client->sendEvent($module, $id, $event)) {
                    $skipped += count($queue) - $sent - 1;
                    break;
                }
                $sent++;
            }
            if ($skipped > 0) {
                self::logFailure("$skipped record events of this request were not sent; the engine's CRM sync will pick those records up");
            }
        } catch (\Throwable $e) {
            self::logFailure('sending record events failed: ' . get_class($e) . ': ' . $e->getMessage());
        }
    }

    /** after_ui_frame: the Social panel under a record's detail view, once per request. */
    public function showPanel(...$ignored): void
    {
        try {
            if (self::$panelShown) {
                return;
            }
            $controller = $GLOBALS['app']->controller ?? null;
            if ($controller === null || ($controller->action ?? '') !== 'DetailView') {
                return;
            }
            $bean = $controller->bean ?? null;
            $module = (string) ($bean->module_dir ?? '');
            if (empty($bean->id) || !in_array($module, ScrmClient::MODULES, true)) {
                return;
            }
            require_once __DIR__ . '/ScrmSuite.php';
            $settings = ScrmSuite::settings();
            if ($settings['engine_url'] === '' || $settings['secret'] === '') {
                return;
            }
            self::$panelShown = true;
            $client = ScrmSuite::client($settings);
            $url = $client->recordUrl($module, (string) $bean->id, ScrmSuite::tokenForCurrentUser($settings));
            echo self::panelHtml($client, $url, (string) ($GLOBALS['app_strings']['LBL_SCRM_SOCIAL_PANEL'] ?? 'Social'),
                ScrmSuite::unreachableText($client));
        } catch (\Throwable $e) {
            self::logFailure('the Social panel failed: ' . get_class($e) . ': ' . $e->getMessage());
        }
    }

    /**
     * The panel: a SuiteP panel holding the engine's page, placed at the end
     * of the detail view (after_ui_frame output comes after the page's
     * footer) before its frame is created (ScrmClient::frameHtml).
     */
    public static function panelHtml(ScrmClient $client, string $url, string $title, string $unreachable): string
    {
        $t = htmlspecialchars($title, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
        return '<div id="scrm-social-panel" class="panel panel-default scrm-social" role="region" aria-label="' . $t . '">'
            . '<div class="panel-heading"><h4 class="panel-title">' . $t . '</h4></div>'
            . '<div class="panel-body">' . ScrmClient::frameHtml($url, $client->engineOrigin(), $title, $unreachable) . '</div></div>';
    }

    private static function client(): ScrmClient
    {
        if (self::$clientFactory !== null) {
            return (self::$clientFactory)();
        }
        require_once __DIR__ . '/ScrmSuite.php';
        return ScrmSuite::client();
    }

    private static function logFailure(string $message): void
    {
        try {
            if (class_exists('LoggerManager')) {
                LoggerManager::getLogger()->error('scrm: ' . $message);
            } else {
                error_log('scrm: ' . $message);
            }
        } catch (\Throwable $ignored) {
        }
    }
}
