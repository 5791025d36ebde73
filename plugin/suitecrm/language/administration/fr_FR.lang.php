<?php
// scrm : la section « Social CRM » de la page d'administration.
$mod_strings['LBL_SCRM_ADMIN_TITLE'] = 'Social CRM';
$mod_strings['LBL_SCRM_ADMIN_DESC'] = 'Relier le CRM au moteur scrm : profils sociaux et conversations de vos clients.';
$mod_strings['LBL_SCRM_ADMIN_SETTINGS'] = 'Réglages';
$mod_strings['LBL_SCRM_ADMIN_SETTINGS_DESC'] = 'URL du moteur, secret partagé, rôles des groupes de sécurité, test de connexion';
$mod_strings['LBL_SCRM_ADMIN_ENGINE'] = 'Administration du moteur';
$mod_strings['LBL_SCRM_ADMIN_ENGINE_DESC'] = 'Sources, seuils de rapprochement, rôles et communautés, clés d\'API, export et import, santé';
