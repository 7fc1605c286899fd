import assert from 'node:assert/strict';
import { lastValueFrom } from 'rxjs';
import { openTunnel } from '../../src/client/open-tunnel.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import type { Connection } from '../../src/connection/connection.js';
import { isStreamReset, isUsageError } from '../../src/errors/error-guards.js';
import { eventually } from '../helpers/eventually.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';
import { pieces } from '../client/support/bytes.js';

// A tunnel either carries every byte or says why not: a write that cannot be delivered is reported to
// the writer, and `done` is left whenever bytes were lost.
describe('reactive: no silent loss', function () {
  this.timeout(20_000);
  let peer: InProcessServer;
  let manager: SessionManager;
  let hold: 'echo' | 'no-read' = 'echo';

  before(
    async () =>
      (peer = await startServer({ host: ['tunnel.test'], path: '/tun' }, (connection) => {
        if (hold === 'echo') connection.toDuplex().pipe(connection.toDuplex());
      })),
  );
  beforeEach(() => {
    manager = new SessionManager();
    hold = 'echo';
  });
  afterEach(() => manager.close());
  after(() => peer.close());

  const open = () => openTunnel(peer.address, dialSettingsFor(peer), { manager });
  const serverSide = async (before: number): Promise<Connection> => {
    await eventually(() => peer.accepted.length > before, 'the server to accept the tunnel', 2_000);
    return peer.accepted[before] as Connection;
  };

  it('input.next after end() throws a UsageError of severity error, while the tunnel is open and after it closed', async () => {
    const connection = await open();
    connection.output.subscribe({ error: () => undefined });
    await connection.end();
    assert.throws(
      () => connection.input.next(Buffer.from('late')),
      (e: unknown) => isUsageError(e) && e.severity === 'error',
    );
    await connection.done;
    assert.throws(() => connection.input.next(Buffer.from('later')), isUsageError);
  });

  it('write() after end() and after close() rejects with a UsageError, not a transient SessionClosed', async () => {
    const ended = await open();
    ended.output.subscribe({ error: () => undefined });
    await ended.end();
    await assert.rejects(ended.write(Buffer.from('x')), (e: unknown) => isUsageError(e) && e.severity === 'error' && /after end\(\)/.test(e.message));
    const closed = await open();
    closed.close();
    await assert.rejects(closed.write(Buffer.from('x')), (e: unknown) => isUsageError(e) && /after close\(\)/.test(e.message));
  });

  it('after a peer reset, input.next drops the chunk but done is left with the reset', async () => {
    const before = peer.accepted.length;
    const connection = await open();
    connection.output.subscribe({ error: () => undefined });
    (await serverSide(before)).close(new Error('the peer gives up'));
    await eventually(() => connection.closed, 'the reset to arrive', 2_000);
    connection.input.next(Buffer.from('into the void'));
    const result = await connection.done;
    assert.ok(result._tag === 'Left' && isStreamReset(result.left), JSON.stringify(result));
  });

  it('end() and send() reject when the stream dies before its END_STREAM was written; done is left', async () => {
    hold = 'no-read';
    const before = peer.accepted.length;
    const connection = await open();
    connection.output.subscribe({ error: () => undefined });
    // Far more than the window: the END_STREAM waits behind bytes the peer never reads.
    const sending = lastValueFrom(connection.send(pieces(Buffer.alloc(16 * 1024 * 1024, 1))), { defaultValue: 'completed' as const });
    const server = await serverSide(before);
    await eventually(() => connection.toDuplex().writableLength > 0, 'the writer to stall', 5_000);
    server.close(new Error('reset while the upload waits'));
    await assert.rejects(sending, (e: unknown) => isStreamReset(e));
    await assert.rejects(connection.end(), (e: unknown) => isStreamReset(e));
    assert.equal((await connection.done)._tag, 'Left');
  });
});
