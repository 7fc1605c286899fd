import assert from 'node:assert/strict';
import { remoteAddress } from '../../src/protocol/remote-address.js';

describe('remoteAddress', () => {
  it('takes the first X-Forwarded-For entry when a proxy set one', () => {
    assert.equal(remoteAddress('203.0.113.7, 10.0.0.1', '127.0.0.1'), '203.0.113.7');
    assert.equal(remoteAddress(' 2001:db8::1 ', '127.0.0.1'), '2001:db8::1');
    assert.equal(remoteAddress(['198.51.100.2, 10.0.0.1', '10.9.9.9'], '127.0.0.1'), '198.51.100.2');
  });

  it('falls back to the socket address without a usable header', () => {
    assert.equal(remoteAddress(undefined, '127.0.0.1'), '127.0.0.1');
    assert.equal(remoteAddress('', '127.0.0.1'), '127.0.0.1');
    assert.equal(remoteAddress(' , 10.0.0.1', '127.0.0.1'), '127.0.0.1');
    assert.equal(remoteAddress(undefined, undefined), undefined);
  });
});
