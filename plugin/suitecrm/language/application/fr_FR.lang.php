<?php
// scrm : chaînes de l'application (l'onglet Conversations, le panneau Social).
$app_list_strings['moduleList']['SCRM_Conversations'] = 'Conversations';
$app_strings['LBL_SCRM_SOCIAL_PANEL'] = 'Social';
