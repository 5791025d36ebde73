<?php
// ScrmPreflight: what pre_install() refuses, before anything is copied.
use PHPUnit\Framework\TestCase;

require_once SCRM_PLUGIN_DIR . '/files/custom/include/Scrm/ScrmPreflight.php';

final class PreflightTest extends TestCase
{
    private string $root;

    protected function setUp(): void
    {
        $this->root = sys_get_temp_dir() . '/scrm-preflight-' . bin2hex(random_bytes(4));
        mkdir($this->root . '/custom/include', 0777, true);
    }

    protected function tearDown(): void
    {
        exec('rm -rf ' . escapeshellarg($this->root));
    }

    public function testAGoodCrmPasses(): void
    {
        $this->assertSame([], ScrmPreflight::problems($this->root, '7.14.6', ['custom/include/Scrm/', 'modules/SCRM_Conversations/', 'custom/x.php']));
    }

    public function testEachProblemNamesWhatAndTheFix(): void
    {
        touch($this->root . '/custom/include/Scrm');  // a file where a folder goes
        $problems = ScrmPreflight::problems($this->root, '7.13.4', ['custom/include/Scrm/'], '8.0.30',
            static fn (string $ext): bool => $ext !== 'curl');
        $this->assertCount(4, $problems);
        $this->assertStringContainsString('PHP 8.0.30 is too old', $problems[0]);
        $this->assertStringContainsString("'curl' is not loaded", $problems[1]);
        $this->assertStringContainsString('apt-get install php-curl', $problems[1]);
        $this->assertStringContainsString('SuiteCRM 7.13.4 is not supported', $problems[2]);
        $this->assertStringContainsString('custom/include/Scrm is a file where the plugin installs a folder', $problems[3]);
        $html = ScrmPreflight::html($problems);
        $this->assertStringContainsString('nothing was changed', $html);
        $this->assertStringContainsString('role="alert"', $html);
    }
}
