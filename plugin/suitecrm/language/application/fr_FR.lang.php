<?php
// scrm : chaînes de l'application (l'onglet Conversations, le panneau Social).
$app_list_strings['moduleList']['SCRM_Conversations'] = 'Conversations';
$app_strings['LBL_SCRM_SOCIAL_PANEL'] = 'Social';
$app_strings['LBL_SCRM_UNREACHABLE'] = 'Le moteur Social CRM (%1$s) ne répond pas. SuiteCRM fonctionne normalement ; ce panneau reviendra avec le moteur. Administrateurs : vérifiez que scrm serve y tourne et que son crm.origin vaut %2$s.';
