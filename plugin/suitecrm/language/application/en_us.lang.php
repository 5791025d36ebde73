<?php
// scrm: application strings (the Conversations tab, the Social panel).
$app_list_strings['moduleList']['SCRM_Conversations'] = 'Conversations';
$app_strings['LBL_SCRM_SOCIAL_PANEL'] = 'Social';
