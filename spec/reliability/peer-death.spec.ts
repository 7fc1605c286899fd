import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as E from 'fp-ts/lib/Either.js';
import type { Connection } from '../../src/connection/connection.js';
import { isSessionClosed, isTransportError } from '../../src/errors/error-guards.js';
import { startResetRelay, type ResetRelay } from '../helpers/reset-relay.js';
import { startFaultServer, type FaultServer } from '../../src/testing/index.js';
import { managerPerTest } from './support/manager-per-test.js';
import { startOurServer, type OurServer } from './support/our-server.js';
import { openTunnel, pattern, roundTrip } from './support/tunnels.js';
import { eventually } from '../helpers/eventually.js';

/** How a tunnel's Duplex ended: its first 'end' or 'error', as pipe() and pipeline() would see it. */
function duplexEnding(connection: Connection): Promise<{ readonly how: 'end' | 'error'; readonly error?: unknown }> {
  const duplex = connection.toDuplex();
  return new Promise((resolve) => {
    duplex.once('end', () => resolve({ how: 'end' }));
    duplex.once('error', (error) => resolve({ how: 'error', error }));
    duplex.resume();
  });
}

const FAST_HEALTH = { readIdleTimeoutMs: 500, healthCheckTimeoutMs: 1000 };

// A fault server in its own process, so the test can kill it like a crashed peer.
const CHILD_SERVER = `
import { startFaultServer } from './src/testing/index.ts';
const server = await startFaultServer({ h2c: process.env.H2C === '1' });
process.stdout.write(JSON.stringify({ port: server.port, cert: server.certificate?.cert }) + '\\n');
`;

async function startChildServer(h2c: boolean): Promise<{ child: ChildProcess; port: number; cert: string | undefined }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD_SERVER], {
    cwd: process.cwd(),
    env: { ...process.env, H2C: h2c ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.stdout === null) throw new Error('no stdout from the child server');
  const [line] = await once(child.stdout, 'data');
  const { port, cert } = JSON.parse(String(line)) as { port: number; cert?: string };
  return { child, port, cert };
}

describe('reliability: peer death', function () {
  this.timeout(20_000);
  let child: ChildProcess | undefined;
  let server: FaultServer | undefined;
  let ours: OurServer | undefined;
  let relay: ResetRelay | undefined;

  // Registered first, so it runs before the manager closes.
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
  });
  const client = managerPerTest(async () => {
    await server?.close();
    await relay?.close();
    await ours?.close();
    server = undefined;
    relay = undefined;
    ours = undefined;
  });

  for (const h2c of [false, true]) {
    it(`ends every open tunnel with a typed error when the server process is killed mid-transfer (${h2c ? 'h2c' : 'TLS'})`, async () => {
      const peer = await startChildServer(h2c);
      child = peer.child;
      const settings = h2c
        ? { host: ['tunnel.test'], h2c: true, ...FAST_HEALTH }
        : { host: ['tunnel.test'], tls: { serverName: 'tunnel.test', ca: peer.cert }, ...FAST_HEALTH };
      const address = `127.0.0.1:${peer.port}`;
      const tunnels = await Promise.all([1, 2, 3].map(() => openTunnel(client.manager, address, settings)));
      // Keep data moving on every tunnel while the peer dies.
      const writers = tunnels.map(async (connection) => {
        connection.output.subscribe({ error: () => undefined });
        for (let i = 0; i < 200; i++) await connection.write(pattern(64 * 1024, i));
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      child.kill('SIGKILL');
      const killedAt = Date.now();
      const results = await Promise.all(tunnels.map((connection) => connection.done));
      const detectedMs = Date.now() - killedAt;
      await Promise.allSettled(writers);
      for (const result of results) assert.ok(E.isLeft(result) && isTransportError(result.left), JSON.stringify(result));
      assert.ok(
        results.every((result) => E.isLeft(result) && isSessionClosed(result.left)),
        results.map((r) => JSON.stringify(r)).join('\n'),
      );
      console.log(`      ${h2c ? 'h2c' : 'TLS'}: all 3 tunnels failed ${detectedMs} ms after the kill`);
      // The dead session is out of the cache: a new tunnel goes to a fresh session on a new server.
      const revived = await startChildServer(h2c);
      child = revived.child;
      const next = await openTunnel(
        client.manager,
        `127.0.0.1:${revived.port}`,
        h2c ? settings : { ...settings, tls: { serverName: 'tunnel.test', ca: revived.cert } },
      );
      assert.equal((await roundTrip(next, Buffer.from('alive'))).toString(), 'alive');
    });
  }

  for (const h2c of [false, true]) {
    it(`an idle tunnel's Duplex errors with SessionClosed, never ends, when the server process is killed (${h2c ? 'h2c' : 'TLS'})`, async () => {
      const peer = await startChildServer(h2c);
      child = peer.child;
      const settings = h2c ? { host: ['tunnel.test'], h2c: true } : { host: ['tunnel.test'], tls: { serverName: 'tunnel.test', ca: peer.cert } };
      const connection = await openTunnel(client.manager, `127.0.0.1:${peer.port}`, settings);
      const ending = duplexEnding(connection);
      child.kill('SIGKILL');
      const { how, error } = await ending;
      assert.equal(how, 'error', 'pipe() would have ended its destination with a clean FIN');
      // The dead process's kernel sends a FIN (our typed reason) or, with bytes unread, a RST (Node's own
      // ECONNRESET, as for any session that errored); `done` is typed either way.
      assert.ok(isSessionClosed(error) || (error as NodeJS.ErrnoException).code === 'ECONNRESET', String(error));
      const result = await connection.done;
      assert.ok(E.isLeft(result) && isSessionClosed(result.left), JSON.stringify(result));
    });
  }

  it('server side: a client whose connection is reset ends every tunnel on it with SessionClosed; their Duplexes error, never end', async () => {
    ours = await startOurServer({ h2c: true });
    relay = await startResetRelay(ours.port);
    const settings = { host: ['tunnel.test'], path: '/tun', h2c: true };
    await Promise.all([1, 2].map(() => openTunnel(client.manager, `127.0.0.1:${relay?.port ?? 0}`, settings)));
    await eventually(() => ours?.accepted.length === 2, 'both tunnels to reach the server', 2_000);
    const accepted = ours.accepted.map((connection) => ({ connection, ending: duplexEnding(connection) }));
    relay.reset();
    for (const { connection, ending } of accepted) {
      // The Duplex carries Node's own error here (read ECONNRESET); `done` has the typed one.
      assert.equal((await ending).how, 'error');
      const result = await connection.done;
      assert.ok(E.isLeft(result) && isSessionClosed(result.left), JSON.stringify(result));
    }
  });

  it('ends an idle tunnel at once when the TCP connection is reset, and reconnects for the next', async () => {
    server = await startFaultServer();
    const connection = await openTunnel(client.manager, server.address, server.dialSettings);
    connection.output.subscribe({ error: () => undefined });
    server.dropConnections();
    const result = await connection.done;
    assert.ok(E.isLeft(result) && isSessionClosed(result.left), JSON.stringify(result));
    const next = await openTunnel(client.manager, server.address, server.dialSettings);
    assert.equal((await roundTrip(next, Buffer.from('again'))).toString(), 'again');
    assert.equal(client.events.filter((e) => e.type === 'opened').length, 2);
  });
});
