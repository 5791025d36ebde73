<?php
/**
 * "Create lead" from a social profile that no CRM record is linked to (the
 * engine's Conversations page sends a create-lead message; the frame's
 * script opens this page with the profile's fields). GET shows the lead to be
 * made, prefilled and editable; POST (with the form token) makes it as the
 * signed-in user with a SuiteCRM bean under that user's ACL, then tells the
 * engine (the record's save event, then the link of the profile to it, as
 * that user: the decision is audited under their name).
 */
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

require_once 'custom/include/Scrm/ScrmCreate.php';

global $mod_strings, $current_user;
$page = new ScrmCreate($mod_strings);
$page->requireAccess('Leads');

$in = ScrmCreate::input(['profile_id', 'name', 'handle', 'url', 'network', 'email']);

if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $page->checkFormToken();
    $last = trim((string) ($_POST['last_name'] ?? ''));
    if ($last === '') {
        $page->fail($mod_strings['LBL_SCRM_LEAD_NO_NAME']);
    }
    $lead = BeanFactory::newBean('Leads');
    $lead->first_name = mb_substr(trim((string) ($_POST['first_name'] ?? '')), 0, 100);
    $lead->last_name = mb_substr($last, 0, 100);
    $lead->website = mb_substr(trim((string) ($_POST['website'] ?? '')), 0, 255);
    $lead->description = (string) ($_POST['description'] ?? '');
    $lead->lead_source = 'Other';
    $lead->assigned_user_id = $current_user->id;
    $email = trim((string) ($_POST['email'] ?? ''));
    if ($email !== '' && filter_var($email, FILTER_VALIDATE_EMAIL)) {
        $lead->email1 = $email;
    }
    $lead->save();
    $warning = $page->linkProfile((string) ($_POST['profile_id'] ?? ''), 'Leads', $lead->id);
    if ($warning !== null) {
        // The lead exists: say why the link is missing rather than lose it.
        SugarApplication::appendErrorMessage($warning);
    }
    SugarApplication::redirect('index.php?module=Leads&action=DetailView&record=' . urlencode($lead->id));
}

[$first, $last] = ScrmCreate::splitName($in['name'] !== '' ? $in['name'] : ltrim($in['handle'], '@'));
$description = implode("\n", array_filter([
    $mod_strings['LBL_SCRM_LEAD_FROM'] . ' ' . trim($in['network'] . ' ' . $in['handle']),
    $in['url'],
]));
$page->form($mod_strings['LBL_SCRM_CREATE_LEAD'], 'CreateLead', $in, null, [
    ['first_name', $mod_strings['LBL_SCRM_LEAD_FIRST_NAME'], $first, false],
    ['last_name', $mod_strings['LBL_SCRM_LEAD_LAST_NAME'], $last, false],
    ['email', $mod_strings['LBL_SCRM_LEAD_EMAIL'], $in['email'], false],
    ['website', $mod_strings['LBL_SCRM_LEAD_WEBSITE'], $in['url'], false],
    ['description', $mod_strings['LBL_SCRM_LEAD_DESCRIPTION'], $description, true],
]);
