<?php
/**
 * ScrmClient: everything the SuiteCRM plugin says to the scrm engine.
 *
 * - Signs short-lived single sign-on tokens for a CRM user (the format of
 *   docs/api.md#authentication: "v1." CLAIMS "." SIG, HMAC-SHA256 with the
 *   secret the plugin and the engine share) and builds the URLs of the
 *   engine's pages that the CRM shows in iframes.
 * - Sends record events (save, delete, restore) to POST /api/v1/crm/events,
 *   signed with X-Scrm-Signature, with a 2 s timeout. sendEvent() never
 *   throws: a CRM save must never fail or wait because of scrm.
 *
 * Plain PHP (8.1, 8.2), no SuiteCRM dependency, so that it is unit-tested
 * on its own; ScrmSuite adapts it to SuiteCRM's settings, users and log.
 */
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

final class ScrmClient
{
    /** Lifetime of a page token, seconds: the page opens a session with it at once. */
    public const TOKEN_TTL = 300;
    /** Connect plus total time allowed for one call to the engine, milliseconds. */
    public const TIMEOUT_MS = 2000;
    public const EVENTS = ['save', 'delete', 'restore'];
    public const MODULES = ['Contacts', 'Leads', 'Accounts'];

    private string $engineUrl;
    private string $secret;
    /** @var callable(string, string, string, array<string>, int): array{status: int, body: string} */
    private $transport;
    /** @var callable(string, string): void level, message */
    private $logger;
    /** @var callable(): int */
    private $clock;

    /**
     * @param callable|null $transport fn(method, url, body, headers, timeoutMs) => ['status' => int, 'body' => string];
     *                                 throws on a network failure. Default: curl.
     * @param callable|null $logger    fn(level, message); default: error_log
     * @param callable|null $clock     fn() => epoch seconds; default: time()
     */
    public function __construct(
        string $engineUrl,
        string $secret,
        ?callable $transport = null,
        ?callable $logger = null,
        ?callable $clock = null
    ) {
        $this->engineUrl = rtrim(trim($engineUrl), '/');
        $this->secret = $secret;
        $this->transport = $transport ?? [self::class, 'curlTransport'];
        $this->logger = $logger ?? static function (string $level, string $message): void {
            error_log("scrm [$level] $message");
        };
        $this->clock = $clock ?? 'time';
    }

    public function engineUrl(): string
    {
        return $this->engineUrl;
    }

    /** RFC 4648 section 5, without padding. */
    public static function base64UrlEncode(string $bytes): string
    {
        return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
    }

    /** "fr_FR" => "fr", "en_us" => "en"; anything unreadable => "en". */
    public static function langFor(string $crmLanguage): string
    {
        $lang = strtolower(substr(trim($crmLanguage), 0, 2));
        return preg_match('/^[a-z]{2}$/', $lang) ? $lang : 'en';
    }

    /**
     * The setting that maps security group names to engine roles, one
     * "Group name = role" per line (or separated by ';'), to a map of
     * lower-cased group name => list of roles. Lines that name no valid role
     * are skipped (and listed in $invalid so the settings page can say so).
     *
     * @return array<string, list<string>>
     */
    public static function parseRoleMap(string $setting, ?array &$invalid = null): array
    {
        $invalid = [];
        $map = [];
        foreach (preg_split('/[\r\n;]+/', $setting) as $line) {
            $line = trim($line);
            if ($line === '') {
                continue;
            }
            $eq = strrpos($line, '=');
            $group = $eq === false ? '' : strtolower(trim(substr($line, 0, $eq)));
            $role = $eq === false ? '' : trim(substr($line, $eq + 1));
            if ($group === '' || !self::isRole($role)) {
                $invalid[] = $line;
                continue;
            }
            $map[$group][] = $role;
        }
        return $map;
    }

    public static function isRole(string $role): bool
    {
        return (bool) preg_match('/^(admin|marketing|sales|support|community:[A-Za-z0-9_.-]{1,64})$/', $role);
    }

    /**
     * The engine roles of a CRM user: admin from the CRM's admin flag, the
     * others from the names of the user's security groups through the role
     * map, plus the default roles every signed-in user gets.
     *
     * @param list<string> $groupNames
     * @param array<string, list<string>> $roleMap from parseRoleMap()
     * @param list<string> $defaultRoles
     * @return list<string>
     */
    public static function rolesFor(bool $isAdmin, array $groupNames, array $roleMap, array $defaultRoles = []): array
    {
        $roles = $isAdmin ? ['admin'] : [];
        foreach ($defaultRoles as $role) {
            if (self::isRole($role) && $role !== 'admin') {
                $roles[] = $role;
            }
        }
        foreach ($groupNames as $name) {
            foreach ($roleMap[strtolower(trim((string) $name))] ?? [] as $role) {
                $roles[] = $role;
            }
        }
        return array_values(array_unique($roles));
    }

    /**
     * A token for these claims: sub (user id), name, roles, lang; exp and
     * nonce are filled here (now + TOKEN_TTL, 12 random bytes).
     *
     * @param array{sub: string, name?: string, roles?: list<string>, lang?: string} $claims
     */
    public function signToken(array $claims, ?int $ttl = null): string
    {
        if (($claims['sub'] ?? '') === '') {
            throw new InvalidArgumentException('a token needs the user id (sub)');
        }
        $payload = [
            'sub' => (string) $claims['sub'],
            'name' => (string) ($claims['name'] ?? ''),
            'roles' => array_values($claims['roles'] ?? []),
            'lang' => (string) ($claims['lang'] ?? 'en'),
            'exp' => ($this->clock)() + ($ttl ?? self::TOKEN_TTL),
            'nonce' => self::base64UrlEncode(random_bytes(12)),
        ];
        $signed = 'v1.' . self::base64UrlEncode(json_encode($payload, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR));
        return $signed . '.' . self::base64UrlEncode(hash_hmac('sha256', $signed, $this->secret, true));
    }

    /**
     * The token of a CRM user described as
     * ['id', 'user_name', 'is_admin', 'language', 'groups' => [names]].
     *
     * @param array<string, list<string>> $roleMap
     * @param list<string> $defaultRoles
     */
    public function tokenForUser(array $user, array $roleMap, array $defaultRoles = []): string
    {
        return $this->signToken([
            'sub' => (string) ($user['id'] ?? ''),
            'name' => (string) ($user['user_name'] ?? ''),
            'roles' => self::rolesFor(!empty($user['is_admin']), $user['groups'] ?? [], $roleMap, $defaultRoles),
            'lang' => self::langFor((string) ($user['language'] ?? 'en_us')),
        ]);
    }

    /** The Social panel of a record: /ui/records/{module}/{id}?sso=TOKEN. */
    public function recordUrl(string $module, string $id, string $token): string
    {
        return $this->engineUrl . '/ui/records/' . rawurlencode($module) . '/' . rawurlencode($id)
            . '?sso=' . rawurlencode($token);
    }

    public function conversationsUrl(string $token): string
    {
        return $this->engineUrl . '/ui/conversations?sso=' . rawurlencode($token);
    }

    public function adminUrl(string $token): string
    {
        return $this->engineUrl . '/ui/admin?sso=' . rawurlencode($token);
    }

    /** An iframe showing an engine page, with every attribute escaped. */
    public static function iframeHtml(string $url, string $title, string $height = '640px'): string
    {
        $h = static fn (string $s): string => htmlspecialchars($s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
        return '<iframe class="scrm-frame" src="' . $h($url) . '" title="' . $h($title) . '"'
            . ' style="width:100%;height:' . $h($height) . ';border:0"'
            . ' sandbox="allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox allow-downloads"'
            . ' referrerpolicy="no-referrer"></iframe>';
    }

    /** The JSON body of a record event: {module, id, event, at}. */
    public function eventPayload(string $module, string $id, string $event, ?int $at = null): string
    {
        if (!in_array($module, self::MODULES, true)) {
            throw new InvalidArgumentException("scrm does not follow module '$module'");
        }
        if ($id === '') {
            throw new InvalidArgumentException('a record event needs the record id');
        }
        if (!in_array($event, self::EVENTS, true)) {
            throw new InvalidArgumentException("unknown record event '$event' (save, delete, restore)");
        }
        return json_encode(
            ['module' => $module, 'id' => $id, 'event' => $event, 'at' => gmdate('Y-m-d\TH:i:s\Z', $at ?? ($this->clock)())],
            JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR
        );
    }

    /** "sha256=" + lower-case hex HMAC-SHA256 of the exact body. */
    public function signBody(string $body): string
    {
        return 'sha256=' . hash_hmac('sha256', $body, $this->secret);
    }

    /**
     * Tells the engine a record changed. Returns whether the engine accepted
     * it (202); never throws and never takes more than TIMEOUT_MS: every
     * failure is logged and swallowed.
     */
    public function sendEvent(string $module, string $id, string $event): bool
    {
        try {
            if ($this->engineUrl === '' || $this->secret === '') {
                return false;  // not configured yet: nothing to tell
            }
            $body = $this->eventPayload($module, $id, $event);
            $answer = ($this->transport)('POST', $this->engineUrl . '/api/v1/crm/events', $body, [
                'Content-Type: application/json',
                'X-Scrm-Signature: ' . $this->signBody($body),
            ], self::TIMEOUT_MS);
            if (($answer['status'] ?? 0) !== 202) {
                $this->log('error', "engine refused the $event event of $module/$id: HTTP "
                    . ($answer['status'] ?? 0) . ' ' . substr((string) ($answer['body'] ?? ''), 0, 300));
                return false;
            }
            return true;
        } catch (\Throwable $e) {
            $this->log('error', "could not send the $event event of $module/$id: " . get_class($e) . ': ' . $e->getMessage());
            return false;
        }
    }

    /**
     * Settings page check: is the engine up (GET /readyz), and does it accept
     * a token signed with our secret (GET /api/v1/saved-searches)?
     *
     * @return array{ok: bool, message: string}
     */
    public function testConnection(): array
    {
        try {
            if ($this->engineUrl === '') {
                return ['ok' => false, 'message' => 'no engine URL set'];
            }
            $ready = ($this->transport)('GET', $this->engineUrl . '/readyz', '', [], self::TIMEOUT_MS);
            if ($ready['status'] !== 200) {
                return ['ok' => false, 'message' => 'engine is not ready: HTTP ' . $ready['status'] . ' ' . substr($ready['body'], 0, 300)];
            }
            if ($this->secret === '') {
                return ['ok' => false, 'message' => 'engine is ready, but no shared secret is set'];
            }
            $token = $this->signToken(['sub' => 'scrm-connection-test', 'name' => 'connection test', 'roles' => []], 60);
            $auth = ($this->transport)('GET', $this->engineUrl . '/api/v1/saved-searches', '', ['Authorization: Bearer ' . $token], self::TIMEOUT_MS);
            if ($auth['status'] === 401) {
                return ['ok' => false, 'message' => 'engine is ready but refuses our tokens: the shared secret differs from the engine\'s SCRM_SECRET'];
            }
            if ($auth['status'] !== 200) {
                return ['ok' => false, 'message' => 'engine is ready but a signed request answered HTTP ' . $auth['status']];
            }
            return ['ok' => true, 'message' => 'engine is ready and accepts the shared secret'];
        } catch (\Throwable $e) {
            return ['ok' => false, 'message' => 'cannot reach the engine: ' . $e->getMessage()];
        }
    }

    private function log(string $level, string $message): void
    {
        try {
            ($this->logger)($level, $message);
        } catch (\Throwable $ignored) {
            // Logging must not break a save either.
        }
    }

    /**
     * The default transport: curl with the connect and total time bounded.
     *
     * @param list<string> $headers
     * @return array{status: int, body: string}
     */
    public static function curlTransport(string $method, string $url, string $body, array $headers, int $timeoutMs): array
    {
        if (!function_exists('curl_init')) {
            throw new RuntimeException('the PHP curl extension is not installed');
        }
        $ch = curl_init($url);
        curl_setopt_array($ch, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_CONNECTTIMEOUT_MS => $timeoutMs,
            CURLOPT_TIMEOUT_MS => $timeoutMs,
            CURLOPT_NOSIGNAL => true,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_PROTOCOLS => CURLPROTO_HTTP | CURLPROTO_HTTPS,
        ]);
        if ($method !== 'GET') {
            curl_setopt($ch, CURLOPT_POSTFIELDS, $body);
        }
        $answer = curl_exec($ch);
        if ($answer === false) {
            $error = curl_error($ch);
            curl_close($ch);
            throw new RuntimeException("$method $url failed: $error");
        }
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        curl_close($ch);
        return ['status' => $status, 'body' => (string) $answer];
    }
}
