import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { lastValueFrom, reduce } from 'rxjs';
import { openTunnel } from '../../src/client/open-tunnel.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { isStreamReset } from '../../src/errors/error-guards.js';
import { startFaultServer, type FaultServer } from '../../src/testing/index.js';

// A harness that tests "my code handles a reset" must reach the code's reset path: the fault server's
// reset is a bare RST_STREAM, as a real peer's is, never an END_STREAM that looks like a clean end.
describe('reactive: the fault server resets the way a real peer does', function () {
  this.timeout(15_000);
  let manager: SessionManager;
  const servers: FaultServer[] = [];
  beforeEach(() => (manager = new SessionManager()));
  afterEach(async () => {
    await manager.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  const echoBytes = async (options: Parameters<typeof startFaultServer>[0]) => {
    const server = await startFaultServer(options);
    servers.push(server);
    const connection = await openTunnel(server.address, { ...server.dialSettings, readIdleTimeoutMs: 0 }, { manager });
    const received = lastValueFrom(connection.output.pipe(reduce((n, chunk) => n + chunk.length, 0))).then(
      (bytes) => ({ how: 'complete' as const, bytes }),
      (error: unknown) => ({ how: 'error' as const, error }),
    );
    const payload = Buffer.alloc(200_000, 7);
    await connection.write(payload).catch(() => undefined);
    await connection.end().catch(() => undefined);
    return { received: await received, done: await connection.done, sent: createHash('sha256').update(payload).digest('hex') };
  };

  it('resetAfterBytes: output errors with StreamReset (the code asked for), never completes', async () => {
    const { received, done } = await echoBytes({ resetAfterBytes: 98_304, resetCode: 11 });
    assert.equal(received.how, 'error', JSON.stringify(received));
    assert.ok(received.how === 'error' && isStreamReset(received.error) && received.error.rstCode === 11, String(received.how === 'error' && received.error));
    assert.ok(done._tag === 'Left' && isStreamReset(done.left));
  });

  it('resetAfterBytes with the default code: a bare RST_STREAM(INTERNAL_ERROR)', async () => {
    const { received, done } = await echoBytes({ resetAfterBytes: 98_304 });
    assert.ok(received.how === 'error' && isStreamReset(received.error) && received.error.rstCode === 2, JSON.stringify(received));
    assert.ok(done._tag === 'Left');
  });

  it('endThenResetAfterBytes: END_STREAM then RST_STREAM, the named fault for clients that trust END_STREAM', async () => {
    const { received, done } = await echoBytes({ endThenResetAfterBytes: 98_304 });
    // The response body did end (END_STREAM): output completes short; the lost upload still makes done left.
    assert.ok(received.how === 'complete' && received.bytes < 200_000, JSON.stringify(received));
    assert.ok(done._tag === 'Left' && isStreamReset(done.left), JSON.stringify(done));
  });
});
