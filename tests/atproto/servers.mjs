// tests/atproto/servers.mjs POSTGRES_URL: a whole AT Protocol network in
// this node process, from @atproto/dev-env (tests/atproto/install
// --dev-env): its TestNetwork runs the reference PLC directory, PDS and
// Bluesky AppView (plus the moderation service it wires in), the AppView
// on the PostgreSQL cluster at POSTGRES_URL (tests/atproto/run starts it).
// Every server listens on 127.0.0.1 only, on ports the system picks;
// temporary files go to $TMPDIR. Prints one line {"plc", "pds",
// "appview"} (URLs) when all answer, then serves until SIGTERM.
import { createRequire } from 'node:module';
import dns from 'node:dns';
import net from 'node:net';
import { pathToFileURL } from 'node:url';

dns.setDefaultResultOrder('ipv4first');  // "localhost" is 127.0.0.1, where they listen
// The servers call listen(port) deep inside dev-env: bind them all to loopback.
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') {
    args.splice(1, 0, '127.0.0.1');
  } else if (args[0] && typeof args[0] === 'object' && !(args[0] instanceof net.Server) &&
             args[0].path === undefined && args[0].host === undefined && args[0].fd === undefined) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};
// dev-env insists on a Redis host; the AppView never connects to it.
process.env.REDIS_HOST ??= '127.0.0.1:1';
process.env.LOG_ENABLED ??= 'false';

const require = createRequire(process.cwd() + '/');  // the install directory
const { TestNetwork } = await import(pathToFileURL(require.resolve('@atproto/dev-env')).href);
const network = await TestNetwork.create({ dbPostgresUrl: process.argv[2], dbPostgresSchema: 'scrm' });

console.log(JSON.stringify({ plc: network.plc.url, pds: network.pds.url, appview: network.bsky.url }));

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await network.close().catch(() => {});
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
