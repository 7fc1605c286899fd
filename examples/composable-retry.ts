/**
 * Composable retry: `dial` is a cold Observable, so RxJS's `retry` redials and `timeout` bounds the
 * whole attempt. Errors are typed values with a `severity`, which decides what is worth retrying:
 * `warning` (a refused status, a dropped session, a slow answer) is transient, `error` (bad TLS, the
 * wrong ALPN, invalid config) will not fix itself.
 *
 * The far end is the fault-injecting server from `h2tunnel/testing`.
 *
 * Run: npx tsx examples/composable-retry.ts
 */
import assert from 'node:assert/strict';
import { firstValueFrom, type MonoTypeOperatorFunction, retry, throwError, timeout, timer } from 'rxjs';
import { detach, dial, isTransportError, type Connection, type TransportError } from '../src/index.js';
import { startFaultServer } from '../src/testing/index.js';

const log: string[] = [];

function describe(error: unknown): string {
  return isTransportError(error) ? `${error.code} (${error.severity}): ${error.message}` : String(error);
}

/** Retries transient failures (severity below `error`) with exponential backoff: 50, 100, 200 ms... */
function retryTransient<T>(attempts: number): MonoTypeOperatorFunction<T> {
  return retry({
    count: attempts,
    delay: (error: unknown, attempt) => {
      log.push(`attempt ${attempt} failed: ${describe(error)}`);
      console.log(log.at(-1));
      if (isTransportError(error) && error.severity === 'error') return throwError(() => error);
      return timer(50 * 2 ** (attempt - 1));
    },
  });
}

async function roundTrip(conn: Connection, text: string): Promise<string> {
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => conn.output.subscribe({ next: (c) => chunks.push(c), error: reject, complete: resolve }));
  conn.input.next(Buffer.from(text));
  conn.input.complete();
  await done;
  return Buffer.concat(chunks).toString('utf8');
}

async function failing(attempt: () => Promise<unknown>): Promise<TransportError> {
  try {
    await attempt();
  } catch (error) {
    assert.ok(isTransportError(error), `expected a typed error, got ${String(error)}`);
    return error;
  }
  throw new Error('expected a failure');
}

// 1. The first two tunnels are answered 503; the third attempt gets through.
const flaky = await startFaultServer({ failFirst: 2 });
try {
  const conn = await firstValueFrom(dial(flaky.address, flaky.dialSettings).pipe(retryTransient(4), timeout(10_000), detach()));
  const reply = await roundTrip(conn, 'third time lucky');
  console.log(`echoed: ${reply}`);
  assert.equal(reply, 'third time lucky');
  assert.equal(log.length, 2);
} finally {
  await flaky.close();
}

// 2. A server that answers too late: the typed Timeout (from `responseTimeout`) is retried, then surfaces.
const slow = await startFaultServer({ responseDelayMs: 2_000 });
try {
  const error = await failing(() => firstValueFrom(dial(slow.address, { ...slow.dialSettings, responseTimeout: 200 }).pipe(retryTransient(1), detach())));
  console.log(`gave up: ${describe(error)}`);
  assert.equal(error._tag, 'Timeout');
} finally {
  await slow.close();
}

// 3. The wrong ALPN is severity `error`: no retry, the typed error comes out at once.
const wrong = await startFaultServer({ alpn: 'http/1.1' });
try {
  const before = log.length;
  const error = await failing(() => firstValueFrom(dial(wrong.address, wrong.dialSettings).pipe(retryTransient(5), detach())));
  console.log(`not retried: ${describe(error)}`);
  assert.equal(error._tag, 'AlpnMismatch');
  assert.equal(error.severity, 'error');
  assert.equal(log.length, before + 1, 'an error-severity failure is tried once');
} finally {
  await wrong.close();
}
