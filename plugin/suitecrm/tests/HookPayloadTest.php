<?php
// What the logic hooks send, and that they never fail or hold up a save.
use PHPUnit\Framework\TestCase;

final class HookPayloadTest extends TestCase
{
    /** @var list<array> */
    private array $calls = [];
    /** @var list<string> */
    private array $logged = [];

    protected function setUp(): void
    {
        ScrmHooks::reset();
        ScrmHooks::$clientFactory = null;
    }

    private function client(string $url = 'https://scrm.example.com', ?callable $transport = null): ScrmClient
    {
        return new ScrmClient(
            $url,
            'hook-secret',
            $transport ?? function (string $method, string $u, string $body, array $headers, int $timeout): array {
                $this->calls[] = compact('method', 'u', 'body', 'headers', 'timeout');
                return ['status' => 202, 'body' => '{}'];
            },
            function (string $level, string $message): void {
                $this->logged[] = "$level: $message";
            },
            fn () => 1_790_000_000
        );
    }

    private static function bean(string $module, string $id): object
    {
        $bean = new stdClass();
        $bean->module_dir = $module;
        $bean->id = $id;
        return $bean;
    }

    public function testEachHookSendsASignedEvent(): void
    {
        ScrmHooks::$clientFactory = fn () => $this->client();
        $hooks = new ScrmHooks();
        $hooks->afterSave(self::bean('Contacts', 'c-1'), 'after_save', []);
        $hooks->afterDelete(self::bean('Leads', 'l-1'), 'after_delete', []);
        $hooks->afterRestore(self::bean('Accounts', 'a-1'), 'after_restore', []);
        $this->assertCount(0, $this->calls, 'sent when the request ends, after the e-mails are saved');
        ScrmHooks::flush();

        $this->assertCount(3, $this->calls);
        $expected = [['Contacts', 'c-1', 'save'], ['Leads', 'l-1', 'delete'], ['Accounts', 'a-1', 'restore']];
        foreach ($this->calls as $i => $call) {
            $this->assertSame('POST', $call['method']);
            $this->assertSame('https://scrm.example.com/api/v1/crm/events', $call['u']);
            $this->assertSame(
                ['module' => $expected[$i][0], 'id' => $expected[$i][1], 'event' => $expected[$i][2], 'at' => '2026-09-21T14:13:20Z'],
                json_decode($call['body'], true)
            );
            $this->assertContains('X-Scrm-Signature: sha256=' . hash_hmac('sha256', $call['body'], 'hook-secret'), $call['headers']);
            $this->assertContains('Content-Type: application/json', $call['headers']);
            $this->assertSame(2000, $call['timeout'], 'connect plus total: 2 s');
        }
        $this->assertSame([], $this->logged);
    }

    public function testOtherModulesAndRepeatsInOneRequestSendNothing(): void
    {
        ScrmHooks::$clientFactory = fn () => $this->client();
        $hooks = new ScrmHooks();
        $hooks->afterSave(self::bean('Opportunities', 'o-1'));
        $hooks->afterSave(self::bean('Contacts', ''));
        $hooks->afterSave(self::bean('Contacts', 'c-1'));
        $hooks->afterSave(self::bean('Contacts', 'c-1'));
        ScrmHooks::flush();
        $this->assertCount(1, $this->calls);
        ScrmHooks::flush();
        $this->assertCount(1, $this->calls, 'a flush sends each event once');
    }

    public function testAnImportSendsAtMostTheCapAndTheRestIsLogged(): void
    {
        ScrmHooks::$clientFactory = fn () => $this->client();
        $hooks = new ScrmHooks();
        for ($i = 0; $i < ScrmHooks::MAX_EVENTS_PER_REQUEST + 5; $i++) {
            $hooks->afterSave(self::bean('Leads', "l-$i"));
        }
        $log = $this->captureErrorLog(fn () => ScrmHooks::flush());
        $this->assertCount(ScrmHooks::MAX_EVENTS_PER_REQUEST, $this->calls);
        $this->assertStringContainsString('5 record events of this request were not sent', $log);
    }

    public function testTheFirstFailureStopsTheRestOfTheRequest(): void
    {
        $tries = 0;
        ScrmHooks::$clientFactory = function () use (&$tries): ScrmClient {
            return $this->client('https://e', function () use (&$tries): array {
                $tries++;
                throw new RuntimeException('connection timed out after 2000 ms');
            });
        };
        $hooks = new ScrmHooks();
        foreach (['c-1', 'c-2', 'c-3'] as $id) {
            $hooks->afterSave(self::bean('Contacts', $id));
        }
        $log = $this->captureErrorLog(fn () => ScrmHooks::flush());
        $this->assertSame(1, $tries, 'a down engine costs one timeout per request, not one per record');
        $this->assertStringContainsString('connection timed out', $this->logged[0]);
        $this->assertStringContainsString('2 record events of this request were not sent', $log);
    }

    private function captureErrorLog(callable $run): string
    {
        $file = tempnam(sys_get_temp_dir(), 'scrm-error-log');
        $previous = ini_set('error_log', $file);
        try {
            $run();
        } finally {
            ini_set('error_log', $previous === false ? '' : $previous);
        }
        $text = file_get_contents($file);
        unlink($file);
        return $text;
    }

    public function testNoThrowableEscapesAHook(): void
    {
        ScrmHooks::$clientFactory = function (): ScrmClient {
            throw new Error('settings table missing');
        };
        $log = $this->captureErrorLog(fn () => (new ScrmHooks())->afterSave(self::bean('Contacts', 'c-1')));
        $this->assertStringContainsString('scrm: the save hook failed: Error: settings table missing', $log);

        ScrmHooks::reset();
        ScrmHooks::$clientFactory = fn () => $this->client('https://e', function (): array {
            throw new TypeError('transport broke');
        });
        (new ScrmHooks())->afterDelete(self::bean('Contacts', 'c-1'));
        ScrmHooks::flush();
        $this->assertCount(1, $this->logged);
        $this->assertStringContainsString('TypeError: transport broke', $this->logged[0]);
    }

    public function testARefusedEventIsLoggedWithTheEnginesAnswer(): void
    {
        $client = $this->client('https://e', fn (): array => ['status' => 401, 'body' => '{"error":{"code":"unauthenticated"}}']);
        $this->assertFalse($client->sendEvent('Contacts', 'c-1', 'save'));
        $this->assertStringContainsString('HTTP 401 {"error"', $this->logged[0]);
        $this->assertFalse($client->sendEvent('Contacts', 'c-1', 'merge'), 'unknown events are refused here');
        $this->assertStringContainsString("unknown record event 'merge'", $this->logged[1]);
    }

    public function testThePanelIsOnlyForDetailViewsOfFollowedModules(): void
    {
        $this->expectOutputString('');
        unset($GLOBALS['app']);
        (new ScrmHooks())->showPanel('after_ui_frame', []);
        $GLOBALS['app'] = (object) ['controller' => (object) ['action' => 'EditView', 'bean' => self::bean('Contacts', 'c-1')]];
        (new ScrmHooks())->showPanel('after_ui_frame', []);
        $GLOBALS['app'] = (object) ['controller' => (object) ['action' => 'DetailView', 'bean' => self::bean('Opportunities', 'o-1')]];
        (new ScrmHooks())->showPanel('after_ui_frame', []);
        unset($GLOBALS['app']);
    }

    public function testAnUnconfiguredPluginSendsNothing(): void
    {
        $this->assertFalse((new ScrmClient('', 'k', fn () => $this->fail('no call')))->sendEvent('Contacts', 'c', 'save'));
        $this->assertFalse((new ScrmClient('https://e', '', fn () => $this->fail('no call')))->sendEvent('Contacts', 'c', 'save'));
    }

    /** The real curl transport against a stand-in engine (php -S). */
    public function testCurlSendsTheEventAndGivesUpAfterTwoSeconds(): void
    {
        $log = tempnam(sys_get_temp_dir(), 'scrm-stand-in');
        $port = self::freePort();
        $server = proc_open(
            [PHP_BINARY, '-S', "127.0.0.1:$port", __DIR__ . '/fixtures/engine_stand_in.php'],
            [0 => ['pipe', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes,
            null,
            ['SCRM_STAND_IN_LOG' => $log]
        );
        try {
            self::waitForPort($port);
            $logger = function (string $level, string $message): void {
                $this->logged[] = "$level: $message";
            };
            $client = new ScrmClient("http://127.0.0.1:$port", 'hook-secret', null, $logger);
            $this->assertTrue($client->sendEvent('Contacts', 'c-9', 'save'));
            $seen = json_decode(trim(file_get_contents($log)), true);
            $this->assertSame('POST', $seen['method']);
            $this->assertSame('application/json', $seen['content_type']);
            $this->assertSame('sha256=' . hash_hmac('sha256', $seen['body'], 'hook-secret'), $seen['signature']);
            $this->assertSame('c-9', json_decode($seen['body'], true)['id']);

            $down = new ScrmClient("http://127.0.0.1:$port/down", 'hook-secret', null, $logger);
            $this->assertFalse($down->sendEvent('Contacts', 'c-9', 'save'));
            $this->assertStringContainsString('HTTP 503', end($this->logged));

            $slow = new ScrmClient("http://127.0.0.1:$port/slow", 'hook-secret', null, $logger);
            $t0 = microtime(true);
            $this->assertFalse($slow->sendEvent('Contacts', 'c-9', 'save'));
            $elapsed = microtime(true) - $t0;
            $this->assertGreaterThanOrEqual(1.9, $elapsed);
            $this->assertLessThan(3.0, $elapsed, 'a slow engine holds a save up 2 s at most');
            $this->assertStringContainsString('could not send the save event of Contacts/c-9', end($this->logged));

            $closed = new ScrmClient('http://127.0.0.1:' . self::freePort(), 'hook-secret', null, $logger);
            $this->assertFalse($closed->sendEvent('Leads', 'l-1', 'delete'));
        } finally {
            proc_terminate($server);
            proc_close($server);
            @unlink($log);
        }
    }

    private static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr($name, strrpos($name, ':') + 1);
    }

    private static function waitForPort(int $port): void
    {
        for ($i = 0; $i < 100; $i++) {
            $c = @fsockopen('127.0.0.1', $port, $errno, $errstr, 0.1);
            if ($c) {
                fclose($c);
                return;
            }
            usleep(50_000);
        }
        throw new RuntimeException("php -S did not start on port $port");
    }
}
