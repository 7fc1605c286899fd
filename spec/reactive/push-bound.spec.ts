import assert from 'node:assert/strict';
import { from, lastValueFrom, map, range, tap } from 'rxjs';
import { openTunnel } from '../../src/client/open-tunnel.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { MAX_PUSHED_BYTES } from '../../src/connection/connection.js';
import { isOverflow } from '../../src/errors/error-guards.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';
import { MiB, peakRssGrowth } from './support/memory.js';

const CHUNK = 64 * 1024;
const TOTAL = 200 * MiB;

// An Observable cannot be told to slow down. Pushed into a tunnel whose peer does not read, it either
// fits the documented bound or fails the tunnel with a typed Overflow: memory never grows with the source.
describe('reactive: push paths are bounded, and loud past the bound', function () {
  this.timeout(30_000);
  let peer: InProcessServer;
  let manager: SessionManager;

  // The server takes every tunnel and never reads it.
  before(async () => (peer = await startServer({ host: ['tunnel.test'], path: '/tun' }, () => undefined)));
  beforeEach(() => (manager = new SessionManager()));
  afterEach(() => manager.close());
  after(() => peer.close());

  const open = () => openTunnel(peer.address, dialSettingsFor(peer), { manager });
  // Built lazily: nothing holds the 200 MiB unless the tunnel's path does.
  const lazyChunks = () => range(0, TOTAL / CHUNK).pipe(map(() => Buffer.allocUnsafe(CHUNK).fill(3)));

  it(`input: a lazily built 200 MiB source fails the tunnel with Overflow at ${MAX_PUSHED_BYTES / MiB} MiB, memory bounded`, async () => {
    const connection = await open();
    const { value: result, growth } = await peakRssGrowth(async () => {
      lazyChunks().subscribe(connection.input);
      return connection.done;
    });
    assert.ok(result._tag === 'Left' && isOverflow(result.left) && result.left.severity === 'error', JSON.stringify(result));
    assert.ok(growth < 100 * MiB, `RSS grew ${Math.round(growth / MiB)} MiB`);
  });

  it('send(observable) errors with Overflow instead of queueing the source, and stops the source there', async () => {
    const connection = await open();
    let built = 0;
    const counted = lazyChunks().pipe(tap(() => built++));
    const { value: error, growth } = await peakRssGrowth(() =>
      lastValueFrom(connection.send(counted), { defaultValue: undefined }).then(
        () => assert.fail('send completed'),
        (e: unknown) => e,
      ),
    );
    assert.ok(isOverflow(error), String(error));
    assert.ok(growth < 100 * MiB, `RSS grew ${Math.round(growth / MiB)} MiB`);
    assert.ok(built <= MAX_PUSHED_BYTES / CHUNK + 2, `the source built ${built} chunks of ${TOTAL / CHUNK}`);
    assert.equal((await connection.done)._tag, 'Left');
  });

  it('a push within the bound leaves the tunnel open: from(array) of 4 MiB to a peer that has not read yet', async () => {
    const connection = await open();
    const data = Buffer.alloc(4 * MiB, 9);
    const chunks: Buffer[] = [];
    for (let at = 0; at < data.length; at += CHUNK) chunks.push(data.subarray(at, at + CHUNK));
    from(chunks).subscribe({ next: (chunk) => connection.input.next(chunk) });
    assert.equal(connection.failure, undefined);
    assert.equal(connection.closed, false);
  });
});
