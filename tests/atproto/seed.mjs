// tests/atproto/seed.mjs PDS_URL COMMAND [ARGS]: writes to the local PDS as a
// Bluesky app would (XRPC with the account's session), for tests/atproto/run.
//   accounts FILE           Amélie (profile with an e-mail and a website) and
//                           Bob; Amélie's posts: French with accents, a
//                           hashtag, a mention of Bob, a link, a reply to Bob.
//                           Writes what it made (DIDs, sessions, URIs) to FILE.
//   changes FILE            edits Amélie's first post, deletes her second,
//                           adds one more.
//   bulk FILE N POSTS       N more accounts (bulkI.test) with POSTS posts each.
//   listen FILE             posts for listen sources: Amélie in French with
//                           the hashtag #suitecrm, Bob in English with the
//                           keywords "open source crm", one post of each
//                           that matches neither.
//   listen-more FILE        one more French #suitecrm post, by Bob.
//   rename FILE HANDLE      Amélie's handle becomes HANDLE
//                           (com.atproto.identity.updateHandle).
import fs from 'node:fs';
import dns from 'node:dns';

dns.setDefaultResultOrder('ipv4first');
const [pds, command, file, ...rest] = process.argv.slice(2);

async function xrpc(method, nsid, body, jwt) {
  const res = await fetch(`${pds}/xrpc/${nsid}`, {
    method,
    headers: { 'content-type': 'application/json', ...(jwt ? { authorization: `Bearer ${jwt}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${nsid}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};  // updateHandle answers an empty body
}
const account = (handle) =>
  xrpc('POST', 'com.atproto.server.createAccount', {
    handle, email: `${handle.split('.')[0]}@example.test`, password: 'secret-pass-123',
  });
// A facet over the bytes of `part` in `text`.
function facet(text, part, feature) {
  const start = Buffer.byteLength(text.slice(0, text.indexOf(part)));
  return { index: { byteStart: start, byteEnd: start + Buffer.byteLength(part) }, features: [feature] };
}
const record = (who, collection, rec, rkey) =>
  xrpc('POST', rkey ? 'com.atproto.repo.putRecord' : 'com.atproto.repo.createRecord',
       { repo: who.did, collection, record: rec, ...(rkey ? { rkey } : {}) }, who.accessJwt);
const post = (who, text, extra = {}) =>
  record(who, 'app.bsky.feed.post', { $type: 'app.bsky.feed.post', text, createdAt: new Date().toISOString(), ...extra });

if (command === 'accounts') {
  const amelie = await account('amelie.test');
  const bob = await account('bob.test');
  await record(amelie, 'app.bsky.actor.profile', {
    $type: 'app.bsky.actor.profile',
    displayName: 'Amélie Durand',
    description: 'Responsable des achats chez Café Lumière. Écrivez-moi : amelie.durand@cafe-lumiere.fr — https://cafe-lumiere.fr',
  }, 'self');
  const bobPost = await post(bob, 'Qui vient au salon de Lyon ?', { langs: ['fr'] });
  const t1 = 'Très heureuse de présenter notre torréfaction à Lyon avec @bob.test ! #caféLumière https://cafe-lumiere.fr/salon';
  const first = await post(amelie, t1, {
    langs: ['fr'],
    facets: [
      facet(t1, '@bob.test', { $type: 'app.bsky.richtext.facet#mention', did: bob.did }),
      facet(t1, '#caféLumière', { $type: 'app.bsky.richtext.facet#tag', tag: 'caféLumière' }),
      facet(t1, 'https://cafe-lumiere.fr/salon', { $type: 'app.bsky.richtext.facet#link', uri: 'https://cafe-lumiere.fr/salon' }),
    ],
  });
  const second = await post(amelie, 'Ce message sera supprimé demain.', { langs: ['fr'] });
  const ref = { uri: bobPost.uri, cid: bobPost.cid };
  const reply = await post(amelie, 'Nous serons là, stand 12 !', { langs: ['fr'], reply: { root: ref, parent: ref } });
  fs.writeFileSync(file, JSON.stringify({ amelie, bob, bobPost, first, second, reply, t1 }));
} else if (command === 'rename') {
  const s = JSON.parse(fs.readFileSync(file));
  await xrpc('POST', 'com.atproto.identity.updateHandle', { handle: rest[0] }, s.amelie.accessJwt);
} else if (command === 'changes') {
  const s = JSON.parse(fs.readFileSync(file));
  const rkey = (uri) => uri.split('/').pop();
  await record(s.amelie, 'app.bsky.feed.post', {
    $type: 'app.bsky.feed.post', text: s.t1.replace('Très heureuse', 'Très fière'), langs: ['fr'],
    createdAt: new Date().toISOString(),
  }, rkey(s.first.uri));
  await xrpc('POST', 'com.atproto.repo.deleteRecord',
             { repo: s.amelie.did, collection: 'app.bsky.feed.post', rkey: rkey(s.second.uri) }, s.amelie.accessJwt);
  s.third = await post(s.amelie, 'Dernière journée au salon : merci à tous !', { langs: ['fr'] });
  fs.writeFileSync(file, JSON.stringify(s));
} else if (command === 'bulk') {
  const [n, posts] = rest.map(Number);
  const made = [];
  for (let i = 0; i < n; i++) {
    const who = await account(`bulk${i}.test`);
    await record(who, 'app.bsky.actor.profile', { $type: 'app.bsky.actor.profile', displayName: `Bulk ${i}` }, 'self');
    for (let k = 0; k < posts; k++) await post(who, `Message numéro ${k} du compte ${i}`, { langs: ['fr'] });
    made.push(who.handle);
  }
  fs.writeFileSync(file, JSON.stringify(made));
} else if (command === 'listen' || command === 'listen-more') {
  const s = JSON.parse(fs.readFileSync(file));
  const tagged = (who, text, langs) => post(who, text, {
    langs, facets: [facet(text, '#suitecrm', { $type: 'app.bsky.richtext.facet#tag', tag: 'suitecrm' })],
  });
  if (command === 'listen') {
    s.listenFr = await tagged(s.amelie, 'Nous passons à #suitecrm : déjà ravis, même la comptabilité à Besançon', ['fr']);
    s.listenEn = await post(s.bob, 'Our open source crm trial went well, the sales team is convinced', { langs: ['en'] });
    await post(s.amelie, 'Rien à voir : il neige à Besançon ce matin', { langs: ['fr'] });
    await post(s.bob, 'Lunch with the sales team at the harbour', { langs: ['en'] });
  } else {
    s.listenMore = await tagged(s.bob, 'Première semaine sous #suitecrm à Genève : réussite complète', ['fr']);
  }
  fs.writeFileSync(file, JSON.stringify(s));
} else {
  console.error('usage: seed.mjs PDS_URL accounts|changes|bulk|listen|listen-more FILE [N POSTS]');
  process.exit(2);
}
