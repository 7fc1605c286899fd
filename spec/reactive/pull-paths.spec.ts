import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { lastValueFrom } from 'rxjs';
import { openTunnel } from '../../src/client/open-tunnel.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import type { Connection } from '../../src/connection/connection.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';
import { MiB, peakRssGrowth } from './support/memory.js';

const CHUNK = 64 * 1024;
const TOTAL = 96 * MiB;

/** 96 MiB made one chunk at a time, each a function of its index, so any order or loss changes the hash. */
async function* generated(hash: ReturnType<typeof createHash>): AsyncGenerator<Buffer> {
  for (let i = 0; i < TOTAL / CHUNK; i++) {
    // An asynchronous producer, as a file or a socket is.
    if (i % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
    const chunk = Buffer.allocUnsafe(CHUNK).fill(i % 251);
    hash.update(chunk);
    yield chunk;
  }
}

/** Hashes what `source` yields, pausing 1 ms every 16 chunks: a consumer slower than the tunnel. */
async function slowDigest(source: AsyncIterable<Buffer>): Promise<{ digest: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  let n = 0;
  for await (const chunk of source) {
    hash.update(chunk);
    bytes += chunk.length;
    if (++n % 16 === 0) await sleep(1);
  }
  return { digest: hash.digest('hex'), bytes };
}

// The pull paths Node users expect: memory stays flat whatever the consumer's speed, every byte intact.
describe('reactive: pull paths keep memory flat', function () {
  this.timeout(60_000);
  let peer: InProcessServer;
  let manager: SessionManager;
  let onTunnel: (connection: Connection) => void = () => undefined;

  before(async () => (peer = await startServer({ host: ['tunnel.test'], path: '/tun' }, (connection) => onTunnel(connection))));
  beforeEach(() => (manager = new SessionManager()));
  afterEach(() => manager.close());
  after(() => peer.close());

  it('send(asyncIterable) up to a slow reader: every byte intact, RSS growth well below the payload', async () => {
    let received: Promise<{ digest: string; bytes: number }> = Promise.reject(new Error('no tunnel'));
    received.catch(() => undefined);
    onTunnel = (connection) => {
      received = slowDigest(connection);
    };
    const connection = await openTunnel(peer.address, dialSettingsFor(peer), { manager });
    const sent = createHash('sha256');
    const { growth } = await peakRssGrowth(async () => {
      await lastValueFrom(connection.send(generated(sent)), { defaultValue: undefined });
      return received;
    });
    const got = await received;
    assert.equal(got.bytes, TOTAL);
    assert.equal(got.digest, sent.digest('hex'));
    assert.ok(growth < 48 * MiB, `RSS grew ${Math.round(growth / MiB)} MiB for ${TOTAL / MiB} MiB`);
  });

  it('for await (const chunk of connection) from a fast sender: every byte intact, RSS growth well below the payload', async () => {
    const sent = createHash('sha256');
    onTunnel = (connection) => void lastValueFrom(connection.send(generated(sent)), { defaultValue: undefined }).catch(() => undefined);
    const connection = await openTunnel(peer.address, dialSettingsFor(peer), { manager });
    await connection.end();
    const { value: got, growth } = await peakRssGrowth(() => slowDigest(connection));
    assert.equal(got.bytes, TOTAL);
    assert.equal(got.digest, sent.digest('hex'));
    assert.ok(growth < 48 * MiB, `RSS grew ${Math.round(growth / MiB)} MiB for ${TOTAL / MiB} MiB`);
    assert.equal((await connection.done)._tag, 'Right');
  });

  it('leaving a for-await loop early closes the tunnel', async () => {
    onTunnel = (connection) => void connection.write(Buffer.alloc(CHUNK)).catch(() => undefined);
    const connection = await openTunnel(peer.address, dialSettingsFor(peer), { manager });
    for await (const chunk of connection) {
      assert.ok(chunk.length > 0);
      break;
    }
    assert.equal((await connection.done)._tag, 'Right');
  });
});
