<?php
// Token signing: the format of docs/api.md#authentication, byte for byte.
use PHPUnit\Framework\TestCase;

final class TokenTest extends TestCase
{
    private static function decode(string $part): string
    {
        $b64 = strtr($part, '-_', '+/');
        return base64_decode($b64 . str_repeat('=', (4 - strlen($b64) % 4) % 4), true);
    }

    public function testTokenIsV1ClaimsSignatureWithHmacSha256(): void
    {
        $client = new ScrmClient('https://scrm.example.com/', 's3cret', null, null, fn () => 1_800_000_000);
        $token = $client->signToken(['sub' => 'u-42', 'name' => 'Éric', 'roles' => ['sales'], 'lang' => 'fr']);

        $this->assertMatchesRegularExpression('/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/', $token, 'base64url, unpadded');
        [$version, $claims, $sig] = explode('.', $token);
        $this->assertSame('v1', $version);
        $this->assertSame(hash_hmac('sha256', "v1.$claims", 's3cret', true), self::decode($sig));
        $json = json_decode(self::decode($claims), true, 8, JSON_THROW_ON_ERROR);
        $this->assertSame('u-42', $json['sub']);
        $this->assertSame('Éric', $json['name']);
        $this->assertSame(['sales'], $json['roles']);
        $this->assertSame('fr', $json['lang']);
        $this->assertSame(1_800_000_000 + ScrmClient::TOKEN_TTL, $json['exp']);
        $this->assertLessThanOrEqual(600, ScrmClient::TOKEN_TTL, 'a page token lives a few minutes');
        $this->assertSame(16, strlen($json['nonce']), '12 random bytes');
    }

    public function testEveryTokenHasItsOwnNonce(): void
    {
        $client = new ScrmClient('https://e', 'k');
        $a = $client->signToken(['sub' => '1']);
        $b = $client->signToken(['sub' => '1']);
        $this->assertNotSame($a, $b);
    }

    public function testATokenNeedsAUserId(): void
    {
        $this->expectException(InvalidArgumentException::class);
        (new ScrmClient('https://e', 'k'))->signToken(['sub' => '']);
    }

    public function testRolesComeFromTheAdminFlagAndSecurityGroups(): void
    {
        $invalid = null;
        $map = ScrmClient::parseRoleMap("Sales Team = sales\nMarketing=marketing; Lyon users = community:lyon\nbroken line\nX = root", $invalid);
        $this->assertSame(['sales team' => ['sales'], 'marketing' => ['marketing'], 'lyon users' => ['community:lyon']], $map);
        $this->assertSame(['broken line', 'X = root'], $invalid, 'bad lines are reported, not guessed');

        $this->assertSame(['admin'], ScrmClient::rolesFor(true, [], $map));
        $this->assertSame(['sales', 'community:lyon'], ScrmClient::rolesFor(false, ['SALES TEAM', 'Lyon users', 'Unmapped'], $map));
        $this->assertSame(['sales', 'marketing'], ScrmClient::rolesFor(false, ['Marketing'], $map, ['sales', 'admin']),
            'default roles apply to everyone, but never grant admin');
        $this->assertSame([], ScrmClient::rolesFor(false, ['Unmapped'], $map));
    }

    /** @dataProvider languages */
    public function testLanguageOfTheCrmUser(string $crm, string $engine): void
    {
        $this->assertSame($engine, ScrmClient::langFor($crm));
    }

    public function languages(): array
    {
        return [['fr_FR', 'fr'], ['en_us', 'en'], ['de_DE', 'de'], ['', 'en'], ['1x', 'en']];
    }

    public function testTokenForAUserCarriesIdNameRolesAndLanguage(): void
    {
        $client = new ScrmClient('https://e', 'k', null, null, fn () => 100);
        $token = $client->tokenForUser(
            ['id' => 'seed_sally_id', 'user_name' => 'sally', 'is_admin' => false, 'language' => 'fr_FR', 'groups' => ['Sales Team']],
            ScrmClient::parseRoleMap('Sales Team=sales')
        );
        $json = json_decode(self::decode(explode('.', $token)[1]), true);
        $this->assertSame(['seed_sally_id', 'sally', ['sales'], 'fr'], [$json['sub'], $json['name'], $json['roles'], $json['lang']]);
    }

    public function testPageUrlsAndTheFrameAreEscaped(): void
    {
        $client = new ScrmClient('https://scrm.example.com/base/', 'k');
        $this->assertSame('https://scrm.example.com/base/ui/records/Contacts/a%2Fb%20c?embed=crm&sso=v1.x-y_z.s',
            $client->recordUrl('Contacts', 'a/b c', 'v1.x-y_z.s'));
        $this->assertSame('https://scrm.example.com/base/ui/conversations?embed=crm&sso=t', $client->conversationsUrl('t'));
        $this->assertSame('https://scrm.example.com/base/ui/admin?embed=crm&sso=t', $client->adminUrl('t'));
        $this->assertSame('https://scrm.example.com', $client->engineOrigin());
        $this->assertSame('http://127.0.0.1:8080', (new ScrmClient('HTTP://127.0.0.1:8080', 'k'))->engineOrigin());

        $html = ScrmClient::frameHtml('https://e/ui?a=1&b="2"', 'https://e', 'Social <b>', 'down <i>');
        $this->assertStringContainsString('data-scrm-src="https://e/ui?a=1&amp;b=&quot;2&quot;"', $html);
        $this->assertStringContainsString('data-scrm-title="Social &lt;b&gt;"', $html);
        $this->assertStringContainsString('data-scrm-origin="https://e"', $html);
        $this->assertStringContainsString('down &lt;i&gt;', $html);
        $this->assertStringNotContainsString('<b>', $html);
        $this->assertStringNotContainsString('<i>', $html);
        // The frame is made by the script, once the placeholder is in place: no iframe in the markup.
        $this->assertStringNotContainsString('<iframe', $html);

        $panel = ScrmHooks::panelHtml($client, 'https://e/ui/records/Leads/1?sso=t', 'Social', 'down');
        $this->assertStringContainsString('role="region" aria-label="Social"', $panel);
        $this->assertStringContainsString('data-scrm-src="https://e/ui/records/Leads/1?sso=t"', $panel);
    }

    public function testEngineUrlsAreCheckedWithoutRegexTraps(): void
    {
        foreach (['http://127.0.0.1:8080', 'https://scrm.example.com/base/', 'http://[::1]:8080', 'HTTPS://Scrm.Example.com'] as $ok) {
            $this->assertTrue(ScrmClient::isEngineUrl($ok), $ok);
        }
        foreach (['', 'ftp://x', 'http://', 'https://a b', 'https://x?y=1', 'https://x#f', 'https://u:p@x', 'javascript:alert(1)', 'scrm.example.com'] as $no) {
            $this->assertFalse(ScrmClient::isEngineUrl($no), $no);
        }
    }

    public function testTheConnectionTestNamesTheFix(): void
    {
        $answers = [];
        $transport = static function (string $method, string $url, string $body, array $headers) use (&$answers): array {
            $a = array_shift($answers);
            if ($a instanceof \Throwable) {
                throw $a;
            }
            return $a;
        };
        $client = new ScrmClient('http://127.0.0.1:9', 'k', $transport);
        $answers = [new RuntimeException('Connection refused')];
        $r = $client->testConnection();
        $this->assertFalse($r['ok']);
        $this->assertStringContainsString('cannot reach the engine at http://127.0.0.1:9', $r['message']);
        $answers = [['status' => 200, 'body' => 'ok'], ['status' => 401, 'body' => '{}']];
        $r = $client->testConnection();
        $this->assertStringContainsString('the shared secret differs', $r['message']);
        $answers = [['status' => 200, 'body' => 'ok'], ['status' => 200, 'body' => '[]']];
        $this->assertTrue($client->testConnection()['ok']);
    }

    public function testTheConnectionTestSignsAsAViewer(): void
    {
        $seen = [];
        $transport = static function (string $method, string $url, string $body, array $headers) use (&$seen): array {
            $seen[] = $headers;
            return ['status' => 200, 'body' => '[]'];
        };
        (new ScrmClient('http://e', 'k', $transport))->testConnection();
        $auth = substr($seen[1][0], strlen('Authorization: Bearer '));
        $claims = json_decode(base64_decode(strtr(explode('.', $auth)[1], '-_', '+/')), true);
        $this->assertSame(['viewer'], $claims['roles'], 'a token with no role is refused by the engine (403)');
    }
}
