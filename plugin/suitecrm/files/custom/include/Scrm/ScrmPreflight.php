<?php
/**
 * ScrmPreflight: what the package needs from the SuiteCRM it is installed
 * into, checked by scripts/pre_install.php before the Module Loader copies
 * anything, so that an install never stops half-way. Plain PHP: each check
 * returns the problems it finds, each naming what is wrong and how to fix it.
 */
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

final class ScrmPreflight
{
    public const MIN_PHP = '8.1.0';
    /** PHP extensions the plugin calls: curl (engine calls), hash and json (tokens, events). */
    public const EXTENSIONS = ['curl', 'hash', 'json'];

    /**
     * Every problem found, [] when the install may go on.
     *
     * @param string $crmRoot the SuiteCRM tree (the Module Loader's working directory)
     * @param string $suitecrmVersion e.g. "7.14.6"
     * @param list<string> $targets paths the package copies to, relative to $crmRoot,
     *                              with a trailing "/" for directories
     * @param callable(string): bool|null $hasExtension default extension_loaded
     * @return list<string>
     */
    public static function problems(
        string $crmRoot,
        string $suitecrmVersion,
        array $targets,
        string $phpVersion = PHP_VERSION,
        ?callable $hasExtension = null
    ): array {
        $problems = [];
        if (version_compare($phpVersion, self::MIN_PHP, '<')) {
            $problems[] = "PHP $phpVersion is too old: the plugin needs PHP " . self::MIN_PHP
                . ' or newer (SuiteCRM 7.14 runs on PHP 8.1 and 8.2).';
        }
        $hasExtension = $hasExtension ?? 'extension_loaded';
        foreach (self::EXTENSIONS as $ext) {
            if (!$hasExtension($ext)) {
                $problems[] = "The PHP extension '$ext' is not loaded: install it (on Debian: apt-get install php-$ext) and restart the web server.";
            }
        }
        if (!preg_match('/^7\.1[45](\.\d+)*$/', $suitecrmVersion)) {
            $problems[] = "SuiteCRM $suitecrmVersion is not supported: the plugin is for SuiteCRM 7.14 and 7.15.";
        }
        foreach ($targets as $target) {
            $problem = self::targetProblem(rtrim($crmRoot, '/'), $target);
            if ($problem !== null) {
                $problems[] = $problem;
            }
        }
        return $problems;
    }

    /** Why $target (relative, "dir/" for a directory) cannot be written, or null. */
    private static function targetProblem(string $root, string $target): ?string
    {
        $isDir = str_ends_with($target, '/');
        $rel = rtrim($target, '/');
        $path = "$root/$rel";
        if ($isDir && file_exists($path) && !is_dir($path)) {
            return "$rel is a file where the plugin installs a folder: move it away (or delete it) and install again.";
        }
        if (!$isDir && is_dir($path)) {
            return "$rel is a folder where the plugin installs a file: move it away (or delete it) and install again.";
        }
        // The deepest part of the path that exists must be writable by the web server.
        $existing = $path;
        while (!file_exists($existing) && $existing !== $root && $existing !== dirname($existing)) {
            $existing = dirname($existing);
        }
        if (file_exists($existing) && !is_writable($existing)) {
            $shown = $existing === $root ? 'the SuiteCRM folder' : substr($existing, strlen($root) + 1);
            return "$shown is not writable by the web server, so $rel cannot be installed: give the web server's user write access to it (e.g. chown -R www-data $existing).";
        }
        return null;
    }

    /** The problems as an HTML list for the Module Loader's page. */
    public static function html(array $problems): string
    {
        $items = '';
        foreach ($problems as $p) {
            $items .= '<li>' . htmlspecialchars($p, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8') . '</li>';
        }
        return '<div class="scrm-preflight error" role="alert"><p><strong>Social CRM (scrm) was not installed; nothing was changed.</strong> Fix the following, then install the package again:</p><ul>'
            . $items . '</ul></div>';
    }
}
