import assert from 'node:assert/strict';
import { newSessionId, requestMethod, requestPath } from '../../../src/protocol/xhttp/request-target.js';

describe('requestPath', () => {
  const path = { base: '/p/', query: '' };

  it('builds each mode’s URL with session and seq as segments', () => {
    assert.equal(requestPath(path, { kind: 'stream-one' }), '/p/');
    assert.equal(requestPath(path, { kind: 'download', sessionId: 'abc' }), '/p/abc');
    assert.equal(requestPath(path, { kind: 'stream-up', sessionId: 'abc' }), '/p/abc');
    assert.equal(requestPath(path, { kind: 'packet', sessionId: 'abc', seq: 12 }), '/p/abc/12');
  });

  it('appends the configured query after the segments', () => {
    assert.equal(requestPath({ base: '/p/', query: 'ed=2048' }, { kind: 'packet', sessionId: 's', seq: 0 }), '/p/s/0?ed=2048');
  });

  it('uses GET only for the download', () => {
    assert.equal(requestMethod({ kind: 'download', sessionId: 's' }, 'POST'), 'GET');
    assert.equal(requestMethod({ kind: 'packet', sessionId: 's', seq: 0 }, 'POST'), 'POST');
    assert.equal(requestMethod({ kind: 'stream-one' }, 'PUT'), 'PUT');
  });
});

describe('newSessionId', () => {
  it('is a lower-case UUID v4, new each time', () => {
    const id = newSessionId();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(newSessionId(), id);
  });
});
