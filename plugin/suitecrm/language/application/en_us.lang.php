<?php
// scrm: application strings (the Conversations tab, the Social panel).
$app_list_strings['moduleList']['SCRM_Conversations'] = 'Conversations';
$app_strings['LBL_SCRM_SOCIAL_PANEL'] = 'Social';
$app_strings['LBL_SCRM_UNREACHABLE'] = 'The Social CRM engine at %1$s does not answer. SuiteCRM works as usual; this panel comes back when the engine does. Administrators: check that scrm serve runs there and that its crm.origin is %2$s.';
