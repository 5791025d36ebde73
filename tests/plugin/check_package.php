<?php
// ctest plugin_package: the zip scripts/package-plugin built has manifest.php
// at its root and every file the manifest installs (copy, logic hook files,
// administration, language, post_execute, post_uninstall), and nothing of
// the plugin's tests.
//   php check_package.php ZIP PLUGIN_DIR
if ($argc !== 3) {
    fwrite(STDERR, "usage: php check_package.php ZIP PLUGIN_DIR\n");
    exit(2);
}
[, $zip, $plugin] = $argv;
exec('unzip -Z1 ' . escapeshellarg($zip), $names, $rc);
if ($rc !== 0) {
    fwrite(STDERR, "cannot list $zip (unzip exit $rc)\n");
    exit(1);
}
$inZip = array_flip($names);
$fail = static function (string $message): void {
    fwrite(STDERR, "check_package: $message\n");
    exit(1);
};
isset($inZip['manifest.php']) || $fail("manifest.php is not at the root of $zip");

define('sugarEntry', true);
require $plugin . '/manifest.php';
$needed = [];
$want = static function (string $from) use ($plugin, &$needed, $fail): void {
    $rel = ltrim(str_replace('<basepath>', '', $from), '/');
    $path = "$plugin/$rel";
    if (is_dir($path)) {
        $it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($path, FilesystemIterator::SKIP_DOTS));
        foreach ($it as $file) {
            $needed[] = substr($file->getPathname(), strlen($plugin) + 1);
        }
    } elseif (is_file($path)) {
        $needed[] = $rel;
    } else {
        $fail("the manifest names $from, which plugin/suitecrm does not have");
    }
};
foreach ($installdefs['copy'] as $c) {
    $want($c['from']);
}
foreach (['administration', 'language'] as $section) {
    foreach ($installdefs[$section] as $item) {
        $want($item['from']);
    }
}
foreach (['post_execute', 'post_uninstall'] as $section) {
    foreach ($installdefs[$section] ?? [] as $script) {
        $want($script);
    }
}
foreach ($installdefs['logic_hooks'] as $hook) {
    $want('<basepath>/files/' . $hook['file']);
}
foreach (array_unique($needed) as $rel) {
    isset($inZip[$rel]) || $fail("$rel is installed by the manifest but missing from $zip");
}
foreach ($names as $name) {
    str_starts_with($name, 'tests/') && $fail("$name: tests do not ship");
}
echo count(array_unique($needed)), " files checked in ", basename($zip), "\n";
