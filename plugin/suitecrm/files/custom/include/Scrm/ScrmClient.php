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

    /**
     * Whether $url can be the engine's base URL: http or https, a host, an
     * optional port and path, no query, fragment, user or password.
     */
    public static function isEngineUrl(string $url): bool
    {
        if (!preg_match('#^https?://[^\s?\#]+$#i', $url)) {
            return false;  // another scheme, a space, a query or a fragment
        }
        $parts = parse_url($url);
        return $parts !== false && ($parts['host'] ?? '') !== ''
            && !isset($parts['user']) && !isset($parts['pass']);
    }

    /** "https://scrm.example.com:8443/base" => "https://scrm.example.com:8443": where its pages' messages come from. */
    public function engineOrigin(): string
    {
        $p = parse_url($this->engineUrl);
        if ($p === false || !isset($p['scheme'], $p['host'])) {
            return '';
        }
        $host = str_contains($p['host'], ':') && $p['host'][0] !== '[' ? '[' . $p['host'] . ']' : $p['host'];
        return strtolower($p['scheme']) . '://' . strtolower($host) . (isset($p['port']) ? ':' . $p['port'] : '');
    }

    /** The Social panel of a record: /ui/records/{module}/{id}?sso=TOKEN. */
    public function recordUrl(string $module, string $id, string $token): string
    {
        return $this->engineUrl . '/ui/records/' . rawurlencode($module) . '/' . rawurlencode($id)
            . '?embed=crm&sso=' . rawurlencode($token);
    }

    public function conversationsUrl(string $token): string
    {
        return $this->engineUrl . '/ui/conversations?embed=crm&sso=' . rawurlencode($token);
    }

    public function adminUrl(string $token): string
    {
        return $this->engineUrl . '/ui/admin?embed=crm&sso=' . rawurlencode($token);
    }

    /**
     * An engine page in the CRM: a placeholder whose script (FRAME_SCRIPT)
     * creates the iframe once the placeholder is where it stays (an iframe
     * moved in the DOM loads again, and its one-time sign-on link would be
     * refused the second time), sizes it to the page's "size" messages, turns
     * its "create-case" and "create-lead" messages into the plugin's pages,
     * and says plainly when the engine does not answer. Every attribute is
     * escaped; the messages are taken only from $origin and from that frame.
     *
     * @param string $unreachable the text shown when the engine does not answer
     */
    public static function frameHtml(string $url, string $origin, string $title, string $unreachable, string $minHeight = '320px'): string
    {
        $h = static fn (string $s): string => htmlspecialchars($s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
        return '<div class="scrm-frame-box" data-scrm-src="' . $h($url) . '" data-scrm-origin="' . $h($origin) . '"'
            . ' data-scrm-title="' . $h($title) . '" data-scrm-min-height="' . $h($minHeight) . '">'
            . '<p class="scrm-unreachable alert alert-warning" role="alert" hidden>' . $h($unreachable) . '</p></div>'
            . '<script>' . self::FRAME_SCRIPT . '</script>';
    }

    /**
     * The script of frameHtml(): starts every placeholder not started yet
     * (so a page that prints two panels still signs on once per frame).
     * Messages from the engine's pages (docs/ui.md, "Messages to the
     * embedding CRM"): {scrm: 1, type: "size", height}, {scrm: 1, type:
     * "create-case", record, post}, {scrm: 1, type: "create-lead", profile}.
     */
    public const FRAME_SCRIPT = <<<'JS'
(function () {
  var boxes = document.querySelectorAll('.scrm-frame-box:not([data-scrm-started])');
  Array.prototype.forEach.call(boxes, function (box) {
    box.setAttribute('data-scrm-started', '1');
    var panel = box.closest('.scrm-social');
    if (panel) {
      var view = document.querySelector('.detail-view') || document.getElementById('content');
      if (view && !view.contains(panel)) view.appendChild(panel);
    }
    var origin = box.getAttribute('data-scrm-origin');
    var notice = box.querySelector('.scrm-unreachable');
    var heard = false;
    var frame = document.createElement('iframe');
    frame.className = 'scrm-frame';
    frame.title = box.getAttribute('data-scrm-title');
    frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox allow-downloads');
    frame.setAttribute('referrerpolicy', 'no-referrer');
    frame.style.cssText = 'width:100%;border:0;display:block;height:' + box.getAttribute('data-scrm-min-height');
    function unreachable() {
      if (heard) return;
      notice.hidden = false;
      frame.style.display = 'none';
    }
    function open(action, fields) {
      var q = new URLSearchParams({module: 'SCRM_Conversations', action: action});
      Object.keys(fields).forEach(function (k) {
        var v = fields[k];
        if (v !== undefined && v !== null && v !== '') q.set(k, String(v).slice(0, 2000));
      });
      window.location.href = 'index.php?' + q.toString();
    }
    window.addEventListener('message', function (e) {
      var m = e.data;
      if (e.origin !== origin || e.source !== frame.contentWindow || !m || m.scrm !== 1) return;
      if (!heard) {
        heard = true;
        notice.hidden = true;
        frame.style.display = 'block';
      }
      if (m.type === 'size' && m.height > 0) {
        frame.style.height = Math.min(Math.ceil(m.height), 20000) + 'px';
      } else if (m.type === 'create-case' && m.post) {
        var r = m.record || {};
        open('CreateCase', {record_module: r.module, record_id: r.id, post_id: m.post.id, post_url: m.post.url,
          post_text: m.post.text, post_author: m.post.author, post_published: m.post.published});
      } else if (m.type === 'create-lead' && m.profile) {
        var p = m.profile;
        open('CreateLead', {profile_id: p.id, name: p.name, handle: p.handle, url: p.url, network: p.network, email: p.email});
      }
    });
    // A page of the engine says its size as soon as it loads; an error page
    // (engine down, refused connection) says nothing.
    frame.addEventListener('load', function () { setTimeout(unreachable, 2000); });
    setTimeout(unreachable, 10000);
    box.appendChild(frame);
    frame.src = box.getAttribute('data-scrm-src');
  });
})();
JS;

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
     * a token signed with our secret (GET /api/v1/saved-searches, as a
     * viewer: the least role there is)? Each failure's message names the fix.
     *
     * @return array{ok: bool, message: string}
     */
    public function testConnection(): array
    {
        $url = $this->engineUrl;
        try {
            if ($url === '') {
                return ['ok' => false, 'message' => 'no engine URL is set: enter the address where this CRM server reaches scrm serve, e.g. https://scrm.example.com'];
            }
            try {
                $ready = ($this->transport)('GET', $url . '/readyz', '', [], self::TIMEOUT_MS);
            } catch (\Throwable $e) {
                return ['ok' => false, 'message' => "cannot reach the engine at $url (" . $e->getMessage() . '): check that scrm serve is running there and that this CRM server can reach that address and port'];
            }
            if ($ready['status'] !== 200) {
                return ['ok' => false, 'message' => "the engine at $url is not ready (HTTP " . $ready['status'] . '): ' . substr($ready['body'], 0, 300) . ' (see GET /readyz and the engine log)'];
            }
            if ($this->secret === '') {
                return ['ok' => false, 'message' => 'the engine is ready, but no shared secret is set: enter the engine\'s secret (its SCRM_SECRET)'];
            }
            $token = $this->signToken(['sub' => 'scrm-connection-test', 'name' => 'connection test', 'roles' => ['viewer']], 60);
            $auth = ($this->transport)('GET', $url . '/api/v1/saved-searches', '', ['Authorization: Bearer ' . $token], self::TIMEOUT_MS);
            if ($auth['status'] === 401) {
                return ['ok' => false, 'message' => 'the engine is ready but refuses our signature (HTTP 401): the shared secret differs from the engine\'s secret; enter the engine\'s SCRM_SECRET here'];
            }
            if ($auth['status'] !== 200) {
                return ['ok' => false, 'message' => 'the engine is ready but a signed request answered HTTP ' . $auth['status'] . ': ' . substr($auth['body'], 0, 300)];
            }
            return ['ok' => true, 'message' => "the engine at $url is ready and accepts the shared secret"];
        } catch (\Throwable $e) {
            return ['ok' => false, 'message' => 'the connection test failed: ' . $e->getMessage()];
        }
    }

    /**
     * Links the engine's profile to a CRM record (POST /api/v1/links) with
     * $token, the signed-in user's: the engine records the decision as theirs.
     *
     * @return array{ok: bool, message: string}
     */
    public function linkProfile(string $token, int $profileId, string $module, string $id): array
    {
        try {
            $body = json_encode(['profile_id' => $profileId, 'crm_module' => $module, 'crm_id' => $id], JSON_THROW_ON_ERROR);
            $answer = ($this->transport)('POST', $this->engineUrl . '/api/v1/links', $body, [
                'Content-Type: application/json',
                'Authorization: Bearer ' . $token,
            ], self::TIMEOUT_MS);
            if ($answer['status'] === 200 || $answer['status'] === 201) {
                return ['ok' => true, 'message' => 'linked'];
            }
            $error = json_decode($answer['body'], true);
            return ['ok' => false, 'message' => 'HTTP ' . $answer['status'] . ': ' . (is_array($error) ? (string) ($error['error']['message'] ?? $error['message'] ?? $answer['body']) : substr($answer['body'], 0, 300))];
        } catch (\Throwable $e) {
            return ['ok' => false, 'message' => $e->getMessage()];
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
