// Drives Debian's Chromium (headless, through playwright-core) over the /ui/
// pages of a running engine, as the users would at 375 px wide:
//   sales:     open a contact's panel, confirm a suggestion, see it move to linked;
//              unlink it with the form as a browser without JavaScript sends it
//   marketing: search "réseau social", narrow by a facet; a post holding
//              <script> renders as text and runs nothing
//   admin:     the settings page opens; other thresholds are previewed (dry run),
//              stored, then reset; a source is added with the form (no script
//              needed) and listed
// Screenshots of each page go to --out. Exit code 0 when every check holds;
// otherwise 1 with the failed check on stderr.
//
// node pages.mjs --base http://127.0.0.1:PORT --out DIR --record Contacts/ID
//                --sales TOKEN --marketing TOKEN --admin TOKEN
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
for (const k of ['base', 'out', 'record', 'sales', 'marketing', 'admin']) {
  if (!args[k]) {
    console.error(`pages.mjs: --${k} is required`);
    process.exit(2);
  }
}
mkdirSync(args.out, { recursive: true });
rmSync(join(args.out, 'failure.png'), { force: true });

function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
  console.log(`ok: ${what}`);
}

const profile = mkdtempSync(join(tmpdir(), 'scrm-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.SCRM_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 375, height: 800 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const page = context.pages()[0] || await context.newPage();
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const fitsWidth = async (name) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 375, `${name} fits 375 px (scrollWidth ${width})`);
  };

  // Sales: the panel; confirm the suggestion.
  await page.goto(`${args.base}/ui/records/${args.record}?sso=${args.sales}`);
  check(!page.url().includes('sso='), 'the sign-on token left the address bar');
  const suggested = page.locator('section[aria-labelledby="suggested-title"] li.profile');
  check(await suggested.count() === 1, 'one suggested profile');
  await fitsWidth('the panel');
  await page.screenshot({ path: join(args.out, 'record-before.png'), fullPage: true });
  await Promise.all([
    page.waitForEvent('load'),
    suggested.first().getByRole('button', { name: /Confirm|Confirmer/ }).click(),
  ]);
  const linked = page.locator('section[aria-labelledby="linked-title"] li.profile');
  check(await linked.count() === 1, 'the confirmed profile moved to linked');
  check(await page.locator('section[aria-labelledby="suggested-title"] li.profile').count() === 0,
        'no suggestion left');
  await page.screenshot({ path: join(args.out, 'record-after.png'), fullPage: true });
  // Unlink without JavaScript: the script leaves alone a form without
  // data-api, so the browser sends the form itself (POST, its csrf field).
  const unlink = linked.first().locator('form');
  await unlink.evaluate((form) => { delete form.dataset.api; delete form.dataset.method; });
  await Promise.all([
    page.waitForEvent('load'),
    unlink.getByRole('button', { name: /Unlink|Délier/ }).click(),
  ]);
  check(new URL(page.url()).pathname === `/ui/records/${args.record}`,
        'the form without JavaScript came back to the panel');
  check(await page.locator('section[aria-labelledby="linked-title"] li.profile').count() === 0,
        'the profile was unlinked without JavaScript');

  // Marketing: search, narrow by a facet, <script> as text.
  await page.goto(`${args.base}/ui/conversations?sso=${args.marketing}`);
  await page.getByLabel(/Search the conversations|Rechercher dans les conversations/).fill('réseau social');
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: /^Search$|^Rechercher$/ }).click()]);
  check(new URL(page.url()).searchParams.get('q') === 'réseau social', 'the query is in the URL');
  const results = page.locator('section.results li.post');
  check(await results.count() >= 1, 'the search finds the French post');
  check((await results.first().innerText()).includes('réseau'), 'the result shows the text');
  const facet = page.locator('aside.facets a', { hasText: 'mastodon' }).first();
  await Promise.all([page.waitForEvent('load'), facet.click()]);
  check(new URL(page.url()).searchParams.get('platform') === 'mastodon', 'the facet added its filter');
  check(await page.locator('ul.chips a', { hasText: 'platform: mastodon' }).count() === 1,
        'the filter is shown, with a link to remove it');
  await fitsWidth('the conversations page');
  await page.screenshot({ path: join(args.out, 'conversations.png'), fullPage: true });

  await page.goto(`${args.base}/ui/conversations?q=billing`);
  const text = await page.locator('section.results li.post').first().innerText();
  check(text.includes('<script>alert(1)</script>'), 'the post with <script> renders as text');
  check(await page.locator('section.results mark').count() >= 1, 'matched words are marked');
  check(dialogs.length === 0, `no script of a post ran (dialogs: ${dialogs.join(', ')})`);
  await page.screenshot({ path: join(args.out, 'conversations-script.png'), fullPage: true });

  // Admin.
  await page.goto(`${args.base}/ui/admin?sso=${args.admin}`);
  check(await page.getByRole('heading', { level: 1 }).innerText() !== '', 'the admin page opens');
  check(await page.locator('table tbody tr').count() >= 1, 'the sources are listed');
  await fitsWidth('the admin page');
  await page.screenshot({ path: join(args.out, 'admin.png'), fullPage: true });
  await page.locator('#p-auto').fill('0.5');
  await page.locator('#p-suggest').fill('0.2');
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: /^Preview$|^Essayer$/ }).click()]);
  check(await page.locator('table caption', { hasText: /What matching would propose|rapprochement proposerait/ }).count() === 1,
        'a threshold change is previewed (dry run)');
  await fitsWidth('the admin preview');
  await page.screenshot({ path: join(args.out, 'admin-preview.png'), fullPage: true });
  // ... then stored for every process, and back to the configuration's.
  await Promise.all([page.waitForEvent('load'), page.locator('#store-thresholds').click()]);
  check(await page.locator('#thresholds-origin', { hasText: /Stored here by|Enregistrés ici par/ }).count() === 1,
        'the previewed thresholds are stored');
  check(await page.locator('#matching dd', { hasText: '0.50' }).count() === 1, 'the stored automatic threshold is shown');
  await page.screenshot({ path: join(args.out, 'admin-thresholds-stored.png'), fullPage: true });
  await Promise.all([page.waitForEvent('load'),
                     page.getByRole('button', { name: /Back to the configuration|Revenir aux seuils/ }).click()]);
  check(await page.locator('#thresholds-origin', { hasText: /From the engine|Issus de la configuration/ }).count() === 1,
        'the configuration\'s thresholds apply again');

  // Admin: add a source with the form, keyboard-reachable labels, and see it listed.
  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: /^Add a source$|^Ajouter une source$/ }).click()]);
  await page.getByLabel(/^Name$|^Nom$/).fill('partner-blog');
  await page.getByLabel(/^Type$/).selectOption('url');
  await page.getByLabel(/^Format$/).selectOption('rss');
  await page.getByLabel(/File path or URL|Chemin du fichier ou URL/).fill('https://partner.example.test/feed.xml');
  await page.getByLabel(/Poll interval|Intervalle de relevé/).fill('900');
  await page.getByLabel(/^Visible to$|^Visible par$/).selectOption('community');
  await page.getByLabel(/^Community name$|^Nom de la communauté$/).fill('partners');
  await fitsWidth('the source form');
  await page.screenshot({ path: join(args.out, 'admin-source-form.png'), fullPage: true });
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: /^Add a source$|^Ajouter une source$/ }).click()]);
  check(new URL(page.url()).pathname === '/ui/admin', 'the form went back to the settings (303)');
  check(await page.locator('p.notice[role="status"]', { hasText: 'partner-blog' }).count() === 1,
        'the page says the source was added');
  check(await page.locator('#sources tbody th', { hasText: 'partner-blog' }).count() === 1,
        'the new source is listed');
  check(await page.getByRole('button', { name: /Poll now partner-blog|Relever maintenant partner-blog/ }).count() === 1,
        'a url source can be polled now');
  await fitsWidth('the admin page with the new source');
  await page.screenshot({ path: join(args.out, 'admin-source-added.png'), fullPage: true });
  check(errors.length === 0, `no console errors (${errors.join(' | ')})`);
} catch (e) {
  failed = true;
  console.error(e.message);
  try {
    await context.pages()[0]?.screenshot({ path: join(args.out, 'failure.png'), fullPage: true });
  } catch (_) { /* the page is gone */ }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
