<?php
// scrm: the Conversations tab. A module without a bean or table: its pages
// (modules/SCRM_Conversations/*.php) embed the engine's /ui/ pages.
$moduleList[] = 'SCRM_Conversations';
