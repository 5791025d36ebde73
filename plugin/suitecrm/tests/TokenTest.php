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

    public function testPageUrlsAndTheIframeAreEscaped(): void
    {
        $client = new ScrmClient('https://scrm.example.com/base/', 'k');
        $this->assertSame('https://scrm.example.com/base/ui/records/Contacts/a%2Fb%20c?sso=v1.x-y_z.s',
            $client->recordUrl('Contacts', 'a/b c', 'v1.x-y_z.s'));
        $this->assertSame('https://scrm.example.com/base/ui/conversations?sso=t', $client->conversationsUrl('t'));
        $this->assertSame('https://scrm.example.com/base/ui/admin?sso=t', $client->adminUrl('t'));

        $html = ScrmClient::iframeHtml('https://e/ui?a=1&b="2"', 'Social <b>');
        $this->assertStringContainsString('src="https://e/ui?a=1&amp;b=&quot;2&quot;"', $html);
        $this->assertStringContainsString('title="Social &lt;b&gt;"', $html);
        $this->assertStringNotContainsString('<b>', $html);

        $panel = ScrmHooks::panelHtml('https://e/ui/records/Leads/1?sso=t', 'Social');
        $this->assertStringContainsString('role="region" aria-label="Social"', $panel);
        $this->assertStringContainsString('src="https://e/ui/records/Leads/1?sso=t"', $panel);
    }
}
