/**
 * Composable retry: `dial` is a cold Observable, so RxJS's `retry` redials and `timeout({ first })`
 * bounds the attempts. What is worth retrying is decided by `isTransient` (a refused 503, a dropped
 * session, a slow answer), never by `severity`, which is a log level: a 404 or a bad certificate will
 * not fix itself. `toEither()` at the end turns whatever failed into a typed `left`.
 *
 * The tunnel lives as long as the subscription, so each case holds it while it uses it.
 * The far end is the fault-injecting server from `h2tunnel/testing`.
 *
 * Run: npx tsx examples/composable-retry.ts
 */
import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { firstValueFrom, type MonoTypeOperatorFunction, retry, switchMap, throwError, timeout, timer } from 'rxjs';
import { dial, isTransient, isTransportError, toEither, type Connection } from '../src/index.js';
import { startFaultServer } from '../src/testing/index.js';

const log: string[] = [];

function describe(error: unknown): string {
  return isTransportError(error) ? `${error.code}: ${error.message}` : String(error);
}

/** Retries transient failures with exponential backoff (50, 100, 200 ms…); anything else at once. */
function retryTransient<T>(attempts: number): MonoTypeOperatorFunction<T> {
  return retry({
    count: attempts,
    delay: (error: unknown, attempt) => {
      log.push(`attempt ${attempt} failed: ${describe(error)}`);
      console.log(log.at(-1));
      return isTransient(error) ? timer(50 * 2 ** (attempt - 1)) : throwError(() => error);
    },
  });
}

/** Sends `text`, half-closes and reads the echo, while the dial's subscription holds the tunnel. */
async function roundTrip(conn: Connection, text: string): Promise<string> {
  await conn.write(Buffer.from(text));
  await conn.end();
  const chunks: Buffer[] = [];
  for await (const chunk of conn) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Dials with the policy above and runs `use` on the tunnel; the subscription ends when `use` does. */
function attempt<T>(address: string, settings: object, use: (conn: Connection) => Promise<T>): Promise<E.Either<unknown, T>> {
  return firstValueFrom(
    dial(address, settings).pipe(
      retryTransient(4),
      timeout({ first: 10_000 }),
      toEither(),
      switchMap(async (result) => (E.isRight(result) ? E.right(await use(result.right)) : result)),
    ),
  );
}

// 1. The first two tunnels are answered 503: transient, so retried; the third attempt gets through.
const flaky = await startFaultServer({ failFirst: 2 });
try {
  const reply = await attempt(flaky.address, flaky.dialSettings, (conn) => roundTrip(conn, 'third time lucky'));
  assert.ok(E.isRight(reply));
  console.log(`echoed: ${reply.right}`);
  assert.equal(reply.right, 'third time lucky');
  assert.equal(log.length, 2);
} finally {
  await flaky.close();
}

// 2. A server that answers too late: the typed Timeout (from `responseTimeoutMs`) is retried, then surfaces.
const slow = await startFaultServer({ responseDelayMs: 2_000 });
try {
  const result = await attempt(slow.address, { ...slow.dialSettings, responseTimeoutMs: 200 }, () => Promise.resolve('unreachable'));
  assert.ok(E.isLeft(result) && isTransportError(result.left));
  console.log(`gave up: ${describe(result.left)}`);
  assert.equal(result.left._tag, 'Timeout');
} finally {
  await slow.close();
}

// 3. A 404 is a `warning` by severity, yet not transient: tried once, the typed error comes out at once.
const missing = await startFaultServer({ status: 404 });
try {
  const before = log.length;
  const result = await attempt(missing.address, missing.dialSettings, () => Promise.resolve('unreachable'));
  assert.ok(E.isLeft(result) && isTransportError(result.left));
  console.log(`not retried: ${describe(result.left)}`);
  assert.equal(result.left._tag, 'UnexpectedStatus');
  assert.equal(log.length, before + 1, 'a permanent failure is tried once');
} finally {
  await missing.close();
}

// 4. The wrong ALPN: not transient either.
const wrong = await startFaultServer({ alpn: 'http/1.1' });
try {
  const before = log.length;
  const result = await attempt(wrong.address, wrong.dialSettings, () => Promise.resolve('unreachable'));
  assert.ok(E.isLeft(result) && isTransportError(result.left));
  assert.equal(result.left._tag, 'AlpnMismatch');
  assert.equal(log.length, before + 1);
} finally {
  await wrong.close();
}
