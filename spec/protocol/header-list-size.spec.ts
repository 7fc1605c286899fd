import { strict as assert } from 'node:assert';
import { headerListSize } from '../../src/protocol/header-list-size.js';

describe('headerListSize', () => {
  it('counts names and values in octets plus 32 per field (RFC 9113 §6.5.2)', () => {
    assert.equal(headerListSize([]), 0);
    assert.equal(headerListSize([':method', 'PUT']), 7 + 3 + 32);
    assert.equal(headerListSize([':method', 'PUT', ':path', '/tun']), 83);
  });

  it('counts an empty value as a field', () => {
    assert.equal(headerListSize(['x-empty', '']), 7 + 32);
  });

  it('grows with a large header as the limit it is checked against does', () => {
    assert.equal(headerListSize(['x-big', 'a'.repeat(20_000)]), 5 + 20_000 + 32);
  });
});
