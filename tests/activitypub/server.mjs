// tests/activitypub/server.mjs: a small fediverse server built with Fedify
// (@fedify/fedify from npm, tests/activitypub/install), run from the install
// directory: createFederation on a MemoryKvStore, served by node:http on
// 127.0.0.1 at a port the system picks, printed on stdout as one line
// {"url": "http://127.0.0.1:PORT"} when it listens. Fedify serves WebFinger,
// the actors (Person with name, preferredUsername, summary, url and their
// keys, generated at start), the outboxes paged by cursor (first, next; 10
// activities a page) and the Notes. Authorized fetch: an outbox and a Note
// answer only requests whose HTTP Signature Fedify verifies (it fetches the
// signer's key from its actor document; loopback allowed); the actors and
// WebFinger are public, as on Mastodon.
//
// Seed: amelie (a profile with an e-mail and a website as profile fields; posts in French with
// accents, a hashtag and a mention, an edited post, a deleted one: its Create
// gone from the outbox, a Delete of a Tombstone instead, a reply to bob's reply, 22 more posts: three outbox
// pages) and bob (two posts, one a reply to amelie); `server.mjs N` adds an
// account "bulk" of N posts for the figures. Test hooks beside
// Fedify's routes: POST /_test/changes adds an edit (Update) and a new post
// to amelie's outbox; POST /_test/delete {"who": "amelie", "id": "121"}
// deletes a post as a server that lists no Delete does: its activities
// leave the outbox and its Note answers 404 (400 for a body that names no
// post, 404 for a post there is not); GET /_test/stats counts the requests by kind and
// answer, signed or not, since the last POST /_test/stats (which resets them).
//
// Beside Fedify, for listening (scrm's listen sources, "#tag@server"):
// GET /api/v1/timelines/tag/TAG, the hashtag timeline of the client API
// that Mastodon defined and Pleroma, Akkoma and GoToSocial serve. Fedify
// has no client API, so this route is written here after Mastodon's
// documentation (Status and Account entities; limit 20 by default, 40 at
// most; since_id, max_id, min_id; newest first; a Link header), over the
// same posts Fedify serves: ids as Mastodon makes them (time-ordered), the
// tag matched case-insensitively. chloe (a profile with an e-mail, one
// post with #caféLumière) is followed by no test: listening is how she is
// met. GET /api/v1/statuses/ID gives one status (a reply's parent, named
// in in_reply_to_id by the server's id). POST /_test/post {"who", "content",
// "hashtags", "reply_to"} adds a post now (reply_to "who/id": a reply).
// POST /_test/move {"from", "to", "confirm"}: the account `from` moves to a
// new account `to` (Mastodon's account migration: `from`'s actor names `to`
// in movedTo; `to`, made with one post, names `from` in alsoKnownAs unless
// confirm is false). POST /_test/hang {"on": true|false}: the server stops
// answering (connections accepted, requests left hanging; counted as
// "hung"), as a server that is down behind its load balancer does.
// POST /_test/hostile {"who", "mode"}: who's outbox answers as a hostile
// server would (mode garbage: HTML; huge: a 64 MB page; loop: pages whose
// next never ends; redirect: to 127.0.0.2, an address scrm may not ask,
// where a second server counts what reaches it as "internal"; off). Actor
// documents carry an ETag (a hash of the body, added here: Fedify sets
// none) and a request that holds it is answered 304.
// FEDIFY_LOG=debug (or info...) prints Fedify's log on stderr: why a
// signature was refused.
import http from 'node:http';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(process.cwd() + '/');  // the install directory
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);
const {
  createFederation, MemoryKvStore, Person, Note, Create, Update, Delete, Tombstone, Hashtag,
  Mention, Endpoints, PropertyValue, PUBLIC_COLLECTION, generateCryptoKeyPair,
} = await load('@fedify/fedify');
const { Temporal } = await load('@js-temporal/polyfill');
if (process.env.FEDIFY_LOG) {  // Fedify's own log (signature checks...) on stderr, at that level
  const { configure, getConsoleSink } = await load('@logtape/logtape');
  await configure({
    sinks: { console: getConsoleSink() },
    loggers: [{ category: 'fedify', lowestLevel: process.env.FEDIFY_LOG, sinks: ['console'] },
              { category: ['logtape', 'meta'], lowestLevel: 'warning', sinks: ['console'] }],
  });
}

const federation = createFederation({ kv: new MemoryKvStore(), allowPrivateAddress: true });
const keys = {};  // identifier -> [{privateKey, publicKey}]

const base = new Date('2026-11-02T08:00:00Z').getTime();
const at = (minutes) => Temporal.Instant.fromEpochMilliseconds(base + minutes * 60000);
let origin = '';  // http://127.0.0.1:PORT, once listening

const accounts = {
  amelie: {
    name: 'Amélie Durand',
    summary: '<p>Torréfactrice au Café Lumière, à Lyon.</p>',
    fields: {  // Mastodon's profile fields (PropertyValue)
      'Courriel': '<a href="mailto:amelie.durand@cafe-lumiere.fr">amelie.durand@cafe-lumiere.fr</a>',
      'Site': '<a href="https://cafe-lumiere.fr/" rel="me nofollow noopener" target="_blank">cafe-lumiere.fr</a>',
    },
    posts: [], activities: [],
  },
  bob: { name: 'Bob Martin', summary: '<p>Amateur de café filtre.</p>', posts: [], activities: [] },
  chloe: {
    name: 'Chloé Petit',
    summary: '<p>Barista, Croix-Rousse.</p>',
    fields: { 'E-mail': 'chloe.petit@exemple.fr' },
    posts: [], activities: [],
  },
};
let sequence = 0;  // the status ids' tie-break, as Mastodon's snowflake ids have

// A post (Note) and the activity that shows it in its author's outbox.
function post(who, id, minutes, content, extra = {}) {
  const p = { who, id, published: at(minutes), content, seq: ++sequence, ...extra };
  accounts[who].posts.push(p);
  accounts[who].activities.unshift({ type: 'Create', post: p, when: p.published });
  return p;
}
const tagLink = (tag) => `<a href="ORIGIN/tags/${encodeURIComponent(tag)}" class="mention hashtag" rel="tag">#<span>${tag}</span></a>`;
const mentionLink = (who) => `<span class="h-card"><a href="ORIGIN/@${who}" class="u-url mention">@<span>${who}</span></a></span>`;

const opening = post('amelie', '1', 0,
  `<p>Très heureuse d'ouvrir le Café Lumière avec ${mentionLink('bob')} ! ${tagLink('caféLumière')}</p>`,
  { hashtags: ['caféLumière'], mentions: ['bob'] });
const edited = post('amelie', '2', 10, "<p>Torréfaction du jour : Éthiopie Yirgacheffe, notes d'agrumes.</p>");
edited.content = "<p>Torréfaction du jour : Éthiopie Yirgacheffe, notes d'agrumes et de jasmin.</p>";
edited.updated = at(15);
const gone = post('amelie', '3', 20, '<p>Brouillon à effacer : fermeture exceptionnelle lundi.</p>');
gone.deleted = at(25);  // as Mastodon does: its Create leaves the outbox, a Delete shows it
accounts.amelie.activities = accounts.amelie.activities.filter((a) => a.post !== gone);
accounts.amelie.activities.unshift({ type: 'Delete', post: gone, when: gone.deleted });
const bobReply = post('bob', '1', 30, `<p>${mentionLink('amelie')} Félicitations ! J'ai hâte de goûter ça.</p>`,
  { inReplyTo: opening, mentions: ['amelie'] });
post('bob', '2', 35, '<p>Mon filtre du matin, sans sucre.</p>');
post('chloe', '1', 50, `<p>Premier café filtre chez ${mentionLink('amelie')}, une merveille de douceur. ${tagLink('CaféLumière')}</p>`,
  { hashtags: ['CaféLumière'], mentions: ['amelie'] });
post('amelie', '4', 40, `<p>${mentionLink('bob')} Merci Bob, on t'attend samedi pour la dégustation !</p>`,
  { inReplyTo: bobReply, mentions: ['bob'] });
for (let i = 1; i <= 22; i++) {
  post('amelie', String(100 + i), 60 + i * 10, `<p>Carnet de torréfaction n° ${i} : lot ${i} d'Éthiopie, séché au soleil.</p>`);
}
accounts.amelie.activities.sort((a, b) => Temporal.Instant.compare(b.when, a.when));
// The figures' account: `node server.mjs N` gives "bulk" N short posts.
const bulkPosts = Number.parseInt(process.argv[2] ?? '0', 10) || 0;
if (bulkPosts > 0) {
  accounts.bulk = { name: 'Compte de mesure', summary: '<p>Mesures.</p>', posts: [], activities: [] };
  for (let i = 1; i <= bulkPosts; i++) post('bulk', String(i), i, `<p>Message numéro ${i} du compte de mesure.</p>`);
}

const noteUri = (ctx, p) => ctx.getObjectUri(Note, { identifier: p.who, id: p.id });
function toNote(ctx, p) {
  const tags = [
    ...(p.hashtags ?? []).map((t) => new Hashtag({ href: new URL(`${origin}/tags/${encodeURIComponent(t)}`), name: `#${t}` })),
    ...(p.mentions ?? []).map((w) => new Mention({ href: ctx.getActorUri(w), name: `@${w}@${new URL(origin).host}` })),
  ];
  return new Note({
    id: noteUri(ctx, p),
    attribution: ctx.getActorUri(p.who),
    to: PUBLIC_COLLECTION,
    content: p.content.replaceAll('ORIGIN', origin),
    published: p.published,
    updated: p.updated ?? null,
    url: new URL(`${origin}/@${p.who}/${p.id}`),
    replyTarget: p.inReplyTo ? noteUri(ctx, p.inReplyTo) : null,
    tags,
  });
}
function toActivity(ctx, a) {
  const uri = noteUri(ctx, a.post);
  const actor = ctx.getActorUri(a.post.who);
  if (a.type === 'Delete') {
    return new Delete({
      id: new URL(`${uri.href}#delete`), actor, to: PUBLIC_COLLECTION, published: a.when,
      object: new Tombstone({ id: uri, deleted: a.when }),
    });
  }
  const Type = a.type === 'Update' ? Update : Create;
  const suffix = a.type === 'Update' ? `#update-${a.when.epochMilliseconds}` : '#create';
  return new Type({
    id: new URL(`${uri.href}${suffix}`), actor, to: PUBLIC_COLLECTION, published: a.when,
    object: toNote(ctx, a.post),
  });
}

async function keyPairs(identifier) {
  if (!(identifier in accounts)) return [];
  keys[identifier] ??= [await generateCryptoKeyPair('RSASSA-PKCS1-v1_5')];
  return keys[identifier];
}

federation
  .setActorDispatcher('/users/{identifier}', async (ctx, identifier) => {
    const a = accounts[identifier];
    if (!a) return null;
    const pairs = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: a.name,
      summary: a.summary,
      url: new URL(`${origin}/@${identifier}`),
      inbox: ctx.getInboxUri(identifier),
      outbox: ctx.getOutboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      attachments: Object.entries(a.fields ?? {}).map(([name, value]) => new PropertyValue({ name, value })),
      successor: a.movedTo ? ctx.getActorUri(a.movedTo) : null,
      aliases: (a.aliases ?? []).map((w) => ctx.getActorUri(w)),
      publicKey: pairs[0].cryptographicKey,
      assertionMethods: pairs.map((p) => p.multikey),
    });
  })
  .setKeyPairsDispatcher(async (ctx, identifier) => keyPairs(identifier));

federation.setInboxListeners('/users/{identifier}/inbox', '/inbox');

const pageSize = 10;
const signed = (ctx, key) => key != null;
federation
  .setOutboxDispatcher('/users/{identifier}/outbox', async (ctx, identifier, cursor) => {
    const a = accounts[identifier];
    if (!a || cursor == null) return null;
    const from = Number.parseInt(cursor, 10) || 0;
    const items = a.activities.slice(from, from + pageSize).map((x) => toActivity(ctx, x));
    const next = from + pageSize < a.activities.length ? String(from + pageSize) : null;
    return { items, nextCursor: next };
  })
  .setFirstCursor(async () => '0')
  .setCounter(async (ctx, identifier) => accounts[identifier]?.activities.length ?? null)
  .authorize(async (ctx, identifier, key) => signed(ctx, key));

federation
  .setObjectDispatcher(Note, '/users/{identifier}/posts/{id}', async (ctx, { identifier, id }) => {
    const p = accounts[identifier]?.posts.find((x) => x.id === id && !x.deleted);
    return p ? toNote(ctx, p) : null;
  })
  .authorize(async (ctx, values, key) => signed(ctx, key));

// Requests by kind (webfinger, actor, outbox, page, note) and answer.
let stats = {};
let hanging = false;  // POST /_test/hang {"on": true}: requests are accepted and never answered
const hostile = {};   // POST /_test/hostile {"who", "mode"}: who's outbox misbehaves

// A hostile server's answers to GET /users/WHO/outbox[?page=N] (counted as
// "hostile MODE" in the stats): garbage, a page without end, pages whose
// next is ever another page, a redirect to an address not allowed (where
// `internal`, another server on 127.0.0.2, counts what reaches it).
let internalPort = 0;
const internal = http.createServer((req, res) => {
  stats.internal = (stats.internal ?? 0) + 1;
  res.writeHead(200, { 'content-type': 'application/activity+json' });
  res.end('{"type":"OrderedCollection","orderedItems":[]}');
});
async function answerHostile(mode, who, url, res) {
  stats[`hostile ${mode}`] = (stats[`hostile ${mode}`] ?? 0) + 1;
  const as = { 'content-type': 'application/activity+json' };
  if (mode === 'garbage') {
    res.writeHead(200, as);
    return res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
  }
  if (mode === 'redirect') {
    res.writeHead(302, { location: `http://127.0.0.2:${internalPort}/users/${who}/outbox` });
    return res.end();
  }
  const outbox = `${origin}/users/${who}/outbox`;
  if (mode === 'loop') {  // every page names a next one, each with one new post
    const n = Number.parseInt(url.searchParams.get('page') ?? '0', 10) || 0;
    res.writeHead(200, as);
    if (n === 0) {
      return res.end(JSON.stringify({ '@context': 'https://www.w3.org/ns/activitystreams', id: outbox,
        type: 'OrderedCollection', first: `${outbox}?page=1` }));
    }
    const note = { id: `${origin}/users/${who}/loop/${n}`, type: 'Note', attributedTo: `${origin}/users/${who}`,
      content: `<p>Boucle n°${n}</p>`, published: new Date(Date.UTC(2026, 0, 1) - n * 60000).toISOString(),
      to: ['https://www.w3.org/ns/activitystreams#Public'] };
    return res.end(JSON.stringify({ '@context': 'https://www.w3.org/ns/activitystreams', id: `${outbox}?page=${n}`,
      type: 'OrderedCollectionPage', partOf: outbox, next: `${outbox}?page=${n + 1}`,
      orderedItems: [{ id: `${note.id}/activity`, type: 'Create', actor: note.attributedTo, object: note }] }));
  }
  // huge: a page of 64 MB, written as fast as the client reads it, until it hangs up.
  res.writeHead(200, as);
  const item = JSON.stringify({ type: 'Create', actor: `${origin}/users/${who}`,
    object: { type: 'Note', content: 'x'.repeat(1000) } });
  let sent = 0;
  const write = (chunk) => new Promise((done) => {
    if (res.destroyed || res.write(chunk)) return done();
    const go = () => { res.off('drain', go); res.off('close', go); done(); };
    res.once('drain', go);
    res.once('close', go);
  });
  await write('{"type":"OrderedCollectionPage","orderedItems":[');
  while (sent < 64 * 1024 * 1024 && !res.destroyed) {
    const chunk = (sent ? ',' : '') + Array(64).fill(item).join(',');
    await write(chunk);
    sent += chunk.length;
  }
  stats['hostile bytes'] = (stats['hostile bytes'] ?? 0) + sent;
  if (!res.destroyed) res.end(']}');
}
function count(url, status, isSigned) {
  const kind = url.pathname.startsWith('/.well-known/webfinger') ? 'webfinger'
    : /\/outbox$/.test(url.pathname) ? (url.searchParams.has('cursor') ? 'page' : 'outbox')
    : /\/posts\//.test(url.pathname) ? 'note'
    : /^\/users\/[^/]+$/.test(url.pathname) ? 'actor' : 'other';
  const key = `${kind} ${status}${isSigned ? ' signed' : ''}`;
  stats[key] = (stats[key] ?? 0) + 1;
}

function changes() {  // an edit (Update) of post 2 and a new post, newest on top
  edited.content = "<p>Torréfaction du jour : Éthiopie Yirgacheffe et Colombie Huila, notes d'agrumes.</p>";
  edited.updated = at(2000);
  accounts.amelie.activities.unshift({ type: 'Update', post: edited, when: edited.updated });
  post('amelie', '200', 2010, `<p>Nouvelle carte d'automne : crème brûlée à l'érable. ${tagLink('caféLumière')}</p>`,
    { hashtags: ['caféLumière'] });
}

// The hashtag timeline (Mastodon's GET /api/v1/timelines/tag/:hashtag).
// A status id is the post's time in ms times 2^16 plus its sequence, as
// Mastodon's ids order by time.
const statusId = (p) => (BigInt(p.published.epochMilliseconds) * 65536n + BigInt(p.seq)).toString();
const fold = (tag) => tag.normalize('NFC').toLowerCase();
function toStatus(ctx, p) {
  const a = accounts[p.who];
  const id = statusId(p);
  return {
    id, uri: noteUri(ctx, p).href, url: `${origin}/@${p.who}/${p.id}`,
    created_at: new Date(p.published.epochMilliseconds).toISOString(),
    edited_at: p.updated ? new Date(p.updated.epochMilliseconds).toISOString() : null,
    content: p.content.replaceAll('ORIGIN', origin), spoiler_text: '', language: 'fr',
    visibility: 'public', sensitive: false,
    in_reply_to_id: p.inReplyTo ? statusId(p.inReplyTo) : null, reblog: null,
    account: {
      id: String(Object.keys(accounts).indexOf(p.who) + 1), username: p.who, acct: p.who,
      display_name: a.name, note: a.summary, url: `${origin}/@${p.who}`,
      uri: ctx.getActorUri(p.who).href, avatar: `${origin}/avatars/${p.who}.png`, bot: false,
      fields: Object.entries(a.fields ?? {}).map(([name, value]) => ({ name, value, verified_at: null })),
    },
    tags: (p.hashtags ?? []).map((t) => ({ name: fold(t), url: `${origin}/tags/${encodeURIComponent(fold(t))}` })),
    mentions: (p.mentions ?? []).map((w) => ({ id: w, username: w, acct: w, url: `${origin}/@${w}` })),
    media_attachments: [],
  };
}
function tagTimeline(url) {
  const tag = fold(decodeURIComponent(url.pathname.slice('/api/v1/timelines/tag/'.length)));
  const q = url.searchParams;
  const limit = Math.min(40, Math.max(1, Number.parseInt(q.get('limit') ?? '20', 10) || 20));
  const big = (name) => (q.get(name) ? BigInt(q.get(name)) : null);
  const [sinceId, maxId, minId] = [big('since_id'), big('max_id'), big('min_id')];
  let posts = Object.values(accounts).flatMap((a) => a.posts)
    .filter((p) => !p.deleted && (p.hashtags ?? []).some((t) => fold(t) === tag))
    .filter((p) => {
      const id = BigInt(statusId(p));
      return (sinceId == null || id > sinceId) && (maxId == null || id < maxId) && (minId == null || id > minId);
    })
    .sort((x, y) => (BigInt(statusId(y)) > BigInt(statusId(x)) ? 1 : -1));
  posts = minId != null ? posts.slice(-limit) : posts.slice(0, limit);  // min_id: the oldest newer ones
  const ctx = federation.createContext(new URL(origin), undefined);
  const statuses = posts.map((p) => toStatus(ctx, p));
  const headers = { 'content-type': 'application/json; charset=utf-8' };
  if (statuses.length > 0) {
    const page = (k, v) => `${origin}${url.pathname}?limit=${limit}&${k}=${v}`;
    headers.link = `<${page('max_id', statuses.at(-1).id)}>; rel="next", <${page('min_id', statuses[0].id)}>; rel="prev"`;
  }
  return [headers, statuses];
}

// One status by its id (Mastodon's GET /api/v1/statuses/:id): 404 for a
// post deleted or not there.
function statusById(id) {
  const p = Object.values(accounts).flatMap((a) => a.posts).find((x) => !x.deleted && statusId(x) === id);
  return p ? toStatus(federation.createContext(new URL(origin), undefined), p) : null;
}

// POST /_test/post {"who", "content", "hashtags", "reply_to"}: a new post,
// published now; reply_to ("who/id") names the post it answers.
let posted = 0;
function addPost(body) {
  let asked;
  try { asked = JSON.parse(body); } catch { return [400, { error: 'the body is not JSON' }]; }
  const { who, content, hashtags, reply_to: replyTo } = asked ?? {};
  if (!accounts[who] || typeof content !== 'string') return [400, { error: '"who" (an account) and "content" are required' }];
  let parent;
  if (replyTo != null) {
    const [pw, pid] = String(replyTo).split('/');
    parent = accounts[pw]?.posts.find((x) => x.id === pid && !x.deleted);
    if (!parent) return [400, { error: `reply_to: no post ${replyTo} ("who/id")` }];
  }
  const p = post(who, String(900 + ++posted), 0, content, { hashtags: hashtags ?? [], ...(parent ? { inReplyTo: parent } : {}) });
  p.published = Temporal.Now.instant();
  accounts[who].activities.find((a) => a.post === p).when = p.published;
  return [200, { ok: true, id: `${who}/${p.id}` }];
}

// POST /_test/move {"from", "to", "confirm"}. [status, answer].
function moveAccount(body) {
  let asked;
  try { asked = JSON.parse(body); } catch { return [400, { error: 'the body is not JSON' }]; }
  const { from, to, confirm } = asked ?? {};
  if (!accounts[from] || typeof to !== 'string' || !/^[a-z0-9_]+$/.test(to) || accounts[to]) {
    return [400, { error: '"from" (an account) and "to" (a new account name, a-z 0-9 _) are required' }];
  }
  accounts[to] = { ...accounts[from], posts: [], activities: [], aliases: confirm === false ? [] : [from] };
  delete accounts[to].movedTo;
  post(to, '1', 3000, `<p>Nouvelle adresse pour ${accounts[from].name} : suivez-moi ici !</p>`);
  accounts[from].movedTo = to;
  return [200, { ok: true, moved: `${from} -> ${to}` }];
}

// POST /_test/delete: the post {who, id} deleted upstream. [status, answer].
function deletePost(body) {
  let asked;
  try { asked = JSON.parse(body); } catch { return [400, { error: 'the body is not JSON: send {"who": "amelie", "id": "121"}' }]; }
  const { who, id } = asked ?? {};
  if (typeof who !== 'string' || typeof id !== 'string') {
    return [400, { error: '"who" (an account) and "id" (its post) must be strings' }];
  }
  const p = accounts[who]?.posts.find((x) => x.id === id && !x.deleted);
  if (!p) return [404, { error: `no post ${id} of ${who} to delete` }];
  p.deleted = Temporal.Now.instant();
  accounts[who].activities = accounts[who].activities.filter((a) => a.post !== p);
  return [200, { ok: true, deleted: `${who}/${id}` }];
}

// A request's whole body.
async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks);
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, `http://${req.headers.host}`);
    const json = (body, status = 200) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (url.pathname === '/_test/changes' && req.method === 'POST') { changes(); return json({ ok: true }); }
    if (url.pathname === '/_test/delete' && req.method === 'POST') {
      const [status, answer] = deletePost((await readBody(req)).toString('utf8'));
      return json(answer, status);
    }
    if (url.pathname === '/_test/hang' && req.method === 'POST') {
      hanging = JSON.parse((await readBody(req)).toString('utf8') || '{}').on === true;
      return json({ hanging });
    }
    if (url.pathname === '/_test/hostile' && req.method === 'POST') {
      const { who, mode } = JSON.parse((await readBody(req)).toString('utf8') || '{}');
      if (!accounts[who] || !['garbage', 'huge', 'loop', 'redirect', 'off'].includes(mode)) {
        return json({ error: '"who" (an account) and "mode" (garbage, huge, loop, redirect or off)' }, 400);
      }
      if (mode === 'off') delete hostile[who]; else hostile[who] = mode;
      return json({ hostile });
    }
    const outboxOf = /^\/users\/([^/]+)\/outbox$/.exec(url.pathname);
    if (outboxOf && hostile[outboxOf[1]] && req.method === 'GET') {
      return answerHostile(hostile[outboxOf[1]], outboxOf[1], url, res);
    }
    if (url.pathname === '/_test/move' && req.method === 'POST') {
      const [status, answer] = moveAccount((await readBody(req)).toString('utf8'));
      return json(answer, status);
    }
    if (url.pathname === '/_test/post' && req.method === 'POST') {
      const [status, answer] = addPost((await readBody(req)).toString('utf8'));
      return json(answer, status);
    }
    if (url.pathname.startsWith('/api/v1/statuses/') && req.method === 'GET') {
      const status = statusById(decodeURIComponent(url.pathname.slice('/api/v1/statuses/'.length)));
      const key = `status ${status ? 200 : 404}`;
      stats[key] = (stats[key] ?? 0) + 1;
      return status ? json(status) : json({ error: 'Record not found' }, 404);
    }
    if (url.pathname.startsWith('/api/v1/timelines/tag/') && req.method === 'GET') {
      const [headers, statuses] = tagTimeline(url);
      const key = `timeline 200${url.searchParams.has('since_id') ? ' since' : ''}${url.searchParams.has('max_id') ? ' max' : ''}`;
      stats[key] = (stats[key] ?? 0) + 1;
      res.writeHead(200, headers);
      return res.end(JSON.stringify(statuses));
    }
    if (url.pathname === '/_test/stats') {
      if (req.method === 'POST') stats = {};
      return json(stats);
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (Array.isArray(v)) v.forEach((x) => headers.append(k, x)); else if (v != null) headers.set(k, v);
    }
    const requestBody = await readBody(req);
    const request = new Request(url, {
      method: req.method, headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : requestBody,
    });
    if (hanging) {  // accepted, never answered: the client's timeout ends it
      stats.hung = (stats.hung ?? 0) + 1;
      return;
    }
    const response = await federation.fetch(request, { contextData: undefined });
    const body = Buffer.from(await response.arrayBuffer());
    const answer = Object.fromEntries(response.headers);
    // Actors carry an ETag (ours: Fedify gives none) and answer 304 to a
    // request that holds it, as Mastodon's do.
    if (req.method === 'GET' && response.status === 200 && /^\/users\/[^/]+$/.test(url.pathname)) {
      answer.etag = `W/"${createHash('sha1').update(body).digest('hex')}"`;
      if (req.headers['if-none-match'] === answer.etag) {
        count(url, 304, headers.has('signature'));
        res.writeHead(304, { etag: answer.etag });
        return res.end();
      }
    }
    count(url, response.status, headers.has('signature'));
    res.writeHead(response.status, answer);
    res.end(body);
  } catch (e) {
    console.error(e);
    res.writeHead(500);
    res.end(String(e));
  }
});
internal.listen(0, '127.0.0.2', () => {
  internalPort = internal.address().port;
  server.listen(0, '127.0.0.1', () => {
    origin = `http://127.0.0.1:${server.address().port}`;
    console.log(JSON.stringify({ url: origin }));
  });
});
const stop = () => {
  internal.close();
  internal.closeAllConnections();
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
