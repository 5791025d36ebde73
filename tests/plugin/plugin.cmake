# The SuiteCRM plugin (plugin/suitecrm): every PHP file parses (php -l), its
# PHPUnit suite passes, and the package scripts/package-plugin builds holds
# what the manifest installs. php, phpunit, zip and unzip come from
# scripts/install-deps: a missing one fails these tests, it never skips them.
# The cross-language tests (PHP-signed tokens and hook events checked by the
# engine) are in tests/http/plugin_token_test.cc and crm_events_test.cc.
set(SCRM_PLUGIN_DIR ${PROJECT_SOURCE_DIR}/plugin/suitecrm)
add_test(NAME plugin_php_lint
  COMMAND sh -c "find '${SCRM_PLUGIN_DIR}' '${CMAKE_CURRENT_SOURCE_DIR}/plugin' -name '*.php' -print0 | xargs -0 -n1 php -l >/dev/null")
add_test(NAME plugin_phpunit COMMAND phpunit -c ${SCRM_PLUGIN_DIR}/tests/phpunit.xml)
add_test(NAME plugin_package
  COMMAND sh -c "zip=$('${PROJECT_SOURCE_DIR}/scripts/package-plugin' --out '${CMAKE_BINARY_DIR}/plugin-dist') && php '${CMAKE_CURRENT_SOURCE_DIR}/plugin/check_package.php' \"$zip\" '${SCRM_PLUGIN_DIR}'")
set_tests_properties(plugin_php_lint plugin_phpunit plugin_package PROPERTIES LABELS plugin)
