<?php
// Prints a token signed by the plugin's own code (ScrmClient::tokenForUser),
// for the cross-language test (tests/http/plugin_token_test.cc), which checks
// that the engine's VerifyToken accepts it:
//   php sign_token.php --secret S --id ID --user-name NAME [--admin] [--language fr_FR]
//       [--groups "Sales Team,Marketing"] [--role-map "Sales Team=sales;Marketing=marketing"]
//       [--default-roles sales]
define('sugarEntry', true);
require_once dirname(__DIR__) . '/files/custom/include/Scrm/ScrmClient.php';

$o = getopt('', ['secret:', 'id:', 'user-name:', 'admin', 'language:', 'groups:', 'role-map:', 'default-roles:']);
if (!isset($o['secret'], $o['id'])) {
    fwrite(STDERR, "usage: php sign_token.php --secret S --id ID [--user-name N] [--admin] [--language L] [--groups G,...] [--role-map MAP] [--default-roles R,...]\n");
    exit(2);
}
$split = static fn (string $s): array => array_values(array_filter(array_map('trim', explode(',', $s)), 'strlen'));
$client = new ScrmClient('http://engine.invalid', $o['secret']);
echo $client->tokenForUser(
    [
        'id' => $o['id'],
        'user_name' => $o['user-name'] ?? '',
        'is_admin' => isset($o['admin']),
        'language' => $o['language'] ?? 'en_us',
        'groups' => $split($o['groups'] ?? ''),
    ],
    ScrmClient::parseRoleMap($o['role-map'] ?? ''),
    $split($o['default-roles'] ?? '')
), "\n";
