import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { checkStatus } from '../../../src/protocol/v2ray-http/status.js';

describe('checkStatus', () => {
  it('opens the tunnel only on 200', () => {
    assert.deepEqual(checkStatus(200), E.right(200));
  });

  it('is a warning-level UnexpectedStatus carrying the status otherwise', () => {
    for (const status of [204, 301, 404, 503]) {
      const result = checkStatus(status);
      assert.ok(E.isLeft(result));
      assert.equal(result.left._tag, 'UnexpectedStatus');
      assert.equal(result.left.status, status);
      assert.equal(result.left.severity, 'warning');
      assert.equal(result.left.message, `unexpected status ${status}`);
    }
  });

  it('treats a missing status as 0', () => {
    const result = checkStatus(undefined);
    assert.ok(E.isLeft(result) && result.left.status === 0);
  });
});
