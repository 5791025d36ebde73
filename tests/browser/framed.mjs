// The pages inside a CRM's frame, in Debian's Chromium (headless, through
// playwright-core): a stand-in for the CRM, served by node on loopback at
// --crm-port (the engine's crm.origin is http://127.0.0.1:PORT), frames the
// engine's pages as the plugin does (?embed=crm&sso=TOKEN) and records every
// message they post, sizing the frame to each "size" as the plugin does (docs/ui.md, "Messages to the embedding CRM"):
//   the record page posts its size on load, and again when it grows;
//   its timeline's "Create case" posts create-case with the record and post;
//   Conversations' "Create lead" posts create-lead with the author's profile;
//   opened directly (not framed), the same page shows neither button.
// Exit code 0 when every check holds; otherwise 1 with the failed check.
//
// node framed.mjs --base http://127.0.0.1:PORT --crm-port PORT --out DIR
//                 --record Contacts/ID --sales TOKEN --marketing TOKEN --direct TOKEN
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
for (const k of ['base', 'crm-port', 'out', 'record', 'sales', 'marketing', 'direct']) {
  if (!args[k]) {
    console.error(`framed.mjs: --${k} is required`);
    process.exit(2);
  }
}
mkdirSync(args.out, { recursive: true });

function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
  console.log(`ok: ${what}`);
}

// The CRM: /crm?src=URL frames URL and keeps what the frame posts, with its
// origin, in window.messages.
const crm = createServer((req, res) => {
  const src = new URL(req.url, 'http://x').searchParams.get('src') || '';
  const attr = src.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html><body>
<script>window.messages = [];
window.addEventListener('message', function (e) {
  window.messages.push({ origin: e.origin, data: e.data });
  if (e.data && e.data.type === 'size') document.getElementById('scrm').style.height = e.data.height + 'px';
});</script>
<iframe id="scrm" src="${attr}" style="width:375px;height:200px;border:0"></iframe>
</body></html>`);
});
await new Promise((resolve) => crm.listen(Number(args['crm-port']), '127.0.0.1', resolve));
const crmBase = `http://127.0.0.1:${args['crm-port']}`;
const engineOrigin = new URL(args.base).origin;

const profile = mkdtempSync(join(tmpdir(), 'scrm-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.SCRM_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 420, height: 800 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const messages = (type) => page.evaluate(
    (t) => window.messages.filter((m) => m.data && m.data.type === t), type);
  const waitFor = (type, count = 1) => page.waitForFunction(
    ([t, n]) => window.messages.filter((m) => m.data && m.data.type === t).length >= n,
    [type, count], { timeout: 15000 });
  const frameUrl = (path, token) =>
    `${crmBase}/crm?src=${encodeURIComponent(`${args.base}${path}${path.includes('?') ? '&' : '?'}embed=crm&sso=${token}`)}`;

  // The record page in the frame: its size, from the engine's origin only.
  await page.goto(frameUrl(`/ui/records/${args.record}`, args.sales));
  await waitFor('size');
  const frame = page.frameLocator('#scrm');
  const inner = page.frames().find((f) => f.url().startsWith(args.base));
  check(inner !== undefined, 'the engine page is in the frame');
  await inner.waitForLoadState('load');
  let sizes = await messages('size');
  check(sizes.every((m) => m.origin === engineOrigin && m.data.scrm === 1), 'size messages come from the engine, scrm: 1');
  const height = await inner.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
  await page.waitForFunction((h) => window.messages.filter((m) => m.data.type === 'size').pop().data.height === h,
    height, { timeout: 15000 });
  check(height > 200, `the posted height is the page's whole height (${height} px), not the frame's`);
  check(await frame.locator('header.bar').count() === 0, 'no header of the engine in the frame');
  check(await frame.getByRole('button', { name: /Sign out/ }).count() === 0, 'no Sign out in the frame');
  // The page grows: a new size.
  await inner.evaluate(() => { const p = document.createElement('p'); p.style.height = '600px'; document.querySelector('main').appendChild(p); });
  await page.waitForFunction((h) => window.messages.filter((m) => m.data.type === 'size').pop().data.height >= h + 600,
    height, { timeout: 15000 });
  console.log('ok: a page that grows posts its new height');
  await page.screenshot({ path: join(args.out, 'framed-record.png'), fullPage: true });

  // Create case on the timeline.
  const createCase = frame.locator('ol.timeline li.post').first().getByRole('button', { name: /^Create case/ });
  check(await createCase.isVisible(), 'Create case is shown on a timeline post in the frame');
  await createCase.click();
  await waitFor('create-case');
  const c = (await messages('create-case'))[0];
  check(c.origin === engineOrigin, 'create-case comes from the engine');
  check(c.data.record && c.data.record.module === 'Contacts' && c.data.record.id === args.record.split('/')[1],
        `create-case names the record (${JSON.stringify(c.data.record)})`);
  check(typeof c.data.post.id === 'number' && c.data.post.id > 0, 'create-case carries the post id');
  check(c.data.post.author === 'Anne Martin', `create-case carries the author (${c.data.post.author})`);
  check(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(c.data.post.published), `published is ISO 8601 (${c.data.post.published})`);
  check(c.data.post.text.length > 0 && c.data.post.text.length <= 2000, 'create-case carries the text');
  check('url' in c.data.post, 'create-case carries the url');

  // Create lead in Conversations (a later page of another session, embedded too).
  await page.goto(frameUrl('/ui/conversations?q=panne', args.marketing));
  await waitFor('size');
  const lead = frame.getByRole('button', { name: /^Create lead: Éric Lefèvre/ }).first();
  await lead.waitFor({ state: 'visible', timeout: 15000 });
  await lead.click();
  await waitFor('create-lead');
  const l = (await messages('create-lead'))[0];
  check(l.origin === engineOrigin, 'create-lead comes from the engine');
  check(l.data.profile.name === 'Éric Lefèvre' && l.data.profile.network === 'mastodon' &&
        l.data.profile.handle === 'eric@social.example' && l.data.profile.url === '' &&
        l.data.profile.email === '' && typeof l.data.profile.id === 'number',
        `create-lead carries the profile (${JSON.stringify(l.data.profile)})`);
  await page.screenshot({ path: join(args.out, 'framed-conversations.png'), fullPage: true });

  // Opened directly: no button for the CRM, our header, and no message.
  await page.goto(`${args.base}/ui/conversations?q=panne&sso=${args.direct}`);
  check(await page.locator('button[data-crm-action]').count() > 0, 'the buttons are in the page');
  check(await page.locator('button[data-crm-action]:visible').count() === 0, 'but hidden when not framed');
  check(await page.getByRole('button', { name: /Sign out/ }).isVisible(), 'the page opened directly has its header');
  check(errors.length === 0, `no console errors (${errors.join(' | ')})`);
} catch (e) {
  failed = true;
  console.error(e.message);
  try {
    await context.pages()[0]?.screenshot({ path: join(args.out, 'framed-failure.png'), fullPage: true });
  } catch (_) { /* the page is gone */ }
} finally {
  await context.close();
  crm.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
