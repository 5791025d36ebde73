<?php
/**
 * ScrmCreate: the pages that turn what the engine shows into CRM records
 * (SCRM_Conversations' CreateCase and CreateLead): the ACL check, a prefilled
 * form protected by a per-session token, the related record (read under the
 * user's ACL), and the link of a profile to the record made, as that user.
 */
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

require_once __DIR__ . '/ScrmSuite.php';

final class ScrmCreate
{
    /** @param array<string, string> $strings the module's $mod_strings */
    public function __construct(private array $strings)
    {
    }

    /** Stops with a clear refusal unless the signed-in user may create records of $module. */
    public function requireAccess(string $module): void
    {
        if (!ACLController::checkAccess($module, 'edit', true)) {
            $this->fail(sprintf($this->strings['LBL_SCRM_NO_ACCESS'], $this->moduleLabel($module)), 403);
        }
    }

    /**
     * @param list<string> $names
     * @return array<string, string> each name's value from the request ('' when absent), at most 4,000 characters
     */
    public static function input(array $names): array
    {
        $out = [];
        foreach ($names as $name) {
            $out[$name] = mb_substr((string) ($_REQUEST[$name] ?? ''), 0, 4000);
        }
        return $out;
    }

    /** The record the new one relates to, when given, existing and viewable by the user. */
    public function relatedRecord(string $module, string $id): ?SugarBean
    {
        if ($id === '' || !in_array($module, ScrmClient::MODULES, true)) {
            return null;
        }
        $bean = BeanFactory::getBean($module, $id);
        if (!$bean || empty($bean->id) || !$bean->ACLAccess('view')) {
            return null;
        }
        return $bean;
    }

    public function checkFormToken(): void
    {
        if (empty($_SESSION['scrm_form_token']) || !hash_equals($_SESSION['scrm_form_token'], (string) ($_POST['scrm_form_token'] ?? ''))) {
            $this->fail($this->strings['LBL_SCRM_BAD_FORM'], 400);
        }
    }

    /** Stops the page with $message (escaped) and an HTTP status. */
    public function fail(string $message, int $status = 400): void
    {
        http_response_code($status);
        echo '<p class="alert alert-danger scrm-refusal" role="alert">' . ScrmSuite::h($message) . '</p>';
        sugar_cleanup(true);
    }

    /**
     * Links the engine's profile $profileId to the record just made, as the
     * signed-in user. Returns null when linked, else what to tell the user.
     */
    public function linkProfile(string $profileId, string $module, string $id): ?string
    {
        if (!ctype_digit($profileId)) {
            return null;  // no profile given: nothing to link
        }
        $settings = ScrmSuite::settings();
        $client = ScrmSuite::client($settings);
        // The engine reads the new record now (the hook's event comes at the end of the request).
        $client->sendEvent($module, $id, 'save');
        $result = $client->linkProfile(ScrmSuite::tokenForCurrentUser($settings), (int) $profileId, $module, $id);
        if ($result['ok']) {
            return null;
        }
        ScrmSuite::log('error', 'linking profile ' . $profileId . " to $module/$id: " . $result['message']);
        return sprintf($this->strings['LBL_SCRM_LINK_FAILED'], $result['message']);
    }

    /** "Anne-Marie de la Tour" => ["Anne-Marie", "de la Tour"]; one word => ["", word]. */
    public static function splitName(string $name): array
    {
        $name = trim(preg_replace('/\s+/u', ' ', $name));
        $space = mb_strpos($name, ' ');
        if ($space === false) {
            return ['', $name];
        }
        return [mb_substr($name, 0, $space), mb_substr($name, $space + 1)];
    }

    /**
     * The prefilled form: a title, the related record, then each field as
     * [name, label, value, multiline]; the request's inputs ride along hidden.
     *
     * @param array<string, string> $hidden
     * @param list<array{0: string, 1: string, 2: string, 3: bool}> $fields
     */
    public function form(string $title, string $action, array $hidden, ?SugarBean $related, array $fields): void
    {
        global $app_strings;
        $h = [ScrmSuite::class, 'h'];
        if (empty($_SESSION['scrm_form_token'])) {
            $_SESSION['scrm_form_token'] = bin2hex(random_bytes(16));
        }
        echo '<h2 class="module-title-text">' . $h($title) . '</h2>';
        if ($related !== null) {
            echo '<p class="scrm-related">' . $h($this->strings['LBL_SCRM_RELATED_TO']) . ' <a href="index.php?module='
                . $h($related->module_dir) . '&amp;action=DetailView&amp;record=' . $h($related->id) . '">'
                . $h((string) $related->get_summary_text()) . '</a></p>';
        }
        echo '<form method="post" class="scrm-create" action="index.php?module=SCRM_Conversations&amp;action=' . $h($action) . '">'
            . '<input type="hidden" name="scrm_form_token" value="' . $h($_SESSION['scrm_form_token']) . '">';
        foreach ($hidden as $name => $value) {
            echo '<input type="hidden" name="' . $h($name) . '" value="' . $h($value) . '">';
        }
        foreach ($fields as [$name, $label, $value, $multiline]) {
            $id = 'scrm_' . $name;
            echo '<p><label for="' . $h($id) . '">' . $h($label) . '</label><br>'
                . ($multiline
                    ? '<textarea id="' . $h($id) . '" name="' . $h($name) . '" rows="8" cols="80">' . $h($value) . '</textarea>'
                    : '<input id="' . $h($id) . '" name="' . $h($name) . '" size="80" value="' . $h($value) . '">')
                . '</p>';
        }
        echo '<p><button type="submit" class="button primary">' . $h($app_strings['LBL_SAVE_BUTTON_LABEL']) . '</button> '
            . '<a class="button" href="javascript:history.back()">' . $h($app_strings['LBL_CANCEL_BUTTON_LABEL']) . '</a></p></form>';
    }

    private function moduleLabel(string $module): string
    {
        return (string) ($GLOBALS['app_list_strings']['moduleList'][$module] ?? $module);
    }
}
