import { strict as assert } from 'node:assert';
import type { AddressInfo } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import type { Connection } from '../../src/connection/connection.js';
import { isSessionClosed } from '../../src/errors/error-guards.js';
import { listen } from '../../src/server/listen.js';
import { startFaultServer, type FaultServer } from '../../src/testing/index.js';
import { testCertificate } from '../helpers/certs.js';
import { managerPerTest } from './support/manager-per-test.js';
import { openTunnel, pattern, roundTrip } from './support/tunnels.js';
import { eventually } from '../helpers/eventually.js';

const SIZE = 2 * 1024 * 1024;

/** Sends `payload` in 64 KiB writes (so a GOAWAY lands mid-transfer) and collects the echo. */
async function transfer(connection: Connection, payload: Buffer, midway?: () => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const ended = new Promise<void>((resolve, reject) => connection.output.subscribe({ next: (c) => chunks.push(c), complete: resolve, error: reject }));
  for (let offset = 0; offset < payload.length; offset += 65_536) {
    if (offset === 1_048_576) midway?.();
    await connection.write(payload.subarray(offset, offset + 65_536));
  }
  await connection.end();
  await ended;
  return Buffer.concat(chunks);
}

describe('reliability: GOAWAY', function () {
  this.timeout(20_000);
  let server: FaultServer | undefined;
  const client = managerPerTest(async () => {
    await server?.close();
    server = undefined;
  });

  it('lets tunnels in flight finish every byte and sends new tunnels to a new session', async () => {
    server = await startFaultServer();
    const s = server;
    const tunnels = await Promise.all([0, 1, 2].map(() => openTunnel(client.manager, s.address, s.dialSettings)));
    const firstSession = client.events.find((e) => e.type === 'opened')?.id;
    const echoes = await Promise.all(tunnels.map((connection, i) => transfer(connection, pattern(SIZE, i), i === 0 ? () => s.goaway() : undefined)));
    echoes.forEach((bytes, i) => assert.ok(bytes.equals(pattern(SIZE, i)), `tunnel ${i} lost bytes across the GOAWAY`));
    for (const connection of tunnels) assert.ok(E.isRight(await connection.done));
    await eventually(() => client.events.some((e) => e.type === 'evicted' && e.id === firstSession), 'eviction on GOAWAY', 2_000);
    const evicted = client.events.find((e) => e.type === 'evicted');
    assert.ok(evicted?.type === 'evicted' && isSessionClosed(evicted.reason) && /GOAWAY/.test(evicted.reason.message));
    const next = await openTunnel(client.manager, s.address, s.dialSettings);
    assert.equal((await roundTrip(next, Buffer.from('new session'))).toString(), 'new session');
    assert.notEqual(client.events.filter((e) => e.type === 'opened').at(-1)?.id, firstSession);
  });

  it('takes no new tunnel on a session once it got GOAWAY after N streams', async () => {
    server = await startFaultServer({ goawayAfterStreams: 2 });
    const s = server;
    const open = await Promise.all([0, 1].map(() => openTunnel(client.manager, s.address, s.dialSettings)));
    const third = await openTunnel(client.manager, s.address, s.dialSettings);
    assert.equal(client.events.filter((e) => e.type === 'opened').length, 2);
    for (const [i, connection] of [...open, third].entries()) assert.equal((await roundTrip(connection, pattern(100_000, i))).length, 100_000);
  });

  it('our server: close(drainMs) sends GOAWAY, tunnels in flight finish, tunnels past the deadline fail typed', async () => {
    const pair = await testCertificate();
    const ours = await listen({ listen: '127.0.0.1:0', tls: pair, host: ['tunnel.test'] });
    const held: Connection[] = [];
    ours.connections.subscribe((connection) => {
      held.push(connection);
      const duplex = connection.toDuplex();
      duplex.pipe(duplex);
    });
    const address = `127.0.0.1:${(ours.address as AddressInfo).port}`;
    const settings = { host: ['tunnel.test'], tls: { serverName: 'tunnel.test', ca: pair.cert } };
    const finishing = await openTunnel(client.manager, address, settings);
    const lingering = await openTunnel(client.manager, address, settings);
    lingering.output.subscribe({ error: () => undefined });
    let closing: Promise<void> | undefined;
    const echoed = await transfer(finishing, pattern(SIZE), () => (closing = ours.close(1_500)));
    assert.ok(echoed.equals(pattern(SIZE)), 'the tunnel in flight lost bytes during the drain');
    await closing;
    const cut = await lingering.done;
    assert.ok(E.isLeft(cut) && isSessionClosed(cut.left), JSON.stringify(cut));
    assert.deepEqual(ours.stats(), { sessions: 0, tunnels: 0, healthPings: 0, healthPingsFailed: 0 });
  });
});

describe('wasNotProcessed', () => {
  it('retries only requests the server never processed', async () => {
    const { wasNotProcessed } = await import('../../src/client/not-processed.js');
    const { streamReset, sessionClosed, unexpectedStatus, timeout } = await import('../../src/errors/transport-error.js');
    const goaway = Object.assign(new Error('GOAWAY'), { code: 'ERR_HTTP2_GOAWAY_SESSION' });
    assert.equal(wasNotProcessed(streamReset(7)), true);
    assert.equal(wasNotProcessed(sessionClosed('GOAWAY received', goaway)), true);
    assert.equal(wasNotProcessed(streamReset(2)), false);
    assert.equal(wasNotProcessed(sessionClosed('connection lost')), false);
    assert.equal(wasNotProcessed(unexpectedStatus(503)), false);
    assert.equal(wasNotProcessed(timeout('waiting for the tunnel response', 10)), false);
  });
});
