<?php
// Sends one record event with the plugin's own code (ScrmClient::sendEvent
// over curl), for the cross-language test of POST /api/v1/crm/events
// (tests/http/crm_events_test.cc). Prints "accepted" or "refused"; the
// plugin's log lines go to stderr.
//   php send_event.php ENGINE_URL SECRET MODULE ID EVENT
define('sugarEntry', true);
require_once dirname(__DIR__) . '/files/custom/include/Scrm/ScrmClient.php';

if ($argc !== 6) {
    fwrite(STDERR, "usage: php send_event.php ENGINE_URL SECRET MODULE ID EVENT\n");
    exit(2);
}
$client = new ScrmClient($argv[1], $argv[2], null, static function (string $level, string $message): void {
    fwrite(STDERR, "scrm [$level] $message\n");
});
echo $client->sendEvent($argv[3], $argv[4], $argv[5]) ? "accepted\n" : "refused\n";
