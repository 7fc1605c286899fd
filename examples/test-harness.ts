/**
 * Test harness: mocha-style tests (`describe`/`it`, here from `node:test`, so it runs with nothing
 * installed) of *your* code against the fault-injecting server from `h2tunnel/testing`. The code
 * under test is `upload`, a small function an app might have: send a payload through a tunnel,
 * retry transient failures, and report the typed error otherwise.
 *
 * Run: npx tsx examples/test-harness.ts   (exits non-zero if a test fails)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { firstValueFrom, from, lastValueFrom, retry, throwError, timer } from 'rxjs';
import { detach, dial, isTransportError, type DialSettings, type TransportError } from '../src/index.js';
import { startFaultServer, type FaultServer } from '../src/testing/index.js';

// --- the code under test --------------------------------------------------------------------------

/** Sends `payload` up one tunnel to an echo service and resolves with what came back. */
async function upload(address: string, settings: DialSettings, payload: Buffer): Promise<E.Either<TransportError, Buffer>> {
  try {
    const conn = await firstValueFrom(
      dial(address, settings).pipe(
        retry({ count: 3, delay: (error: unknown) => (isTransportError(error) && error.severity === 'warning' ? timer(20) : throwError(() => error)) }),
        detach(),
      ),
    );
    const chunks: Buffer[] = [];
    const received = new Promise<void>((resolve, reject) => conn.output.subscribe({ next: (c) => chunks.push(c), error: reject, complete: resolve }));
    const sent = lastValueFrom(conn.send(from(inChunks(payload))), { defaultValue: undefined });
    await Promise.all([sent, received]);
    return E.right(Buffer.concat(chunks));
  } catch (error) {
    if (isTransportError(error)) return E.left(error);
    throw error;
  }
}

/** The payload cut into 16 KiB chunks, as a reader would deliver it. */
function inChunks(payload: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < payload.length; i += 16_384) chunks.push(payload.subarray(i, i + 16_384));
  return chunks;
}

// --- the tests ------------------------------------------------------------------------------------

const payload = Buffer.alloc(256 * 1024, 'h2tunnel ');

describe('upload against a well-behaved server', () => {
  let server: FaultServer;
  before(async () => (server = await startFaultServer()));
  after(() => server.close());

  it('gets every byte back', async () => {
    const result = await upload(server.address, server.dialSettings, payload);
    assert.ok(E.isRight(result));
    assert.ok(result.right.equals(payload));
  });
});

describe('upload against a server that refuses the first tunnels', () => {
  let server: FaultServer;
  before(async () => (server = await startFaultServer({ failFirst: 2, failStatus: 503 })));
  after(() => server.close());

  it('retries the 503s and succeeds', async () => {
    const result = await upload(server.address, server.dialSettings, payload);
    assert.ok(E.isRight(result));
    assert.equal(server.stats().streams, 3);
  });
});

describe('upload against a server that resets the stream mid-way', () => {
  let server: FaultServer;
  before(async () => (server = await startFaultServer({ resetAfterBytes: 64 * 1024 })));
  after(() => server.close());

  it('reports a typed StreamReset instead of short data', async () => {
    const result = await upload(server.address, server.dialSettings, payload);
    assert.ok(E.isLeft(result), 'a reset must not look like success');
    assert.equal(result.left._tag, 'StreamReset');
  });
});

describe('upload against a server that is not HTTP/2', () => {
  let server: FaultServer;
  before(async () => (server = await startFaultServer({ alpn: 'http/1.1' })));
  after(() => server.close());

  it('fails at once with a typed AlpnMismatch of severity error', async () => {
    const result = await upload(server.address, server.dialSettings, payload);
    assert.ok(E.isLeft(result));
    assert.equal(result.left._tag, 'AlpnMismatch');
    assert.equal(result.left.severity, 'error');
  });
});
