// tests/atproto/servers.mjs DATA_DIR: the reference PLC directory and PDS
// (@did-plc/server, @atproto/pds from npm, tests/atproto/install) in this
// node process, both on 127.0.0.1 only, on ports the system picks. Prints
// one line {"plc": URL, "pds": URL} when both answer, then serves until
// SIGTERM.
import { createRequire } from 'node:module';
import dns from 'node:dns';
import crypto from 'node:crypto';
import net from 'node:net';
import { pathToFileURL } from 'node:url';

dns.setDefaultResultOrder('ipv4first');  // "localhost" is 127.0.0.1, where they listen
// The packages are in the install directory, the working directory.
const require = createRequire(process.cwd() + '/');
const dataDir = process.argv[2];

// Both servers call app.listen(port): bind to loopback instead of every interface.
function loopbackOnly(app) {
  const listen = app.listen.bind(app);
  app.listen = (port) => listen(port, '127.0.0.1');
}
function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const { PlcServer, Database: PlcDatabase } = require('@did-plc/server');
const pds = await import(pathToFileURL(require.resolve('@atproto/pds')).href);

const plcPort = await freePort();
const plc = PlcServer.create({ db: PlcDatabase.mock(), port: plcPort });
loopbackOnly(plc.app);
await plc.start();

const pdsPort = await freePort();
Object.assign(process.env, {
  PDS_HOSTNAME: 'localhost',
  PDS_PORT: String(pdsPort),
  PDS_DATA_DIRECTORY: dataDir,
  PDS_BLOBSTORE_DISK_LOCATION: dataDir + '/blobs',
  PDS_DID_PLC_URL: `http://localhost:${plcPort}`,
  PDS_JWT_SECRET: crypto.randomBytes(16).toString('hex'),
  PDS_ADMIN_PASSWORD: 'admin-pass',
  PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX: crypto.randomBytes(32).toString('hex'),
  PDS_INVITE_REQUIRED: 'false',
  PDS_DEV_MODE: 'true',
  PDS_CRAWLERS: '',
  LOG_ENABLED: 'false',
});
const env = pds.readEnv();
const server = await pds.PDS.create(pds.envToCfg(env), pds.envToSecrets(env));
loopbackOnly(server.app);
await server.start();

console.log(JSON.stringify({ plc: `http://localhost:${plcPort}`, pds: `http://localhost:${pdsPort}` }));

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.destroy().catch(() => {});
  await plc.destroy().catch(() => {});
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
