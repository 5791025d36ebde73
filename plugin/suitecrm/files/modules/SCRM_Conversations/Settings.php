<?php
/**
 * Admin > Social CRM > Settings: the engine URL, the secret shared with the
 * engine (SCRM_SECRET there), the security-group-to-role map, the default
 * roles, and a connection test. Administrators only; the form carries a
 * per-session token against cross-site requests.
 */
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

require_once 'custom/include/Scrm/ScrmSuite.php';

global $mod_strings, $app_strings;
ScrmSuite::requireAdmin();
$h = [ScrmSuite::class, 'h'];
if (empty($_SESSION['scrm_form_token'])) {
    $_SESSION['scrm_form_token'] = bin2hex(random_bytes(16));
}
$formToken = $_SESSION['scrm_form_token'];
$messages = [];

if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    if (!hash_equals($formToken, (string) ($_POST['scrm_form_token'] ?? ''))) {
        sugar_die($mod_strings['LBL_SCRM_BAD_FORM']);
    }
    $url = trim((string) ($_POST['engine_url'] ?? ''));
    $values = [
        'engine_url' => $url,
        'role_map' => (string) ($_POST['role_map'] ?? ''),
        'default_roles' => trim((string) ($_POST['default_roles'] ?? '')),
    ];
    // An empty secret field keeps the stored secret (it is never shown back).
    $secret = (string) ($_POST['secret'] ?? '');
    if ($secret !== '') {
        $values['secret'] = $secret;
    }
    $errors = [];
    if ($url !== '' && !ScrmClient::isEngineUrl($url)) {
        $errors[] = $mod_strings['LBL_SCRM_BAD_URL'];
    }
    foreach (array_filter(array_map('trim', explode(',', $values['default_roles']))) as $role) {
        if (!ScrmClient::isRole($role) || $role === 'admin') {
            $errors[] = sprintf($mod_strings['LBL_SCRM_BAD_ROLE'], $role);
        }
    }
    $invalid = [];
    ScrmClient::parseRoleMap($values['role_map'], $invalid);
    foreach ($invalid as $line) {
        $errors[] = sprintf($mod_strings['LBL_SCRM_BAD_ROLE_LINE'], $line);
    }
    if ($errors) {
        foreach ($errors as $e) {
            $messages[] = ['error', $e];
        }
    } else {
        ScrmSuite::saveSettings($values);
        $messages[] = ['ok', $mod_strings['LBL_SCRM_SAVED']];
        if (isset($_POST['test'])) {
            $result = ScrmSuite::client()->testConnection();
            $messages[] = [$result['ok'] ? 'ok' : 'error', $mod_strings['LBL_SCRM_TEST_RESULT'] . ' ' . $result['message']];
        }
    }
}

$s = ScrmSuite::settings();
echo '<h2 class="module-title-text">' . $h($mod_strings['LBL_SCRM_SETTINGS']) . '</h2>';
foreach ($messages as [$kind, $text]) {
    echo '<p role="' . ($kind === 'ok' ? 'status' : 'alert') . '" class="scrm-' . $kind . '">' . $h($text) . '</p>';
}
echo '<form method="post" action="index.php?module=SCRM_Conversations&amp;action=Settings">'
    . '<input type="hidden" name="scrm_form_token" value="' . $h($formToken) . '">'
    . '<p><label for="scrm_engine_url">' . $h($mod_strings['LBL_SCRM_ENGINE_URL']) . '</label><br>'
    . '<input id="scrm_engine_url" name="engine_url" type="url" size="60" value="' . $h($s['engine_url']) . '" placeholder="https://scrm.example.com"></p>'
    . '<p><label for="scrm_secret">' . $h($mod_strings['LBL_SCRM_SECRET']) . '</label><br>'
    . '<input id="scrm_secret" name="secret" type="password" size="60" autocomplete="new-password" value="" aria-describedby="scrm_secret_help">'
    . '<br><small id="scrm_secret_help">' . $h($s['secret'] === '' ? $mod_strings['LBL_SCRM_SECRET_UNSET'] : $mod_strings['LBL_SCRM_SECRET_SET']) . '</small></p>'
    . '<p><label for="scrm_role_map">' . $h($mod_strings['LBL_SCRM_ROLE_MAP']) . '</label><br>'
    . '<textarea id="scrm_role_map" name="role_map" rows="5" cols="60" aria-describedby="scrm_role_map_help">' . $h($s['role_map']) . '</textarea>'
    . '<br><small id="scrm_role_map_help">' . $h($mod_strings['LBL_SCRM_ROLE_MAP_HELP']) . '</small></p>'
    . '<p><label for="scrm_default_roles">' . $h($mod_strings['LBL_SCRM_DEFAULT_ROLES']) . '</label><br>'
    . '<input id="scrm_default_roles" name="default_roles" size="60" value="' . $h($s['default_roles']) . '"></p>'
    . '<p><button type="submit" class="button primary">' . $h($app_strings['LBL_SAVE_BUTTON_LABEL']) . '</button> '
    . '<button type="submit" name="test" value="1" class="button">' . $h($mod_strings['LBL_SCRM_TEST']) . '</button></p>'
    . '</form>';
