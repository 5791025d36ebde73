<?php
/**
 * "Create case" from a post of the Social panel or the Conversations page
 * (the engine's page sends a create-case message; the frame's script opens
 * this page with the post's fields). GET shows the case to be made, prefilled
 * and editable; POST (with the form token) makes it as the signed-in user,
 * with a SuiteCRM bean under that user's ACL, so SuiteCRM's workflows,
 * security groups and hooks apply. The engine never writes SuiteCRM's tables.
 */
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

require_once 'custom/include/Scrm/ScrmCreate.php';

global $mod_strings, $current_user;
$page = new ScrmCreate($mod_strings);
$page->requireAccess('Cases');

$in = ScrmCreate::input(['record_module', 'record_id', 'post_id', 'post_url', 'post_text', 'post_author', 'post_published']);
$related = $page->relatedRecord($in['record_module'], $in['record_id']);

if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $page->checkFormToken();
    $subject = trim((string) ($_POST['name'] ?? ''));
    if ($subject === '') {
        $page->fail($mod_strings['LBL_SCRM_CASE_NO_SUBJECT']);
    }
    $case = BeanFactory::newBean('Cases');
    $case->name = mb_substr($subject, 0, 255);
    $case->description = (string) ($_POST['description'] ?? '');
    $case->assigned_user_id = $current_user->id;
    if ($related !== null && $related->module_dir === 'Accounts') {
        $case->account_id = $related->id;
    } elseif ($related !== null && $related->module_dir === 'Contacts' && !empty($related->account_id)) {
        $case->account_id = $related->account_id;
    }
    $case->save();
    if ($related !== null && $related->module_dir === 'Contacts' && $case->load_relationship('contacts')) {
        $case->contacts->add($related->id);
    }
    SugarApplication::redirect('index.php?module=Cases&action=DetailView&record=' . urlencode($case->id));
}

$author = $in['post_author'] !== '' ? $in['post_author'] : $mod_strings['LBL_SCRM_SOMEONE'];
$text = trim(preg_replace('/\s+/u', ' ', $in['post_text']));
$subject = mb_substr(sprintf($mod_strings['LBL_SCRM_CASE_SUBJECT'], $author, $text), 0, 120);
$description = $in['post_text'] . "\n\n" . implode("\n", array_filter([
    $in['post_url'] !== '' ? $mod_strings['LBL_SCRM_POST_LINK'] . ' ' . $in['post_url'] : '',
    $in['post_author'] !== '' ? $mod_strings['LBL_SCRM_POST_AUTHOR'] . ' ' . $in['post_author'] : '',
    $in['post_published'] !== '' ? $mod_strings['LBL_SCRM_POST_PUBLISHED'] . ' ' . $in['post_published'] : '',
]));
$page->form($mod_strings['LBL_SCRM_CREATE_CASE'], 'CreateCase', $in, $related, [
    ['name', $mod_strings['LBL_SCRM_CASE_NAME'], $subject, false],
    ['description', $mod_strings['LBL_SCRM_CASE_DESCRIPTION'], $description, true],
]);
