import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { map, retry, timeout } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { toEither } from '../../src/client/to-either.js';
import type { Connection } from '../../src/connection/connection.js';
import { isTimeout } from '../../src/errors/error-guards.js';
import { unexpectedStatus } from '../../src/errors/transport-error.js';

// Marble tests, as rxjs tests its own operators: the dial is a stand-in Observable of a Connection.
describe('toEither (after retry and timeout)', () => {
  const conn = { stand: 'in' } as unknown as Connection;
  let scheduler: TestScheduler;
  beforeEach(() => (scheduler = new TestScheduler((actual, expected) => assert.deepEqual(actual, expected))));

  it('emits right(connection) and completes with the dial', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('--c--|', { c: conn }).pipe(toEither())).toBe('--r--|', { r: E.right(conn) });
    });
  });

  it("turns a timeout operator's untyped TimeoutError into a typed Timeout", () => {
    scheduler.run(({ cold, expectObservable }) => {
      const tagged = cold('-----c|', { c: conn }).pipe(
        timeout({ first: 3 }),
        toEither(),
        map((result) => (E.isLeft(result) && isTimeout(result.left) ? `${result.left._tag} ${result.left.message}` : 'other')),
      );
      expectObservable(tagged).toBe('---(t|)', { t: 'Timeout the dial (by a timeout operator) timed out' });
    });
  });

  it('after retry: the last typed error, once the attempts are spent', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const failure = unexpectedStatus(503);
      expectObservable(cold<Connection>('-#', undefined, failure).pipe(retry(2), toEither())).toBe('---(l|)', { l: E.left(failure) });
    });
  });
});
